package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestSalesforceAPIAccessLostWalk: the admin's Salesforce user loses
// API Enabled. The run dialog and the connection card must say what
// Salesforce's refusal means (an administrator grants the permission),
// not send the admin to billing; once given back, a run clears the card.
func TestSalesforceAPIAccessLostWalk(t *testing.T) {
	l := newLive(t)
	l.applyDemoSyncs()

	l.srv.Salesforce().DisableAPI(true)
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.syncNow(app.DemoCompaniesName) })
	l.wait()
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	l.see("API Enabled permission")
	joined := strings.Join(texts, " ")
	if strings.Contains(joined, "billing") {
		t.Errorf("the run dialog sends the admin to billing for a missing user permission: %q", texts)
	}
	l.closeDialogs()
	l.navigate(ScreenConnections)
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	l.see("API Enabled permission")
	l.see("● account problem")
	if joined := strings.Join(texts, " "); strings.Contains(joined, "billing") {
		t.Errorf("the Salesforce card sends the admin to billing for a missing user permission: %q", texts)
	}

	l.srv.Salesforce().DisableAPI(false)
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.syncNow(app.DemoCompaniesName) })
	l.see("Run finished")
	l.closeDialogs()
	l.navigate(ScreenConnections)
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	for _, s := range texts {
		if strings.Contains(s, "account refused") || strings.Contains(s, "API Enabled") {
			t.Errorf("the card still shows the fixed problem: %q", s)
		}
	}
}

// TestManualRunEndsVendorWait: a scheduled run hits HubSpot's spent
// daily limit and remembers HubSpot's wait. The limit is lifted and the
// admin presses Sync now, which gets through; the next scheduled run must
// run, not be skipped as still waiting for HubSpot.
func TestManualRunEndsVendorWait(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	def.Schedule = "every 15m"
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.srv.HubSpot().Faults().SetDailyExhausted(true)
	err := l.a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() < time.Minute {
		t.Skipf("the run carries no wait (%v); HubSpot's midnight is too near", err)
	}
	l.srv.HubSpot().Faults().SetDailyExhausted(false)
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.syncNow("contacts") })
	l.see("Run finished")
	l.closeDialogs()
	if err := l.a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule); err != nil {
		t.Errorf("the scheduled run after a Sync now that got through: %v", err)
	}
}

// TestSyncNowClearsBackgroundFailure: a background run of the sync
// fails on Salesforce's refusal of API access; the admin has it given
// back and presses Sync now, which succeeds. The card must no longer say
// the last background run failed, nor the tray that the sync failed.
func TestSyncNowClearsBackgroundFailure(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	def.Schedule = "every 6h"
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	l.ui(func() { l.u.app = &trayApp{App: l.u.app} })
	b, ended := startNotifyingBackground(t, l)
	if !b.SyncNow("contacts") {
		t.Fatal("the scheduler does not know the sync")
	}
	if e := runEnds(t, ended, "contacts"); e.Err != nil {
		t.Fatalf("first background run: %v", e.Err)
	}
	l.srv.Salesforce().DisableAPI(true)
	b.SyncNow("contacts")
	if e := runEnds(t, ended, "contacts"); e.Err == nil {
		t.Fatal("the background run without API access succeeded")
	}
	l.wait()
	l.navigate(ScreenSyncs)
	l.see("Last background run failed")

	l.srv.Salesforce().DisableAPI(false)
	l.ui(func() { l.u.syncNow("contacts") })
	l.see("Run finished")
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	var texts []string
	var tray string
	l.ui(func() {
		texts = textsOnScreen(l.u.Window())
		tray = l.u.trayText
	})
	for _, s := range texts {
		if strings.Contains(s, "run failed") {
			t.Errorf("after a Sync now that succeeded, the card still says %q", s)
		}
	}
	if strings.Contains(tray, "failed") {
		t.Errorf("after a Sync now that succeeded, the tray still says %q", tray)
	}
}

