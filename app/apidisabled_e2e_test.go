package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestSalesforceAPIDisabledIsNotSignIn: an administrator takes API
// Enabled from crmsync's Salesforce user. Every REST call is refused with
// 403 API_CURRENTLY_DISABLED; the tokens are fine, and connecting again
// grants no permission. The run fails saying so, naming the permission,
// and the Salesforce connection is not marked for a reconnect: it shows
// the account's problem, naming the permission, and HubSpot's stays
// connected.
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
		want := map[string]string{"sf": app.StatusAccount, "hs": "connected"}[name]
		if conn.Status != want || name == "sf" && !strings.Contains(conn.StatusDetail, "API Enabled") {
			t.Errorf("connection %s status %q (%s) after API access was taken from the user; want %q (its sign-in is fine and a reconnect grants nothing; an administrator must grant API Enabled)",
				name, conn.Status, conn.StatusDetail, want)
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

// TestSalesforceAPIDisabledMidRunStops: API Enabled is taken from the
// user between the run's read and its writes. Every write is refused
// alike, so the run stops at the first refusal, saying what the
// administrator must grant, instead of splitting the batch down to single
// records (about two calls a record); the edits are written once access
// is back.
func TestSalesforceAPIDisabledMidRunStops(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 44, false)
	for i, l := range links {
		if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": fmt.Sprintf("Edited%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	sf := srv.Salesforce()
	sf.DisableAPIForWrites(true)
	before := sf.Stats()
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	var refused int64
	for k, v := range sf.Stats() {
		if !strings.HasPrefix(k, "GET ") {
			refused += v - before[k]
		}
	}
	if refused > 1 {
		t.Errorf("%d write calls refused for API access, for %d edits; want the run stopped at the first", refused, len(links))
	}
	if msg := runWords(err, res); !strings.Contains(msg, "API_CURRENTLY_DISABLED") || !strings.Contains(msg, "API Enabled") {
		t.Errorf("run said %q; want Salesforce's code and the permission to grant", msg)
	}
	sf.DisableAPIForWrites(false)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run with API access back: %v %+v", err, res.Summary)
	}
	for i, l := range links {
		if c, _ := sf.Get("Contact", l.BID); c.Fields["FirstName"] != fmt.Sprintf("Edited%d", i) {
			t.Errorf("Salesforce contact %s FirstName %v; want the edit written once access is back", l.BID, c.Fields["FirstName"])
		}
	}
}
