package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// duplicateRuleSetup runs the demo contacts sync one way, HubSpot to
// Salesforce (a first run, a success), then makes Dana twice under rule
// (danaTwice), the Salesforce Contact one the sync does not link. It
// returns the sync and both ids.
func duplicateRuleSetup(t *testing.T, rule salesforce.DuplicateRule) (a *app.App, srv *sandbox.Server, clock *stepClock, def engine.Definition, hsID, sfID string) {
	t.Helper()
	a, srv, clock = clockedApp(t, "salesforce", "sf")
	def = app.DemoSync("contacts", "hs", "sf")
	def.Direction = mapping.AtoB
	saveSyncs(t, a, def)
	if res, err := a.Run(context.Background(), def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	clock.step(time.Minute)
	hsID, sfID = danaTwice(t, srv, rule)
	clock.step(time.Minute)
	return a, srv, clock, def, hsID, sfID
}

// decidedDuplicate is duplicateRuleSetup with Dana's create held by
// rule (heldDuplicate) and its item decided with action.
func decidedDuplicate(t *testing.T, rule salesforce.DuplicateRule, action string) (a *app.App, srv *sandbox.Server, clock *stepClock, def engine.Definition, hsID, sfID string, it app.ReviewView) {
	t.Helper()
	a, srv, clock, def, hsID, sfID = duplicateRuleSetup(t, rule)
	it = heldDuplicate(t, a, def.Name, hsID, sfID, rule.Name)
	if err := a.Decide(context.Background(), it.ID, engine.Decision{Action: action}); err != nil {
		t.Fatal(err)
	}
	return a, srv, clock, def, hsID, sfID, it
}

// danaTwice activates rule on Salesforce Contacts and makes Dana twice:
// a Salesforce Contact, and a HubSpot contact with the same name and
// phone but another email, which the rule takes for her duplicate.
func danaTwice(t *testing.T, srv *sandbox.Server, rule salesforce.DuplicateRule) (hsID, sfID string) {
	t.Helper()
	sf := srv.Salesforce()
	if err := sf.AddDuplicateRule("Contact", rule); err != nil {
		t.Fatal(err)
	}
	dana, err := sf.Create("Contact", map[string]string{"FirstName": "Dana", "LastName": "Whit", "Phone": "+14155550142", "Email": "dana@whit-old.example"})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := srv.HubSpot().Create("contacts", map[string]string{"firstname": "Dana", "lastname": "Whit", "phone": "+1 415 555 0142", "email": "dana@whit-new.example"})
	if err != nil {
		t.Fatal(err)
	}
	return hs.ID, dana.ID
}

// heldDuplicate runs sync and returns its one open duplicate item, which
// must be about HubSpot record hsID, name Salesforce's rule, its message
// and the Contact sfID; the run must record no failure for it.
func heldDuplicate(t *testing.T, a *app.App, sync, hsID, sfID, rule string) app.ReviewView {
	t.Helper()
	res, errs := runAndErrors(t, a, sync)
	for _, e := range errs {
		if e.RecordID == hsID || e.Code == "DUPLICATES_DETECTED" {
			t.Fatalf("the duplicate rule's refusal is a failure to retry, not a question for review: %+v", e)
		}
	}
	if res.Summary.Failed != 0 || res.Summary.Review == 0 {
		t.Fatalf("run: %+v", res.Summary)
	}
	items, err := a.Reviews(context.Background(), sync, "duplicate", "open")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].RecordID != hsID || items[0].Side != "a" {
		t.Fatalf("open duplicate items: %+v", items)
	}
	for _, want := range []string{sfID, rule, "DUPLICATES_DETECTED", "You're creating a duplicate record"} {
		if !strings.Contains(items[0].Detail, want) {
			t.Fatalf("item detail does not name %q: %s", want, items[0].Detail)
		}
	}
	return items[0]
}

