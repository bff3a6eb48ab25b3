package app_test

import (
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestGoneInHubSpotHeldSameRun: a linked HubSpot contact is archived
// and its Salesforce Contact edited. The ready-made sync reads no HubSpot
// deletes, so the update meets HubSpot's OBJECT_NOT_FOUND; that is the
// delete, held in this run: no failure, a warning, the Salesforce Contact
// kept and nothing created in HubSpot.
func TestGoneInHubSpotHeldSameRun(t *testing.T) {
	a, srv, l := linkedAfterFirstRuns(t, 41, 20, app.DemoSync("contacts", "hs", "sf"))
	assertArchivedInHubSpotHeld(t, a, srv, "contacts", l, "contacts", "Contact", map[string]string{"Title": "Audit: edited after the archive"})
}

// TestGoneInSalesforceHeldSameRun: the mirror case. Salesforce's
// deletes are read, so only a Contact deleted between the plan's read and
// its write reaches the update, which meets ENTITY_IS_DELETED on the
// Contact's own id.
func TestGoneInSalesforceHeldSameRun(t *testing.T) {
	a, srv, l := linkedAfterFirstRuns(t, 41, 20, app.DemoSync("contacts", "hs", "sf"))
	assertDeletedInSalesforceHeld(t, a, srv, "contacts", l, "contacts", "Contact", map[string]string{"jobtitle": "Audit: edited before the delete"})
}
