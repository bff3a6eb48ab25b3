package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestConnectionsHintWithSyncsSaved: once syncs are saved, the
// Connections screen no longer tells the user to create one.
func TestConnectionsHintWithSyncsSaved(t *testing.T) {
	l := newLive(t)
	l.createDemoSyncs()
	l.closeDialogs()
	l.navigate(ScreenConnections)
	l.see("Add connection")
	l.ui(func() {
		for _, s := range textsOnScreen(l.u.Window()) {
			if strings.Contains(s, "create a sync") {
				t.Errorf("with the ready-made syncs saved, Connections says %q", s)
			}
		}
	})
}

// historyCell is the text History's runs table shows at row, col.
func historyCell(t *testing.T, w fyne.Window, row, col int) string {
	t.Helper()
	table := firstOf[*widget.Table](w)
	if table == nil {
		t.Fatalf("no runs table on screen; texts: %q", textsOnScreen(w))
	}
	o := table.CreateCell()
	table.UpdateCell(widget.TableCellID{Row: row, Col: col}, o)
	return o.(*widget.Label).Text
}

// TestHistoryStandingWarningsNotCounted: a ready-made sync's owner
// notes repeat on every run; History counts them on the run that first
// had them, not on every run after, and the sync's card says them once.
func TestHistoryStandingWarningsNotCounted(t *testing.T) {
	l := newLive(t)
	runs := twoDemoRunsSameWarnings(t, l)
	l.navigate(ScreenHistory)
	l.ui(func() {
		if got := historyCell(t, l.u.Window(), 1, 8); got != "0" {
			t.Errorf("the newest run's Warnings reads %q; its warnings %q are the run before's", got, runs[0].Run.Warnings)
		}
		if got, want := historyCell(t, l.u.Window(), 2, 8), fmt.Sprint(len(runs[1].Run.Warnings)); got != want {
			t.Errorf("the first run's Warnings reads %q, want %s", got, want)
		}
	})
	l.navigate(ScreenSyncs)
	l.see(runs[0].Run.Warnings[0])
}

// TestManualSuccessEndsBackgroundWait: a background run stopped by
// HubSpot's spent daily limit waits until the reset; a Sync now from the
// window that then succeeds ends that wait, so the running scheduler
// plans the next run by the schedule again, not at the old reset time.
func TestManualSuccessEndsBackgroundWait(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("bg", demoHubSpot, demoSalesforce)
	def.Schedule = "every 15m"
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, "bg", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	b, ended := startNotifyingBackground(t, l)
	l.srv.HubSpot().Faults().SetDailyExhausted(true)
	if !b.SyncNow("bg") {
		t.Fatal("the scheduler does not know the sync")
	}
	if e := runEnds(t, ended, "bg"); e.Err == nil {
		t.Fatal("the background run with HubSpot's daily limit spent did not fail")
	}
	due := time.Now().Add(16 * time.Minute)
	for end := time.Now().Add(5 * time.Second); !b.Next("bg").After(due) && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	if !b.Next("bg").After(due) {
		t.Skipf("HubSpot's limit resets at %v, too soon to tell the wait from the schedule", b.Next("bg"))
	}
	l.srv.HubSpot().Faults().SetDailyExhausted(false)
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.syncNow("bg") })
	l.see("Run finished")
	l.closeDialogs()
	for end := time.Now().Add(5 * time.Second); b.Next("bg").After(due) && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	if next := b.Next("bg"); next.After(due) {
		t.Errorf("after a successful Sync now the next background run is at %v; the sync runs every 15m", next.Local())
	}
}

// TestHistorySyncNamesTellApart: in a window of the size the app
// opens at, History's Sync column tells every ready-made sync from the
// others: a name cut at its end ("demo-hubspot-…") reads the same for
// most of them.
func TestHistorySyncNamesTellApart(t *testing.T) {
	u := newTestUI(t, Deps{})
	defs := app.DemoSyncs(demoConnections)
	u.Window().Resize(fyne.NewSize(defaultSize.Width, 3000)) // every row in view
	at := time.Date(2026, 12, 22, 22, 42, 10, 0, time.UTC)   // a two-digit day's whole time shows too
	var runs []app.RunDetail
	for i, d := range defs {
		runs = append(runs, app.RunDetail{Run: store.RunRow{ID: int64(i + 1), Status: "cancelled", Trigger: "schedule", StartedAt: at}, Sync: d.Name})
	}
	u.openPane(u.historyView(runs))
	if want := at.Local().Format("2 Jan 15:04:05"); !slices.Contains(textsOnScreen(u.Window()), want) {
		t.Errorf("History's Time column does not show %q whole", want)
	}
	for _, want := range []string{"schedule", "cancelled"} {
		if !slices.Contains(textsOnScreen(u.Window()), want) {
			t.Errorf("History does not show %q whole", want)
		}
	}
	for _, c := range historyColumns {
		if !slices.Contains(textsOnScreen(u.Window()), c.title) {
			t.Errorf("History's column title %q is cut", c.title)
		}
	}
	shown := map[string][]string{}
	for _, s := range textsOnScreen(u.Window()) {
		for _, d := range defs {
			if (s == d.Name || (strings.Contains(s, "…") && matchesCut(d.Name, s))) && !slices.Contains(shown[s], d.Name) {
				shown[s] = append(shown[s], d.Name)
			}
		}
	}
	for _, d := range defs {
		found := false
		for _, names := range shown {
			if slices.Contains(names, d.Name) && len(names) == 1 {
				found = true
			}
		}
		if !found {
			t.Errorf("History's Sync column does not tell %q apart; shown: %q", d.Name, shown)
		}
	}
}

// matchesCut says whether text, a name cut with "…", can be name.
func matchesCut(name, text string) bool {
	head, tail, _ := strings.Cut(text, "…")
	return strings.HasPrefix(name, head) && strings.HasSuffix(name, tail) && len(head)+len(tail) < len(name)
}

// TestHistoryTimesFollowMachineZone: History shows a run's time in
// the machine's zone as it is now, not as it was when the app started:
// after the laptop moves from UTC to UTC+9, the same run reads 9 hours
// later.
func TestHistoryTimesFollowMachineZone(t *testing.T) {
	ctx := context.Background()
	var zone atomic.Pointer[time.Location]
	zone.Store(time.UTC)
	l := newLiveWith(t, 5, defaultSize, func(o *app.Options, _ *sandbox.Server) { o.Zone = zone.Load })
	a := l.a
	connectHubSpotAndSalesforce(t, l)
	if err := a.SaveSync(ctx, app.DemoSync("contacts", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	runs, err := a.Runs(ctx, "contacts", 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	at := runs[0].Run.StartedAt
	tokyo := time.FixedZone("UTC+9", 9*3600)
	zone.Store(tokyo) // the laptop travelled
	l.navigate(ScreenHistory)
	l.see(at.In(tokyo).Format("2 Jan 15:04:05"))
	l.ui(func() { l.u.openRunDetail(runs[0].Run.ID) })
	l.see("Started " + at.In(tokyo).Format("2 Jan 2006 15:04:05"))
}
