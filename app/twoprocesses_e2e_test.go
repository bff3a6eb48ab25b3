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
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// gateTransport holds the first request that matches until release is
// closed: a run in flight, its create batch on its way to the vendor. With
// sent, the request reaches the vendor first and its answer is what is
// held (and then lost): the vendor created the records, the run never knew.
type gateTransport struct {
	next    http.RoundTripper
	match   func(*http.Request) bool
	sent    bool
	once    sync.Once
	reached chan struct{}
	release chan struct{}
}

func newGate(match func(*http.Request) bool, sent bool) *gateTransport {
	return &gateTransport{next: http.DefaultTransport, match: match, sent: sent, reached: make(chan struct{}), release: make(chan struct{})}
}

func (g *gateTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	hit := false
	if g.match(r) {
		g.once.Do(func() { hit = true })
	}
	if !hit {
		return g.next.RoundTrip(r)
	}
	if !g.sent {
		close(g.reached)
		<-g.release
		return g.next.RoundTrip(r)
	}
	resp, err := g.next.RoundTrip(r)
	if err == nil {
		resp.Body.Close()
	}
	close(g.reached)
	<-g.release
	return nil, errors.New("the process was killed")
}

func salesforceCreates(r *http.Request) bool {
	return r.Method != "GET" && strings.Contains(r.URL.Path, "/composite/sobjects")
}

// openHome opens an app over home, as a second process (the CLI beside the
// window) does: same data file, same keyring.
func openHome(t *testing.T, home string, secrets secret.Store, client *http.Client) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), app.Options{Home: home, Secrets: secrets, Vendors: registry.Vendors(),
		OpenBrowser: browser, RedirectPort: freePort(t), HTTP: client})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// runUntilGate starts a run of sync name in a and waits until its first
// Salesforce create reaches the gate.
func runUntilGate(t *testing.T, a *app.App, g *gateTransport, name string) chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := a.Run(context.Background(), name, app.RunOptions{Confirm: true})
		done <- err
	}()
	select {
	case <-g.reached:
	case err := <-done:
		t.Fatalf("the run ended before creating in Salesforce: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the run never created in Salesforce")
	}
	return done
}

// TestSecondProcessKeepsTheRunGuard: the window runs a sync; while its
// creates are on their way, `crmsync runs` or `crmsync sync run` starts in
// another process on the same data file. Opening the file used to mark the
// window's live run "interrupted (crash or kill)", which dropped the one
// open run per sync guard: the CLI's run of the same sync then ran beside
// the window's. Each run now holds its sync's lock file.
func TestSecondProcessKeepsTheRunGuard(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 71, 12)
	home, secrets := t.TempDir(), secret.NewMemory()
	gate := newGate(salesforceCreates, false)
	window := openHome(t, home, secrets, &http.Client{Transport: gate})
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := window.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	saveSyncs(t, window, app.DemoSync("contacts", "hs", "sf"))
	seeded := emailCounts(srv)
	done := runUntilGate(t, window, gate, "contacts")

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
	close(gate.release)
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
	srv := startSandbox(t, 72, 12)
	home, secrets := t.TempDir(), secret.NewMemory()
	window := openHome(t, home, secrets, http.DefaultClient)
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := window.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	saveSyncs(t, window, app.DemoSync("contacts", "hs", "sf"))
	seeded := emailCounts(srv)

	gate := newGate(salesforceCreates, true)
	cli := openHome(t, home, secrets, &http.Client{Transport: gate})
	killed := runUntilGate(t, cli, gate, "contacts")
	cli.Close() // killed: its locks die with it, its run stays "running"
	t.Cleanup(func() { close(gate.release); <-killed })

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
