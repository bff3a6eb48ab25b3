package app_test

import (
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestGoneInZohoHeldSameRun: a Zoho contact deleted between the
// plan's read and its write meets Zoho's answer to the update of a
// deleted record, a per-record INVALID_DATA "the id given seems to be
// invalid" naming api_name "id" (update-records doc, v8). That is the
// delete, held in the same run: no failure, a warning naming both records,
// the HubSpot contact kept and nothing created in Zoho.
func TestGoneInZohoHeldSameRun(t *testing.T) {
	a, srv := syncedThrough(t, 41, 12, "zoho", "zc", app.DemoZohoSync("s", "hs", "zc"))
	zc := srv.Zoho()
	l := syncLinks(t, a, "s")[0]
	assertGoneVendorContactHeld(t, a, srv.HubSpot(), l, goneVendorContact{
		vendor: "Zoho", whilePlanned: true, field: "jobtitle",
		count: func() int { return zc.Count("Contacts") },
		del:   func() error { return zc.Delete("Contacts", l.BID) },
		back: func() (bool, any) {
			r, ok := zc.Get("Contacts", l.BID)
			return !ok || !r.Deleted, r
		},
	})
}

// TestGoneInPipedriveHeldSameRun: a Pipedrive person deleted since
// the last run is not read by a sync without delete propagation (its
// deletes are found by comparing ids), so an edit of its HubSpot partner
// meets Pipedrive's 404 for the person; held in that run.
func TestGoneInPipedriveHeldSameRun(t *testing.T) {
	a, srv := syncedThrough(t, 41, 12, "pipedrive", "pd", app.DemoPipedriveSync("s", "hs", "pd", ""))
	pd := srv.Pipedrive()
	l := syncLinks(t, a, "s")[0]
	id, err := strconv.ParseInt(l.BID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	assertGoneVendorContactHeld(t, a, srv.HubSpot(), l, goneVendorContact{
		vendor: "Pipedrive", field: "firstname",
		count: pd.CountPersons,
		del:   func() error { return pd.DeletePerson(id) },
		back: func() (bool, any) {
			p, ok := pd.GetPerson(id)
			return !ok || !p.Deleted, p
		},
	})
}

// TestGoneInDynamicsHeldSameRun: the same for a Dataverse contact,
// whose update (PATCH of the entity) answers 404 with error code
// 0x80040217 "contact With Id = … Does Not Exist".
func TestGoneInDynamicsHeldSameRun(t *testing.T) {
	a, srv := syncedThrough(t, 41, 12, "dynamics", "dv", app.DemoDynamicsSync("s", "hs", "dv", ""))
	dv := srv.Dynamics()
	l := syncLinks(t, a, "s")[0]
	assertGoneVendorContactHeld(t, a, srv.HubSpot(), l, goneVendorContact{
		vendor: "Dataverse", field: "jobtitle",
		count: func() int { return dv.Count("contacts") },
		del:   func() error { return dv.Delete("contacts", l.BID) },
		back: func() (bool, any) {
			r, ok := dv.Get("contacts", l.BID)
			return ok, r
		},
	})
}

// TestGoneDealInHubSpotHeldSameRun: a HubSpot deal archived since the
// last run (the deals sync reads no HubSpot archive) and its Opportunity
// edited: the update meets OBJECT_NOT_FOUND, held as for a contact; the
// Opportunity is kept and no deal is created again.
func TestGoneDealInHubSpotHeldSameRun(t *testing.T) {
	a, srv, l := linkedAfterFirstRuns(t, 17, 40, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoDealsSync("deals", "hs", "sf", "companies"))
	assertArchivedInHubSpotHeld(t, a, srv, "deals", l, "deals", "Opportunity", map[string]string{"Name": "Audit: renamed after the archive"})
}

// TestGoneAccountInSalesforceHeldSameRun: a Salesforce Account
// deleted between the plan's read and its write of a HubSpot company's
// edit meets ENTITY_IS_DELETED: held, the company kept, no Account
// created again.
func TestGoneAccountInSalesforceHeldSameRun(t *testing.T) {
	a, srv, l := linkedAfterFirstRuns(t, 17, 40, app.DemoCompaniesSync("companies", "hs", "sf"))
	assertDeletedInSalesforceHeld(t, a, srv, "companies", l, "companies", "Account", map[string]string{"city": "Audit City"})
}
