package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// auditLeadsRound runs every sync once; each must succeed. It returns the
// outcomes by sync.
func auditLeadsRound(t *testing.T, a *app.App, what string) map[string]app.SyncOutcome {
	t.Helper()
	out, err := a.RunAll(context.Background(), app.RunOptions{Confirm: true}, nil)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	by := map[string]app.SyncOutcome{}
	for _, o := range out {
		if o.Err != nil || o.Result.Summary == nil || o.Result.Summary.Status != "success" {
			t.Fatalf("%s: %s", what, o.Line())
		}
		by[o.Sync] = o
	}
	return by
}

func auditLeadsSyncs(t *testing.T, seed int64) (*app.App, *salesforce.Sim, func(email string) []string) {
	a, srv := connectedSandbox(t, seed, 40)
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies"),
		app.DemoLeadsSync("leads", "hs", "sf", "contacts"))
	hs := srv.HubSpot()
	hsWith := func(email string) []string {
		var ids []string
		for _, r := range hs.Records("contacts") {
			if strings.EqualFold(r.Properties["email"], email) {
				ids = append(ids, r.ID)
			}
		}
		return ids
	}
	auditLeadsRound(t, a, "first round")
	return a, srv.Salesforce(), hsWith
}

func reviewOf(o app.SyncOutcome, id string) []engine.ReviewItem {
	var out []engine.ReviewItem
	if o.Result.Plan == nil {
		return nil
	}
	for _, it := range o.Result.Plan.Review {
		if it.RecordID == id || it.OtherID == id {
			out = append(out, it)
		}
		for _, c := range it.Candidates {
			if c.ID == id {
				out = append(out, it)
			}
		}
	}
	return out
}

