package engine

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// deletes runs the deletes a person approved, in batches of each side's
// batch size (HubSpot's batch/archive takes 100, Salesforce's sObject
// Collections 200): an undo of a run that created a thousand records
// deletes them in ten calls, not a thousand. Each batch's outcome is
// committed in one transaction, as writes are.
func (r *run) deletes(ctx context.Context) error {
	done, total := 0, len(r.plan.Deletes)
	for start := 0; start < total; {
		side := r.plan.Deletes[start].Side
		end := start
		for end < total && end-start < r.side[side].batch() && r.plan.Deletes[end].Side == side {
			end++
		}
		batch := r.plan.Deletes[start:end]
		errs, stop := r.deleteBatch(ctx, side, batch)
		// What was done before a stop is kept, as a committed batch is.
		if err := r.commitDeletes(ctx, batch[:len(errs)], errs); err != nil {
			return err
		}
		if stop != nil {
			return stop
		}
		done += len(batch)
		r.progress("delete", done, total)
		start = end
	}
	return nil
}

// deleteBatch deletes batch (all on side) and returns each delete's error
// (nil: deleted, or found gone already), for the deletes it got to: a
// failure that must end the run is returned as such, with the outcomes
// before it. A batch refused as a whole for another reason (a 4xx) is sent
// again one record at a time, so one bad record does not fail the others
// and each failure names its own record.
func (r *run) deleteBatch(ctx context.Context, side string, batch []DeleteOp) ([]error, error) {
	errs := make([]error, len(batch))
	s := r.side[side]
	del, ok := s.Conn.(connector.Deleter)
	if !ok {
		for i := range errs {
			errs[i] = fmt.Errorf("engine: %s cannot delete records", r.plan.def.SideName(side))
		}
		return errs, nil
	}
	ids := make([]string, len(batch))
	for i, d := range batch {
		ids[i] = d.ID
	}
	res, err := del.Delete(ctx, s.Object, ids)
	if err == nil && len(res) != len(ids) {
		err = fmt.Errorf("engine: delete returned %d results for %d records", len(res), len(ids))
	}
	if err != nil {
		if stop := stopCategory(ctx, err); stop != nil {
			return nil, stop
		}
		if len(batch) == 1 || connector.OutcomeUnknown(err) {
			// A server failure is no record's fault: sent one by one, each
			// would fail alike. Every record of the batch carries it.
			for i := range errs {
				errs[i] = notGone(err)
			}
			return errs, nil
		}
		for i := range batch {
			one, stop := r.deleteBatch(ctx, side, batch[i:i+1])
			if stop != nil {
				return errs[:i], stop
			}
			errs[i] = one[0]
		}
		return errs, nil
	}
	for i := range res {
		errs[i] = notGone(res[i].Err)
	}
	return errs, nil
}

// notGone is a delete's error, nil when it says the record is gone
// already: the CRM carried out a delete whose answer was lost, and the
// call sent again finds it gone (Salesforce's ENTITY_IS_DELETED). What was
// approved holds.
func notGone(err error) error {
	if recordGone(err) {
		return nil
	}
	return err
}

// commitDeletes stores a batch's outcome: the deleted records unlinked,
// indexed as deleted, audited and their review items done; the failures
// as the run's errors, naming each record and the vendor's message, a
// conflict's review item back in review.
func (r *run) commitDeletes(ctx context.Context, batch []DeleteOp, errs []error) error {
	c := store.Commit{SyncID: r.plan.SyncID, RunID: r.id}
	for i, d := range batch {
		if errs[i] != nil {
			r.sum.Failed++
			c.Errors = append(c.Errors, runError(d.Side, d.ID, errs[i]))
			if connector.CategoryOf(errs[i]) == connector.CatConflict && d.ReviewID != 0 {
				// Changed in that CRM since it was read (a version the CRM
				// refused): the approval was of the record as it was, so a
				// person decides again rather than the next run deleting
				// the edit.
				c.ReviewOpen = append(c.ReviewOpen, d.ReviewID)
			}
			continue
		}
		r.sum.Deleted++
		c.Unlinks = append(c.Unlinks, d.LinkedA)
		c.Index = append(c.Index, store.IndexWrite{Side: d.Side, ID: d.ID, Deleted: true, Modified: r.e.now().UnixMilli()})
		c.Audit = append(c.Audit, approvedDeleteAudit(d.Side, d.ID))
		c.ReviewDone = append(c.ReviewDone, d.ReviewID)
	}
	return r.e.st.Commit(ctx, c)
}
