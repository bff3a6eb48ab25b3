package app_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestZohoWholeDecimalPlace: an admin set Zoho's Deals.Amount to 0
// decimal places, so Zoho stores 12.6 as 13. The first run's audit says
// 13, HubSpot keeps its own 12.6, and the runs after the first write
// nothing (the rounded read-back is not an edit to echo or re-write).
func TestZohoWholeDecimalPlace(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7, 0)
	if err := srv.Zoho().SetDecimalPlace("Deals", "Amount", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zh"); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"12.6": "13", "99.5": "100", "-5.5": "-6", "7.4": "7"}
	ids := createHubSpotDeals(t, srv, "Audit whole ", slices.Collect(maps.Keys(want)))
	saveSyncs(t, a, app.DemoZohoCompaniesSync("orgs", "hs", "zh"), app.DemoZohoDealsSync("deals", "hs", "zh", "orgs"))
	first := runDealsSettleFirst(ctx, t, a)
	stored := map[string]string{}
	for _, r := range srv.Zoho().Records("Deals") {
		stored[fmt.Sprint(r.Fields["Deal_Name"])] = fmt.Sprint(r.Fields["Amount"])
	}
	for amt, kept := range want {
		if got := stored["Audit whole "+amt]; got != kept {
			t.Errorf("Zoho deal for %s: Amount %q, want %s (decimal_place 0)", amt, got, kept)
		}
	}
	for id, amt := range ids {
		if d, _ := srv.HubSpot().Get("deals", id); d.Properties["amount"] != amt {
			t.Errorf("HubSpot deal %s amount %q, want its own %s kept", id, d.Properties["amount"], amt)
		}
	}
	audited := auditedNew(ctx, t, a, first, "b", "Amount")
	for _, kept := range want {
		if !slices.Contains(audited, kept) {
			t.Errorf("the first deals run audits Amount as %q; want %s, the value Zoho kept", audited, kept)
		}
	}
}

// runDealsSettleFirst is runDealsSettle answering the first deals run's id.
func runDealsSettleFirst(ctx context.Context, t *testing.T, a *app.App) int64 {
	t.Helper()
	var first int64
	for i := 1; i <= 3; i++ {
		for _, n := range []string{"orgs", "deals"} {
			res, err := a.Run(ctx, n, app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("run %d %s: %v", i, n, err)
			}
			if n != "deals" {
				continue
			}
			if i == 1 {
				first = res.Summary.RunID
			}
			if res.Summary.Status != "success" || res.Summary.Review > 0 || i > 1 && res.Summary.Created+res.Summary.Updated != 0 {
				t.Errorf("run %d deals: %+v; want success, nothing to review, and nothing written after the first\n%s", i, res.Summary, res.Plan.Summary())
			}
		}
	}
	return first
}

// auditedNew is the new values a run's audit rows give field on side.
func auditedNew(ctx context.Context, t *testing.T, a *app.App, run int64, side, field string) []string {
	t.Helper()
	rows, err := a.DB().Audit(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if r.Side == side && r.Field == field {
			out = append(out, r.New)
		}
	}
	return out
}

// TestZohoCurrencyTooLong: Zoho's currency fields take at most 16
// digits. A HubSpot amount of 17 digits is refused by Zoho: the run says
// so with Zoho's own "invalid data", naming the field and the digits it
// takes; nothing is written to Zoho rounded or cut; HubSpot keeps its
// amount; and the run after tries it again rather than reading anything
// back as an edit.
func TestZohoCurrencyTooLong(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7, 0)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zh"); err != nil {
		t.Fatal(err)
	}
	const long = "12345678901234567"
	ids := createHubSpotDeals(t, srv, "Audit long ", []string{long, "250"})
	saveSyncs(t, a, app.DemoZohoCompaniesSync("orgs", "hs", "zh"), app.DemoZohoDealsSync("deals", "hs", "zh", "orgs"))
	for i := 1; i <= 2; i++ {
		for _, n := range []string{"orgs", "deals"} {
			res, err := a.Run(ctx, n, app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("run %d %s: %v", i, n, err)
			}
			if n != "deals" {
				continue
			}
			if i == 2 {
				// The refused record waits in the retry queue: nothing read
				// back from Zoho is taken for an edit of it.
				if res.Summary.Created+res.Summary.Updated != 0 {
					t.Errorf("run 2 deals wrote %+v; want nothing", res.Summary)
				}
				continue
			}
			if res.Summary.Failed != 1 || len(res.Failures) != 1 {
				t.Fatalf("run %d deals: %+v failures %+v; want the 17-digit deal failed", i, res.Summary, res.Failures)
			}
			line := res.Failures[0].Line()
			for _, want := range []string{"invalid data", "Amount", "16 digits"} {
				if !strings.Contains(line, want) {
					t.Errorf("run %d: failure %q does not say %q", i, line, want)
				}
			}
		}
	}
	for _, r := range srv.Zoho().Records("Deals") {
		if fmt.Sprint(r.Fields["Deal_Name"]) == "Audit long "+long {
			t.Errorf("Zoho holds the 17-digit deal with Amount %v; want it refused", r.Fields["Amount"])
		}
	}
	for id, amt := range ids {
		if d, _ := srv.HubSpot().Get("deals", id); d.Properties["amount"] != amt {
			t.Errorf("HubSpot deal %s amount %q, want its own %s kept", id, d.Properties["amount"], amt)
		}
	}
}
