package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/brevo"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestNoEmailContactCreatedPlain: in the ready-made contacts sync
// (HubSpot ↔ Salesforce, matched and mapped by email), a Salesforce
// Contact with no Email is created in HubSpot as a contact with no email,
// never with a made-up key such as "contacts:003…" as its email; the run
// has no failure for it, and a second run creates nothing more.
func TestNoEmailContactCreatedPlain(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 811, 0)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	hs, sf := srv.HubSpot(), srv.Salesforce()
	noEmail := mustCreateSF(t, sf, "Contact", map[string]string{"FirstName": "Nora", "LastName": "Quist", "Phone": "(415) 555-0142"})
	mustCreateSF(t, sf, "Contact", map[string]string{"FirstName": "Evan", "LastName": "Marsh", "Email": "evan.marsh@example.com"})

	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		if err != nil || res.Summary.Status != "success" || res.Summary.Failed != 0 {
			t.Errorf("run %d: want success with no failure: %v; %s", i, err, line)
		}
		if i == 2 && res.Summary.Created != 0 {
			t.Errorf("run 2 created %d records, want none; %s", res.Summary.Created, line)
		}
		names := contactNameCounts(hs, sf)
		if names["hs Nora Quist"] != 1 || names["hs Evan Marsh"] != 1 {
			t.Errorf("run %d: HubSpot contacts by name %v, want one Nora Quist and one Evan Marsh; %s", i, names, line)
		}
		for _, r := range hs.Records("contacts") {
			if r.Archived || r.Properties["lastname"] != "Quist" {
				continue
			}
			if e := r.Properties["email"]; e != "" {
				t.Errorf("run %d: HubSpot contact %s for Salesforce %s (no Email) has email %q, want none", i, r.ID, noEmail.ID, e)
			}
			if linkedB(t, a, "contacts", r.ID) != noEmail.ID {
				t.Errorf("run %d: HubSpot contact %s not linked to Salesforce %s", i, r.ID, noEmail.ID)
			}
		}
		if e := sf.Records("Contact"); len(e) != 2 {
			t.Errorf("run %d: %d Salesforce Contacts, want 2 (nothing copied back)", i, len(e))
		}
	}
}

// TestNoEmailPipedrivePersonCreatedPlain: the same for a Pipedrive
// person with no email in the ready-made HubSpot ↔ Pipedrive sync.
func TestNoEmailPipedrivePersonCreatedPlain(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 812, 0)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""))
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	p, err := pd.CreatePerson(map[string]any{"name": "Nora Quist"})
	if err != nil {
		t.Fatal(err)
	}
	pid := strconv.FormatInt(p.ID, 10)
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "people", Result: res, Err: err}.Line()
		if err != nil || res.Summary.Status != "success" || res.Summary.Failed != 0 {
			t.Errorf("run %d: want success with no failure: %v; %s", i, err, line)
		}
		if i == 2 && res.Summary.Created != 0 {
			t.Errorf("run 2 created %d records, want none; %s", res.Summary.Created, line)
		}
		var made []string
		for _, r := range hs.Records("contacts") {
			if !r.Archived && r.Properties["lastname"] == "Quist" {
				made = append(made, r.ID)
				if e := r.Properties["email"]; e != "" {
					t.Errorf("run %d: HubSpot contact %s for Pipedrive person %s (no email) has email %q, want none", i, r.ID, pid, e)
				}
			}
		}
		if len(made) != 1 || linkedA(t, a, "people", pid) != made[0] {
			t.Errorf("run %d: HubSpot contacts for Pipedrive person %s: %v, want one, linked; %s", i, pid, made, line)
		}
		if n := pd.CountPersons(); n != 1 {
			t.Errorf("run %d: %d Pipedrive persons, want 1 (nothing copied back)", i, n)
		}
	}
}

