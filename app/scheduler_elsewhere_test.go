package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/engine"
)

// windowAndCLI opens one data folder twice, as the window and a terminal's
// `crmsync` would (two store handles on one SQLite file, two sets of run
// locks), with the contacts sync saved and run once by the window.
func windowAndCLI(t *testing.T) (window, cli *app.App) {
	t.Helper()
	ctx := context.Background()
	srv := startSandbox(t, 5, 12)
	home, secrets := t.TempDir(), secret.NewMemory() // the keyring both processes share
	open := func() *app.App {
		a, err := app.Open(ctx, app.Options{Home: home, Secrets: secrets, Vendors: registry.Vendors(), OpenBrowser: browser, RedirectPort: auth.AnyPort})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}
	window = open()
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := window.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	saveSyncs(t, window, app.DemoSync("contacts", "hs", "sf"))
	if res, err := window.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res)
	}
	return window, open()
}

// TestSchedulerSeesCLISuccess: the window's scheduler, failing since
// failedAt, asks the store whether a run made elsewhere succeeded since;
// a `sync run` in the other process that succeeded says yes, and nothing
// before the failure does.
func TestSchedulerSeesCLISuccess(t *testing.T) {
	ctx := context.Background()
	window, cli := windowAndCLI(t)
	since := window.ScheduleOptions().SucceededSince
	if since == nil {
		t.Fatal("the window's scheduler has no way to learn of a run another process made")
	}
	failedAt := time.Now()
	if ok, err := since(ctx, "contacts", failedAt); err != nil || ok {
		t.Fatalf("before the CLI's run: succeeded since the failure = %v, %v; want false", ok, err)
	}
	time.Sleep(5 * time.Millisecond) // runs are stamped in milliseconds
	if res, err := cli.Run(ctx, "contacts", app.RunOptions{Trigger: "cli"}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("the CLI's run: %v %+v", err, res)
	}
	if ok, err := since(ctx, "contacts", failedAt); err != nil || !ok {
		t.Fatalf("after the CLI's successful run: succeeded since the failure = %v, %v; want true", ok, err)
	}
}

// TestSecondProcessSaysWhoRuns: while the window's background run of
// contacts holds the sync, a `sync run contacts` from the terminal is
// refused (no second run at once) and says which run holds it and who
// started it, not only "already in progress".
func TestSecondProcessSaysWhoRuns(t *testing.T) {
	ctx := context.Background()
	window, cli := windowAndCLI(t)
	row, err := window.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	held, err := window.DB().OpenRun(ctx, row.ID, "schedule", 0) // as a background run does
	if err != nil {
		t.Fatal(err)
	}
	_, err = cli.Run(ctx, "contacts", app.RunOptions{Trigger: "cli"})
	if err == nil {
		t.Fatal("a second run of contacts started while the window's run held it")
	}
	for _, want := range []string{"already in progress", fmt.Sprintf("run %d", held), "scheduled"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not say %q", err, want)
		}
	}
	if !errors.Is(err, engine.ErrAlreadyRunning) {
		t.Errorf("refusal %v is not ErrAlreadyRunning: the window's and CLI's handling of it would miss it", err)
	}
}
