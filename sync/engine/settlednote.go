package engine

import (
	"context"
	"fmt"
	"regexp"
	"slices"
)

// unknownNoteRe matches the note unknownNote or crashNote gave a run whose
// writes of unknown outcome the next plan was to settle.
var unknownNoteRe = regexp.MustCompile(`(\d+) outcome unknown \(sent in a call the (?:stop|crash or kill) cut short; the CRM may hold them\)` +
	regexp.QuoteMeta(settledNext))

// settledWords replace that note once the run's journal is settled: History
// said "outcome unknown … the next run settles them" long after it had.
const settledWords = "${1} outcome unknown when it was cut short, settled since (read back from the CRM: this run's counts and field changes hold those it had written)"

// noteUnsettled remembers run, whose journal has a pending row this plan
// settles, for noteSettledRuns.
func (p *planner) noteUnsettled(run int64) {
	if !slices.Contains(p.unsettled, run) {
		p.unsettled = append(p.unsettled, run)
	}
}

// noteSettledRuns rewrites the note of each run noteUnsettled named
// whose journal this plan settled whole. A failure is logged, not
// returned: the settling itself is committed.
func (p *planner) noteSettledRuns(ctx context.Context) {
	for _, id := range p.unsettled {
		if err := p.noteSettledRun(ctx, id); err != nil {
			p.e.log.Warn("say a run's writes of unknown outcome are settled", "run", id, "err", err)
		}
	}
	p.unsettled = nil
}

func (p *planner) noteSettledRun(ctx context.Context, id int64) error {
	js, err := p.e.st.RunPendingJournals(ctx, id)
	if err != nil || len(js) > 0 {
		return err
	}
	r, err := p.e.st.Run(ctx, id)
	if err != nil {
		return err
	}
	msg := unknownNoteRe.ReplaceAllString(r.Message, settledWords)
	if msg == r.Message {
		return nil
	}
	if err := p.e.st.SetRunMessage(ctx, id, msg); err != nil {
		return fmt.Errorf("engine: note of run %d: %w", id, err)
	}
	return nil
}