// TestNoEmailMarketingRefused: a HubSpot contact with neither email
// nor phone in the ready-made syncs to Klaviyo and Brevo, whose contacts
// cannot exist without one: nothing is created there with a made-up address, and
// the run says so, naming the contact and its missing email (before, an
// address made up from its id, "m:1001", was sent, and the vendor's
// "looks fake or invalid" was all the user saw); a second run creates
// nothing either and still counts it as waiting.
func TestNoEmailMarketingRefused(t *testing.T) {
	for _, c := range []struct {
		vendor string
		def    func() engine.Definition
		emails func(srv *sandbox.Server) []string
	}{
		{"klaviyo", func() engine.Definition { return app.DemoKlaviyoSync("m", "hs", "klaviyo") }, func(srv *sandbox.Server) []string {
			var out []string
			for _, p := range srv.Klaviyo().Profiles() {
				out = append(out, p.Email)
			}
			return out
		}},
		{"brevo", func() engine.Definition { return app.DemoBrevoSync("m", "hs", "brevo") }, func(srv *sandbox.Server) []string {
			var out []string
			for _, c := range srv.Brevo().Contacts() {
				out = append(out, c.Email)
			}
			return out
		}},
	} {
		t.Run(c.vendor, func(t *testing.T) {
			ctx := context.Background()
			a, srv := connectedSandbox(t, 813, 0)
			if _, err := a.ConnectSandbox(ctx, srv, c.vendor, c.vendor); err != nil {
				t.Fatal(err)
			}
			saveSyncs(t, a, c.def())
			before := c.emails(srv)
			h := mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"firstname": "Nora", "lastname": "Quist"})
			for i := 1; i <= 2; i++ {
				res, err := a.Run(ctx, "m", app.RunOptions{Confirm: true})
				line := app.SyncOutcome{Sync: "m", Result: res, Err: err}.Line()
				t.Logf("run %d: %s | message %q", i, line, res.Summary.Message)
				after := c.emails(srv)
				if len(after) != len(before) {
					t.Errorf("run %d: %s holds %v, had %v: a contact was created for HubSpot %s, which has no email", i, c.vendor, after, before, h.ID)
				}
				if strings.Contains(line, ":"+h.ID) {
					t.Errorf("run %d: an address made up from HubSpot %s's id was sent to %s: %s", i, h.ID, c.vendor, line)
				}
				if i == 1 && (!strings.Contains(line, "record "+h.ID) || !strings.Contains(line, "needs an email")) {
					t.Errorf("run %d: the outcome does not name HubSpot %s and its missing email: %s", i, h.ID, line)
				}
				if i == 2 && !strings.Contains(res.Summary.Message, "1 record waits to be retried") {
					t.Errorf("run %d: the refused contact is no longer mentioned: %q", i, res.Summary.Message)
				}
			}
		})
	}
}

// TestNoEmailLostCreateAnswerNoDuplicate: three Salesforce Contacts
// with no Email go to HubSpot in one plain create whose answer is lost (a
// 502 after HubSpot made them). They cannot be looked up by email, so they
// must not be sent again, not even once their retry is due: each is in
// each CRM once, and each waits in Review naming the record HubSpot made.
func TestNoEmailLostCreateAnswerNoDuplicate(t *testing.T) {
	a, srv, tr, clock := lossyClockedApp(t, 814, 0)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	hs, sf := srv.HubSpot(), srv.Salesforce()
	ids := map[string]string{}
	for _, n := range []string{"Ann", "Bea", "Cy"} {
		ids[n] = mustCreateSF(t, sf, "Contact", map[string]string{"FirstName": n, "LastName": "Noemail"}).ID
	}
	clock.step(time.Minute)
	tr.arm(1, hubspotCreates)
	for i := 1; i <= 3; i++ {
		res, errs := runAndErrors(t, a, "contacts")
		if i == 1 && len(tr.lostCalls()) != 1 {
			t.Fatalf("no create answer was lost: %+v", res.Summary)
		}
		names := contactNameCounts(hs, sf)
		for n, id := range ids {
			if names["hs "+n+" Noemail"] != 1 || names["sf "+n+" Noemail"] != 1 {
				t.Errorf("run %d: %s Noemail (Salesforce %s) is in HubSpot %d times and in Salesforce %d times, want once each: %v; %+v %+v",
					i, n, id, names["hs "+n+" Noemail"], names["sf "+n+" Noemail"], names, res.Summary, errs)
			}
			if i > 1 && !reviewNamesMade(t, a, hs, id, n) {
				t.Errorf("run %d: no open review item names Salesforce %s (%s Noemail, its create's answer lost) and the HubSpot contact made for it", i, id, n)
			}
		}
		clock.step(2 * store.RetryBackoff)
	}
}

