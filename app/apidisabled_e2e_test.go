package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestSalesforceAPIDisabledIsNotSignIn: an administrator takes API
// Enabled from crmsync's Salesforce user. Every REST call is refused with
// 403 API_CURRENTLY_DISABLED; the tokens are fine, and connecting again
// grants no permission. The run fails saying so, naming the permission,
// and the Salesforce connection is not marked for a reconnect.
func TestSalesforceAPIDisabledIsNotSignIn(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 43, false)
	if _, err := srv.HubSpot().Update("contacts", links[0].AID, map[string]string{"firstname": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	srv.Salesforce().DisableAPI(true)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	msg := ""
	if err != nil {
		msg = err.Error()
	} else if res.Summary != nil {
		d, derr := a.RunDetail(ctx, res.Summary.RunID)
		if derr != nil {
			t.Fatal(derr)
		}
		for _, e := range d.Errors {
			msg += e.Code + ": " + e.Message + "\n"
		}
	}
	if !strings.Contains(msg, "API_CURRENTLY_DISABLED") || !strings.Contains(msg, "API Enabled") {
		t.Errorf("run: %q; want Salesforce's API_CURRENTLY_DISABLED naming the API Enabled permission", msg)
	}
	for _, name := range []string{"sf", "hs"} {
		conn, err := a.DB().Connection(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if conn.Status != "connected" {
			t.Errorf("connection %s status %q (%s) after API access was taken from the user; its sign-in is fine and a reconnect grants nothing",
				name, conn.Status, conn.StatusDetail)
		}
	}
	// Given back, the next run writes the edit.
	srv.Salesforce().DisableAPI(false)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run with API access back: %v %+v", err, res.Summary)
	}
	if c, _ := srv.Salesforce().Get("Contact", links[0].BID); c.Fields["FirstName"] != "Renamed" {
		t.Errorf("Salesforce contact %s FirstName %v; want the edit written once API access is back", links[0].BID, c.Fields["FirstName"])
	}
}
