package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// TestLeadsUntilConverted runs the ready-made companies, contacts and
// leads syncs between HubSpot and Salesforce as HubSpot's own integration
// keeps them, over the sandbox:
//   - a HubSpot contact with no Salesforce Contact becomes a Lead; the
//     contacts sync creates no Contact from HubSpot, so nobody is both;
//   - a rep converts one of those Leads: the next round links the HubSpot
//     contact to the new Contact, a change made in HubSpot reaches the
//     Contact and not the converted Lead (which Salesforce refuses to
//     update), and nothing fails, is duplicated or is written again.
func TestLeadsUntilConverted(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 57, 40)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"),
		app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies"),
		app.DemoLeadsSync("leads", "hs", "sf", "contacts"))
	runAll := func(round string) map[string]app.SyncOutcome {
		t.Helper()
		out, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil)
		if err != nil {
			t.Fatalf("%s: %v", round, err)
		}
		by := map[string]app.SyncOutcome{}
		for _, o := range out {
			if o.Err != nil || o.Result.Summary == nil || o.Result.Summary.Status != "success" {
				t.Fatalf("%s: %s", round, o.Line())
			}
			by[o.Sync] = o
		}
		return by
	}
	runAll("first round")

	contactOf := map[string]string{} // HubSpot id -> Salesforce Contact
	for _, l := range syncLinks(t, a, "contacts") {
		if l.CreatedBy == "b" {
			t.Errorf("the contacts sync created Salesforce Contact %s from HubSpot contact %s", l.BID, l.AID)
		}
		contactOf[l.AID] = l.BID
	}
	var made []string // Leads crmsync made from HubSpot contacts, by HubSpot id
	leadOf := map[string]string{}
	for _, l := range syncLinks(t, a, "leads") {
		if _, both := contactOf[l.AID]; both {
			t.Errorf("HubSpot contact %s is linked to Contact %s and Lead %s", l.AID, contactOf[l.AID], l.BID)
		}
		lead, _ := sf.Get("Lead", l.BID)
		c, _ := hs.Get("contacts", l.AID)
		if !strings.EqualFold(lead.Fields["Email"], c.Properties["email"]) {
			t.Errorf("Lead %s (%s) linked to HubSpot contact %s (%s)", l.BID, lead.Fields["Email"], l.AID, c.Properties["email"])
		}
		if lead.Fields["IsConverted"] == "true" {
			t.Errorf("converted Lead %s is linked", l.BID)
		}
		if l.CreatedBy == "b" {
			made = append(made, l.AID)
		}
		leadOf[l.AID] = l.BID
	}
	if len(made) == 0 || len(contactOf) == 0 {
		t.Fatalf("%d Leads made from HubSpot, %d contacts linked to Contacts; want some of each", len(made), len(contactOf))
	}
	// Converted Leads the sandbox seeded stay out: their Contacts came to
	// HubSpot through the contacts sync, not as a second person.
	for _, r := range sf.Records("Lead") {
		if r.Fields["IsConverted"] == "true" {
			for _, l := range syncLinks(t, a, "leads") {
				if l.BID == r.ID {
					t.Errorf("converted Lead %s is linked to HubSpot contact %s", r.ID, l.AID)
				}
			}
		}
	}

	// A rep converts a Lead crmsync made, into its company's Account; then
	// the contact changes in HubSpot.
	x := made[0]
	lead := leadOf[x]
	c, _ := hs.Get("contacts", x)
	var account string
	for _, l := range syncLinks(t, a, "companies") {
		if l.AID == c.Properties["associatedcompanyid"] {
			account = l.BID
		}
	}
	conv, err := sf.ConvertLead(lead, salesforce.LeadConvert{AccountID: account})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", x, map[string]string{"jobtitle": "Chief Converted Officer"}); err != nil {
		t.Fatal(err)
	}
	hsCount, leadCount, contactCount, companyCount := hs.Count("contacts"), sf.Count("Lead"), sf.Count("Contact"), hs.Count("companies")
	runAll("after the conversion")
	var linked string
	for _, l := range syncLinks(t, a, "contacts") {
		if l.AID == x {
			linked = l.BID
		}
	}
	if linked != conv.ContactID {
		t.Fatalf("HubSpot contact %s is linked to Contact %q by the contacts sync, want the converted %s", x, linked, conv.ContactID)
	}
	if c, _ := sf.Get("Contact", conv.ContactID); c.Fields["Title"] != "Chief Converted Officer" {
		t.Errorf("the converted Contact's Title is %q, want HubSpot's change", c.Fields["Title"])
	}
	if l, _ := sf.Get("Lead", lead); l.Fields["Title"] == "Chief Converted Officer" {
		t.Error("the converted Lead was written")
	}
	if n := hs.Count("contacts"); n != hsCount {
		t.Errorf("HubSpot has %d contacts after the conversion, had %d", n, hsCount)
	}
	if n := hs.Count("companies"); n != companyCount {
		t.Errorf("HubSpot has %d companies after the conversion, had %d", n, companyCount)
	}
	if n := sf.Count("Lead"); n != leadCount {
		t.Errorf("Salesforce has %d Leads after the conversion, had %d", n, leadCount)
	}
	if n := sf.Count("Contact"); n != contactCount {
		t.Errorf("Salesforce has %d Contacts after the conversion, had %d", n, contactCount)
	}
	for name, o := range runAll("a round with nothing new") {
		if s := o.Result.Summary; s.Created+s.Updated != 0 {
			t.Errorf("%s wrote again: %s", name, o.Line())
		}
	}
}

