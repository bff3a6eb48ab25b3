package engine

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// stormStop stops the run for a vendor failing every call; every journal
// row of the batch stays pending for the next plan to settle.
func stormStop(err error, calls string) error {
	return stopError{fmt.Errorf("%w (to every call: %s; the run stopped, nothing was lost, the next run resumes)", err, calls)}
}

const stormCalls = "the batch, its halves and two records alone"

// splitAfterFailure resends a batch whose call failed (callErr) in parts.
// suspect: the batch's parent and both its halves failed on the vendor's
// side.
func (r *run) splitAfterFailure(ctx context.Context, side string, ps []pending, kp keyPlan, create bool, journalID int64, callErr error, suspect bool) error {
	c := store.Commit{SyncID: r.plan.SyncID, RunID: r.id}
	rest := ps
	if create && ps[0].op.Kind != connector.OpUpsert {
		// The call may have created records before failing (a timeout):
		// look them up so a retry cannot duplicate them.
		found, left, ok, err := r.lookupCreated(ctx, side, ps, kp, callErr)
		if err != nil {
			return err
		}
		if !ok {
			for _, p := range ps {
				r.fail(&c, side, p, fmt.Errorf("%w (outcome unknown: the connector cannot look records up, so the batch is not resent)", callErr))
			}
			return r.commit(ctx, c)
		}
		for i, id := range found {
			if err := r.succeed(ctx, &c, side, ps[i], id, true); err != nil {
				return err
			}
		}
		rest = left
	}
	if len(rest) == 1 {
		if suspect && serverError(callErr) {
			// Alone, after the batch and both halves failed: a storm.
			if err := r.commit(ctx, c); err != nil {
				return err
			}
			return stormStop(callErr, stormCalls)
		}
		// A single record whose call failed: its outcome is unknown, so the
		// journal row stays pending and the next plan settles it (lookup
		// for a create, audit for an update) before anything is resent.
		r.fail(&c, side, rest[0], callErr)
		return r.commit(ctx, c)
	}
	if err := r.commit(ctx, c); err != nil {
		return err
	}
	failedBefore := r.sum.Failed
	for i := range rest {
		rest[i].resent = true
	}
	if len(rest) > 0 {
		if err := r.resendParts(ctx, side, rest, kp, create, callErr, suspect); err != nil {
			return err
		}
	}
	if r.sum.Failed != failedBefore {
		// A record failed when resent, yet the failed call may have written
		// it: leave the row pending for the next plan to settle.
		return nil
	}
	// Every record was written again by a part with its own journal row.
	return r.commit(ctx, store.Commit{SyncID: r.plan.SyncID, RunID: r.id, JournalDone: []int64{journalID}})
}

// sentPart is one part of a failed batch, sent again.
type sentPart struct {
	ps        []pending
	journalID int64
	err       error // the call's failure, nil when it passed
}

// resendParts sends rest, a failed batch's records (at least two), again
// in parts and splits each part that fails in turn. Both halves are sent
// before either is split again. When the batch and both halves failed on
// the vendor's side (suspect), records go alone first (probeStorm): a
// vendor failing every call (a storm) is told from records that each fail
// any call holding them (a 500 they cause) without halving down to single
// records, each call retried, which would take hours.
func (r *run) resendParts(ctx context.Context, side string, rest []pending, kp keyPlan, create bool, callErr error, suspect bool) error {
	var parts []sentPart
	var err error
	if suspect {
		parts, err = r.probeStorm(ctx, side, rest, kp, create)
	} else {
		parts, err = r.sendParts(ctx, side, kp, create, rest[:len(rest)/2], rest[len(rest)/2:])
	}
	if err != nil {
		return err
	}
	both := !suspect && serverError(callErr) && len(parts) == 2 && serverError(parts[0].err) && serverError(parts[1].err)
	for _, part := range parts {
		if part.err == nil {
			continue
		}
		if err := r.splitAfterFailure(ctx, side, part.ps, kp, create, part.journalID, part.err, both); err != nil {
			return err
		}
	}
	return nil
}

// probeStorm sends rest's first record alone. When the vendor fails it
// too, that may be the record (a poison record fails any call holding it)
// or the vendor (failing every call): the second record goes alone, and
// when the vendor fails that one as well the run stops as a storm. The
// records left go in one part.
func (r *run) probeStorm(ctx context.Context, side string, rest []pending, kp keyPlan, create bool) ([]sentPart, error) {
	first, err := r.sendParts(ctx, side, kp, create, rest[:1])
	if err != nil {
		return nil, err
	}
	if !serverError(first[0].err) {
		next, err := r.sendParts(ctx, side, kp, create, rest[1:])
		return append(first, next...), err
	}
	second, err := r.sendParts(ctx, side, kp, create, rest[1:2])
	if err != nil {
		return nil, err
	}
	if serverError(second[0].err) {
		return nil, stormStop(second[0].err, stormCalls)
	}
	next, err := r.sendParts(ctx, side, kp, create, rest[2:])
	return append(append(first, second...), next...), err
}

// sendParts sends each non-empty group of records in a call of its own.
func (r *run) sendParts(ctx context.Context, side string, kp keyPlan, create bool, groups ...[]pending) ([]sentPart, error) {
	var parts []sentPart
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		id, callErr, err := r.sendCall(ctx, side, g, kp, create)
		if err != nil {
			return nil, err
		}
		parts = append(parts, sentPart{ps: g, journalID: id, err: callErr})
	}
	return parts, nil
}