// reviewNamesMade reports whether an open review item of the contacts
// sync names Salesforce id and the HubSpot contact with first name first.
func reviewNamesMade(t *testing.T, a *app.App, hs *hubspot.Sim, id, first string) bool {
	t.Helper()
	for _, r := range hs.Records("contacts") {
		if r.Archived || r.Properties["firstname"] != first {
			continue
		}
		for _, it := range openReviewsNaming(t, a, "contacts", id) {
			if strings.Contains(it.Detail, r.ID) {
				return true
			}
		}
	}
	return false
}

// TestOneWayEmailRowNoMadeUpEmail: the contacts sync with its email
// row set to HubSpot → Salesforce only (the rest two-way). A Salesforce
// Contact created in HubSpot carries no email (the row does not write
// HubSpot), so it must be created without one, not with an email made
// up from its id, which the row would then copy back over its Email.
func TestOneWayEmailRowNoMadeUpEmail(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 815, 0)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields[0].Direction = mapping.AtoB
	saveSyncs(t, a, def)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	c := mustCreateSF(t, sf, "Contact", map[string]string{"FirstName": "Ola", "LastName": "Oneway", "Email": "ola.oneway@example.com"})
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		if err != nil || res.Summary.Failed != 0 {
			t.Errorf("run %d: want no failure: %v; %s", i, err, line)
		}
		for _, r := range hs.Records("contacts") {
			if e := r.Properties["email"]; !r.Archived && strings.Contains(e, ":") {
				t.Errorf("run %d: HubSpot contact %s has an email made up from an id: %q; %s", i, r.ID, e, line)
			}
		}
		if got := sf.Records("Contact"); len(got) != 1 || got[0].Fields["Email"] != "ola.oneway@example.com" {
			t.Errorf("run %d: Salesforce Contacts %+v, want only %s with its own email; %s", i, got, c.ID, line)
		}
	}
}

// TestNoEmailBrevoSMSTakenSaysNoEmail: a HubSpot contact with a phone
// and no email goes to Brevo, where another contact holds that SMS number:
// Brevo refuses it, and the message says the contact has no email, not
// "no Brevo contact has the email <nil>".
func TestNoEmailBrevoSMSTakenSaysNoEmail(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 816, 0)
	if _, err := a.ConnectSandbox(ctx, srv, "brevo", "brevo"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Brevo().SeedContacts([]brevo.ContactSeed{{Email: "other@example.com", Attributes: map[string]any{"SMS": "+14155550142", "FIRSTNAME": "Other"}}}); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoBrevoSync("m", "hs", "brevo"))
	h := mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"firstname": "Nora", "lastname": "Quist", "phone": "+1 415 555 0142"})
	res, errs := runAndErrors(t, a, "m")
	var msg string
	for _, e := range errs {
		if e.RecordID == h.ID {
			msg = e.Message
		}
	}
	if msg == "" {
		t.Fatalf("no error for HubSpot %s (its SMS taken in Brevo): %+v %+v", h.ID, res.Summary, errs)
	}
	if strings.Contains(msg, "<nil>") || !strings.Contains(msg, "has no email") {
		t.Errorf("Brevo's refusal of HubSpot %s (no email, SMS taken) reads %q; want it to say the contact has no email", h.ID, msg)
	}
	if n := srv.Brevo().Count(); n != 1 {
		t.Errorf("Brevo holds %d contacts, want 1", n)
	}
}