// TestScheduledLeadsRunAfterContacts: a background run of the leads sync
// first runs the contacts sync it filters by (both on a schedule), so a
// HubSpot contact whose Contact is new in Salesforce is linked to that
// Contact and not made a Lead as well.
func TestScheduledLeadsRunAfterContacts(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 61, 20)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	contacts := app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies")
	leads := app.DemoLeadsSync("leads", "hs", "sf", "contacts")
	contacts.Schedule, leads.Schedule = "every 6h", "every 6h"
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), contacts, leads)
	if _, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatal(err)
	}
	const email = "new.both@example.com"
	x, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "New", "lastname": "Both", "company": "Both Inc"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := sf.Create("Contact", map[string]string{"Email": email, "FirstName": "New", "LastName": "Both"})
	if err != nil {
		t.Fatal(err)
	}
	sched := startScheduler(t, a)
	if !sched.SyncNow("leads") {
		t.Fatal("the scheduler does not know the leads sync")
	}
	if err := backgroundRunEnds(sched, "leads"); err != nil {
		t.Fatalf("background leads run: %v", err)
	}
	linked := false
	for _, l := range syncLinks(t, a, "contacts") {
		linked = linked || l.AID == x.ID && l.BID == c.ID
	}
	if !linked {
		t.Error("the contacts sync did not run first: the new pair is not linked")
	}
	for _, r := range sf.Records("Lead") {
		if strings.EqualFold(r.Fields["Email"], email) {
			t.Errorf("Lead %s was made for a contact that has a Contact", r.ID)
		}
	}
}

// TestScheduledLeadsWaitForARunningContactsRun: when the contacts sync is
// already running in its own turn, a background leads run waits for it to
// end before it plans, rather than failing or running beside it.
func TestScheduledLeadsWaitForARunningContactsRun(t *testing.T) {
	ctx := context.Background()
	a, _ := connectedSandbox(t, 67, 10)
	contacts := app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies")
	leads := app.DemoLeadsSync("leads", "hs", "sf", "contacts")
	contacts.Schedule, leads.Schedule = "every 6h", "every 6h"
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), contacts, leads)
	row, err := a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	open, err := a.DB().OpenRun(ctx, row.ID, "schedule", 0) // the contacts sync's own turn, under way
	if err != nil {
		t.Fatal(err)
	}
	sched := startScheduler(t, a)
	sched.SyncNow("leads")
	time.Sleep(2500 * time.Millisecond) // the leads run polls once a second
	if runs, err := a.Runs(ctx, "leads", 5); err != nil || len(runs) != 0 {
		t.Fatalf("the leads sync ran while the contacts run was open: %+v %v", runs, err)
	}
	if err := a.DB().FinishRun(ctx, store.RunRow{ID: open, SyncID: row.ID, Status: "success"}); err != nil {
		t.Fatal(err)
	}
	if err := backgroundRunEnds(sched, "leads"); err != nil {
		t.Fatalf("background leads run: %v", err)
	}
	if runs, err := a.Runs(ctx, "leads", 5); err != nil || len(runs) != 1 || runs[0].Run.Status != "success" {
		t.Fatalf("after the contacts run ended, leads runs: %+v %v", runs, err)
	}
}
