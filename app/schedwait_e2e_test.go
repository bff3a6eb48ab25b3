package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

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

// TestScheduledRunWaitsOutDailyLimit: a background run stopped by
// HubSpot's spent daily limit (429 DAILY, Retry-After until the portal's
// midnight) hands the scheduler that wait (schedule.Waiter), so it does
// not spend a refused call on every back-off step until the limit resets,
// and is not sent to a person either: the limit resets by itself.
func TestScheduledRunWaitsOutDailyLimit(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 4293, false)
	if _, err := srv.Salesforce().Update("Contact", links[0].BID, map[string]string{"Title": "Over the limit"}); err != nil {
		t.Fatal(err)
	}
	srv.HubSpot().Faults().SetDailyExhausted(true)
	err := a.ScheduledRun(ctx, "contacts", schedule.TriggerManual)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() <= 0 || w.WaitFor() > 24*time.Hour {
		t.Fatalf("background run with HubSpot's daily limit spent: %v; want it to carry HubSpot's wait until midnight", err)
	}
	if errors.Is(err, schedule.ErrNeedsPerson) {
		t.Errorf("%v: a daily limit resets by itself, no person needed", err)
	}
	srv.HubSpot().Faults().SetDailyExhausted(false)
	if err := a.ScheduledRun(ctx, "contacts", schedule.TriggerManual); err != nil {
		t.Fatalf("run after the limit reset: %v", err)
	}
	if got, _ := srv.HubSpot().Get("contacts", links[0].AID); got.Properties["jobtitle"] != "Over the limit" {
		t.Errorf("HubSpot contact's jobtitle %q after the limit reset; want the Salesforce edit", got.Properties["jobtitle"])
	}
}
