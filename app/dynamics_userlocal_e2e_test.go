package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestDynamicsUserLocalDateOnlyIsAnInstant: a phone call's actualend
// is UserLocal (Format DateOnly is only how Dynamics shows it): on the wire
// it is an Edm.DateTimeOffset. A HubSpot call's time mapped onto it must
// arrive as that instant, not be refused or sent as a bare date.
func TestDynamicsUserLocalDateOnlyIsAnInstant(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 41, 20)
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatal(err)
	}
	calls := app.DemoDynamicsCallsSync("calls", "hs", "dv", "contacts")
	calls.Fields = append(calls.Fields, mapping.Field{A: "hs_timestamp", B: "actualend", Transform: "datetime", Direction: mapping.AtoB})
	saveSyncs(t, a, app.DemoDynamicsSync("contacts", "hs", "dv", ""), calls)
	for _, name := range []string{"contacts", "calls"} {
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
		}
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	n := 0
	for _, l := range syncLinks(t, a, "calls") {
		h, _ := hs.Get("calls", l.AID)
		ts, err := time.Parse(time.RFC3339, h.Properties["hs_timestamp"])
		if err != nil || l.CreatedBy != "b" {
			continue // only phone calls made from HubSpot calls carry the one-way row
		}
		d, _ := dv.Get("phonecalls", l.BID)
		got, ok := d.Fields["actualend"].(time.Time)
		if !ok {
			got, err = time.Parse(time.RFC3339, fmt.Sprint(d.Fields["actualend"]))
		}
		if err != nil || !got.Equal(ts.Truncate(time.Second)) {
			res, _ := a.Run(ctx, "calls", app.RunOptions{Confirm: true})
			t.Fatalf("phone call %s (created by %s, state %v) actualend = %v; want HubSpot call %s's time %s\nnext run: %+v\n%s", l.BID, l.CreatedBy, d.Fields["statecode"], d.Fields["actualend"], l.AID, ts, res.Summary, res.Plan.Summary())
		}
		n++
	}
	if n == 0 {
		t.Fatal("no linked call with a time")
	}
}
