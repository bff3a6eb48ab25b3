package app_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestDealWithoutAmountHubSpotPipedrive syncs a HubSpot deal with no
// amount to Pipedrive, where every deal has a value (0 when none is
// given): the HubSpot deal must keep its blank amount rather than come back
// as a deal worth 0, and the run after the first must write nothing.
func TestDealWithoutAmountHubSpotPipedrive(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 43, 40)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	h, err := hs.Create("deals", map[string]string{"dealname": "Audit amount not known yet", "dealstage": "qualifiedtobuy", "pipeline": "default"})
	if err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoPipedriveCompaniesSync("orgs", "hs", "pd"), app.DemoPipedriveDealsSync("deals", "hs", "pd", "orgs"))
	if res, err := a.Run(ctx, "orgs", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("orgs run: %v %+v", err, res.Summary)
	}
	if res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("deals run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	again, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Errorf("second deals run: %v %+v\n%+v", err, again.Summary, again.Plan.Updates)
	}
	got, _ := hs.Get("deals", h.ID)
	if amount, ok := got.Properties["amount"]; ok && amount != "" {
		t.Errorf("HubSpot deal %s with no amount now has amount %q", h.ID, amount)
	}
	for _, l := range syncLinks(t, a, "deals") {
		if l.AID == h.ID {
			n, _ := strconv.ParseInt(l.BID, 10, 64)
			if d, _ := pd.GetDeal(n); d.Value != 0 {
				t.Errorf("Pipedrive deal %d of value %v", n, d.Value)
			}
			return
		}
	}
	t.Errorf("HubSpot deal %s was not linked", h.ID)
}
