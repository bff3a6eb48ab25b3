package app_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// TestHubSpotBrevoContacts runs the ready-made HubSpot ↔ Brevo sync over
// real HTTP, Brevo connected through its OAuth flow:
//   - people in both by email are linked, the others created once on the
//     other side, with names, mobile phone, company, title and city;
//   - a contact blacklisted in Brevo is unsubscribed in HubSpot, and a
//     contact unsubscribed in HubSpot is blacklisted in Brevo, or joins
//     blacklisted; nobody else's status changes;
//   - the next run writes nothing;
//   - a Brevo edit reaches HubSpot, and a later unsubscribe too, while a
//     person who subscribes again in Brevo is left so.
func TestHubSpotBrevoContacts(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	ctx := context.Background()
	// Brevo's import polls 1 ms apart: the same polls, without seconds between.
	a, srv := connectedSandboxWith(t, 79, 200, app.Options{PollFirst: time.Millisecond})
	if _, err := a.ConnectSandbox(ctx, srv, "brevo", "bv"); err != nil {
		t.Fatalf("connect brevo: %v", err)
	}
	hs, bv := srv.HubSpot(), srv.Brevo()
	hsOut, bvOut := map[string]bool{}, map[string]bool{}
	for _, r := range hs.Records("contacts") {
		if r.Properties["hs_email_optout"] == "true" {
			hsOut[strings.ToLower(r.Properties["email"])] = true
		}
	}
	known := map[string]bool{}
	for _, c := range bv.Contacts() {
		known[strings.ToLower(c.Email)] = true
		if c.EmailBlacklisted {
			bvOut[strings.ToLower(c.Email)] = true
		}
	}
	if len(hsOut) == 0 || len(bvOut) == 0 {
		t.Fatalf("the seed blacklisted %d Brevo contacts and unsubscribed %d HubSpot contacts; want some of each", len(bvOut), len(hsOut))
	}

	saveSyncs(t, a, app.DemoBrevoSync("brevo", "hs", "bv"))
	hsBefore, bvBefore := hs.Count("contacts"), bv.Count()
	first, err := a.Run(ctx, "brevo", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	c := first.Plan.Counts
	if c.Link == 0 || c.CreateA == 0 || c.CreateB == 0 {
		t.Fatalf("first run: %+v, want links and creates on both sides", c)
	}
	if hs.Count("contacts") != hsBefore+c.CreateA || bv.Count() != bvBefore+c.CreateB {
		t.Fatalf("HubSpot %d → %d, Brevo %d → %d; the plan created %d and %d", hsBefore, hs.Count("contacts"), bvBefore, bv.Count(), c.CreateA, c.CreateB)
	}
	var kept, keptOut string
	carried := 0
	for _, l := range syncLinks(t, a, "brevo") {
		h, _ := hs.Get("contacts", l.AID)
		b := brevoContact(t, bv, l.BID)
		email := strings.ToLower(b.Email)
		if email != strings.ToLower(h.Properties["email"]) {
			t.Errorf("contact %s (%s) linked to Brevo %s (%s)", l.AID, h.Properties["email"], l.BID, b.Email)
			continue
		}
		out := hsOut[email] || bvOut[email]
		if out != b.EmailBlacklisted || out != (h.Properties["hs_email_optout"] == "true") {
			t.Errorf("%s: unsubscribed on a side before %v; now Brevo blacklisted %v, HubSpot opt-out %q", email, out, b.EmailBlacklisted, h.Properties["hs_email_optout"])
		}
		if first, company := attr(b, "FIRSTNAME"), attr(b, "COMPANY"); l.CreatedBy == "b" && (first != h.Properties["firstname"] || company != h.Properties["company"]) {
			t.Errorf("Brevo contact %s made from %s: %q %q, want %q %q", l.BID, l.AID, first, company, h.Properties["firstname"], h.Properties["company"])
		}
		if known[email] && bvOut[email] && !hsOut[email] {
			carried++
		}
		if l.CreatedBy == "" && !out && kept == "" {
			kept = l.BID
		}
		if l.CreatedBy == "" && hsOut[email] && !bvOut[email] && keptOut == "" {
			keptOut = l.BID
		}
	}
	if kept == "" || keptOut == "" || carried == 0 {
		t.Fatalf("want a linked subscribed contact (%q), one unsubscribed in HubSpot only (%q), a Brevo blacklisting carried to HubSpot (%d)", kept, keptOut, carried)
	}
	if again, err := a.Run(ctx, "brevo", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	time.Sleep(1100 * time.Millisecond) // a cursor of whole seconds must still see the edit
	keptC, outC := brevoContact(t, bv, kept), brevoContact(t, bv, keptOut)
	if _, err := bv.UpdateContact(keptC.ID, map[string]any{"FIRSTNAME": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	if err := bv.Unsubscribe(keptC.Email); err != nil {
		t.Fatal(err)
	}
	if err := bv.Resubscribe(outC.Email); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "brevo", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Failed != 0 || res.Summary.Created != 0 || res.Plan.Counts.OptOut != 1 {
		t.Fatalf("run after the Brevo edits: %v %+v, %d opt-outs carried, want 1\n%s", err, res.Summary, res.Plan.Counts.OptOut, res.Plan.Summary())
	}
	aid := linkedA(t, a, "brevo", kept)
	if h, _ := hs.Get("contacts", aid); h.Properties["firstname"] != "Renamed" || h.Properties["hs_email_optout"] != "true" {
		t.Errorf("HubSpot contact %s: firstname %q, opt-out %q; want Renamed and true", aid, h.Properties["firstname"], h.Properties["hs_email_optout"])
	}
	if b := brevoContact(t, bv, keptOut); b.EmailBlacklisted {
		t.Errorf("Brevo contact %s resubscribed in Brevo was blacklisted again", keptOut)
	}
	if h, _ := hs.Get("contacts", linkedA(t, a, "brevo", keptOut)); h.Properties["hs_email_optout"] != "true" {
		t.Errorf("HubSpot's own opt-out of %s was written over: %q", outC.Email, h.Properties["hs_email_optout"])
	}
}

// attr is a Brevo contact's attribute as text; a missing one is blank.
func attr(c brevo.Contact, name string) string {
	if v, ok := c.Attributes[name]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

// brevoContact is the Brevo sandbox's contact with the id a link holds.
func brevoContact(t *testing.T, bv *brevo.Sim, id string) brevo.Contact {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatalf("Brevo id %q: %v", id, err)
	}
	c, ok := bv.Contact(n)
	if !ok {
		t.Fatalf("Brevo contact %s is gone", id)
	}
	return c
}
