package app_test

import (
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestPurgedInSalesforceHeldSameRun: a Salesforce Contact deleted
// and purged from the Recycle Bin since the last run (emptied, or the Bulk
// API's hardDelete) is no longer read by queryAll, so its partner's
// HubSpot edit reaches an update of its id. Salesforce answers a
// well-formed id it does not hold INVALID_CROSS_REFERENCE_KEY (its Mobile
// SDK reads that as "does not exist on server"); the sandbox answered
// MALFORMED_ID, filed as the record's own fault, so the run failed and the
// retry queue sent it again on every run. It is the delete, held in that
// run: no failure, the warning naming both records, the HubSpot contact
// and its edit kept, a second edit writes nothing, and no Contact is
// created again in Salesforce without a person's say.
func TestPurgedInSalesforceHeldSameRun(t *testing.T) {
	a, srv, l := linkedAfterFirstRuns(t, 41, 20, app.DemoSync("s", "hs", "sf"))
	sf, hs := srv.Salesforce(), srv.HubSpot()
	assertGoneVendorContactHeld(t, a, hs, l, goneVendorContact{
		vendor: "Salesforce", field: "jobtitle",
		count: func() int { return sf.Count("Contact") },
		del: func() error {
			if !sf.Purge("Contact", l.BID) {
				t.Fatalf("purge of Contact %s failed", l.BID)
			}
			return nil
		},
		back: func() (bool, any) {
			r, ok := sf.Get("Contact", l.BID)
			return ok, r
		},
	})
	if r, ok := hs.Get("contacts", l.AID); !ok || r.Properties["jobtitle"] != "Audited again" {
		t.Fatalf("HubSpot contact %s after the runs: %+v, want its edits kept", l.AID, r)
	}
}
