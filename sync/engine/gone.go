package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// recordGone says whether an update's error means its target record no
// longer exists in the vendor (deleted, archived): not found, naming no
// field. A not-found error naming a field is a reference the record holds
// (Salesforce's INVALID_CROSS_REFERENCE_KEY on AccountId), not its absence.
func recordGone(err error) bool {
	var re *connector.RecordError
	return errors.As(err, &re) && re.Category == connector.CatNotFound && re.Field == ""
}

// gone holds the delete of an update's target that was deleted in the
// vendor since the last read, which a sync without delete propagation does
// not read (HubSpot's search omits archived records, and Pipedrive and
// Dataverse deletes are found by comparing ids only when deletes
// propagate), or that went between the plan's read and the write. The
// vendor's "no such record" is the delete itself, so it is held in this run
// as a delete read would be: the record is marked deleted, its partner is
// left as it is (and with propagation on a person reviews the delete), the
// run says so in its warnings, and nothing counts as failed. The record is
// also made part of the next plan, which holds the delete like any other.
func (r *run) gone(ctx context.Context, c *store.Commit, side string, p pending) error {
	c.RetryDone = append(c.RetryDone, store.RetryKey{Side: side, RecordID: p.w.Source})
	c.Index = append(c.Index, store.IndexWrite{Side: side, ID: p.w.ID, Deleted: true, Fields: r.current[p.w.ID]})
	if r.plan.def.Safety.PropagateDeletes {
		it := r.goneReview(side, p)
		c.Reviews = append(c.Reviews, store.ReviewRow{Kind: it.Kind, Side: it.Side, RecordID: it.RecordID, OtherID: it.OtherID, Detail: reviewDetail(it)})
		r.sum.Review++ // the run's summary counts what it sent to review
	}
	return r.locked(func() error {
		r.warnGone(side, p)
		return r.e.st.TouchRecords(ctx, r.plan.SyncID, side, []string{p.w.ID})
	})
}

// goneReview is the review item of a delete found by an update, worded as
// the planner's heldDelete words one it read.
func (r *run) goneReview(side string, p pending) ReviewItem {
	reason := fmt.Sprintf("deleted on side %s; approve to delete %s on side %s", strings.ToUpper(side), p.w.Source, strings.ToUpper(otherSide(side)))
	return ReviewItem{Kind: "delete", Side: side, RecordID: p.w.ID, OtherID: p.w.Source, Reason: reason}
}

// warnGone adds the run's warning for a delete found by an update; the
// caller holds storeMu, which guards the plan's warnings during a run.
func (r *run) warnGone(side string, p pending) {
	gone, kept := r.plan.def.sideDef(side), r.plan.def.sideDef(otherSide(side))
	w := fmt.Sprintf("%s %s %s was deleted in %s since the last run; its %s %s %s was left as it is",
		gone.Connection, gone.Object, p.w.ID, gone.Connection, kept.Connection, kept.Object, p.w.Source)
	if r.plan.def.Safety.PropagateDeletes {
		w += " until a person approves its delete in review"
	}
	if len(r.plan.Warnings) < 100 {
		r.plan.Warnings = append(r.plan.Warnings, w)
	} else {
		r.plan.WarningsOmitted++
	}
}

// sideDef is the connection and object of side "a" or "b".
func (d Definition) sideDef(side string) SideDef {
	if side == "b" {
		return d.B
	}
	return d.A
}
