package engine

import (
	"fmt"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// modifiedTick is the coarser of the two sides' modified-time resolutions,
// in milliseconds (the index's unit): the step both times are cut to
// before the newer policy orders two edits. Zoho, Dataverse, Pipedrive and
// Salesforce stamp whole seconds, so HubSpot's 10:00:00.500 is no later
// than a Zoho edit stamped 10:00:00, which may have been made at .900.
func modifiedTick(a, b Side) int64 {
	return max(resolution(a), resolution(b), time.Millisecond).Milliseconds()
}

// resolution is the step a side's vendor keeps modified times in; a
// connector that does not say keeps them to the millisecond or finer.
func resolution(s Side) time.Duration {
	if r, ok := s.Conn.(connector.ModifiedResolver); ok {
		return r.ModifiedResolution(s.Object)
	}
	return time.Millisecond
}

// newerSide says which record was edited later, "a" or "b", at the
// merger's tick, or "" when both edits fall in one tick: their order is not
// known, and picking either (side A, say) would drop a change that may be
// the later one.
func (m merger) newerSide(a, b recView) string {
	tick := max(m.tick, 1)
	ta, tb := floorDiv(a.modified, tick), floorDiv(b.modified, tick)
	switch {
	case ta > tb:
		return "a"
	case tb > ta:
		return "b"
	}
	return ""
}

// sameTickReason is a held tie's reason, naming the tick.
func (m merger) sameTickReason(row string) string {
	unit := "millisecond"
	if m.tick >= time.Second.Milliseconds() {
		unit = "second"
	}
	return fmt.Sprintf("both sides changed %s in the same %s, so the newer policy cannot tell which change came last", row, unit)
}

func floorDiv(x, y int64) int64 {
	q := x / y
	if (x%y != 0) && ((x < 0) != (y < 0)) {
		q--
	}
	return q
}
