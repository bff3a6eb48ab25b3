package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestMoneyScaleNoLoop: Dataverse stores a money column at its
// precision (estimatedvalue: 2 places), so a HubSpot deal amount of
// 1234.567 is held as 1234.57. The value crmsync wrote and the one
// Dataverse keeps are the same amount to the column's precision: the runs
// after the first must write nothing, a one-way row must not write the
// amount again every run, and a two-way row must not copy the rounded
// value back over the HubSpot deal's own.
func TestMoneyScaleNoLoop(t *testing.T) {
	ctx := context.Background()
	for _, dir := range []mapping.Direction{mapping.AtoB, mapping.TwoWay} {
		t.Run(string(dir), func(t *testing.T) {
			a, srv := connectedSandbox(t, 5, 0)
			if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
				t.Fatal(err)
			}
			hs, dv := srv.HubSpot(), srv.Dynamics()
			// 1.005 is a midpoint: rounded on its digits, not as a float64 (100.49999…).
			amounts := map[string][2]string{} // deal id -> amount, as Dataverse keeps it
			for _, amt := range [][2]string{{"1234.567", "1234.57"}, {"1.005", "1.01"}} {
				deal, err := hs.Create("deals", map[string]string{"dealname": "Rounding " + amt[0], "amount": amt[0]})
				if err != nil {
					t.Fatal(err)
				}
				amounts[deal.ID] = amt
			}
			saveSyncs(t, a, engine.Definition{Name: "deals", Direction: mapping.TwoWay, Schedule: "manual",
				A: engine.SideDef{Connection: "hs", Object: "deals"}, B: engine.SideDef{Connection: "dv", Object: "opportunities"},
				Match:     []engine.MatchRule{{A: "dealname", B: "name", Normalize: "lower"}},
				Unmatched: engine.UnmatchedCreateInB, Conflict: engine.ConflictNewer,
				Fields: []mapping.Field{{A: "dealname", B: "name"}, {A: "amount", B: "estimatedvalue", Direction: dir}}})
			for i := 1; i <= 3; i++ {
				if i > 1 {
					time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
				}
				res, err := a.Run(ctx, "deals", app.RunOptions{Confirm: true})
				if err != nil || res.Summary.Status != "success" {
					t.Fatalf("run %d: %v %+v\n%s", i, err, res.Summary, res.Plan.Summary())
				}
				if i > 1 && res.Summary.Created+res.Summary.Updated != 0 {
					t.Errorf("run %d wrote %d created, %d updated; want nothing (the amount Dataverse rounded came back as a change)\n%s",
						i, res.Summary.Created, res.Summary.Updated, res.Plan.Summary())
				}
			}
			for id, amt := range amounts {
				if d, _ := hs.Get("deals", id); d.Properties["amount"] != amt[0] {
					t.Errorf("HubSpot deal %s amount %q, want its own %s kept", id, d.Properties["amount"], amt[0])
				}
			}
			got := map[string]string{}
			for _, o := range dv.Records("opportunities") {
				got[fmt.Sprint(o.Fields["name"])] = fmt.Sprint(o.Fields["estimatedvalue"])
			}
			for _, amt := range amounts {
				if v := got["Rounding "+amt[0]]; v != amt[1] {
					t.Errorf("Dynamics opportunity for %s: estimated value %q, want %s (%d opportunities)", amt[0], v, amt[1], len(got))
				}
			}
		})
	}
}
