package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestSalesforceHiddenFieldFailsClearly: an admin hides the mapped
// Contact Phone from the integration user (field-level security) after the
// describe was cached. The run must fail naming Phone and Salesforce's own
// words, must not blank HubSpot's phones, and the next run must refuse the
// mapping by name rather than fail the same way again.
func TestSalesforceHiddenFieldFailsClearly(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("contacts", "hs", "sf")
	sf := srv.Salesforce()
	l := openAfterSchemaChange(t, a, srv, clock, def, func() error { return sf.HideField("Contact", "Phone") })
	hsBefore, _ := srv.HubSpot().Get("contacts", l.AID)
	phone := hsBefore.Properties["phone"]
	if phone == "" {
		t.Fatalf("the linked HubSpot contact has no phone to lose: %+v", hsBefore)
	}
	// A Salesforce-side change, so the record is read from Salesforce.
	if _, err := sf.Update("Contact", l.BID, map[string]string{"Title": "Head of Audit"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)

	first, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	t.Logf("first run: err %v summary %+v", err, first.Summary)
	text := ""
	if err != nil {
		text = err.Error()
	}
	if first.Summary != nil {
		d, derr := a.RunDetail(ctx, first.Summary.RunID)
		if derr != nil {
			t.Fatal(derr)
		}
		t.Logf("first run errors: %+v", d.Errors)
		for _, e := range d.Errors {
			text += "\n" + e.Field + " " + e.Code + " " + e.Message
		}
	}
	if hs, _ := srv.HubSpot().Get("contacts", l.AID); hs.Properties["phone"] != phone {
		t.Fatalf("HubSpot's phone was overwritten after Salesforce hid Phone: %q -> %q", phone, hs.Properties["phone"])
	}
	if !strings.Contains(text, "Phone") || !strings.Contains(text, "No such column") {
		t.Fatalf("the first run after Phone was hidden does not name Phone and Salesforce's words: %q", text)
	}

	clock.step(time.Hour)
	again, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	t.Logf("next run: err %v summary %+v", err, again.Summary)
	if err == nil || !strings.Contains(err.Error(), "Phone") || strings.Contains(err.Error(), "No such column") {
		t.Fatalf("the next run does not refuse the mapping of Phone by name: %v", err)
	}
	if hs, _ := srv.HubSpot().Get("contacts", l.AID); hs.Properties["phone"] != phone {
		t.Fatalf("HubSpot's phone was overwritten on the next run: %q -> %q", phone, hs.Properties["phone"])
	}
}

// TestSalesforceReadOnlyFieldIsNotResent: an admin makes the mapped
// Contact Phone read-only for the integration user after the describe was
// cached. A HubSpot contact's new phone and title are synced: the write
// fails that record naming Phone and Salesforce's message; the next run
// must not send the refused write again, and the title still arrives.
func TestSalesforceReadOnlyFieldIsNotResent(t *testing.T) {
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("contacts", "hs", "sf")
	sf := srv.Salesforce()
	l := openAfterSchemaChange(t, a, srv, clock, def, func() error { return sf.ReadOnlyField("Contact", "Phone") })
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"phone": "+14155550123", "jobtitle": "Head of Audit"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)

	_, errs := runAndErrors(t, a, def.Name)
	refused := false
	for _, e := range errs {
		refused = refused || e.RecordID == l.BID && e.Field == "Phone" && e.Code == "INVALID_FIELD_FOR_INSERT_UPDATE" &&
			strings.Contains(e.Message, "Unable to create/update fields: Phone")
	}
	if !refused {
		t.Fatalf("the write of read-only Phone does not fail %s naming Phone and Salesforce's message: %+v", l.BID, errs)
	}

	err := retryNotRefusedAgain(t, a, clock, def.Name, l.BID, "INVALID_FIELD_FOR_INSERT_UPDATE")
	if err == nil {
		if rec, _ := sf.Get("Contact", l.BID); rec.Fields["Title"] != "Head of Audit" {
			t.Fatalf("the title never reached Salesforce once Phone became read-only: %+v", rec.Fields)
		}
	} else if !strings.Contains(err.Error(), "Phone") {
		t.Fatalf("the next run fails without naming Phone: %v", err)
	}
}

// TestSalesforceReadOnlyUpsertKeyIsNotResent: an admin leaves the
// Contact External ID the connector upserts by (Crmsync_Key__c) read-only
// for the integration user after the describe was cached. A new HubSpot
// contact's create fails naming the field and Salesforce's message; the
// next run must not send the same refused write again.
func TestSalesforceReadOnlyUpsertKeyIsNotResent(t *testing.T) {
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("contacts", "hs", "sf")
	sf := srv.Salesforce()
	openAfterSchemaChange(t, a, srv, clock, def, func() error { return sf.ReadOnlyField("Contact", "Crmsync_Key__c") })
	if _, err := srv.HubSpot().Create("contacts", map[string]string{"email": "fls.audit@example.com", "firstname": "Fay", "lastname": "Ls"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	before := sf.Count("Contact")

	runAndErrors(t, a, def.Name)

	err := retryNotRefusedAgain(t, a, clock, def.Name, "", "INVALID_FIELD_FOR_INSERT_UPDATE")
	if err == nil && sf.Count("Contact") != before+1 {
		t.Fatalf("the new contact was not created once: %d Salesforce contacts, want %d", sf.Count("Contact"), before+1)
	} else if err != nil && !strings.Contains(err.Error(), "Crmsync_Key__c") {
		t.Fatalf("the next run fails without naming Crmsync_Key__c: %v", err)
	}
}