// TestDuplicateRuleHoldsCreateForReview: Salesforce's standard contact
// duplicate rule, active in every org, alerts on a new Contact with the
// name and phone of one it holds, which refuses it through the API. The
// create is held for review with that Contact as its candidate, not
// failed and sent again every run; linking them writes HubSpot's values
// to the Contact, and nothing is created.
func TestDuplicateRuleHoldsCreateForReview(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, hsID, sfID := duplicateRuleSetup(t, salesforce.StandardContactDuplicateRule())
	sf := srv.Salesforce()
	before := sf.Count("Contact")
	it := heldDuplicate(t, a, def.Name, hsID, sfID, "Standard_Contact_Duplicate_Rule")

	clock.step(2 * time.Minute)
	if _, errs := runAndErrors(t, a, def.Name); len(errs) != 0 {
		t.Fatalf("the held record was sent again: %+v", errs)
	}
	if n := sf.Count("Contact"); n != before {
		t.Fatalf("%d Salesforce Contacts, want %d", n, before)
	}

	if err := a.Decide(ctx, it.ID, engine.Decision{Action: "link", OtherID: sfID}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	if res, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || res.Summary.Status != "success" {
		t.Fatalf("run after the link: %+v %+v", res.Summary, errs)
	}
	linked := isLinked(t, a, def.Name, hsID, sfID)
	got, _ := sf.Get("Contact", sfID)
	if !linked || got.Fields["Email"] != "dana@whit-new.example" || sf.Count("Contact") != before {
		t.Fatalf("linked %v; Dana in Salesforce %+v; %d Contacts, want %d", linked, got.Fields, sf.Count("Contact"), before)
	}
	if open, _ := a.Reviews(ctx, def.Name, "duplicate", "open"); len(open) != 0 {
		t.Fatalf("items still open: %+v", open)
	}
}

// TestDuplicateRuleCreateAnyway: a person who decides the record is
// someone else creates it anyway; the next run sends it acknowledging
// the rule's alert, and it is created once. A rule that blocks cannot be
// acknowledged: creating anyway is refused when decided, saying why.
func TestDuplicateRuleCreateAnyway(t *testing.T) {
	ctx := context.Background()
	a, srv, clock, def, hsID, sfID := duplicateRuleSetup(t, salesforce.StandardContactDuplicateRule())
	sf := srv.Salesforce()
	before := sf.Count("Contact")
	it := heldDuplicate(t, a, def.Name, hsID, sfID, "Standard_Contact_Duplicate_Rule")
	if err := a.Decide(ctx, it.ID, engine.Decision{Action: "create"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	if res, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || res.Summary.Created != 1 {
		t.Fatalf("create anyway: %+v %+v", res.Summary, errs)
	}
	created := linkedB(t, a, def.Name, hsID)
	got, ok := sf.Get("Contact", created)
	if !ok || created == sfID || got.Fields["Email"] != "dana@whit-new.example" || sf.Count("Contact") != before+1 {
		t.Fatalf("created %q %+v; %d Contacts, want %d", created, got.Fields, sf.Count("Contact"), before+1)
	}
	clock.step(time.Minute)
	if res, errs := runAndErrors(t, a, def.Name); len(errs) != 0 || res.Summary.Created != 0 || res.Summary.Review != 0 {
		t.Fatalf("the run after: %+v %+v", res.Summary, errs)
	}

	blocking := salesforce.StandardContactDuplicateRule()
	blocking.Name, blocking.Block = "Block_Contact_Duplicates", true
	a2, _, _, def2, hs2, sf2 := duplicateRuleSetup(t, blocking)
	it2 := heldDuplicate(t, a2, def2.Name, hs2, sf2, "Block_Contact_Duplicates")
	if !strings.Contains(it2.Detail, "blocks duplicates") {
		t.Fatalf("a blocking rule's item does not say it blocks: %s", it2.Detail)
	}
	err := a2.Decide(ctx, it2.ID, engine.Decision{Action: "create"})
	if err == nil || !strings.Contains(err.Error(), "blocks") {
		t.Fatalf("create anyway under a blocking rule: %v", err)
	}
}

// TestDuplicateRuleLetsUpdatesThrough: the standard rule runs on edit
// too. An update crmsync copies to a linked Contact from HubSpot is a
// change a person made to a record that exists, not a new duplicate: it
// is sent acknowledging the alert and lands, rather than failing on
// every run and leaving the Contact stale.
func TestDuplicateRuleLetsUpdatesThrough(t *testing.T) {
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("contacts", "hs", "sf")
	saveSyncs(t, a, def)
	if res, err := a.Run(context.Background(), def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	sf := srv.Salesforce()
	l := syncLinks(t, a, def.Name)[0]
	if err := sf.AddDuplicateRule("Contact", salesforce.StandardContactDuplicateRule()); err != nil {
		t.Fatal(err)
	}
	linked, _ := sf.Get("Contact", l.BID)
	// Another Contact, not in HubSpot, with the name the linked person is
	// about to take and her phone: the edit makes them look alike.
	if _, err := sf.Create("Contact", map[string]string{"FirstName": "Robin", "LastName": linked.Fields["LastName"], "Phone": linked.Fields["Phone"], "Email": "robin.other@example.com"}); err != nil {
		t.Fatal(err)
	}
	if linked.Fields["Phone"] == "" {
		t.Fatalf("the linked Contact has no phone to match: %+v", linked.Fields)
	}
	clock.step(time.Minute)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": "Robin"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	res, errs := runAndErrors(t, a, def.Name)
	if len(errs) != 0 {
		t.Fatalf("the update failed: %+v", errs)
	}
	if got, _ := sf.Get("Contact", l.BID); got.Fields["FirstName"] != "Robin" || res.Summary.Updated == 0 {
		t.Fatalf("the linked Contact: %+v, run %+v", got.Fields, res.Summary)
	}
}
