package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestTwoOneWaySyncsIntoOneHubField: an admin feeds HubSpot from two
// CRMs, Salesforce → HubSpot and Pipedrive → HubSpot, both carrying the
// phone one-way into HubSpot's phone. A person whose phone differs in the
// two sources can never settle: each run of either sync "corrects" the
// drift the other one left, and HubSpot's phone flips between the two
// numbers on every pass, forever. crmsync must say so (refuse the second
// sync, naming the other sync and the field) rather than write forever.
func TestTwoOneWaySyncsIntoOneHubField(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 79, 20)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatal(err)
	}
	sf := app.DemoSync("sf-into-hs", "hs", "sf")
	sf.Direction, sf.Unmatched = mapping.BtoA, engine.UnmatchedSkip
	sf.Fields = []mapping.Field{{A: "phone", B: "Phone", Transform: "e164"}}
	pd := app.DemoPipedriveSync("pd-into-hs", "hs", "pd", "")
	pd.Direction, pd.Unmatched = mapping.BtoA, engine.UnmatchedSkip
	pd.Fields = []mapping.Field{{A: "phone", B: "phone", Transform: "e164"}}
	saveSyncs(t, a, sf)
	err := a.SaveSync(ctx, pd)
	if err != nil {
		// Refused: the message must name the other sync and the field.
		var inv *app.InvalidError
		if !errors.As(err, &inv) || !strings.Contains(err.Error(), "sf-into-hs") || !strings.Contains(err.Error(), "phone") {
			t.Fatalf("save pd-into-hs refused with %v; want a problem naming sf-into-hs and phone", err)
		}
		t.Logf("refused as it should: %v", err)
		return
	}
	names := []string{"pd-into-hs", "sf-into-hs"}
	if _, err := a.Run(ctx, "sf-into-hs", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	// A HubSpot contact fed by Salesforce that Pipedrive holds too, with
	// another phone.
	l := syncLinks(t, a, "sf-into-hs")[0]
	hub := l.AID
	h, _ := srv.HubSpot().Get("contacts", hub)
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"Phone": "+1 415-555-0101"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Pipedrive().CreatePerson(map[string]any{"name": "Pat Twofeeds",
		"emails": []any{map[string]any{"value": h.Properties["email"], "primary": true}},
		"phones": []any{map[string]any{"value": "+1 415-555-0202", "primary": true}}}); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for pass := 1; pass <= 4; pass++ {
		written := map[string]int{}
		for _, n := range names {
			res, err := a.Run(ctx, n, app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("pass %d %s: %v", pass, n, err)
			}
			if w := res.Summary.Created + res.Summary.Updated; w > 0 {
				written[n] = w
			}
		}
		h, _ := srv.HubSpot().Get("contacts", hub)
		seen = append(seen, h.Properties["phone"])
		if len(written) == 0 {
			return
		}
		if pass >= 3 {
			t.Fatalf("pass %d still wrote %v; HubSpot's phone after each pass: %v (the syncs fight over it, and crmsync saved them without a word)", pass, written, seen)
		}
	}
}

// TestSyncAllCarriesASpokeEditDownAOneWayChain: HubSpot ↔ Salesforce
// next to HubSpot → Mailchimp (one-way, the newsletter list fed from the
// CRM). One Sync all must bring a name edited in Salesforce to Mailchimp:
// the one-way sync reads HubSpot, so it has to run after the sync that
// writes HubSpot, whatever their names.
func TestSyncAllCarriesASpokeEditDownAOneWayChain(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 47, 20)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatal(err)
	}
	news := app.DemoMailchimpSync("audience", "hs", "mc")
	news.Direction = mapping.AtoB
	saveSyncs(t, a, news, app.DemoSync("sf-contacts", "hs", "sf"))
	for i := 0; i < 2; i++ {
		if _, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
			t.Fatal(err)
		}
	}
	mcLinks := map[string]string{}
	for _, l := range syncLinks(t, a, "audience") {
		mcLinks[l.AID] = l.BID
	}
	var sfID, member string
	for _, l := range syncLinks(t, a, "sf-contacts") {
		if m, ok := mcLinks[l.AID]; ok {
			sfID, member = l.BID, m
			break
		}
	}
	if sfID == "" {
		t.Fatal("no HubSpot contact is linked by both syncs")
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := srv.Salesforce().Update("Contact", sfID, map[string]string{"FirstName": "Octavia"}); err != nil {
		t.Fatal(err)
	}
	out, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, o := range out {
		lines = append(lines, o.Line())
	}
	m, _ := srv.Mailchimp().Member(srv.Mailchimp().DefaultListID(), member)
	if m.MergeFields["FNAME"] != "Octavia" {
		t.Errorf("after one Sync all Mailchimp's FNAME is %q, want the Salesforce edit %q; ran:\n%s", m.MergeFields["FNAME"], "Octavia", strings.Join(lines, "\n"))
	}
}
