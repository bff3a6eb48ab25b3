package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestTakenEmailsInOneCreateBatch: a Salesforce -> HubSpot sync
// matching people by phone creates plainly (an upsert by email could land
// on another linked contact). HubSpot refuses a whole batch/create with a
// bare 409 when one input's email is taken ("Contact already exists.
// Existing ID: …", HubSpot/hubspot-api-python#51). Among 40 new Contacts,
// 3 whose emails linked HubSpot contacts hold must not stop the other 37,
// must not be created twice, and must each wait in review naming the
// HubSpot contact, within a bounded number of batch calls; the next run
// writes nothing.
func TestTakenEmailsInOneCreateBatch(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := phoneMatchedToHubSpot("by-phone-batch")
	def.Safety.MaxChangePercent = 100
	saveSyncs(t, a, def)
	taken := takenEmailContacts(t, a, srv, clock, def.Name, "batch.example")
	hs := srv.HubSpot()
	stat := func() int64 { return srv.Stats()["hubspot"]["POST /crm/objects/2026-03/contacts/batch/create"] }
	before := stat()
	res, errs := runAndErrors(t, a, def.Name)
	calls := stat() - before
	byEmail := hubSpotContactsByEmail(hs)
	for i := range 40 {
		if email := fmt.Sprintf("new%02d@batch.example", i); i%13 != 5 && byEmail[email] != 1 {
			t.Errorf("%s is %d HubSpot contacts, want 1", email, byEmail[email])
		}
	}
	for email := range taken {
		if byEmail[email] != 1 {
			t.Errorf("%s is %d HubSpot contacts, want 1", email, byEmail[email])
		}
	}
	if res.Summary.Created != 37 {
		t.Errorf("created %d, want 37: %+v %+v", res.Summary.Created, res.Summary, errs)
	}
	items, err := a.Reviews(ctx, def.Name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	for email, id := range taken {
		found := false
		for _, it := range items {
			found = found || (it.Kind == "duplicate" && strings.Contains(it.Detail, id))
		}
		if !found {
			t.Errorf("the Contact with %s (held by HubSpot %s) is not in review: %+v %+v", email, id, items, errs)
		}
	}
	// Each refusal names the contact holding the email: isolating 3 takes
	// a read and a resend each, not a bisection of the 40.
	if calls > 4 || res.Summary.APICallsA > 8 {
		t.Errorf("%d batch/create calls (%d in all) to isolate 3 taken emails among 40", calls, res.Summary.APICallsA)
	}
	clock.step(time.Minute)
	res, errs = runAndErrors(t, a, def.Name)
	if res.Summary.Created != 0 || res.Summary.Failed != 0 {
		t.Errorf("the next run wrote again: %+v %+v", res.Summary, errs)
	}
}

// takenEmailContacts readies sync (Salesforce -> HubSpot matched by phone)
// for a batch/create HubSpot refuses: 3 HubSpot contacts and Salesforce
// twins with the same email (taken<i>@domain) and phone, linked by a first
// run that must end without errors, then 40 new Salesforce Contacts, 3 of
// them carrying the taken emails. The clock steps a minute before and
// after the first run and after the new Contacts. It returns each taken
// email's HubSpot contact id.
func takenEmailContacts(t *testing.T, a *app.App, srv *sandbox.Server, clock *stepClock, sync, domain string) map[string]string {
	t.Helper()
	hs, sf := srv.HubSpot(), srv.Salesforce()
	taken := map[string]string{}
	for i := range 3 {
		email := fmt.Sprintf("taken%d@%s", i, domain)
		phone := fmt.Sprintf("+1415555%04d", 100+i)
		c, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "Held", "lastname": fmt.Sprint(i), "phone": phone})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sf.Create("Contact", map[string]string{"Email": email, "FirstName": "Held", "LastName": fmt.Sprint(i), "Phone": phone}); err != nil {
			t.Fatal(err)
		}
		taken[email] = c.ID
	}
	clock.step(time.Minute)
	if res, errs := runAndErrors(t, a, sync); len(errs) != 0 {
		t.Fatalf("first run: %+v %+v", res.Summary, errs)
	}
	clock.step(time.Minute)
	for i := range 40 {
		email := fmt.Sprintf("new%02d@%s", i, domain)
		if i%13 == 5 {
			email = fmt.Sprintf("taken%d@%s", i/13, domain)
		}
		if _, err := sf.Create("Contact", map[string]string{"Email": email, "FirstName": "New", "LastName": fmt.Sprint(i),
			"Phone": fmt.Sprintf("+1415556%04d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	clock.step(time.Minute)
	return taken
}

// hubSpotContactsByEmail counts the live HubSpot contacts per email, lower
// case: a duplicate shows as 2.
func hubSpotContactsByEmail(hs *hubspot.Sim) map[string]int {
	byEmail := map[string]int{}
	for _, r := range hs.Records("contacts") {
		if !r.Archived {
			byEmail[strings.ToLower(r.Properties["email"])]++
		}
	}
	return byEmail
}
