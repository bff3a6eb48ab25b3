package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestCreateOverLinkedRecordRefused: HubSpot's Ann is linked to
// Salesforce's Ann by email. A Salesforce Bob given Ann's email waits in
// review (the HubSpot record with that email is linked). A person decides
// "create": HubSpot keeps one contact per email, so the create would land
// on Ann and write Bob's values over hers. The decision is refused naming
// Ann's HubSpot id, the item stays open, and Ann is untouched.
func TestCreateOverLinkedRecordRefused(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("createover", "hs", "sf")
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	annHS, err := hs.Create("contacts", map[string]string{"email": "ann@over.example", "firstname": "Ann", "lastname": "Original", "phone": "+14155550100"})
	if err != nil {
		t.Fatal(err)
	}
	annSF, err := sf.Create("Contact", map[string]string{"Email": "ann@over.example", "FirstName": "Ann", "LastName": "Original", "Phone": "+14155550100"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	if res, errs := runAndErrors(t, a, def.Name); len(errs) != 0 {
		t.Fatalf("first run: %+v %+v", res.Summary, errs)
	}
	clock.step(time.Minute)
	bobSF, err := sf.Create("Contact", map[string]string{"Email": "ann@over.example", "FirstName": "Bob", "LastName": "Intruder", "Phone": "+14155550199"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name)
	item := openItemOf(t, a, def.Name, bobSF.ID)
	err = a.Decide(ctx, item.ID, engine.Decision{Action: "create"})
	if err == nil {
		t.Error("create was taken for an email HubSpot keeps on Ann's contact")
	} else {
		for _, want := range []string{annHS.ID, "ann@over.example", annSF.ID, "write over"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the refusal does not say %q: %v", want, err)
			}
		}
	}
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name)
	got, _ := hs.Get("contacts", annHS.ID)
	if got.Properties["firstname"] != "Ann" || got.Properties["lastname"] != "Original" || got.Properties["phone"] != "+14155550100" {
		t.Errorf("HubSpot's Ann was overwritten by Bob's create: %+v", got.Properties)
	}
	if again := openItemOf(t, a, def.Name, bobSF.ID); again.ID == 0 {
		t.Error("Bob's item is no longer open")
	}
}

// openItemOf is the open review item of record id in sync, or a zero item.
func openItemOf(t *testing.T, a *app.App, sync, id string) app.ReviewView {
	t.Helper()
	items, err := a.Reviews(context.Background(), sync, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.RecordID == id {
			t.Logf("item %d %s: %s", it.ID, it.Kind, it.Detail)
			return it
		}
	}
	t.Logf("no open item for %s among %d", id, len(items))
	return app.ReviewView{}
}

// TestCreateOverUnlinkedRecordRefused: two Salesforce Contacts share
// Bob's email with one HubSpot contact no one has linked, so all three wait
// in review. "Create" for one Contact would upsert onto HubSpot's Bob by
// email and write the Contact's values over his: it is refused naming him.
func TestCreateOverUnlinkedRecordRefused(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("createover", "hs", "sf")
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	bobHS, err := hs.Create("contacts", map[string]string{"email": "bob@over.example", "firstname": "Bob", "lastname": "Keeper", "phone": "+14155550100"})
	if err != nil {
		t.Fatal(err)
	}
	var bobs []string
	for _, last := range []string{"One", "Two"} {
		c, err := sf.Create("Contact", map[string]string{"Email": "bob@over.example", "FirstName": "Rob", "LastName": last, "Phone": "+14155550177"})
		if err != nil {
			t.Fatal(err)
		}
		bobs = append(bobs, c.ID)
	}
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name)
	item := openItemOf(t, a, def.Name, bobs[0])
	if item.ID == 0 {
		t.Fatal("the Contact sharing an email is not in review")
	}
	err = a.Decide(ctx, item.ID, engine.Decision{Action: "create"})
	if err == nil || !strings.Contains(err.Error(), bobHS.ID) || !strings.Contains(err.Error(), "write over") {
		t.Errorf("create onto HubSpot's Bob was not refused naming %s: %v", bobHS.ID, err)
	}
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name)
	got, _ := hs.Get("contacts", bobHS.ID)
	if got.Properties["firstname"] != "Bob" || got.Properties["lastname"] != "Keeper" || got.Properties["phone"] != "+14155550100" {
		t.Errorf("HubSpot's Bob was overwritten by a Contact's create: %+v", got.Properties)
	}
	if openItemOf(t, a, def.Name, bobs[0]).ID == 0 {
		t.Error("the Contact's item is no longer open")
	}
}

// TestCreateHeldWhenKeyTakenAfterDecision: two Salesforce Contacts
// share an email HubSpot has no contact with; a person decides "create"
// for one. Before the run, someone enters a HubSpot contact with that
// email. The run must not upsert the Contact onto it: the item goes back
// to review saying why, and the HubSpot contact keeps its values.
func TestCreateHeldWhenKeyTakenAfterDecision(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("createover", "hs", "sf")
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	var cons []string
	for _, last := range []string{"One", "Two"} {
		c, err := sf.Create("Contact", map[string]string{"Email": "cy@over.example", "FirstName": "Cy", "LastName": last, "Phone": "+14155550177"})
		if err != nil {
			t.Fatal(err)
		}
		cons = append(cons, c.ID)
	}
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name)
	item := openItemOf(t, a, def.Name, cons[0])
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "create"}); err != nil {
		t.Fatalf("create with no HubSpot contact holding the email: %v", err)
	}
	cyHS, err := hs.Create("contacts", map[string]string{"email": "cy@over.example", "firstname": "Cyrus", "lastname": "Entered", "phone": "+14155550100"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	runAndErrors(t, a, def.Name)
	got, _ := hs.Get("contacts", cyHS.ID)
	if got.Properties["firstname"] != "Cyrus" || got.Properties["lastname"] != "Entered" || got.Properties["phone"] != "+14155550100" {
		t.Errorf("HubSpot's Cyrus was overwritten by the decided create: %+v", got.Properties)
	}
	if openItemOf(t, a, def.Name, cons[0]).ID == 0 {
		t.Error("the Contact's item is not back in review")
	}
}
