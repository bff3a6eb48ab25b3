package engine

import (
	"fmt"

	"github.com/crmsync/crmsync/store"
)

// noteIndexedBefore records, per side, the index's highest sequence
// before this plan reads: a record at or below it that the plan merges was
// read by an earlier plan (a preview, or a run that stopped) and not yet
// merged, so it is in no "read" count of this plan.
func (p *planner) noteIndexedBefore(side string, maxSeq int64) {
	if p.indexedBefore == nil {
		p.indexedBefore = map[string]int64{}
	}
	p.indexedBefore[side] = maxSeq
}

// countReadEarlier counts the rows of a pass read by an earlier plan.
func (p *planner) countReadEarlier(side string, rows []store.PairRow) {
	n := 0
	for _, pr := range rows {
		if pr.Rec.Seq <= p.indexedBefore[side] {
			n++
		}
	}
	if side == "a" {
		p.plan.Counts.ReadEarlierA += n
	} else {
		p.plan.Counts.ReadEarlierB += n
	}
}

// ReadLine is the summary's first line, naming the sides ("read 7 from
// hs contacts, 2 from sf Contact"). A run right after a preview reads
// only what changed since the preview: "read 0 …, 0 …" alone read like a
// failure, so it also says what it merged of the preview's reads.
func (p *Plan) ReadLine() string {
	c := p.Counts
	a, b := p.def.SideName("a"), p.def.SideName("b")
	line := fmt.Sprintf("sync %q: read %d from %s, %d from %s", p.Sync, c.ReadA, a, c.ReadB, b)
	if c.ReadEarlierA+c.ReadEarlierB > 0 {
		line += fmt.Sprintf(" (and merged %d from %s, %d from %s read earlier, by a preview or an unfinished run)", c.ReadEarlierA, a, c.ReadEarlierB, b)
	}
	return line
}
