package app_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestPipedriveNoChangeRunAfterBulkWriteReadsOnce: a first sync
// creates hundreds of Pipedrive persons within one second of update_time.
// Pipedrive's updated_since is inclusive and the cursor stays at that
// second while nothing changes, so a no-change run lists that second's
// persons again, 500 a call: more than the one read call a run with
// nothing to do needs. An edit made after the cursor settles must still
// arrive.
func TestPipedriveNoChangeRunAfterBulkWriteReadsOnce(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	ctx := context.Background()
	a, srv, clock := steppedSandboxApp(t, 5, 700, "pipedrive", "pd")
	def := app.DemoPipedriveSync("pipedrive", "hs", "pd", "")
	saveSyncs(t, a, def)
	noChangeRunsReadOnce(t, a, def.Name, clock, "Pipedrive persons", func() int64 { return srv.Stats()["pipedrive"]["GET /api/v2/persons"] })
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
