package app_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestScheduledRunBesideOtherProcessIsSkipped: the window and
// `crmsync scheduler` (a login item) both have "daily 09:00" timers, so
// both fire at 09:00. The window's run takes the sync's lock; the
// scheduler's run of the same sync must be skipped (no failure
// notification, no back-off retry a minute later that runs the sync a
// second time), not reported as a failed run.
func TestScheduledRunBesideOtherProcessIsSkipped(t *testing.T) {
	ctx := context.Background()
	tr := &lossyTransport{next: http.DefaultTransport}
	reached, release := holdFirst(tr, salesforceCreates)
	srv, home, secrets, window := windowOnSandbox(t, 91, &http.Client{Transport: tr})
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "daily 09:00"
	saveSyncs(t, window, def)
	seeded := emailCounts(srv)

	done := make(chan error, 1)
	go func() { done <- window.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule) }()
	select {
	case <-reached:
	case err := <-done:
		t.Fatalf("the window's scheduled run ended before creating in Salesforce: %v", err)
	}
	cli := openHome(t, home, secrets, http.DefaultClient)
	cliErr := cli.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	close(release)
	if err := <-done; err != nil {
		t.Errorf("the window's scheduled run: %v", err)
	}
	if !errors.Is(cliErr, schedule.ErrSkipped) {
		t.Errorf("the login item's scheduled run of a sync the window is running: %v; want it skipped (schedule.ErrSkipped), not a failure that notifies and retries on back-off", cliErr)
	}
	if !errors.Is(cliErr, store.ErrRunOpen) {
		t.Errorf("the skipped run's reason %q does not say the sync is already running", cliErr)
	}
	noNewDuplicates(t, srv, seeded)
}
