package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestPersonAccountUndoDeletesTheAccount: in an org with person
// accounts, a run creates a new HubSpot contact (no company) as a person
// account; undoing the run and approving the delete of what it created
// must take the person account away, not leave an Account (a person
// account without its person contact, or one whose delete Salesforce
// refused) behind.
func TestPersonAccountUndoDeletesTheAccount(t *testing.T) {
	ctx := context.Background()
	a, clock, sf, hs := personContactsSynced(t)
	const email = "una.person@example.com"
	c, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "Una", "lastname": "Person"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Created != 1 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	personAccounts := func() (ids []string) {
		for _, r := range sf.Records("Account") {
			if !r.Deleted && strings.EqualFold(r.Fields["PersonEmail"], email) {
				ids = append(ids, r.ID)
			}
		}
		return ids
	}
	if n := len(personAccounts()); n != 1 {
		t.Fatalf("%d person accounts for %s after the run", n, email)
	}
	clock.step(time.Minute)
	if dels := approveUndoDeletes(t, a, res.Summary.RunID, "contacts"); len(dels) != 1 {
		t.Fatalf("delete reviews %+v; want one", dels)
	}
	clock.step(time.Minute)
	after, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.RunDetail(ctx, after.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d.Errors {
		t.Errorf("run applying the approved delete: %s %s %s %s", e.RecordID, e.Field, e.Code, e.Message)
	}
	if ids := personAccounts(); len(ids) != 0 {
		t.Errorf("the approved delete of the person %s the undone run created left its person account %v in Salesforce (summary %+v)", email, ids, after.Summary)
	}
	for _, r := range sf.Records("Contact") {
		if !r.Deleted && strings.EqualFold(r.Fields["Email"], email) {
			t.Errorf("person contact %s still live after the approved delete", r.ID)
		}
	}
	if r, ok := hs.Get("contacts", c.ID); !ok || r.Archived {
		t.Errorf("HubSpot contact %s was deleted", c.ID)
	}
}

// TestPersonAccountIsNoCompany: with a companies sync next to the
// contacts sync, a person created in Salesforce as a person account (an
// Account) must not come back to HubSpot as a company named after the
// person.
func TestPersonAccountIsNoCompany(t *testing.T) {
	ctx := context.Background()
	a, clock, _, hs := personAccountOrg(t)
	companies := app.DemoCompaniesSync("companies", "hs", "sf")
	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields = app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies").Fields
	saveSyncs(t, a, companies, def)
	for _, name := range []string{"companies", "contacts"} {
		if _, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil {
			t.Fatal(err)
		}
	}
	clock.step(time.Minute)
	if _, err := hs.Create("contacts", map[string]string{"email": "sol.person@example.com", "firstname": "Sol", "lastname": "Person"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 1 {
		t.Fatalf("contacts run: %v %+v", err, res.Summary)
	}
	before := hs.Count("companies")
	clock.step(time.Minute)
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range hs.Records("companies") {
		if !r.Archived && strings.Contains(r.Properties["name"], "Sol Person") {
			t.Errorf("person account Sol Person came to HubSpot as company %s (companies run %+v)", r.ID, res.Summary)
		}
	}
	if n := hs.Count("companies"); n != before {
		t.Errorf("HubSpot companies %d → %d after the companies run", before, n)
	}
	clock.step(time.Minute)
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Failed != 0 || res.Summary.Created+res.Summary.Updated != 0 {
		t.Errorf("the contacts run after: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
}

// approveUndoDeletes undoes run runID of sync and approves every delete
// it holds for review, as a person would; it returns those items.
func approveUndoDeletes(t *testing.T, a *app.App, runID int64, sync string) []app.ReviewView {
	t.Helper()
	ctx := context.Background()
	if _, err := a.Undo(ctx, runID, app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("undo: %v", err)
	}
	dels, err := a.Reviews(ctx, sync, "delete", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dels {
		if err := a.Decide(ctx, d.ID, engine.Decision{Action: "delete"}); err != nil {
			t.Fatal(err)
		}
	}
	return dels
}