// TestLeadAndContactCreatedTogether: a person who is both a new Lead
// and a new Contact in Salesforce (same email) comes to HubSpot once,
// linked to the Contact; the Lead is left alone, and nothing is written
// again.
func TestLeadAndContactCreatedTogether(t *testing.T) {
	a, sf, hsWith := auditLeadsSyncs(t, 57)
	const email = "both.ways@example.com"
	l, err := sf.Create("Lead", map[string]string{"Email": email, "FirstName": "Both", "LastName": "Ways", "Company": "Both Inc"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := sf.Create("Contact", map[string]string{"Email": email, "FirstName": "Both", "LastName": "Ways"})
	if err != nil {
		t.Fatal(err)
	}
	out := auditLeadsRound(t, a, "after the new pair")
	ids := hsWith(email)
	if len(ids) != 1 {
		t.Fatalf("%d HubSpot contacts with %s, want 1: %v", len(ids), email, ids)
	}
	for _, lk := range syncLinks(t, a, "leads") {
		if lk.BID == l.ID || lk.AID == ids[0] {
			t.Errorf("the leads sync linked %s to %s", lk.AID, lk.BID)
		}
	}
	linked := false
	for _, lk := range syncLinks(t, a, "contacts") {
		linked = linked || lk.AID == ids[0] && lk.BID == c.ID
	}
	if !linked {
		t.Errorf("HubSpot contact %s is not linked to Contact %s", ids[0], c.ID)
	}
	if r := reviewOf(out["leads"], l.ID); len(r) > 0 {
		t.Errorf("the Lead is held for review: %+v", r)
	}
	for name, o := range auditLeadsRound(t, a, "a round with nothing new") {
		if s := o.Result.Summary; s.Created+s.Updated != 0 {
			t.Errorf("%s wrote again: %s", name, o.Line())
		}
	}
}

// TestReturningConvertedLead: a person whose Lead a rep converted
// (its Contact linked to HubSpot) fills in a web form again, and
// Salesforce makes a new Lead with the same email, as it does. The new
// Lead belongs to a person the contacts sync already has: it is skipped,
// neither held for review against the converted Lead (which this sync
// leaves out) nor made a second HubSpot contact.
func TestReturningConvertedLead(t *testing.T) {
	a, sf, hsWith := auditLeadsSyncs(t, 57)
	var old salesforce.Record
	for _, r := range sf.Records("Lead") {
		if r.Fields["IsConverted"] == "true" && r.Fields["Email"] != "" {
			old = r
			break
		}
	}
	if old.ID == "" {
		t.Fatal("no converted Lead seeded")
	}
	email := old.Fields["Email"]
	if n := len(hsWith(email)); n != 1 {
		t.Fatalf("%d HubSpot contacts with %s before, want 1", n, email)
	}
	l, err := sf.Create("Lead", map[string]string{"Email": email, "FirstName": "Again", "LastName": old.Fields["LastName"], "Company": "Again Inc"})
	if err != nil {
		t.Fatal(err)
	}
	out := auditLeadsRound(t, a, "after the new Lead")
	if n := len(hsWith(email)); n != 1 {
		t.Errorf("%d HubSpot contacts with %s, want 1", n, email)
	}
	if r := reviewOf(out["leads"], l.ID); len(r) > 0 {
		t.Errorf("the new Lead of a converted person is held for review: %+v", r)
	}
	for _, lk := range syncLinks(t, a, "leads") {
		if lk.BID == l.ID {
			t.Errorf("the new Lead is linked to HubSpot contact %s, which the contacts sync has", lk.AID)
		}
	}
}

// TestContactAppearsForALead: a HubSpot contact kept as a Lead gets a
// Contact of its own in Salesforce (a rep adds one rather than converting):
// the contacts sync takes it over, the leads sync stops writing, and a
// change in HubSpot reaches the Contact only.
func TestContactAppearsForALead(t *testing.T) {
	a, sf, _ := auditLeadsSyncs(t, 57)
	links := syncLinks(t, a, "leads")
	if len(links) == 0 {
		t.Fatal("no leads linked")
	}
	x, lead := links[0].AID, links[0].BID
	lr, _ := sf.Get("Lead", lead)
	c, err := sf.Create("Contact", map[string]string{"Email": lr.Fields["Email"], "FirstName": lr.Fields["FirstName"], "LastName": lr.Fields["LastName"], "Title": "From the Contact"})
	if err != nil {
		t.Fatal(err)
	}
	auditLeadsRound(t, a, "after the Contact")
	linked := false
	for _, lk := range syncLinks(t, a, "contacts") {
		linked = linked || lk.AID == x && lk.BID == c.ID
	}
	if !linked {
		t.Fatalf("HubSpot contact %s is not linked to the new Contact %s", x, c.ID)
	}
	for name, o := range auditLeadsRound(t, a, "a round with nothing new") {
		if s := o.Result.Summary; s.Created+s.Updated != 0 {
			t.Errorf("%s wrote again: %s", name, o.Line())
		}
	}
	if l, _ := sf.Get("Lead", lead); l.Fields["Title"] == "From the Contact" {
		t.Error("the Lead was written with the Contact's title")
	}
}

// TestNewContactMatchesOpenAndConvertedLead: a new HubSpot contact
// whose email is on an open Lead and on a Lead a rep converted into
// another person's Contact is linked to the open Lead: the converted one,
// which the leads sync leaves out, makes the match no ambiguity.
func TestNewContactMatchesOpenAndConvertedLead(t *testing.T) {
	a, srv := connectedSandbox(t, 57, 40)
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"), app.DemoSyncWithCompanies("contacts", "hs", "sf", "companies"),
		app.DemoLeadsSync("leads", "hs", "sf", "contacts"))
	auditLeadsRound(t, a, "first round")
	hs, sf := srv.HubSpot(), srv.Salesforce()
	const email = "twice.over@example.com"
	acct, err := sf.Create("Account", map[string]string{"Name": "Twice Inc"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := sf.Create("Contact", map[string]string{"Email": "someone.else@example.com", "LastName": "Else", "AccountId": acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	old, err := sf.Create("Lead", map[string]string{"Email": email, "LastName": "Over", "Company": "Twice Inc"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sf.ConvertLead(old.ID, salesforce.LeadConvert{AccountID: acct.ID, ContactID: other.ID}); err != nil {
		t.Fatal(err)
	}
	open, err := sf.Create("Lead", map[string]string{"Email": email, "LastName": "Over", "Company": "Twice Inc"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := hs.Create("contacts", map[string]string{"email": email, "lastname": "Over", "jobtitle": "Twice"})
	if err != nil {
		t.Fatal(err)
	}
	out := auditLeadsRound(t, a, "after the new contact")
	if r := reviewOf(out["leads"], x.ID); len(r) > 0 {
		t.Errorf("the new HubSpot contact is held for review: %+v", r)
	}
	linked := false
	for _, lk := range syncLinks(t, a, "leads") {
		linked = linked || lk.AID == x.ID && lk.BID == open.ID
		if lk.BID == old.ID {
			t.Errorf("the converted Lead is linked to %s", lk.AID)
		}
	}
	if !linked {
		t.Errorf("HubSpot contact %s is not linked to the open Lead %s", x.ID, open.ID)
	}
	if l, _ := sf.Get("Lead", open.ID); l.Fields["Title"] != "Twice" {
		t.Errorf("the open Lead's title is %q, want HubSpot's", l.Fields["Title"])
	}
}
