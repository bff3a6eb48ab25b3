package ui

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestCardSaysConnectionWaits: the persons sync met Pipedrive's
// spent daily budget; the organizations sync over the same connection
// missed a slot while the app was closed. At start its catch-up turn
// makes no call to Pipedrive, and its card says it waits, naming the
// connection.
func TestCardSaysConnectionWaits(t *testing.T) {
	clock := &auditClock{at: time.Now()}
	l := newLiveWith(t, 5, fyne.NewSize(1200, 900), func(o *app.Options, _ *sandbox.Server) { o.Now = clock.now })
	ctx := context.Background()
	for _, v := range [][2]string{{"hubspot", demoHubSpot}, {"pipedrive", demoPipedrive}} {
		if _, err := l.a.ConnectSandbox(ctx, l.srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	persons := app.DemoPipedriveSync("persons", demoHubSpot, demoPipedrive, "")
	orgs := app.DemoPipedriveCompaniesSync("orgs", demoHubSpot, demoPipedrive)
	for _, def := range []*engine.Definition{&persons, &orgs} {
		def.Schedule = "every 1h"
		if err := l.a.SaveSync(ctx, *def); err != nil {
			t.Fatal(err)
		}
		if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
			t.Fatalf("first run of %s: %v", def.Name, err)
		}
	}
	clock.step(2 * time.Hour)
	pd := l.srv.Pipedrive()
	pd.SetRateLimits(true)
	_, budget := pd.TokenUsage()
	pd.SetTokensUsed(budget)
	var w schedule.Waiter
	if err := l.a.ScheduledRun(ctx, "persons", schedule.TriggerSchedule); !errors.As(err, &w) {
		t.Fatalf("persons' run with the daily budget spent: %v; want the vendor's wait", err)
	}
	requests := func() (n int64) {
		for _, c := range pd.Stats() {
			n += c
		}
		return n
	}
	before := requests()

	b := NewBackground(l.a, nil)
	l.u.deps.Background = b
	var err error
	l.ui(func() { err = l.u.startBackground(ctx, func(context.Context) bool { return false }) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Stop(); l.wait() })
	for i := 0; i < 1200 && b.ConnectionWait("orgs") == nil && b.LastFailure("orgs") == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if spent := requests() - before; spent > 0 {
		t.Errorf("the organizations sync's catch-up made %d requests to Pipedrive while its connection waits", spent)
	}
	l.navigate(ScreenSyncs)
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	said := false
	for _, s := range texts {
		said = said || strings.Contains(s, "waits until") && strings.Contains(s, demoPipedrive)
	}
	if !said {
		t.Errorf("no card says the organizations sync waits for %s's limit: %q", demoPipedrive, texts)
	}
}
