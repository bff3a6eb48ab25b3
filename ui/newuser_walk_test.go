package ui

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestHistoryShowsBackgroundRun: History is on screen when a
// scheduled run ends; the run must appear without leaving the screen.
func TestHistoryShowsBackgroundRun(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("bg", demoHubSpot, demoSalesforce)
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	b, ended := startNotifyingBackground(t, l)
	l.navigate(ScreenHistory)
	l.see("No runs yet")
	if !b.SyncNow("bg") {
		t.Fatal("the scheduler does not know the sync")
	}
	if e := <-ended; e.Kind != schedule.EventFinished {
		t.Fatalf("background run: %+v", e)
	}
	l.wait()
	runs, err := l.a.Runs(ctx, "bg", 10)
	if err != nil || len(runs) == 0 {
		t.Fatalf("no run in the store: %v", err)
	}
	l.see("records synced")
}

// TestScheduleTurnedOnShowsNextRun: a newcomer sets a manual sync to
// "every 15m" and saves; the card must say when the next run is, not
// "not scheduled".
func TestScheduleTurnedOnShowsNextRun(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	if err := l.a.SaveSync(ctx, app.DemoSync("sched", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
	_, planned := startTrayBackground(t, l, func(e schedule.Event) bool {
		return e.Kind == schedule.EventNext && !e.Next.IsZero()
	})
	l.navigate(ScreenSyncs)
	l.see("Next run: manual")
	l.ui(func() { l.u.openEditor("sched") })
	l.see("fields loaded")
	l.ui(func() {
		for _, e := range allOf[*widget.Entry](l.u.Window()) {
			if e.Text == "manual" {
				e.SetText("every 15m")
				return
			}
		}
		t.Fatal("no schedule entry")
	})
	l.tap("Save")
	select {
	case <-planned:
	case <-time.After(time.Minute):
		t.Fatal("the scheduler planned no run")
	}
	l.wait()
	l.ui(func() {}) // let a refresh the event started land
	l.see("Next run: in ")
}

// TestWalkCountsAgree: the counts a newcomer reads in Preview and
// in Run finished agree; undoing the same run a second time writes nothing.
func TestWalkCountsAgree(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.createDemoSyncs()
	stat := func(c string) int {
		var s string
		l.ui(func() { s = statOnScreen(l.u.Window(), c) })
		n, _ := strconv.Atoi(s)
		return n
	}
	tile := func(verb, side string) string { return tileOf(t, l, demoSyncName, verb, side) }
	created := stat(tile("create", "a")) + stat(tile("create", "b"))
	updated := stat(tile("update", "a")) + stat(tile("update", "b"))
	linked, review := stat("link"), stat("to review")
	l.tap("Apply")
	l.tapIfShown("Apply anyway")
	l.see("Run finished")
	l.see(fmt.Sprintf("Created %d, updated %d, linked %d,", created, updated, linked))
	l.see(fmt.Sprintf("review %d.", review))
	l.closeDialogs()
	runs, err := l.a.Runs(ctx, demoSyncName, 10)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	first := runs[0].Run.ID
	l.ui(func() { l.u.openRunDetail(first) })
	l.see("Field changes")
	l.tap("Undo this run")
	l.see(fmt.Sprintf("Undo run %d", first))
	l.tap("Undo this run")
	l.tapIfShown("Apply anyway")
	l.see("Run finished")
	l.closeDialogs()
	// The run is undone: its page says by which run, and offers no second undo.
	hs, sf := l.srv.HubSpot().Count("contacts"), l.srv.Salesforce().Count("Contact")
	l.ui(func() { l.u.openRunDetail(first) })
	l.see("Field changes")
	l.see("Already undone by run")
	if l.srv.HubSpot().Count("contacts") != hs || l.srv.Salesforce().Count("Contact") != sf {
		t.Error("opening the undone run changed the CRMs")
	}
}

// TestDemoSyncWithTwoCRMs: only HubSpot and Salesforce connected,
// the Syncs screen offers "Create the demo sync"; pressing it must give
// the HubSpot-Salesforce syncs and their preview, not an error about the
// CRMs the person did not connect.
func TestDemoSyncWithTwoCRMs(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	l.navigate(ScreenSyncs)
	l.tap("Create the demo sync")
	l.see("Preview of " + demoSyncName)
	syncs, err := l.a.Syncs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range syncs {
		d := s.Definition
		names = append(names, d.Name)
		if d.A.Connection != demoHubSpot || d.B.Connection != demoSalesforce {
			t.Errorf("sync %s uses %s and %s, not the two CRMs connected", d.Name, d.A.Connection, d.B.Connection)
		}
	}
	if want := 8; len(syncs) != want {
		t.Errorf("%d syncs saved (%v), want the %d HubSpot-Salesforce ones", len(syncs), names, want)
	}
}

// TestReviewEmptiedLeavesNoStaleDetail: the person checks every item
// and presses Skip; the queue empties, and the detail pane must not still
// offer the actions of an item already decided (pressing one would
// replace the decision).
func TestReviewEmptiedLeavesNoStaleDetail(t *testing.T) {
	l := reviewQueueFor(t)
	ctx := context.Background()
	l.see("Create (C)")
	l.tap("Select all")
	l.tap("Skip")
	l.see("applied on the next run")
	if open, _ := l.a.Reviews(ctx, "", "", "open"); len(open) != 0 {
		t.Fatalf("%d items still open", len(open))
	}
	l.ui(func() {
		if b := buttonOnScreen(l.u.Window(), "Create (C)"); b != nil {
			t.Errorf("the emptied queue still shows a decided item's Create; texts %q", textsOnScreen(l.u.Window()))
		}
	})
}

// TestDisconnectReconnectNoDuplicates: after a first run the person
// disconnects HubSpot and connects the sandbox again from Connections; the
// contacts preview must create nothing (the links are kept).
func TestDisconnectReconnectNoDuplicates(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.createDemoSyncs()
	if _, err := l.a.Run(ctx, demoSyncName, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.closeDialogs()
	l.navigate(ScreenConnections)
	l.ui(func() { l.u.confirmDisconnect(demoHubSpot, nil) })
	l.see("Disconnect " + demoHubSpot + "?")
	l.tapIfShown("Yes")
	l.wait()
	l.see("Connect the sandbox CRMs")
	l.tap("Connect the sandbox CRMs")
	l.see("Sandbox connected")
	l.tap("Create the " + itoa(len(app.DemoSyncs(demoConnections))) + " syncs")
	l.see("Preview of " + demoSyncName)
	for _, c := range []string{tileOf(t, l, demoSyncName, "create", "a"), tileOf(t, l, demoSyncName, "create", "b")} {
		var got string
		l.ui(func() { got = statOnScreen(l.u.Window(), c) })
		if got != "0" {
			var texts []string
			l.ui(func() { texts = textsOnScreen(l.u.Window()) })
			t.Errorf("after reconnecting, the preview shows %s = %s; texts %q", c, got, texts)
		}
	}
}

// TestHeldDeleteWalk: a contact deleted in HubSpot after the first
// run is held; the person approves the delete in Review; Preview, Run
// finished, the Salesforce sandbox and History all show the one delete.
func TestHeldDeleteWalk(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.createDemoSyncs()
	l.closeDialogs()
	sv, err := l.a.Sync(ctx, demoSyncName)
	if err != nil {
		t.Fatal(err)
	}
	def := sv.Definition
	def.Safety.PropagateDeletes = true
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, demoSyncName, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	// Settle the first run's items so the held delete is the one left.
	open, _ := l.a.Reviews(ctx, demoSyncName, "", "open")
	for _, it := range open {
		if err := l.a.Decide(ctx, it.ID, engine.Decision{Action: "skip"}); err != nil {
			t.Fatal(err)
		}
	}
	var hsID string
	for _, id := range []string{"1001", "1002", "1003", "1004", "1005", "1006"} {
		if rec, err := l.a.Record(ctx, sv.ID, "a", id); err == nil && rec.Found && rec.LinkedID != "" {
			hsID = id
			break
		}
	}
	if hsID == "" || !l.srv.HubSpot().Archive("contacts", hsID) {
		t.Fatalf("no linked HubSpot contact to delete (%q)", hsID)
	}
	sfBefore := l.srv.Salesforce().Count("Contact")
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.syncNow(demoSyncName) })
	l.see("Run finished")
	l.closeDialogs()

	l.navigate(ScreenReview)
	nameA, _ := sideNamesOf(t, l, demoSyncName)
	l.see("delete: " + nameA + " record " + hsID)
	l.see("Delete (D)")
	l.ui(func() { l.u.keys('d') })
	l.see("Decided 1 item (delete)")
	l.tap("Preview " + demoSyncName)
	l.see("Preview of " + demoSyncName)
	var dels string
	l.ui(func() { dels = statOnScreen(l.u.Window(), "deletes") })
	if dels != "1" {
		t.Errorf("the preview shows %q deletes, want 1", dels)
	}
	l.tap("Apply")
	l.see("deleted 1,")
	if got := l.srv.Salesforce().Count("Contact"); got != sfBefore-1 {
		t.Errorf("Salesforce holds %d contacts, want %d", got, sfBefore-1)
	}
	l.closeDialogs()
	l.navigate(ScreenHistory)
	l.ui(func() {
		tbl := firstOf[*widget.Table](l.u.Window())
		if tbl == nil {
			t.Fatalf("no runs table; texts %q", textsOnScreen(l.u.Window()))
		}
		col := -1
		head := widget.NewLabel("")
		for c := 0; c < 12; c++ {
			if rows, cols := tbl.Length(); rows < 2 || c >= cols {
				break
			}
			tbl.UpdateCell(widget.TableCellID{Row: 0, Col: c}, head)
			if head.Text == "Deleted" {
				col = c
			}
		}
		if col < 0 {
			t.Fatalf("History has no Deleted column: the run that deleted a Salesforce contact reads as writing nothing; texts %q", textsOnScreen(l.u.Window()))
		}
		cell := widget.NewLabel("")
		tbl.UpdateCell(widget.TableCellID{Row: 1, Col: col}, cell)
		if cell.Text != "1" {
			t.Errorf("the newest run's Deleted cell reads %q, want 1", cell.Text)
		}
	})
}

// TestSyncNowWhileRunning: the person presses Sync now while a
// scheduled run of the same sync is under way. That run is fine: the card
// must not turn to "error" / "Last run failed", and the dialog must say
// to wait, not "If it keeps failing".
func TestSyncNowWhileRunning(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	if err := l.a.SaveSync(ctx, app.DemoSync("busy", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
	row, err := l.a.DB().Sync(ctx, "busy")
	if err != nil {
		t.Fatal(err)
	}
	// A scheduled run holds the sync's run.
	if _, err := l.a.DB().OpenRun(ctx, row.ID, "schedule", 0); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.syncNow("busy") })
	l.see("already in progress")
	l.see("wait for it to finish")
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	l.ui(func() {
		if screenContains(l.u.Window(), "Last run failed") {
			t.Errorf("a run still under way reads as failed: %q", textsOnScreen(l.u.Window()))
		}
	})
}

// tapIfShown taps the button labelled label when one is on screen, as a
// person answers a confirmation that may or may not come.
func (l *live) tapIfShown(label string) {
	l.ui(func() {
		if b := buttonOnScreen(l.u.Window(), label); b != nil {
			test.Tap(b)
		}
	})
}

// applyDemoSyncs creates the ready-made syncs, applies the contacts
// preview (past its warning, if any) and closes the dialog of the run.
func (l *live) applyDemoSyncs() {
	l.t.Helper()
	l.createDemoSyncs()
	l.tap("Apply")
	l.tapIfShown("Apply anyway")
	l.see("Run finished")
	l.closeDialogs()
}
