package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestPersonAccountCreated: in a Salesforce org with person accounts
// (B2C), a new HubSpot contact with no company must become a person
// account whose person contact the sync links, not a Contact without an
// Account, which Salesforce keeps private to its owner and the admins; a
// new contact with a company stays a Contact under that company's Account;
// the next run writes nothing and nothing is created twice.
func TestPersonAccountCreated(t *testing.T) {
	ctx := context.Background()
	a, clock, sf, hs := personAccountOrg(t)
	companies := app.DemoCompaniesSync("companies", "hs", "sf")
	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields = app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies").Fields // with AccountId, creating both ways
	saveSyncs(t, a, companies, def)
	run := func(name, label string) app.RunResult {
		t.Helper()
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		d, err := a.RunDetail(ctx, res.Summary.RunID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range d.Errors {
			t.Errorf("%s: %s %s %s %s", label, e.RecordID, e.Field, e.Code, e.Message)
		}
		return res
	}
	run("companies", "companies run")
	run("contacts", "first contacts run")
	links := syncLinks(t, a, "companies")
	if len(links) == 0 {
		t.Fatal("no linked companies")
	}
	company, account := links[0].AID, links[0].BID

	clock.step(time.Minute)
	const solo, staff = "sam.solo@example.com", "cam.staff@example.com"
	hsSolo, err := hs.Create("contacts", map[string]string{"email": solo, "firstname": "Sam", "lastname": "Solo", "jobtitle": "Baker", "city": "Lyon"})
	if err != nil {
		t.Fatal(err)
	}
	now := clock.now()
	ids, err := hs.Seed("contacts", []string{"email", "firstname", "lastname", "associatedcompanyid"},
		[]hubspot.SeedRow{{Values: []string{staff, "Cam", "Staff", company}, Created: now, Modified: now}})
	if err != nil || ids[0] == "" {
		t.Fatal(ids, err)
	}
	hsStaff := struct{ ID string }{ids[0]}
	clock.step(time.Minute)
	res := run("contacts", "run after the new contacts")
	if res.Summary.Created < 2 {
		t.Fatalf("created %+v, want the two new contacts", res.Summary)
	}
	linkOf := map[string]string{}
	for _, l := range syncLinks(t, a, "contacts") {
		linkOf[l.AID] = l.BID
	}
	contactsWith := func(email string) (n int, last map[string]string, id string) {
		for _, r := range sf.Records("Contact") {
			if !r.Deleted && strings.EqualFold(r.Fields["Email"], email) {
				n, last, id = n+1, r.Fields, r.ID
			}
		}
		return n, last, id
	}
	n, c, cid := contactsWith(solo)
	if n != 1 || linkOf[hsSolo.ID] != cid {
		t.Fatalf("%d Contacts with %s (last %s %+v), HubSpot %s linked to %q", n, solo, cid, c, hsSolo.ID, linkOf[hsSolo.ID])
	}
	if c["IsPersonAccount"] != "true" || c["AccountId"] == "" {
		t.Fatalf("the new person without a company is a Contact without an Account (private to its owner), not a person account: %+v", c)
	}
	pa, ok := sf.Get("Account", c["AccountId"])
	if !ok || pa.Fields["IsPersonAccount"] != "true" || pa.Fields["PersonEmail"] != solo || pa.Fields["PersonTitle"] != "Baker" ||
		pa.Fields["PersonMailingCity"] != "Lyon" || pa.Fields["PersonContactId"] != cid || pa.Fields["Name"] != "Sam Solo" {
		t.Fatalf("the person account of %s: %+v", cid, pa.Fields)
	}
	n, c, cid = contactsWith(staff)
	if n != 1 || linkOf[hsStaff.ID] != cid || c["IsPersonAccount"] != "false" || c["AccountId"] != account {
		t.Fatalf("the new person with company %s (Account %s): %d Contacts, last %s %+v", company, account, n, cid, c)
	}

	clock.step(5 * time.Minute)
	res = run("contacts", "the run after")
	if s := res.Summary; s.Created+s.Updated != 0 || s.Failed != 0 {
		t.Fatalf("the run after wrote or failed again (loop?): %+v\n%s", s, res.Plan.Summary())
	}
	if n, _, _ := contactsWith(solo); n != 1 {
		t.Fatalf("%d Contacts with %s after the next run", n, solo)
	}
}
