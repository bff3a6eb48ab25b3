package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// stormStop stops the run for a vendor failing every call; every journal
// row of the batch stays pending for the next plan to settle.
func stormStop(err error, calls string) error {
	return stopError{fmt.Errorf("%w (to every call: %s; the run stopped, nothing was lost, the next run resumes)", err, calls)}
}

// stormRecords is how many records, each sent alone, must fail on the
// vendor's side with no call answered between them before the run stops
// as a storm. Counting calls instead misread poison records (a record
// the vendor answers 500 to in any call) as an outage whenever two of
// them sat alone or first in the halves of a split; a call the vendor
// answers (any outcome but a 5xx or a broken connection) proves it up and
// starts the count again. Three tolerates two poison records sent alone
// one after the other and bounds an outage to seven write calls from its
// start: a batch of two (itself and both records alone), then the next
// batch and its halves, then one record alone (six when the outage meets
// a batch of four or more: the batch, its halves, three records alone).
const stormRecords = 3

// stormCalls says which calls failed when a storm stops a run.
const stormCalls = "three records alone in a row, no call between them answered"

// vendorAnswered notes a call to side the vendor answered (callErr nil or
// not on its side): the records that failed alone before it say nothing
// about an outage.
func (r *run) vendorAnswered(side string, callErr error) {
	if serverError(callErr) {
		return
	}
	delete(r.failedAlone, side)
}

// failedAloneOnVendor counts a record that failed alone on the vendor's
// side and reports whether that makes a storm.
func (r *run) failedAloneOnVendor(side string) bool {
	if r.failedAlone == nil {
		r.failedAlone = map[string]int{}
	}
	r.failedAlone[side]++
	return r.failedAlone[side] >= stormRecords
}

