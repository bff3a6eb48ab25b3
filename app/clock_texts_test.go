package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestAlreadyRunningLineReadsTheAppClock: the window's run of
// contacts is under way when Sync all comes, in an app whose clock
// (Options.Now) reads two days later and whose zone (Options.Zone) is
// Tokyo's. Sync all's line must give the run's start as that clock and
// zone read it: another day, so its date, and the hour in Tokyo, not the
// wall clock's "today" in the process's local zone.
func TestAlreadyRunningLineReadsTheAppClock(t *testing.T) {
	ctx := context.Background()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skipf("no zone database: %v", err)
	}
	later := time.Now().Add(50 * time.Hour)
	srv := startSandbox(t, 4835, 2)
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(),
		OpenBrowser: browser, RedirectPort: auth.AnyPort,
		Now: func() time.Time { return later }, Zone: func() *time.Location { return tokyo }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	row, err := a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	runID, err := a.DB().OpenRun(ctx, row.ID, schedule.TriggerManual, 0) // the window's Sync now
	if err != nil {
		t.Fatal(err)
	}
	run, err := a.DB().Run(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}

	out, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil)
	if err != nil || len(out) != 1 || !out[0].AlreadyRunning() {
		t.Fatalf("Sync all beside the window's run: %+v %v; want contacts already running", out, err)
	}
	at := run.StartedAt.In(tokyo)
	want := "(started by the window on " + at.Format(time.DateOnly) + " at " + at.Format("15:04") + ")"
	if got := out[0].Line(); !strings.Contains(got, want) {
		t.Errorf("Sync all says %q; want %q, as the app's clock (two days on) and zone (Tokyo) read the run's start", got, want)
	}
}
