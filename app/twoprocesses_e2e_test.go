package app_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox"
)

func salesforceCreates(r *http.Request) bool {
	return r.Method != "GET" && strings.Contains(r.URL.Path, "/composite/sobjects")
}

// openHome opens an app over home, as a second process (the CLI beside the
// window) does: same data file, same keyring.
func openHome(t *testing.T, home string, secrets secret.Store, client *http.Client) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), app.Options{Home: home, Secrets: secrets, Vendors: registry.Vendors(),
		OpenBrowser: browser, RedirectPort: auth.AnyPort, HTTP: client})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// holdFirst makes tr hold the first request that matches until release
// is closed, after closing reached: a run in flight, its create batch on
// its way to the vendor.
func holdFirst(tr *lossyTransport, match func(*http.Request) bool) (reached, release chan struct{}) {
	reached, release = make(chan struct{}), make(chan struct{})
	var once sync.Once
	tr.setHook(func(r *http.Request) {
		if match(r) {
			once.Do(func() { close(reached); <-release })
		}
	})
	return reached, release
}

// runUntil starts a run of sync name in a and waits until reached closes.
func runUntil(t *testing.T, a *app.App, reached chan struct{}, name string) chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := a.Run(context.Background(), name, app.RunOptions{Confirm: true})
		done <- err
	}()
	select {
	case <-reached:
	case err := <-done:
		t.Fatalf("the run ended before creating in Salesforce: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the run never created in Salesforce")
	}
	return done
}

// windowOnSandbox is a window's app on a new data folder, connected to
// a new sandbox's HubSpot and Salesforce through client; home and secrets
// are for a second process on the same folder.
func windowOnSandbox(t *testing.T, seed int64, client *http.Client) (srv *sandbox.Server, home string, secrets secret.Store, window *app.App) {
	t.Helper()
	srv = startSandbox(t, seed, 12)
	home, secrets = t.TempDir(), secret.NewMemory()
	window = openHome(t, home, secrets, client)
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := window.ConnectSandbox(context.Background(), srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	return srv, home, secrets, window
}

// TestSecondProcessKeepsTheRunGuard: the window runs a sync; while its
// creates are on their way, `crmsync runs` or `crmsync sync run` starts in
// another process on the same data file. Opening the file used to mark the
// window's live run "interrupted (crash or kill)", which dropped the one
// open run per sync guard: the CLI's run of the same sync then ran beside
// the window's. Each run now holds its sync's lock file.
func TestSecondProcessKeepsTheRunGuard(t *testing.T) {
	ctx := context.Background()
	tr := &lossyTransport{next: http.DefaultTransport}
	reached, release := holdFirst(tr, salesforceCreates)
	srv, home, secrets, window := windowOnSandbox(t, 71, &http.Client{Transport: tr})
	saveSyncs(t, window, app.DemoSync("contacts", "hs", "sf"))
	seeded := emailCounts(srv)
	done := runUntil(t, window, reached, "contacts")

	cli := openHome(t, home, secrets, http.DefaultClient)
	row, err := cli.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	runs, err := cli.DB().Runs(ctx, row.ID, 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs: %v %v", runs, err)
	}
	if runs[0].Status != "running" {
		t.Errorf("a second process opening the data file marked the window's live run %d %q (%s)", runs[0].ID, runs[0].Status, runs[0].Message)
	}
	_, cliErr := cli.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	close(release)
	if err := <-done; err != nil {
		t.Errorf("the window's run: %v", err)
	}
	if !errors.Is(cliErr, store.ErrRunOpen) {
		t.Errorf("the CLI's run of a sync the window is running: %v; want %v", cliErr, store.ErrRunOpen)
	}
	noNewDuplicates(t, srv, seeded)
}

// TestRunKilledInAnotherProcessIsRecoveredByTheWindow: the window is open;
// the CLI runs a sync and is killed after Salesforce created a batch but
// before it stored the answer. The window, which opened the file before,
// runs the sync next: it must not say "already in progress" until it is
// restarted, and it must settle the killed run's journal (link what
// Salesforce created) rather than create those contacts again.
func TestRunKilledInAnotherProcessIsRecoveredByTheWindow(t *testing.T) {
	ctx := context.Background()
	srv, home, secrets, window := windowOnSandbox(t, 72, http.DefaultClient)
	saveSyncs(t, window, app.DemoSync("contacts", "hs", "sf"))
	seeded := emailCounts(srv)

	tr := &lossyTransport{next: http.DefaultTransport}
	cli := openHome(t, home, secrets, &http.Client{Transport: tr})
	tr.lose, tr.match = 1, salesforceCreates
	// Killed: its locks die with it, its run stays "running".
	tr.kill = func() { cli.Close() }
	if _, err := cli.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err == nil {
		t.Fatal("the CLI's run went on after it was killed")
	}

	res, err := window.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("the window's run after the CLI was killed: %v %+v", err, res.Summary)
	}
	noNewDuplicates(t, srv, seeded)
	row, _ := window.DB().Sync(ctx, "contacts")
	runs, err := window.DB().Runs(ctx, row.ID, 5)
	if err != nil || len(runs) != 2 || runs[1].Status != "failed" || !strings.Contains(runs[1].Message, "interrupted") {
		t.Fatalf("runs after the kill: %+v %v; want the killed one marked interrupted", runs, err)
	}
}
