package engine

import (
	"context"
	"errors"
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

// gone records that an update's target was deleted in the vendor, which a
// sync without delete propagation does not read (HubSpot's search omits
// archived records, and Pipedrive and Dataverse deletes are found by
// comparing ids only when deletes propagate). The failure is reported
// once; the record is marked deleted and made part of the next plan, which
// holds its delete like any other, instead of the update failing on every
// run after each edit of its partner.
func (r *run) gone(ctx context.Context, c *store.Commit, side string, p pending, err error) error {
	r.sum.Failed++
	re := runError(side, p.w.ID, err)
	re.Message = clipMessage(re.Message + " (the record is no longer there; the next run treats it as deleted on side " + strings.ToUpper(side) + ")")
	c.Errors = append(c.Errors, re)
	c.RetryDone = append(c.RetryDone, store.RetryKey{Side: side, RecordID: p.w.Source})
	c.Index = append(c.Index, store.IndexWrite{Side: side, ID: p.w.ID, Deleted: true, Fields: r.current[p.w.ID]})
	return r.locked(func() error { return r.e.st.TouchRecords(ctx, r.plan.SyncID, side, []string{p.w.ID}) })
}
