package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// connectedSandbox starts a sandbox with contacts per vendor and an app on
// a fresh folder with both vendors connected through OAuth as "hs" and
// "sf"; both are closed when the test ends.
func connectedSandbox(t *testing.T, seed int64, contacts int) (*app.App, *sandbox.Server) {
	t.Helper()
	return connectedSandboxAt(t, seed, contacts, nil)
}

// connectedSandboxAt is connectedSandbox with the app's clock (nil: the
// real one).
func connectedSandboxAt(t *testing.T, seed int64, contacts int, now func() time.Time) (*app.App, *sandbox.Server) {
	t.Helper()
	return connectedSandboxWith(t, seed, contacts, app.Options{Now: now})
}

// connectedSandboxWith is connectedSandbox with o's Now, RetryMinWait,
// LookupLag and PollFirst (the rest as connectedSandbox sets them).
func connectedSandboxWith(t *testing.T, seed int64, contacts int, o app.Options) (*app.App, *sandbox.Server) {
	t.Helper()
	ctx := context.Background()
	srv := startSandbox(t, seed, contacts)
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), OpenBrowser: browser, RedirectPort: auth.AnyPort,
		Now: o.Now, RetryMinWait: o.RetryMinWait, LookupLag: o.LookupLag, PollFirst: o.PollFirst})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	return a, srv
}

// TestDemoSyncEndToEnd drives the product's main job on the sandbox over real
// HTTP: connect both vendors through OAuth, save the demo sync, preview, run,
// run again (no writes), edit one record, run again (exactly that change).
func TestDemoSyncEndToEnd(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7, 40)
	def := app.DemoSync("contacts", "hs", "sf")
	if err := a.SaveSync(ctx, def); err != nil {
		t.Fatalf("save: %v", err)
	}

	hsBefore, sfBefore := srv.HubSpot().Count("contacts"), srv.Salesforce().Count("Contact")
	prev, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	if got := srv.HubSpot().Count("contacts") + srv.Salesforce().Count("Contact"); got != hsBefore+sfBefore {
		t.Fatalf("preview wrote to a CRM: %d records, want %d", got, hsBefore+sfBefore)
	}
	c := prev.Plan.Counts
	if c.CreateA == 0 || c.CreateB == 0 || c.Link == 0 {
		t.Fatalf("preview counts look wrong: %+v\n%s", c, prev.Plan.Summary())
	}

	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if res.Summary.Status != "success" {
		t.Fatalf("first run: %+v", res.Summary)
	}
	hsAfter, sfAfter := srv.HubSpot().Count("contacts"), srv.Salesforce().Count("Contact")
	if hsAfter != hsBefore+c.CreateA || sfAfter != sfBefore+c.CreateB {
		t.Fatalf("creates: hubspot %d→%d (+%d planned), salesforce %d→%d (+%d planned)", hsBefore, hsAfter, c.CreateA, sfBefore, sfAfter, c.CreateB)
	}

	again, err := a.Run(ctx, "contacts", app.RunOptions{})
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if s := again.Summary; s.Created+s.Updated != 0 {
		t.Fatalf("second run wrote %d creates, %d updates; want none (loop?)\n%s", s.Created, s.Updated, again.Plan.Summary())
	}
	if srv.HubSpot().Count("contacts") != hsAfter || srv.Salesforce().Count("Contact") != sfAfter {
		t.Fatal("second run changed record counts")
	}
	runs, err := a.Runs(ctx, "contacts", 10)
	if err != nil || len(runs) < 2 {
		t.Fatalf("runs: %v %v", runs, err)
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil || len(d.Audit) == 0 {
		t.Fatalf("first run should have audit rows: %v", err)
	}

	// Undo the first run's updates preview: it must name writes, not fail.
	if _, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{DryRun: true}); err != nil && !errors.Is(err, engine.ErrNeedsConfirmation) {
		t.Fatalf("undo preview: %v", err)
	}
	if _, err := a.Run(ctx, "nope", app.RunOptions{}); err == nil || !strings.Contains(err.Error(), "no sync named") {
		t.Fatalf("unknown sync: %v", err)
	}
}
