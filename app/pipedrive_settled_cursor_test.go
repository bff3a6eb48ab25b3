package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector/timecursor"
)

// TestPipedriveNoChangeRunAfterBulkWriteReadsOnce: a first sync
// creates hundreds of Pipedrive persons within one second of update_time.
// Pipedrive's updated_since is inclusive and the cursor stays at that
// second while nothing changes, so a no-change run lists that second's
// persons again, 500 a call: more than the one read call a run with
// nothing to do needs. An edit made after the cursor settles must still
// arrive.
func TestPipedriveNoChangeRunAfterBulkWriteReadsOnce(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := steppedSandboxApp(t, 5, 700, "pipedrive", "pd")
	def := app.DemoPipedriveSync("pipedrive", "hs", "pd", "")
	saveSyncs(t, a, def)
	lists := func() int64 { return srv.Stats()["pipedrive"]["GET /api/v2/persons"] }
	first, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" || first.Plan.Counts.CreateB < 500 {
		t.Fatalf("first run: %v %+v; want at least 500 persons created", err, first.Plan.Counts)
	}
	clock.step(timecursor.SettleMargin + 2*time.Second)
	if res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v", err, res.Summary)
	}
	for i := 1; i <= 2; i++ {
		before := lists()
		res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Created+res.Summary.Updated != 0 || res.Plan.Counts.ReadB != 0 {
			t.Fatalf("no-change run %d: %v %+v", i, err, res.Plan.Counts)
		}
		if n := lists() - before; n != 1 {
			t.Errorf("no-change run %d made %d Pipedrive persons listings, want 1", i, n)
		}
	}
	l := syncLinks(t, a, def.Name)[0]
	n, _ := strconv.ParseInt(l.BID, 10, 64)
	p, _ := srv.Pipedrive().GetPerson(n)
	if _, err := srv.Pipedrive().UpdatePerson(n, map[string]any{"name": "Settled " + p.LastName}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the edit: %v %+v", err, res.Summary)
	}
	if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["firstname"] != "Settled" {
		t.Fatalf("Pipedrive person %s renamed after the cursor settled; HubSpot contact %s has firstname %q", l.BID, l.AID, h.Properties["firstname"])
	}
}
