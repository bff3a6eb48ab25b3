package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestScheduledRunOverLimitsWaitsForAPerson: a background run whose
// plan is over the safety limits tells the scheduler it waits for a person
// (schedule.ErrNeedsPerson), so it is not re-planned on back-off every hour
// with another refused run and notification each time.
func TestScheduledRunOverLimitsWaitsForAPerson(t *testing.T) {
	ctx := context.Background()
	a, _ := connectedSandbox(t, 73, 12)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "daily 09:00"
	def.Safety.MaxChanges = 1
	saveSyncs(t, a, def)
	err := a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	if !errors.Is(err, engine.ErrNeedsConfirmation) {
		t.Fatalf("scheduled run over the limits: %v, want ErrNeedsConfirmation", err)
	}
	if !errors.Is(err, schedule.ErrNeedsPerson) {
		t.Errorf("scheduled run over the limits: %v does not say it waits for a person; the scheduler backs off and re-plans hourly", err)
	}
}
