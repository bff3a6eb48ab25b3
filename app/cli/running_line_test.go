package cli_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestAlreadyRunningLineReads: `sync run --all` beside the window's
// own run of contacts says, in words a person reads, who started that run
// and when: "contacts: already running (started by the window at 16:58),
// not started again", not the store's "sync contacts: store: sync 2: …".
// --json keeps its fields.
func TestAlreadyRunningLineReads(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	window := windowBeside(t, h)
	if err := window.SaveSync(ctx, app.DemoSync("contacts", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	row, err := window.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	runID, err := window.DB().OpenRun(ctx, row.ID, schedule.TriggerManual, 0) // the window's Sync now
	if err != nil {
		t.Fatal(err)
	}
	run, err := window.DB().Run(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}

	out, errs, code := h.runHere(ctx, http.DefaultTransport, "sync", "run", "--all")
	if code != 0 {
		t.Fatalf("sync run --all beside the window's run: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	want := "contacts: already running (started by the window at " + run.StartedAt.Local().Format("15:04") + "), not started again"
	if !strings.Contains(out, want+"\n") {
		t.Errorf("sync run --all says:\n%s\nwant the line %q", out, want)
	}

	out, errs, code = h.runHere(ctx, http.DefaultTransport, "sync", "run", "--all", "--json")
	var parts []map[string]any
	if err := json.Unmarshal([]byte(out), &parts); err != nil || code != 0 || len(parts) != 1 {
		t.Fatalf("sync run --all --json: exit %d, %v\nstdout: %s\nstderr: %s", code, err, out, errs)
	}
	if parts[0]["sync"] != "contacts" || parts[0]["already_running"] != true || len(parts[0]) != 2 {
		t.Errorf("--json of the sync already running: %v; want only sync and already_running, as before", parts[0])
	}
}
