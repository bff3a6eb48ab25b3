package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// A person decides a state the org refused ("Westen Australia", a typo)
// by typing "WA" (Edit value). The record's country, Australia, settles it
// as the sync settles a "WA" it reads: Western Australia reaches
// Salesforce, nothing goes back to Review, and the next run is quiet. Both
// a linked contact (an update) and a new one (a create waiting whole).
func TestEditedStateSettledByCountry(t *testing.T) {
	ctx := context.Background()
	a, srv := stateCountryOrg(t, true)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	linked := mustCreateHS(t, hs, "contacts", map[string]string{"email": "linked@example.com", "lastname": "Atlas", "country": "AU", "state": "NSW"})
	if first, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || first.Summary.Created != 1 || first.Summary.Review != 0 {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	if _, err := hs.Update("contacts", linked.ID, map[string]string{"state": "Westen Australia"}); err != nil {
		t.Fatal(err)
	}
	fresh := mustCreateHS(t, hs, "contacts", map[string]string{"email": "fresh@example.com", "lastname": "Atlas", "country": "Australia", "state": "Westen Australia"})
	held, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || held.Summary.Review != 2 || held.Summary.Created != 0 {
		t.Fatalf("run with the typos: %v %+v; want both in review\n%s", err, held.Summary, held.Plan.Summary())
	}
	for _, id := range []string{linked.ID, fresh.ID} {
		items := rejectedFor(t, a, id)
		if len(items) != 1 {
			t.Fatalf("review items for %s: %+v; want one", id, items)
		}
		if err := a.Decide(ctx, items[0].ID, engine.Decision{Action: "set", Value: "WA"}); err != nil {
			t.Fatal(err)
		}
	}
	decided, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || decided.Summary.Failed+decided.Summary.Review != 0 || decided.Summary.Created != 1 {
		t.Fatalf("run with the decisions: %v %+v; want the new contact created, nothing back in review\n%s\n%+v", err, decided.Summary, decided.Plan.Summary(), decided.Plan.Review)
	}
	for _, email := range []string{"linked@example.com", "fresh@example.com"} {
		if got := sfByEmail(t, sf, email); got.Fields["MailingCountry"] != "Australia" || got.Fields["MailingState"] != "Western Australia" {
			t.Errorf("%s: Salesforce country/state = %q/%q; want Australia/Western Australia", email, got.Fields["MailingCountry"], got.Fields["MailingState"])
		}
	}
	if n := len(rejectedFor(t, a, linked.ID)) + len(rejectedFor(t, a, fresh.ID)); n != 0 {
		t.Errorf("%d review items still open after the decisions", n)
	}
	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated+again.Summary.Failed+again.Summary.Review != 0 {
		t.Fatalf("run after: %v %+v; want nothing written\n%s", err, again.Summary, again.Plan.Summary())
	}
}
