package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
)

// Zoho's Call_Purpose stores any value (Kaizen #38): a row from HubSpot's
// call title onto it is accepted without a value map, the titles reach
// Zoho as they are, and the next run writes nothing.
func TestZohoCallPurposeTakesHubSpotValue(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 42, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
		t.Fatalf("connect zoho: %v", err)
	}
	calls := app.DemoZohoCallsSync("calls", "hs", "zc", "contacts")
	calls.Fields = append(calls.Fields, mapping.Field{A: "hs_call_title", B: "Call_Purpose", Direction: mapping.AtoB, Rule: mapping.UnlessBlank})
	saveSyncs(t, a, app.DemoZohoSync("contacts", "hs", "zc"), calls)
	for _, name := range []string{"contacts", "calls"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	n := 0
	for _, l := range syncLinks(t, a, "calls") {
		h, _ := srv.HubSpot().Get("calls", l.AID)
		z, _ := srv.Zoho().Get("Calls", l.BID)
		if l.CreatedBy == "b" && h.Properties["hs_call_title"] != "" {
			n++
			if z.Fields["Call_Purpose"] != h.Properties["hs_call_title"] {
				t.Errorf("call %s titled %q; Zoho call %s Call_Purpose %q", l.AID, h.Properties["hs_call_title"], l.BID, z.Fields["Call_Purpose"])
			}
		}
	}
	if n == 0 {
		t.Fatal("no HubSpot call reached Zoho")
	}
	again, errs := runAndErrors(t, a, "calls")
	if again.Summary.Status != "success" || again.Summary.Updated != 0 || again.Summary.Created != 0 || len(errs) != 0 {
		t.Fatalf("next run: %+v errors %+v; want nothing written (no loop)", again.Summary, errs)
	}
}
