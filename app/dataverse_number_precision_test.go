package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	dvsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestDataverseNumberColumnPrecision: a HubSpot deal amount of
// 1234.5678 synced to a Dataverse Decimal column of 2 places (or a Float
// column of 1) is stored rounded by Dataverse. crmsync must write it as
// stored, so the next runs see no change and never write the rounded value
// back over HubSpot's 1234.5678.
func TestDataverseNumberColumnPrecision(t *testing.T) {
	for _, c := range []struct {
		kind   dvsim.NumberKind
		places int
		want   string
	}{
		{dvsim.DecimalColumn, 2, "1234.57"},
		{dvsim.FloatColumn, 1, "1234.6"},
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			ctx := context.Background()
			a, srv, deal, defs := dataverseAmountColumn(t, c.kind, c.places, "Audit precise renewal", "1234.5678")
			dv, hs := srv.Dynamics(), srv.HubSpot()
			deals, res := runLinkedThenDeals(t, a, defs)
			if res.Summary.Status != "success" {
				t.Fatalf("deals run: %+v %+v", res.Summary, res.Plan.Review)
			}
			stored := ""
			for _, r := range dv.Records("opportunities") {
				if r.Fields["name"] == "Audit precise renewal" {
					stored = numText(r.Fields[amountColumn])
				}
			}
			if stored != c.want {
				t.Fatalf("the opportunity's %s is %q, want %s (Dataverse rounds to the column's %d places)", amountColumn, stored, c.want, c.places)
			}
			rows, err := a.DB().Audit(ctx, res.Summary.RunID)
			if err != nil {
				t.Fatal(err)
			}
			var audited []string
			for _, r := range rows {
				if r.Side == "b" && r.Field == amountColumn {
					audited = append(audited, r.New)
				}
			}
			if !slices.Contains(audited, c.want) {
				t.Errorf("the deals run audits %s as %q, want the %s Dataverse stores", amountColumn, audited, c.want)
			}
			for i := range 2 {
				again, err := a.Run(ctx, deals, app.RunOptions{Confirm: true})
				if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
					t.Errorf("deals run %d after: %v %+v\n%s", i+2, err, again.Summary, again.Plan.Summary())
				}
			}
			h, _ := hs.Get("deals", deal.ID)
			if got := strings.TrimSuffix(h.Properties["amount"], ".0"); got != "1234.5678" {
				t.Errorf("HubSpot's deal of 1234.5678 became %q: Dataverse's rounding came back", got)
			}
		})
	}
}

// retarget maps what def mapped to side B's field from to field to.
func retarget(t *testing.T, def *engine.Definition, from, to string) {
	t.Helper()
	found := false
	for i := range def.Fields {
		if def.Fields[i].B == from {
			def.Fields[i].B, found = to, true
		}
	}
	if !found {
		t.Fatalf("sync %s maps nothing to %s", def.Name, from)
	}
}

// TestDataversePricingPrecision: a money column of PrecisionSource 1
// is stored at the organization's pricing decimal precision (here 1 place),
// not at its own Precision (2). A HubSpot deal of 1234.56 is 1234.6 there;
// the next runs see no change and HubSpot keeps its 1234.56.
func TestDataversePricingPrecision(t *testing.T) {
	// The organization's pricing precision, 1 place.
	dataverseDealRounds(t, 64, "Audit priced renewal", "1234.6", func(dv *dvsim.Sim) error {
		if err := dv.UsePricingPrecision("opportunities", "estimatedvalue"); err != nil {
			return err
		}
		return dv.SetPricingPrecision(1)
	})
}

// amountColumn is the Dataverse number column dataverseAmountColumn adds.
const amountColumn = "crmsync_amount"

// dataverseAmountColumn connects a sandbox app to Dataverse, whose
// opportunities get a number column amountColumn (kind, places), and
// creates a HubSpot deal called name with amount in USD; it returns the
// app, the sandbox, the deal and the HubSpot ↔ Dataverse deals syncs
// (linked syncs first) with the amount mapped to that column.
func dataverseAmountColumn(t *testing.T, kind dvsim.NumberKind, places int, name, amount string) (*app.App, *sandbox.Server, hubspot.Record, []engine.Definition) {
	t.Helper()
	a, srv := connectedSandbox(t, 63, 2)
	srv.Dynamics().SetCurrency("USD")
	if err := srv.Dynamics().AddNumberColumn("opportunities", amountColumn, "Amount", kind, places); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(context.Background(), srv, "dynamics", "dv"); err != nil {
		t.Fatal(err)
	}
	deal := mustCreateHS(t, srv.HubSpot(), "deals", map[string]string{"dealname": name, "amount": amount, "deal_currency_code": "USD",
		"dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2031-04-30T00:00:00Z"})
	defs, _ := auditMultiCurrencyDeals(t, a, app.DemoConnections{HubSpot: "hs", Dynamics: "dv"}, "dv", "opportunities")
	retarget(t, &defs[len(defs)-1], "estimatedvalue", amountColumn)
	return a, srv, deal, defs
}
