package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/store"
)

// Safety defaults (DESIGN §4).
const (
	defaultMaxChangePercent = 25
	minChangeLimit          = 50
	// everyRecordMin exempts tiny sides from the "every record would
	// change" rail: with a handful of records that is ordinary.
	everyRecordMin = 10
)

type retryKey struct{ side, source string }

// touchDueRetries makes the source records of due retry entries part of
// this plan again.
func (p *planner) touchDueRetries(ctx context.Context) ([]store.RetryRow, error) {
	due, err := p.e.st.Retries(ctx, p.syncID, !p.retryNow, p.e.now())
	if err != nil {
		return nil, err
	}
	if !p.retryNow {
		// Those not due wait: the run's outcome says so, not plain success.
		all, err := p.e.st.Retries(ctx, p.syncID, false, p.e.now())
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			if r.NextAt.After(p.e.now()) {
				p.retryWait[retryKey{r.Side, r.RecordID}] = r.NextAt
			}
		}
	}
	bySource := map[string][]string{}
	for _, r := range due {
		p.due[retryKey{r.Side, r.RecordID}] = true
		src := otherSide(r.Side)
		bySource[src] = append(bySource[src], r.RecordID)
	}
	for side, ids := range bySource {
		if err := p.e.st.TouchRecords(ctx, p.syncID, side, ids); err != nil {
			return nil, err
		}
	}
	return due, nil
}

// finishRetries drops due entries the plan no longer needs to write.
// Entries not due count as waiting unless the plan writes their record
// anyway (it changed again): that write drops them.
func (p *planner) finishRetries(due []store.RetryRow) {
	for _, r := range due {
		if !p.written[retryKey{r.Side, r.RecordID}] {
			p.plan.retryDone = append(p.plan.retryDone, retryKey{r.Side, r.RecordID})
		}
	}
	for rk, next := range p.retryWait {
		if p.written[rk] {
			continue
		}
		if p.plan.RetryWaiting == 0 || next.Before(p.plan.RetryNext) {
			p.plan.RetryNext = next
		}
		p.plan.RetryWaiting++
	}
}

// safety marks the plan as needing confirmation when it would change more
// than the limit, or every record of a side. before and after are the
// sides' record counts before and after this plan's read.
func (p *planner) safety(before, after map[string]int) {
	pct := p.def.Safety.MaxChangePercent
	if pct == 0 {
		pct = defaultMaxChangePercent
	}
	c := p.plan.Counts
	writes := map[string]int{"a": c.CreateA + c.UpdateA, "b": c.CreateB + c.UpdateB}
	updates := map[string]int{"a": c.UpdateA, "b": c.UpdateB}
	for _, s := range []string{"a", "b"} {
		total := max(after[s], before[s])
		limit := max(total*pct/100, minChangeLimit)
		if writes[s] > limit {
			p.confirm(fmt.Sprintf("would create or change %d records on side %s, above the limit of %d (%d%% of its %d records, at least %d)",
				writes[s], strings.ToUpper(s), limit, pct, total, minChangeLimit))
		}
		if after[s] >= everyRecordMin && updates[s] >= after[s] {
			p.confirm(fmt.Sprintf("would change every one of the %d records on side %s", after[s], strings.ToUpper(s)))
		}
	}
	if m := p.def.Safety.MaxChanges; m > 0 {
		if n := writes["a"] + writes["b"]; n > m {
			p.confirm(fmt.Sprintf("would create or change %d records, above this sync's limit of %d", n, m))
		}
	}
}

// estimate fills the API calls: pages read plus writes by batch (+1 for
// each side's schema).
func (p *planner) estimate() {
	per := map[string]int{"a": p.pages["a"] + 1, "b": p.pages["b"] + 1}
	for _, s := range []string{"a", "b"} {
		bs := p.side[s].batch()
		creates, updates, deletes := p.tally.creates[s], p.tally.updates[s], 0
		for _, d := range p.plan.Deletes {
			if d.Side == s {
				deletes++
			}
		}
		per[s] += ceilDiv(creates, bs) + ceilDiv(updates, bs) + ceilDiv(deletes, bs)
	}
	p.plan.EstimatedCalls = Calls{A: per["a"], B: per["b"]}
}

func ceilDiv(n, d int) int { return (n + d - 1) / d }
