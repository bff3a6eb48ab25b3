package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestDynamicsMoneyHalfSettles: a deal amount exactly half a cent
// past two places (1.005, 2.675, which float64 holds just under the half)
// reaches Dataverse's money column, rounded there as the decimal it is;
// the runs after write nothing back to HubSpot.
func TestDynamicsMoneyHalfSettles(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 95, 0)
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatal(err)
	}
	hs := srv.HubSpot()
	for i, amount := range []string{"1.005", "2.675", "1234.565"} {
		p := map[string]string{"dealname": "Audit half " + amount, "amount": amount, "dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2025-06-30T00:00:00Z"}
		if _, err := hs.Create("deals", p); err != nil {
			t.Fatalf("deal %d: %v", i, err)
		}
	}
	saveSyncs(t, a, app.DemoDynamicsCompaniesSync("orgs", "hs", "dv"), app.DemoDynamicsDealsSync("deals", "hs", "dv", "orgs"))
	for i := 1; i <= 3; i++ {
		res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatal(err)
		}
		if s := res.Summary; i == 1 && (s.Created < 3 || s.Failed != 0 || s.Review != 0) {
			t.Fatalf("first run: %+v, want the three deals created in Dynamics", s)
		}
		if s := res.Summary; i > 1 && s.Created+s.Updated+s.Failed != 0 {
			t.Errorf("run %d wrote: %+v", i, s)
			for _, w := range res.Plan.Updates {
				t.Logf("  update %s %s: %+v", w.Side, w.ID, w.Changes)
			}
		}
	}
}
