package engine

import (
	"context"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// settleRefused settles the journal row of an update call that ended in a
// refusal stopping the run (a 429 storm, a lost sign-in) when the vendor
// answered every attempt: nothing was written, and left pending the next
// plan would audit each value as "outcome unknown" under this run, though
// it never reached the record (an undo's retry then showed every record of
// the batch written back twice). It returns stop, or the store's error.
func (r *run) settleRefused(ctx context.Context, journalID int64, create bool, attempts *connector.Attempts, err, stop error) error {
	if create || ctx.Err() != nil || connector.OutcomeUnknown(err) || !attempts.AllAnswered() {
		return stop
	}
	if cerr := r.commit(ctx, store.Commit{SyncID: r.plan.SyncID, RunID: r.id, JournalDone: []int64{journalID}}); cerr != nil {
		return cerr
	}
	return stop
}
