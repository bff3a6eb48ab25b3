package engine

import (
	"fmt"

	"github.com/crmsync/crmsync/sync/connector"
)

// TargetStopError is a side's writes stopped at the vendor's refusal of
// the object's endpoint, table, URL or audience as a whole
// (connector.CatTarget): the rest of that side's planned writes were not
// sent, since each would have cost a call to meet the same answer, and
// wait for the next run.
type TargetStopError struct {
	Err    error  // the vendor's refusal
	Side   string // a | b
	Object string
	Unsent int // planned writes of the side not sent
}

func (e *TargetStopError) Error() string {
	return fmt.Sprintf("%v; %s of %s (side %s) not written, so as not to spend a call on each for the same answer: kept for the next run",
		e.Err, nRecords(e.Unsent, "record"), e.Object, e.Side)
}

func (e *TargetStopError) Unwrap() error { return e.Err }

// noteUnsent records how many writes of a phase a stop left unsent
// (total planned, done sent), for targetStopped.
func (r *run) noteUnsent(total, done int) { r.unsent = max(total-done, 0) }

// targetStopped names, on a stop of side's writes by a refusal of its
// whole object, how many of the side's planned writes were not sent: those
// of the phase that stopped (noteUnsent) and of the phases after it
// (later: true for creates, false for updates).
func (r *run) targetStopped(side string, later []bool) {
	if r.stop == nil || connector.CategoryOf(r.stop) != connector.CatTarget {
		return
	}
	n := r.unsent
	for _, create := range later {
		n += r.plannedWrites(side, create)
	}
	r.stop = &TargetStopError{Err: r.stop, Side: side, Object: r.side[side].Object, Unsent: n}
}

// plannedWrites is how many creates (or updates) the plan has for side.
func (r *run) plannedWrites(side string, create bool) int {
	c := r.plan.Counts
	switch {
	case create && side == "a":
		return c.CreateA
	case create:
		return c.CreateB
	case side == "a":
		return c.UpdateA
	default:
		return c.UpdateB
	}
}
