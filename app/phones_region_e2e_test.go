package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestForeignNationalPhoneNotMadeUS: the ready-made contacts sync
// reads national numbers as US (the default region). A HubSpot contact
// with a Sydney office number typed nationally, "02 9876 5432", and one
// with a US number missing its area code, "555-0142", are not US E.164
// numbers: "+10298765432" has no area code 029 (a NANP area code starts
// with 2-9) and "+15550142" cannot be dialled from anywhere. Neither may
// be written to Salesforce; each record fails or goes to review naming
// the value, so the user can fix it or set the transform's region.
func TestForeignNationalPhoneNotMadeUS(t *testing.T) {
	ctx := context.Background()
	a, srv, _ := syncedContacts(t, 1601, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	cases := map[string]string{ // email → phone as typed
		"olivia@sydney-audit.com.au": "02 9876 5432",
		"pat@noarea-audit.com":       "555-0142",
	}
	for email, phone := range cases {
		if _, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "Phone", "lastname": "Audit", "phone": phone}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Logf("run: %+v", res.Summary)
	for _, r := range sf.Records("Contact") {
		phone, ok := cases[strings.ToLower(r.Fields["Email"])]
		if !ok {
			continue
		}
		if got := r.Fields["Phone"]; got != "" && got != phone {
			t.Errorf("Salesforce contact %s (%s) got Phone %q from HubSpot's %q: a wrong US number written without a word", r.ID, r.Fields["Email"], got, phone)
		}
	}
	open, err := a.Reviews(ctx, "contacts", "", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, phone := range cases {
		found := false
		for _, it := range open {
			if strings.Contains(it.Detail, phone) {
				t.Logf("review %s: %s", it.Kind, it.Detail)
				found = true
			}
		}
		if !found && !runErrorsMention(t, a, res.Summary.RunID, phone) {
			t.Errorf("neither a run error nor an open review item names the phone %q: %+v", phone, open)
		}
	}
}

// TestMatchRegionTypoRefused: a UK business matches people without
// an email by phone, and writes the region the way people say it,
// "e164:UK" (the ISO code is GB). The transform refuses that region when
// the sync is saved; the match rule took it, and then read every national
// number as no key at all: the same person on both sides, "020 7946 0958"
// and "+44 20 7946 0958", never matched and was created on each side, a
// duplicate pair made without a word. Saving must refuse the region.
func TestMatchRegionTypoRefused(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 1602, 3)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := hs.Create("contacts", map[string]string{"firstname": "Olivia", "lastname": "Baker", "phone": "020 7946 0958"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Create("Contact", map[string]string{"FirstName": "Olivia", "LastName": "Baker", "Phone": "+44 20 7946 0958"}); err != nil {
		t.Fatal(err)
	}
	def := app.DemoSync("contacts", "hs", "sf")
	def.Match = append(def.Match, engine.MatchRule{A: "phone", B: "Phone", Normalize: "e164:UK"})
	for i := range def.Fields {
		if def.Fields[i].A == "phone" {
			def.Fields[i].Transform = "e164:GB"
		}
	}
	if err := a.SaveSync(ctx, def); err != nil {
		if !strings.Contains(err.Error(), "UK") {
			t.Fatalf("save refused with %v; want a problem naming the region UK", err)
		}
		t.Logf("refused as it should: %v", err)
		return
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	var hsOlivias, sfOlivias int
	for _, r := range hs.Records("contacts") {
		if r.Properties["lastname"] == "Baker" {
			hsOlivias++
		}
	}
	for _, r := range sf.Records("Contact") {
		if r.Fields["LastName"] == "Baker" {
			sfOlivias++
		}
	}
	t.Fatalf("sync saved with match normalizer e164:UK; the run (%+v) left %d Olivia Baker(s) in HubSpot and %d in Salesforce, where one on each side should link by phone", res.Summary, hsOlivias, sfOlivias)
}
