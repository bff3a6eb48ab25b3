package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// clockedApp is a sandbox and an app both on one stepClock, connected to
// HubSpot and to vendor as conn.
func clockedApp(t *testing.T, vendor, conn string) (*app.App, *sandbox.Server, *stepClock) {
	t.Helper()
	return steppedApp(t, 12, nil, [2]string{"hubspot", "hs"}, [2]string{vendor, conn})
}

// steppedApp is a sandbox seeding contacts per vendor, changed by
// setup (nil for none) before anyone connects, and an app on its
// stepClock connected to each vendor as the name given.
func steppedApp(t *testing.T, contacts int, setup func(*sandbox.Server) error, conns ...[2]string) (*app.App, *sandbox.Server, *stepClock) {
	t.Helper()
	ctx := context.Background()
	clock := &stepClock{at: time.Now().UTC().Truncate(time.Second)}
	srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: 5, Contacts: contacts, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if setup != nil {
		if err := setup(srv); err != nil {
			t.Fatal(err)
		}
	}
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), OpenBrowser: browser,
		RedirectPort: auth.AnyPort, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, v := range conns {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	return a, srv, clock
}

// openAfterSchemaChange saves def and runs it (a success, which caches the
// target's schema), lets change alter that schema in the CRM, then sets the
// first linked contact's HubSpot Lead Status to OPEN, and returns its link.
func openAfterSchemaChange(t *testing.T, a *app.App, srv *sandbox.Server, clock *stepClock, def engine.Definition, change func() error) store.LinkRow {
	t.Helper()
	saveSyncs(t, a, def)
	if res, err := a.Run(context.Background(), def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	l := syncLinks(t, a, def.Name)[0]
	if err := change(); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"hs_lead_status": "OPEN"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	return l
}

// picklistRetried runs def (saved, its first run a success), lets remove
// take out the option the value map writes for HubSpot's OPEN, sets the
// first linked contact's Lead Status to OPEN and runs twice: the first run
// must fail that record naming field, the second must not send the refused
// value again (code is the vendor's refusal) but refuse the mapping, or
// send the record to review, naming value.
func picklistRetried(t *testing.T, a *app.App, srv *sandbox.Server, clock *stepClock, def engine.Definition, field, value, code string, remove func() error) {
	t.Helper()
	ctx := context.Background()
	l := openAfterSchemaChange(t, a, srv, clock, def, remove)
	first, errs := runAndErrors(t, a, def.Name)
	refused := false
	for _, e := range errs {
		refused = refused || e.RecordID == l.BID && e.Field == field && e.Code == code
	}
	if !refused {
		t.Fatalf("run after the option was removed: %+v, errors %+v; want the refusal (%s) of %s on %s", first.Summary, errs, code, field, l.BID)
	}
	t.Logf("first refusal: %+v", errs)

	err := retryNotRefusedAgain(t, a, clock, def.Name, l.BID, code)
	if err == nil || !strings.Contains(err.Error(), value) || !strings.Contains(err.Error(), field) {
		items, _ := a.Reviews(ctx, def.Name, "rejected", "open")
		named := false
		for _, it := range items {
			named = named || strings.Contains(it.Detail, value)
		}
		if !named {
			t.Fatalf("the next run neither refused the mapping nor sent the record to review naming %s: %v; reviews %+v", value, err, items)
		}
	}
}

// runAndErrors runs sync, confirmed; the run must start, and its record
// errors are returned with it.
func runAndErrors(t *testing.T, a *app.App, sync string) (app.RunResult, []store.RunErrorRow) {
	t.Helper()
	res, err := a.Run(context.Background(), sync, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.RunDetail(context.Background(), res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run: %+v errors %+v", res.Summary, d.Errors)
	return res, d.Errors
}

// retryNotRefusedAgain steps clock past a failed record's retry and runs
// sync again: no record (recordID, or any when "") may fail with the
// vendor's refusal code a second time. It returns the run's error.
func retryNotRefusedAgain(t *testing.T, a *app.App, clock *stepClock, sync, recordID, code string) error {
	t.Helper()
	clock.step(2 * time.Minute)
	again, err := a.Run(context.Background(), sync, app.RunOptions{Confirm: true})
	t.Logf("next run: err %v, summary %+v", err, again.Summary)
	if again.Summary == nil {
		return err
	}
	d, derr := a.RunDetail(context.Background(), again.Summary.RunID)
	if derr != nil {
		t.Fatal(derr)
	}
	for _, e := range d.Errors {
		if (recordID == "" || e.RecordID == recordID) && e.Code == code {
			t.Fatalf("the next run sent the refused write again and failed the same way: %+v", e)
		}
	}
	return err
}

// TestDeactivatedPicklistValueIsNotRetried maps HubSpot's Lead Status
// one way onto Salesforce's Lead Source through a value map. An admin then
// deactivates one of the Lead Sources the map writes. The first run that
// writes it fails that record with Salesforce's own message; the metadata
// cache (a day) still lists the value, and the next run must not send the
// same refused write again when it retries the record: it knows the value
// is gone and says so.
//
// Lead Source is restricted first: an unrestricted picklist (as Salesforce
// ships it) still stores a deactivated value.
func TestDeactivatedPicklistValueIsNotRetried(t *testing.T) {
	a, srv, clock := steppedApp(t, 12, func(srv *sandbox.Server) error {
		return srv.Salesforce().RestrictPicklist("Contact", "LeadSource", true)
	}, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields = append(def.Fields, mapping.Field{A: "hs_lead_status", B: "LeadSource", Direction: mapping.AtoB, Transform: "map",
		Rule: mapping.UnlessBlank, ValueMap: map[string]string{"NEW": "Web", "OPEN": "Phone Inquiry", "IN_PROGRESS": "Partner Referral",
			"OPEN_DEAL": "Purchased List", "UNQUALIFIED": "Other", "CONNECTED": "Other"}})
	picklistRetried(t, a, srv, clock, def, "LeadSource", "Phone Inquiry", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
		func() error {
			return srv.Salesforce().DeactivatePicklistValue("Contact", "LeadSource", "Phone Inquiry")
		})
}

// TestZohoRemovedPicklistValueIsNotRetried: a Zoho admin removes a
// Lead Source the value map writes after the fields were cached (a day);
// Zoho refuses the write with INVALID_DATA naming Lead_Source and its
// supported values, and the next run must know the value is gone.
func TestZohoRemovedPicklistValueIsNotRetried(t *testing.T) {
	a, srv, clock := clockedApp(t, "zoho", "zc")
	def := app.DemoZohoSync("zoho", "hs", "zc")
	def.Fields = append(def.Fields, mapping.Field{A: "hs_lead_status", B: "Lead_Source", Direction: mapping.AtoB, Transform: "map",
		Rule: mapping.UnlessBlank, ValueMap: map[string]string{"NEW": "Advertisement", "OPEN": "Cold Call", "IN_PROGRESS": "Partner",
			"OPEN_DEAL": "Trade Show", "UNQUALIFIED": "Chat", "CONNECTED": "Chat"}})
	picklistRetried(t, a, srv, clock, def, "Lead_Source", "Cold Call", "INVALID_DATA", func() error { return srv.Zoho().RemovePicklistValue("Contacts", "Lead_Source", "Cold Call") })
}

// TestDynamicsRemovedOptionIsNotRetried: a maker removes a choice the
// value map writes into a contact's choice column after the table's
// definition was cached (a day); Dataverse refuses the write with
// PicklistValueOutOfRange (0x8004431a), and the next run must know the
// option is gone.
func TestDynamicsRemovedOptionIsNotRetried(t *testing.T) {
	a, srv, clock := clockedApp(t, "dynamics", "dv")
	def := app.DemoDynamicsSync("dynamics", "hs", "dv", "")
	def.Fields = append(def.Fields, mapping.Field{A: "hs_lead_status", B: "crmsync_interests", Direction: mapping.AtoB, Transform: "map",
		Rule: mapping.UnlessBlank, ValueMap: map[string]string{"NEW": "100000000", "OPEN": "100000004", "IN_PROGRESS": "100000001",
			"OPEN_DEAL": "100000002", "UNQUALIFIED": "100000003", "CONNECTED": "100000003"}})
	picklistRetried(t, a, srv, clock, def, "crmsync_interests", "100000004", "0x8004431a", func() error { return srv.Dynamics().RemoveOption("contacts", "crmsync_interests", 100000004) })
}
