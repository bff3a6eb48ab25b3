package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestMarketingSettlesAfterOddEdits: HubSpot contacts synced to
// Mailchimp, Klaviyo and Brevo. A person edits a linked contact with
// spacing, case, emoji and phone formats people type; every sync must
// settle within three passes and the HubSpot values must not be rewritten.
func TestMarketingSettlesAfterOddEdits(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 79, 20)
	for _, v := range [][2]string{{"mailchimp", "mc"}, {"klaviyo", "kv"}, {"brevo", "bv"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"mc-contacts", "kv-contacts", "bv-contacts"}
	saveSyncs(t, a, app.DemoMailchimpSync(names[0], "hs", "mc"), app.DemoKlaviyoSync(names[1], "hs", "kv"), app.DemoBrevoSync(names[2], "hs", "bv"))
	settleSyncs(t, a, names, "first sync")
	hub, _ := linkedInAll(t, a, names)
	h, _ := srv.HubSpot().Get("contacts", hub)
	edit := map[string]string{"firstname": "  Zoë 🎉 ", "lastname": "o'Neil  Smith", "phone": "+1 415-555-0100",
		"jobtitle": "VP\tSales", "city": "São  Paulo", "company": "Acme, Inc. ",
		"email": strings.ToUpper(h.Properties["email"])}
	if _, err := srv.HubSpot().Update("contacts", hub, edit); err != nil {
		t.Fatal(err)
	}
	settleSyncs(t, a, names, "after odd edits")
	after, _ := srv.HubSpot().Get("contacts", hub)
	for k, v := range edit {
		if k != "email" && after.Properties[k] != v {
			t.Errorf("HubSpot %s rewritten by the sync: %q → %q", k, v, after.Properties[k])
		}
	}
}

// TestNotesSettleWithOddBodies: a HubSpot note whose body has CRLF
// line breaks, emoji, entities and markup, on a contact linked to
// Pipedrive, Zoho and Dynamics 365, is copied to each and the notes
// syncs settle: the third pass writes nothing (the second carries the
// notes the first brought to HubSpot from the other two CRMs).
func TestNotesSettleWithOddBodies(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 79, 20)
	for _, v := range [][2]string{{"zoho", "zh"}, {"dynamics", "dv"}, {"pipedrive", "pd"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	people := []string{"zh-contacts", "dv-contacts", "pd-contacts"}
	saveSyncs(t, a, app.DemoZohoSync(people[0], "hs", "zh"), app.DemoDynamicsSync(people[1], "hs", "dv", ""), app.DemoPipedriveSync(people[2], "hs", "pd", ""))
	for _, n := range people {
		if res, err := a.Run(ctx, n, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s: %v %+v", n, err, res.Summary)
		}
	}
	hub, _ := linkedInAll(t, a, people)
	hs := srv.HubSpot()
	bodies := []string{
		"Called Zoë 🎉\r\nShe wants   the Q3 pricing\r\n\r\nFollow up Monday",
		"<p>Met at the fair &amp; demo&nbsp;booked 👍</p><p>Budget: 5 &lt; 10k</p>",
		"Plain text with a tab\there and trailing space \nsecond line",
	}
	for _, b := range bodies {
		n, err := hs.Create("notes", map[string]string{"hs_note_body": b, "hs_timestamp": "2026-11-30T10:00:00Z"})
		if err != nil {
			t.Fatal(err)
		}
		if err := hs.SeedAssociations("notes", "contacts", map[string]string{n.ID: hub}); err != nil {
			t.Fatal(err)
		}
	}
	notes := []string{"zh-notes", "dv-notes", "pd-notes"}
	saveSyncs(t, a, app.DemoZohoNotesSync(notes[0], "hs", "zh", people[0]), app.DemoDynamicsNotesSync(notes[1], "hs", "dv", people[1]),
		app.DemoPipedriveNotesSync(notes[2], "hs", "pd", people[2]))
	for pass := 1; pass <= 3; pass++ {
		for _, n := range notes {
			res, err := a.Run(ctx, n, app.RunOptions{Confirm: true})
			if err != nil || res.Summary.Status != "success" {
				t.Fatalf("pass %d %s: %v %+v\n%s", pass, n, err, res.Summary, res.Plan.Summary())
			}
			// Pass 2 carries what pass 1 brought to HubSpot from the other
			// two CRMs; pass 3 must write nothing.
			if w := res.Summary.Created + res.Summary.Updated + res.Summary.Deleted; pass > 2 && w > 0 {
				t.Errorf("pass %d %s wrote %d:\n%s", pass, n, w, res.Plan.Summary())
			}
		}
	}
}
