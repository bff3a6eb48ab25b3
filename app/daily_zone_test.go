package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestScheduledRunWaitsForPortalMidnightWithoutRetryAfter: HubSpot's
// 429 DAILY comes without Retry-After ([unverified] whether HubSpot sends
// one); the limit "reset[s] at midnight based on the time zone setting of
// the HubSpot account" (developers.hubspot.com/apisbytier). With the
// portal's zone read once before (kept in the connection's metadata
// cache), a scheduled run stopped by the limit says when it resets and
// waits until the portal's midnight: turns before it make no HubSpot call
// (the hourly back-off spent a refused call each hour), and no call reads
// the zone again; after it, the run writes.
func TestScheduledRunWaitsForPortalMidnightWithoutRetryAfter(t *testing.T) {
	const zone = "Asia/Kolkata" // +05:30: its midnight is no whole UTC hour
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Skipf("no tz data: %v", err)
	}
	ctx := context.Background()
	// The app and the sandbox on one clock, moved by the test.
	k := killableApp(t, 6, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	a, srv, clock := k.a, k.srv, k.clock
	hs := srv.HubSpot()
	hs.SetTimeZone(zone)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "every 1h"
	saveSyncs(t, a, def)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	// The editor or the ready-made syncs read the portal's zone once.
	if got, err := a.AccountZone(ctx, "hs"); err != nil || got != zone {
		t.Fatalf("AccountZone: %q %v; want %s", got, err, zone)
	}
	links := syncLinks(t, a, "contacts")
	clock.step(time.Minute)
	if _, err := srv.Salesforce().Update("Contact", links[0].BID, map[string]string{"Title": "After midnight"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)

	hs.SetDailyWithoutRetryAfter(true)
	hs.Faults().SetDailyExhausted(true)
	accountReads := hs.Stats()["GET /account-info/2026-03/details"]
	local := clock.now().In(loc)
	reset := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	want := reset.Sub(clock.now())

	err = a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() != want {
		t.Fatalf("scheduled run with HubSpot's daily limit spent (no Retry-After): %v; want a wait of %s, until midnight in %s (%s)", err, want, zone, reset)
	}
	if at := reset.Format("2006-01-02 15:04 MST"); !strings.Contains(err.Error(), at) {
		t.Errorf("run stopped with %q; want it to say the limit resets at %s", err, at)
	}

	// Hourly turns until a minute before the portal's midnight: no calls.
	before := hubspotCalls(srv)
	for clock.now().Add(time.Hour).Before(reset.Add(-time.Minute)) {
		clock.step(time.Hour)
		if err := a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule); err == nil || !strings.Contains(err.Error(), "waits until") {
			t.Fatalf("turn at %s, before the portal's midnight %s: %v; want it to wait", clock.now(), reset, err)
		}
	}
	if n := hubspotCalls(srv) - before; n > 0 {
		t.Errorf("%d HubSpot calls before the portal's midnight; each is refused", n)
	}
	if n := hs.Stats()["GET /account-info/2026-03/details"] - accountReads; n > 0 {
		t.Errorf("%d account-details calls after the limit was spent; want the zone already kept", n)
	}

	// The portal's midnight: the limit is back and the run writes.
	clock.step(reset.Sub(clock.now()) + time.Minute)
	hs.Faults().SetDailyExhausted(false)
	if err := a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule); err != nil {
		t.Fatalf("scheduled run after the portal's midnight: %v", err)
	}
	if got, _ := hs.Get("contacts", links[0].AID); got.Properties["jobtitle"] != "After midnight" {
		t.Errorf("HubSpot jobtitle %q after the reset; want the Salesforce edit", got.Properties["jobtitle"])
	}
}