// splitAfterFailure resends a batch whose call failed (callErr) in parts.
// suspect: the batch's parent and both its halves failed on the vendor's
// side.
func (r *run) splitAfterFailure(ctx context.Context, side string, ps []pending, kp keyPlan, create bool, journalID int64, callErr error, suspect bool) error {
	c := store.Commit{SyncID: r.plan.SyncID, RunID: r.id}
	rest := ps
	keepJournal := false // records of the call are left for the next plan
	if create && ps[0].op.Kind != connector.OpUpsert {
		// The call may have created records before failing (a timeout):
		// look them up so a retry cannot duplicate them.
		found, left, many, ok, lookErr, err := r.lookupCreated(ctx, side, ps, kp, callErr)
		if err != nil {
			return err
		}
		if !ok {
			note := " (outcome unknown: the connector cannot look records up, so the batch is not resent)"
			if lookErr != nil {
				note = fmt.Sprintf(" (outcome unknown: the lookup after it failed: %v; so the batch is not resent)", lookErr)
			}
			for _, p := range ps {
				r.fail(&c, side, p, withNote(callErr, note))
			}
			return r.commit(ctx, c)
		}
		for i, id := range found {
			if err := r.succeed(ctx, &c, side, ps[i], id, true); err != nil {
				return err
			}
		}
		var unsure []pending
		rest, unsure = keylessUnknown(left, callErr)
		for _, p := range unsure {
			r.fail(&c, side, p, withNote(callErr, fmt.Sprintf(" (outcome unknown: a record with no %s cannot be looked up, so it is not resent)", kp.field)))
		}
		for _, m := range many {
			if !connector.OutcomeUnknown(callErr) {
				rest = append(rest, m.p) // refused: the call made none of them
				continue
			}
			// The vendor's text ("unexpected text/plain response") says
			// nothing a person can act on; what happened does.
			r.fail(&c, side, m.p, explained(callErr, func(vendor string) string {
				return fmt.Sprintf("the answer to the call creating record %s's copy %s was lost (%s); looking it up by %s %q found %d records holding it (%s), "+
					"and which one the call made cannot be told, so it is held for Review, not sent again",
					m.p.w.Source, r.plan.def.inSide(side), vendor, kp.field, m.p.key, len(m.ids), strings.Join(m.ids, ", "))
			}))
			if r.plan.UndoOf == 0 {
				// Filed now, as the next plan would from the journal (which
				// stays pending and refreshes this same open item).
				it := foundManyItem(store.JournalRow{RunID: r.id, Side: side, KeyField: kp.field}, journalEntry{Source: m.p.w.Source, Key: m.p.key}, m.ids)
				c.Reviews = append(c.Reviews, store.ReviewRow{Kind: it.Kind, Side: it.Side, RecordID: it.RecordID, Detail: reviewDetail(it)})
				r.dupOpened = append(r.dupOpened, sideOf(it.Side, it.RecordID))
			}
			unsure = append(unsure, m.p)
		}
		// The journal row stays pending: the next plan holds these creates
		// for a person (keyless.go) instead of making them twice.
		keepJournal = len(unsure) > 0
	}
	if len(rest) == 1 {
		// A single record whose call failed: its outcome is unknown, so the
		// journal row stays pending and the next plan settles it (lookup
		// for a create, audit for an update) before anything is resent.
		r.fail(&c, side, rest[0], callErr)
		if err := r.commit(ctx, c); err != nil {
			return err
		}
		if serverError(callErr) && r.failedAloneOnVendor(side) {
			return stormStop(callErr, stormCalls)
		}
		return nil
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
	if r.sum.Failed != failedBefore || keepJournal {
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
// the vendor's side (suspect), records go alone first (probeAlone): a
// vendor failing every call (a storm) is told from records that each fail
// any call holding them (a 500 they cause) without halving down to single
// records, each call retried, which would take hours.
func (r *run) resendParts(ctx context.Context, side string, rest []pending, kp keyPlan, create bool, callErr error, suspect bool) error {
	if suspect {
		return r.probeAlone(ctx, side, rest, kp, create)
	}
	parts, err := r.sendParts(ctx, side, kp, create, rest[:len(rest)/2], rest[len(rest)/2:])
	if err != nil {
		return err
	}
	both := serverError(callErr) && len(parts) == 2 && serverError(parts[0].err) && serverError(parts[1].err)
	return r.splitFailedParts(ctx, side, parts, kp, create, both)
}

// probeAlone sends rest's records alone, one after the other, until the
// vendor answers one (written, or refused for the record): the vendor is
// up, so the records left go in one part, split as any batch. Each record
// failing alone counts toward a storm (failedAloneOnVendor).
func (r *run) probeAlone(ctx context.Context, side string, rest []pending, kp keyPlan, create bool) error {
	for i := range rest {
		parts, err := r.sendParts(ctx, side, kp, create, rest[i:i+1])
		if err != nil {
			return err
		}
		if err := r.splitFailedParts(ctx, side, parts, kp, create, false); err != nil {
			return err
		}
		if !serverError(parts[0].err) {
			parts, err := r.sendParts(ctx, side, kp, create, rest[i+1:])
			if err != nil {
				return err
			}
			return r.splitFailedParts(ctx, side, parts, kp, create, false)
		}
	}
	return nil
}

// splitFailedParts splits each part whose call failed; suspect as in
// splitAfterFailure.
func (r *run) splitFailedParts(ctx context.Context, side string, parts []sentPart, kp keyPlan, create bool, suspect bool) error {
	for _, part := range parts {
		if part.err == nil {
			continue
		}
		if err := r.splitAfterFailure(ctx, side, part.ps, kp, create, part.journalID, part.err, suspect); err != nil {
			return err
		}
	}
	return nil
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

// keylessUnknown splits the creates of a failed call that a lookup did not
// find into those that may be sent again and those sent with no key (a
// contact with no email) when the outcome is unknown (a 5xx or a lost
// answer): the vendor may have made them, and nothing can tell.
func keylessUnknown(ps []pending, callErr error) (resend, unsure []pending) {
	if !connector.OutcomeUnknown(callErr) {
		return ps, nil
	}
	for _, p := range ps {
		if p.key == "" {
			unsure = append(unsure, p)
		} else {
			resend = append(resend, p)
		}
	}
	return resend, unsure
}
