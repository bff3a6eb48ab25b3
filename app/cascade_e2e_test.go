package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestHeldDeleteNamesVendorCascade archives a linked HubSpot company
// of a companies sync that propagates deletes. Its held delete is of the
// Salesforce Account, which Salesforce deletes with its Contacts and
// Opportunities: the review item must say so before a person approves
// it. Once approved, the Account's Contact goes with it in Salesforce, and
// the contacts sync holds that delete for review: it neither re-creates
// the Contact nor archives its HubSpot partner by itself.
func TestHeldDeleteNamesVendorCascade(t *testing.T) {
	approvedAccountDeleteCascades(t)
}

// approvedAccountDeleteCascades runs TestHeldDeleteNamesVendorCascade's
// story and returns the app, the deleted Account's id and the cascaded
// Contact's held delete in the contacts sync.
func approvedAccountDeleteCascades(t *testing.T) (a *app.App, account string, held store.ReviewRow) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, 5, 20)
	companies := app.DemoCompaniesSync("companies", "hs", "sf")
	companies.Safety.PropagateDeletes = true
	contacts := app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies")
	contacts.Safety.PropagateDeletes = true
	saveSyncs(t, a, companies, contacts)
	for _, s := range []string{"companies", "contacts"} {
		if res, err := a.Run(ctx, s, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("first run of %s: %v %+v", s, err, res.Summary)
		}
	}
	l := syncLinks(t, a, "companies")[0]
	// A Contact of that Account, linked by the contacts sync.
	var contact [2]string
	for _, cl := range syncLinks(t, a, "contacts") {
		if r, ok := srv.Salesforce().Get("Contact", cl.BID); ok && r.Fields["AccountId"] == l.BID {
			contact = [2]string{cl.AID, cl.BID}
			break
		}
	}
	if contact[1] == "" {
		c, err := srv.Salesforce().Create("Contact", map[string]string{"LastName": "Cascade", "Email": "cascade@example.com", "AccountId": l.BID})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("contacts run: %v %+v", err, res.Summary)
		}
		for _, cl := range syncLinks(t, a, "contacts") {
			if cl.BID == c.ID {
				contact = [2]string{cl.AID, cl.BID}
			}
		}
	}
	time.Sleep(1100 * time.Millisecond)
	if !srv.HubSpot().Archive("companies", l.AID) {
		t.Fatal("archive")
	}
	if _, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	rs, err := a.Reviews(ctx, "companies", "delete", "open")
	if err != nil || len(rs) != 1 {
		t.Fatalf("open delete reviews %+v %v", rs, err)
	}
	if !strings.Contains(rs[0].Detail, "Contacts") || !strings.Contains(rs[0].Detail, "Opportunities") {
		t.Errorf("the held delete of Account %s does not say Salesforce deletes its Contacts and Opportunities with it: %q", l.BID, rs[0].Detail)
	}
	if err := a.Decide(ctx, rs[0].ID, engine.Decision{Action: "delete"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true}); err != nil || res.Summary.Deleted != 1 {
		t.Fatalf("approved delete: %v %+v", err, res.Summary)
	}
	if r, _ := srv.Salesforce().Get("Contact", contact[1]); !r.Deleted {
		t.Fatalf("Salesforce kept Contact %s of the deleted Account %s", contact[1], l.BID)
	}
	time.Sleep(1100 * time.Millisecond)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Created != 0 || res.Summary.Deleted != 0 {
		t.Fatalf("contacts run after the cascade: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if r, ok := srv.HubSpot().Get("contacts", contact[0]); !ok || r.Archived {
		t.Fatalf("HubSpot contact %s was archived without approval", contact[0])
	}
	rs, err = a.Reviews(ctx, "contacts", "delete", "open")
	for _, r := range rs {
		if r.RecordID == contact[1] {
			held = r.ReviewRow
		}
	}
	if err != nil || held.ID == 0 {
		t.Fatalf("contacts sync's open delete reviews %+v %v; want the cascaded Contact %s among them", rs, err, contact[1])
	}
	return a, l.BID, held
}

// TestCascadedDeleteNamesParent: the contacts sync holds the delete
// of a Contact that Salesforce deleted with its Account when a person
// approved the Account's delete in the companies sync. Nobody deleted the
// Contact: the review item must say it went with that Account, whose
// delete was approved in sync companies, before a person approves
// archiving its HubSpot partner too.
func TestCascadedDeleteNamesParent(t *testing.T) {
	a, account, held := approvedAccountDeleteCascades(t)
	runs, err := a.Runs(context.Background(), "companies", 10)
	if err != nil {
		t.Fatal(err)
	}
	var run int64
	for _, r := range runs {
		if r.Run.Deleted > 0 {
			run = r.Run.ID
		}
	}
	t.Logf("held delete: %q", held.Detail)
	for _, want := range []string{"Account " + account, "sync companies", "run " + itoa(int(run))} {
		if !strings.Contains(held.Detail, want) {
			t.Errorf("held delete of the cascaded Contact %s does not say %q: %q", held.RecordID, want, held.Detail)
		}
	}
}
