package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// personAccountOrg is the app connected to HubSpot and to a Salesforce
// org with person accounts enabled, on a clock the test steps.
func personAccountOrg(t *testing.T) (*app.App, *stepClock, *salesforce.Sim, *hubspot.Sim) {
	t.Helper()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	sf, hs := srv.Salesforce(), srv.HubSpot()
	if err := sf.EnablePersonAccounts(); err != nil {
		t.Fatal(err)
	}
	return a, clock, sf, hs
}

// personContactsSynced is personAccountOrg with the contacts sync saved
// and run once, the clock a minute on.
func personContactsSynced(t *testing.T) (*app.App, *stepClock, *salesforce.Sim, *hubspot.Sim) {
	t.Helper()
	a, clock, sf, hs := personAccountOrg(t)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if _, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	return a, clock, sf, hs
}

// TestPersonAccountContactSyncs: a Salesforce org with person
// accounts holds Pat as a person account. The HubSpot contact with Pat's
// email must link to the person contact (no duplicate Contact), and a
// HubSpot change of Pat's job title and phone must reach Salesforce on
// the person account (Salesforce refuses writes of a person contact's
// fields through Contact), without an error, and the next run must write
// nothing (no loop).
func TestPersonAccountContactSyncs(t *testing.T) {
	ctx := context.Background()
	a, clock, sf, hs := personAccountOrg(t)
	const email = "pat.person@example.com"
	acct, pc, err := sf.CreatePersonAccount(map[string]string{"FirstName": "Pat", "LastName": "Person", "Email": email, "Title": "Baker"})
	if err != nil {
		t.Fatal(err)
	}
	h, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "Pat", "lastname": "Person", "jobtitle": "Baker"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	def := app.DemoSync("contacts", "hs", "sf")
	saveSyncs(t, a, def)
	runErrors := func(label string) []string {
		t.Helper()
		res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		d, err := a.RunDetail(ctx, res.Summary.RunID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range d.Errors {
			out = append(out, e.RecordID+" "+e.Field+" "+e.Code+" "+e.Message)
		}
		t.Logf("%s: %+v errors %q", label, res.Summary, out)
		return out
	}
	if errs := runErrors("first run"); len(errs) > 0 {
		t.Fatalf("first run failed records: %q", errs)
	}
	n := 0
	for _, r := range sf.Records("Contact") {
		if !r.Deleted && strings.EqualFold(r.Fields["Email"], email) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d Salesforce Contacts with %s, want the person contact only", n, email)
	}
	linked := false
	for _, l := range syncLinks(t, a, def.Name) {
		linked = linked || l.AID == h.ID && l.BID == pc.ID
	}
	if !linked {
		t.Fatalf("HubSpot %s is not linked to the person contact %s: %+v", h.ID, pc.ID, syncLinks(t, a, def.Name))
	}

	clock.step(time.Minute)
	if _, err := hs.Update("contacts", h.ID, map[string]string{"jobtitle": "Head Baker", "phone": "+14155550142"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	if errs := runErrors("run after the HubSpot change"); len(errs) > 0 {
		t.Fatalf("the HubSpot change of a person account's contact failed: %q", errs)
	}
	ra, _ := sf.Get("Account", acct.ID)
	rc, _ := sf.Get("Contact", pc.ID)
	if ra.Fields["PersonTitle"] != "Head Baker" || ra.Fields["Phone"] != "+14155550142" || rc.Fields["Title"] != "Head Baker" {
		t.Fatalf("the change did not reach the person account: account %+v contact %+v", ra.Fields, rc.Fields)
	}

	clock.step(5 * time.Minute)
	res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Summary; s.Created+s.Updated != 0 || s.Failed != 0 {
		t.Fatalf("the run after wrote or failed again (loop?): %+v\n%s", s, res.Plan.Summary())
	}
}