// TestHistoryTimeAndTitlesWhole: in the window's default size, a
// run started on the 16th shows its whole time (seconds too), and every
// column's title shows whole, "Duration" included.
func TestHistoryTimeAndTitlesWhole(t *testing.T) {
	u := newTestUI(t, Deps{})
	u.Window().Resize(defaultSize)
	at := time.Date(2026, 12, 16, 23, 58, 48, 0, time.Local)
	u.openPane(u.historyView([]app.RunDetail{{Run: store.RunRow{ID: 1, Status: "success", Trigger: "manual", StartedAt: at,
		FinishedAt: at.Add(2 * time.Second)}, Sync: "demo-contacts"}}))
	texts := textsOnScreen(u.Window())
	want := []string{"16 Dec 23:58:48"}
	for _, c := range historyColumns {
		want = append(want, c.title)
	}
	for _, w := range want {
		if !slices.Contains(texts, w) {
			t.Errorf("%q is not shown whole in History; texts %q", w, texts)
		}
	}
}

// TestSalesforceCardCountsSayWhose: the Salesforce card shows
// the org's calls of the last 24 hours beside crmsync's own count of
// today's; read together, "API calls today: 26" above an org's "24 of
// 15,000" contradicts itself unless the second says it is crmsync's.
func TestSalesforceCardCountsSayWhose(t *testing.T) {
	l := newLive(t)
	l.createDemoSyncs()
	l.closeDialogs()
	if _, err := l.a.Run(context.Background(), app.DemoCompaniesName, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenConnections)
	l.see("Salesforce org: ")
	l.see("crmsync's API calls today: ")
}

// TestDailyNextRunTomorrowNotToday: a daily sync whose time of day
// has passed runs next tomorrow; its card must not say "today".
func TestDailyNextRunTomorrowNotToday(t *testing.T) {
	now := time.Now()
	slot := now.Add(-time.Hour)
	if next := slot.AddDate(0, 0, 1); next.YearDay() == now.YearDay() {
		t.Skip("just after midnight: the slot an hour ago is yesterday's")
	}
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("daily", demoHubSpot, demoSalesforce)
	def.Schedule = "daily " + slot.Format("15:04")
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	_, planned := startTrayBackground(t, l, func(e schedule.Event) bool {
		return e.Kind == schedule.EventNext && !e.Next.IsZero()
	})
	select {
	case <-planned:
	case <-time.After(time.Minute):
		t.Fatal("the scheduler planned no run")
	}
	l.navigate(ScreenSyncs)
	l.see("Next run: ")
	l.ui(func() {
		for _, s := range textsOnScreen(l.u.Window()) {
			if strings.HasPrefix(s, "Next run: ") && strings.Contains(s, "today") {
				t.Errorf("the card says %q for a run due tomorrow at %s", s, slot.Format("15:04"))
			}
		}
	})
}

// TestHistoryHeldRunResultWhole: Sync all holds the syncs over
// their safety limit; in History (default window size) their Result must
// read whole, not "needs_…".
func TestHistoryHeldRunResultWhole(t *testing.T) {
	l := newLive(t)
	l.createDemoSyncs()
	l.closeDialogs()
	l.navigate(ScreenSyncs)
	l.tap("Sync all")
	l.see("need your confirmation in their preview")
	l.closeDialogs()
	l.ui(func() { l.u.Window().Resize(defaultSize) })
	l.navigate(ScreenHistory)
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	cut := 0
	for _, s := range texts {
		if p := strings.TrimSuffix(s, "…"); p != s && p != "" && strings.HasPrefix("needs_confirmation", p) {
			cut++
		}
	}
	if cut > 0 {
		t.Errorf("%d held runs' Result is cut off in History; texts %q", cut, texts)
	}
	l.see("held")
}

// TestEditorOffersAllDayInPortalZone: the portal is in New York;
// the ready-made meetings sync maps all-day Events in that zone. Opening
// its start row's transform picker, the admin must be offered the
// all-day transforms in the portal's zone, not only in UTC, which would
// move each all-day meeting onto the day before.
func TestEditorOffersAllDayInPortalZone(t *testing.T) {
	l := newLive(t)
	l.srv.HubSpot().SetTimeZone("America/New_York")
	l.createDemoSyncs()
	l.closeDialogs()
	l.ui(func() { l.u.openEditor("demo-meetings") })
	l.see("fields loaded")
	l.see("allday:America/New_York")
	opts := transformOptions(t, l, "allday:America/New_York")
	for _, want := range []string{"allday:America/New_York", "alldayend:America/New_York"} {
		if !slices.Contains(opts, want) {
			t.Errorf("the transform picker offers %q, not %s", opts, want)
		}
	}
}
