package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
	"github.com/crmsync/crmsync/sync/schedule"
)

func fmtSscan(s string, v any) (int, error) { return fmt.Sscan(s, v) }

// startSandbox starts both vendors' sandboxes on 127.0.0.1 with contacts
// per vendor; they close when the test ends (closing earlier is fine).
func startSandbox(t *testing.T, seed int64, contacts int) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.Start(context.Background(), "127.0.0.1:0", sandbox.Options{Seed: seed, Contacts: contacts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// syncLinks returns the links the named sync holds in the app's store.
func syncLinks(t *testing.T, a *app.App, name string) []store.LinkRow {
	t.Helper()
	ctx := context.Background()
	row, err := a.DB().Sync(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	links, err := a.DB().Links(ctx, row.ID)
	if err != nil {
		t.Fatal(err)
	}
	return links
}

// syncedContacts connects both sandboxes, saves the demo contacts sync
// (propagating deletes or not), runs it once and returns its links, at
// least two.
func syncedContacts(t *testing.T, seed int64, propagate bool) (*app.App, *sandbox.Server, []store.LinkRow) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, seed, 12)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Safety.PropagateDeletes = propagate
	if err := a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res)
	}
	links := syncLinks(t, a, "contacts")
	if len(links) < 2 {
		t.Fatalf("links after the first run: %v", links)
	}
	return a, srv, links
}

// saveSyncs saves each definition in turn, as a person would in the window.
func saveSyncs(t *testing.T, a *app.App, defs ...engine.Definition) {
	t.Helper()
	for _, def := range defs {
		if err := a.SaveSync(context.Background(), def); err != nil {
			t.Fatalf("save sync %s: %v", def.Name, err)
		}
	}
}

// syncedThrough is connectedSandbox with one more vendor connected as
// conn and sync def saved and run once, which must succeed.
func syncedThrough(t *testing.T, seed int64, contacts int, vendor, conn string, def engine.Definition) (*app.App, *sandbox.Server) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, seed, contacts)
	if _, err := a.ConnectSandbox(ctx, srv, vendor, conn); err != nil {
		t.Fatalf("connect %s: %v", vendor, err)
	}
	saveSyncs(t, a, def)
	if res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run of %s: %v %+v", def.Name, err, res.Summary)
	}
	return a, srv
}

// startScheduler runs a's background scheduler until the test ends.
func startScheduler(t *testing.T, a *app.App) *schedule.Scheduler {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sched, err := a.NewScheduler(ctx)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sched.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return sched
}

// backgroundRunEnds waits for the scheduler's next run of sync to end and
// returns its error (nil when it finished).
func backgroundRunEnds(sched *schedule.Scheduler, sync string) error {
	for e := range sched.Events() {
		if e.Sync == sync && (e.Kind == schedule.EventFailed || e.Kind == schedule.EventFinished) {
			if e.Kind == schedule.EventFailed && e.Err == nil {
				return fmt.Errorf("sync %s failed without an error", sync)
			}
			return e.Err
		}
	}
	return fmt.Errorf("the scheduler stopped before sync %s ended", sync)
}

// linkedA is the A id a sync links to B record bid.
func linkedA(t *testing.T, a *app.App, sync, bid string) string {
	t.Helper()
	for _, l := range syncLinks(t, a, sync) {
		if l.BID == bid {
			return l.AID
		}
	}
	t.Fatalf("%s links nothing to %s", sync, bid)
	return ""
}

// linkedB is the B id a sync links to A record aid.
func linkedB(t *testing.T, a *app.App, sync, aid string) string {
	t.Helper()
	for _, l := range syncLinks(t, a, sync) {
		if l.AID == aid {
			return l.BID
		}
	}
	t.Fatalf("%s links nothing to %s", sync, aid)
	return ""
}

// isLinked reports whether a sync links A record aid with B record bid.
func isLinked(t *testing.T, a *app.App, sync, aid, bid string) bool {
	t.Helper()
	return slices.ContainsFunc(syncLinks(t, a, sync), func(l store.LinkRow) bool { return l.AID == aid && l.BID == bid })
}

// auditedCreates is the emails, lowercased, whose create on side ("a" or
// "b") some run of sync put in the audit.
func auditedCreates(t *testing.T, a *app.App, sync, side string) map[string]bool {
	t.Helper()
	audited := map[string]bool{}
	runs, err := a.Runs(context.Background(), sync, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		rows, err := a.DB().Audit(context.Background(), r.Run.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			if row.Side == side && row.Field == "email" && row.Old == "" {
				audited[strings.ToLower(row.New)] = true
			}
		}
	}
	return audited
}

// mustCreateHS creates a HubSpot record the test needs, failing the test
// if HubSpot refuses it.
func mustCreateHS(t *testing.T, hs *hubspot.Sim, object string, props map[string]string) hubspot.Record {
	t.Helper()
	r, err := hs.Create(object, props)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mustCreateSF creates a Salesforce record the test needs, failing the
// test if Salesforce refuses it.
func mustCreateSF(t *testing.T, sf *salesforce.Sim, object string, fields map[string]string) salesforce.Record {
	t.Helper()
	r, err := sf.Create(object, fields)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// runUpdating runs sync name, which must update n records, and answers
// the run.
func runUpdating(ctx context.Context, t *testing.T, a *app.App, name string, n int) app.RunResult {
	t.Helper()
	res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != n {
		t.Fatalf("%s run: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
	}
	return res
}

// undoLogged undoes run runID, which must not fail, logging the run's
// audit and the undo's outcome for whoever reads a failing test.
func undoLogged(ctx context.Context, t *testing.T, a *app.App, runID int64) app.RunResult {
	t.Helper()
	d, _ := a.RunDetail(ctx, runID)
	t.Logf("audit: %+v", d.Audit)
	u, err := a.Undo(ctx, runID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	t.Logf("undo: %+v review %+v warnings %q", u.Summary, u.Plan.Review, u.Plan.Warnings)
	return u
}
