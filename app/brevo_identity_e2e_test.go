package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// connectedBrevo is an app connected to HubSpot and Brevo sandboxes
// holding no records, with the ready-made Brevo sync saved.
func connectedBrevo(t *testing.T, seed int64) (*app.App, *sandbox.Server) {
	t.Helper()
	a, srv := connectedSandbox(t, seed, 0)
	if _, err := a.ConnectSandbox(context.Background(), srv, "brevo", "bv"); err != nil {
		t.Fatalf("connect brevo: %v", err)
	}
	saveSyncs(t, a, app.DemoBrevoSync("brevo", "hs", "bv"))
	return a, srv
}

// assertOneLinkPerContact fails the test for a Brevo contact linked to
// more than one HubSpot contact.
func assertOneLinkPerContact(t *testing.T, a *app.App, sync string) {
	t.Helper()
	for id, contacts := range klaviyoLinksByProfile(t, a, sync) {
		if len(contacts) > 1 {
			t.Errorf("%s record %s is linked to %d contacts: %v", sync, id, len(contacts), contacts)
		}
	}
}

// TestBrevoSharedSMSInOneRun: two new HubSpot contacts share a
// mobile number but not their email. Brevo keeps one contact per SMS
// number, so both cannot be created. The run must not fail its commit:
// one is created, the other fails alone naming the shared number, no
// Brevo contact is linked twice, and the created one keeps its email.
func TestBrevoSharedSMSInOneRun(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedBrevo(t, 1311)
	hs, bv := srv.HubSpot(), srv.Brevo()
	for _, c := range []map[string]string{
		{"email": "ann@couple-audit.io", "firstname": "Ann", "lastname": "Shared", "phone": "+14155550152"},
		{"email": "bob@couple-audit.io", "firstname": "Bob", "lastname": "Shared", "phone": "+14155550152"},
	} {
		if _, err := hs.Create("contacts", c); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.Run(ctx, "brevo", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("the run failed as a whole: %v", err)
	}
	t.Logf("run: %+v", res.Summary)
	if res.Summary.Created != 1 || res.Summary.Failed != 1 {
		t.Errorf("created %d, failed %d; want 1 and 1", res.Summary.Created, res.Summary.Failed)
	}
	assertOneLinkPerContact(t, a, "brevo")
	for _, l := range syncLinks(t, a, "brevo") {
		h, _ := hs.Get("contacts", l.AID)
		id, _ := strconv.ParseInt(l.BID, 10, 64)
		c, ok := bv.Contact(id)
		if !ok || c.Email != h.Properties["email"] {
			t.Errorf("contact %s (%s) linked to Brevo %s (%s)", l.AID, h.Properties["email"], l.BID, c.Email)
		}
	}
	if !runErrorsMention(t, a, res.Summary.RunID, "14155550152") {
		t.Errorf("no run error names the shared number")
	}
}

// TestBrevoSMSOfLinkedContact: a contact is synced to Brevo; later
// a new HubSpot contact with another email and the same mobile number is
// created. Brevo's upsert would land on (or be refused for) the linked
// contact. The run must fail only that record, naming the number, and
// leave the linked Brevo contact's email as it was.
func TestBrevoSMSOfLinkedContact(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedBrevo(t, 1312)
	hs, bv := srv.HubSpot(), srv.Brevo()
	if _, err := hs.Create("contacts", map[string]string{"email": "ann@line-audit.io", "firstname": "Ann", "lastname": "Line", "phone": "+14155550153"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "brevo", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 1 {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := hs.Create("contacts", map[string]string{"email": "bob@line-audit.io", "firstname": "Bob", "lastname": "Line", "phone": "+14155550153"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "brevo", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("the run failed as a whole: %v", err)
	}
	t.Logf("second run: %+v", res.Summary)
	if res.Summary.Failed != 1 {
		t.Errorf("failed %d, want 1 (Bob)", res.Summary.Failed)
	}
	assertOneLinkPerContact(t, a, "brevo")
	if c, ok := bv.ContactByEmail("ann@line-audit.io"); !ok {
		t.Errorf("Ann's Brevo contact lost its email: %+v", bv.Contacts())
	} else if c.Attributes["FIRSTNAME"] != "Ann" {
		t.Errorf("Ann's Brevo contact took another's values: %+v", c)
	}
	if !runErrorsMention(t, a, res.Summary.RunID, "14155550153") {
		t.Errorf("no run error names the shared number")
	}
}
