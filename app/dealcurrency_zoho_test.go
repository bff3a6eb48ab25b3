package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// multiCurOrg is a CRM whose sandbox org can hold deals in several
// currencies: how to turn that on, read a deal's amount and currency by
// name, and create one there.
type multiCurOrg struct {
	vendor, conn, object string
	enable               func(srv *sandbox.Server, codes ...string) error
	deal                 func(srv *sandbox.Server, name string) (amount, cur string, ok bool)
	create               func(srv *sandbox.Server, name, amount, cur string) error
}

// multiCurCase: in a multi-currency org (USD home, EUR), HubSpot
// deals of 7,000 EUR, 3,000 USD and 2,500 without a currency (the
// portal's USD) arrive in their currencies with the amounts unchanged; a
// GBP deal, a currency the org has not enabled, waits in review naming
// GBP; a deal of 6,000 EUR made there reaches HubSpot as EUR; the run
// after writes nothing.
func multiCurCase(t *testing.T, o multiCurOrg) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 53, 2)
	if err := o.enable(srv, "USD", "EUR"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, o.vendor, o.conn); err != nil {
		t.Fatalf("connect %s: %v", o.vendor, err)
	}
	hs := srv.HubSpot()
	ids := createAuditCurrencyDeals(t, srv)
	if err := o.create(srv, "Audit Madrid renewal", "6000", "EUR"); err != nil {
		t.Fatal(err)
	}
	c := app.DemoConnections{HubSpot: "hs"}
	switch o.conn {
	case "zc":
		c.Zoho = o.conn
	case "dv":
		c.Dynamics = o.conn
	}
	defs, note := auditMultiCurrencyDeals(t, a, c, o.conn, o.object)
	if note != "" {
		t.Errorf("ready-made syncs note: %s", note)
	}
	deals, res := runLinkedThenDeals(t, a, defs)
	for name, want := range map[string][2]string{
		"Audit Paris renewal": {"7000", "EUR"}, "Audit Boston renewal": {"3000", "USD"}, "Audit Denver renewal": {"2500", "USD"},
	} {
		if amt, cur, ok := o.deal(srv, name); !ok || amt != want[0] || cur != want[1] {
			t.Errorf("HubSpot deal %q of %s %s is in %s: %v, %q %q", name, want[0], want[1], o.vendor, ok, amt, cur)
		}
	}
	if amt, cur, ok := o.deal(srv, "Audit London renewal"); ok {
		t.Errorf("HubSpot deal of 4000 GBP, a currency the org has not enabled, is in %s as %q %q", o.vendor, amt, cur)
	}
	held := false
	for _, it := range res.Plan.Review {
		if it.RecordID == ids["Audit London renewal"] {
			held = true
			if !strings.Contains(it.Reason, "GBP") {
				t.Errorf("review item for the GBP deal does not name GBP: %q", it.Reason)
			}
		} else {
			t.Errorf("deal %s held for review: %s", it.RecordID, it.Reason)
		}
	}
	if !held {
		t.Errorf("the GBP deal was not held for review: %+v %+v", res.Plan.Review, res.Summary)
	}
	madrid := false
	for _, d := range hs.Records("deals") {
		if d.Properties["dealname"] == "Audit Madrid renewal" {
			madrid = true
			if strings.TrimSuffix(d.Properties["amount"], ".0") != "6000" || d.Properties["deal_currency_code"] != "EUR" {
				t.Errorf("%s deal of 6000 EUR is HubSpot deal %s of %q %q", o.vendor, d.ID, d.Properties["amount"], d.Properties["deal_currency_code"])
			}
		}
	}
	if !madrid {
		t.Errorf("%s deal of 6000 EUR did not reach HubSpot", o.vendor)
	}
	if again, err := a.Run(ctx, deals, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second deals run: %v %+v\n%s\n%+v", err, again.Summary, again.Plan.Summary(), again.Plan.Updates)
	}
}

func numText(v any) string {
	if v == nil {
		return ""
	}
	return strings.TrimSuffix(fmt.Sprint(v), ".0")
}

// TestMultiCurrencyZohoDeals: multiCurCase in a Zoho org with
// multi-currency on (Deals' Currency).
func TestMultiCurrencyZohoDeals(t *testing.T) {
	multiCurCase(t, multiCurOrg{vendor: "zoho", conn: "zc", object: "Deals",
		enable: func(srv *sandbox.Server, codes ...string) error { return srv.Zoho().EnableMultiCurrency(codes...) },
		deal: func(srv *sandbox.Server, name string) (string, string, bool) {
			for _, r := range srv.Zoho().Records("Deals") {
				if r.Fields["Deal_Name"] == name {
					return numText(r.Fields["Amount"]), r.Fields["Currency"], true
				}
			}
			return "", "", false
		},
		create: func(srv *sandbox.Server, name, amount, cur string) error {
			_, err := srv.Zoho().Create("Deals", map[string]any{"Deal_Name": name, "Stage": "Qualification", "Closing_Date": "2031-05-31",
				"Amount": json.Number(amount), "Currency": cur})
			return err
		}})
}
