package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestNumberMatchKey: companies matched by annual revenue, a number
// field on both sides. Compared as text, HubSpot's "7345012.00" and
// Salesforce's 7345012 are two keys and each company is copied to the
// other CRM; the mapping check must refuse such a rule, and the number
// normalizer must link the two. HubSpot's API takes a number property's
// value as digits, an optional "-" and one "." (developer changelog,
// "Upcoming: A change for number properties in CRM APIs"), so
// "7345012.00" is a value it accepts; that it gives it back with the
// trailing zeros is [unverified] (the sandbox keeps what it is sent).
func TestNumberMatchKey(t *testing.T) {
	a, srv, _ := lossyApp(t, 33, 6, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	hsCo := mustCreateHS(t, srv.HubSpot(), "companies", map[string]string{"name": "Revenue Key Co", "annualrevenue": "7345012.00"})
	sfAcc, err := srv.Salesforce().Create("Account", map[string]string{"Name": "Revenue Key Company", "AnnualRevenue": "7345012"})
	if err != nil {
		t.Fatal(err)
	}
	def := app.DemoCompaniesSync("co-by-revenue", "hs", "sf")
	def.Match = []engine.MatchRule{{A: "annualrevenue", B: "AnnualRevenue", Normalize: "exact"}}
	def.Safety.MaxChangePercent = 100
	if err := a.SaveSync(context.Background(), def); err == nil || !strings.Contains(err.Error(), "number normalizer") {
		t.Errorf("a match rule comparing number fields as text was saved (err %v); want the mapping check to refuse it naming the number normalizer", err)
	}
	def.Match[0].Normalize = "number"
	saveSyncs(t, a, def)
	runAndErrors(t, a, def.Name)
	linked := false
	for _, l := range syncLinks(t, a, def.Name) {
		linked = linked || l.AID == hsCo.ID && l.BID == sfAcc.ID
	}
	if !linked {
		got, _ := srv.HubSpot().Get("companies", hsCo.ID)
		t.Errorf("HubSpot company %s (annualrevenue %q) is not linked with Salesforce Account %s (AnnualRevenue 7345012)", hsCo.ID, got.Properties["annualrevenue"], sfAcc.ID)
	}
	n := 0
	for _, r := range srv.HubSpot().Records("companies") {
		if k, _ := mapping.Normalize("number", r.Properties["annualrevenue"]); k == "7345012" && !r.Archived {
			n++
		}
	}
	if n != 1 {
		t.Errorf("HubSpot holds %d companies with annual revenue 7345012; want 1", n)
	}
	n = 0
	for _, r := range srv.Salesforce().Records("Account") {
		if k, _ := mapping.Normalize("number", r.Fields["AnnualRevenue"]); k == "7345012" && !r.Deleted {
			n++
		}
	}
	if n != 1 {
		t.Errorf("Salesforce holds %d Accounts with annual revenue 7345012; want 1, the HubSpot company linked, not copied", n)
	}
}
