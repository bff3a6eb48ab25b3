package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestCardLastRunReadsTheAppClock: the app's clock (Options.Now)
// stands three and a half hours after the sync's last run. The card's
// "Last run" must say so by that clock, "3 h ago", not "just now" by the
// wall clock the window read before.
func TestCardLastRunReadsTheAppClock(t *testing.T) {
	ctx := context.Background()
	var fixed atomic.Pointer[time.Time] // set once the run is stored
	l := newLiveWith(t, 30, fyne.NewSize(1200, 800), func(o *app.Options, _ *sandbox.Server) {
		o.Now = func() time.Time {
			if at := fixed.Load(); at != nil {
				return *at
			}
			return time.Now()
		}
	})
	connectHubSpotAndSalesforce(t, l)
	if err := l.a.SaveSync(ctx, app.DemoSync("contacts", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("run contacts: %v", err)
	}
	runs, err := l.a.Runs(ctx, "contacts", 1)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs of contacts: %v %v", runs, err)
	}
	at := runs[0].Run.StartedAt.Add(3*time.Hour + 30*time.Minute)
	fixed.Store(&at)

	line, texts := lastRunLine(l)
	if !strings.HasPrefix(line, "Last run: 3 h ago") {
		t.Errorf("the card reads %q when the app's clock is 3 h 30 min after the run; want \"Last run: 3 h ago …\" (screen: %q)", line, texts)
	}
}