// TestNoEmailCreatedPlainInZohoAndDynamics: a HubSpot contact with no
// email goes to Zoho CRM Contacts (upserted by Email) and to Dataverse
// contacts with an email alternate key: both keep contacts without an
// email, so it is created there with none, and a second run creates
// nothing more.
func TestNoEmailCreatedPlainInZohoAndDynamics(t *testing.T) {
	for _, c := range []struct {
		vendor string
		def    func() engine.Definition
		setup  func(srv *sandbox.Server) error
		emails func(srv *sandbox.Server) []string
	}{
		{"zoho", func() engine.Definition { return app.DemoZohoSync("m", "hs", "zoho") }, func(*sandbox.Server) error { return nil },
			func(srv *sandbox.Server) []string {
				var out []string
				for _, r := range srv.Zoho().Records("Contacts") {
					out = append(out, r.Fields["Email"])
				}
				return out
			}},
		{"dynamics", func() engine.Definition { return app.DemoDynamicsSync("m", "hs", "dynamics", "") },
			func(srv *sandbox.Server) error {
				return srv.Dynamics().DefineAlternateKey("contacts", "contact_email_key", "emailaddress1")
			},
			func(srv *sandbox.Server) []string {
				var out []string
				for _, r := range srv.Dynamics().Records("contacts") {
					e, _ := r.Fields["emailaddress1"].(string)
					out = append(out, e)
				}
				return out
			}},
	} {
		t.Run(c.vendor, func(t *testing.T) {
			ctx := context.Background()
			a, srv := connectedSandbox(t, 817, 0)
			if err := c.setup(srv); err != nil {
				t.Fatal(err)
			}
			if _, err := a.ConnectSandbox(ctx, srv, c.vendor, c.vendor); err != nil {
				t.Fatal(err)
			}
			saveSyncs(t, a, c.def())
			before := len(c.emails(srv))
			h := mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"firstname": "Nora", "lastname": "Quist"})
			for i := 1; i <= 2; i++ {
				res, err := a.Run(ctx, "m", app.RunOptions{Confirm: true})
				line := app.SyncOutcome{Sync: "m", Result: res, Err: err}.Line()
				if err != nil || res.Summary.Failed != 0 {
					t.Errorf("run %d: want no failure: %v; %s", i, err, line)
				}
				emails := c.emails(srv)
				if len(emails) != before+1 {
					t.Errorf("run %d: %s holds %d contacts, want %d (HubSpot %s created once); %s", i, c.vendor, len(emails), before+1, h.ID, line)
				}
				for _, e := range emails {
					if strings.Contains(e, ":") {
						t.Errorf("run %d: %s holds an email made up from an id: %q; %s", i, c.vendor, e, line)
					}
				}
			}
		})
	}
}

// TestNoEmailOutsideMailchimpDemo: the ready-made HubSpot ↔ Mailchimp
// sync takes contacts with an email only, as HubSpot's own Mailchimp
// integration does: a contact without one is listed as filtered out in
// the preview, never sent with a made-up address and never a failure
// that comes back every run. (A sync a person defines without that
// filter gets the connector's refusal naming the record, as Klaviyo and
// Brevo do in TestNoEmailMarketingRefused.)
func TestNoEmailOutsideMailchimpDemo(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 813, 0)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mailchimp"); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoMailchimpSync("m", "hs", "mailchimp"))
	mc := srv.Mailchimp()
	before := len(mc.Members(mc.DefaultListID()))
	h := mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"firstname": "Nora", "lastname": "Quist"})
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "m", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || res.Summary.Failed != 0 {
			t.Fatalf("run %d: %v %+v; want success with nothing failed", i, err, res.Summary)
		}
		skipped := false
		for _, s := range res.Plan.Skips {
			skipped = skipped || s.ID == h.ID && strings.Contains(s.Reason, "filtered out")
		}
		if i == 1 && !skipped { // the next run does not read it again: unchanged
			t.Errorf("run %d: the plan does not list HubSpot %s, with no email, as filtered out", i, h.ID)
		}
		if n := len(mc.Members(mc.DefaultListID())); n != before {
			t.Errorf("run %d: the audience holds %d members, had %d", i, n, before)
		}
	}
}
