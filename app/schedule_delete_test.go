package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestDeletedSyncLeavesNoVendorWait: a HubSpot ↔ Pipedrive "contacts"
// sync ran into Pipedrive's daily budget, so its scheduled runs wait for
// Pipedrive's reset. The admin deletes it and makes a new "contacts" sync
// between HubSpot and Salesforce: Pipedrive's wait is no business of the
// new sync, whose scheduled run must be made, not skipped until tomorrow.
func TestDeletedSyncLeavesNoVendorWait(t *testing.T) {
	ctx := context.Background()
	k := killableApp(t, 8, [2]string{"hubspot", "hs"}, [2]string{"pipedrive", "pd"}, [2]string{"salesforce", "sf"})
	old := app.DemoPipedriveSync("contacts", "hs", "pd", "")
	old.Schedule = "every 15m"
	old.Safety.MaxChangePercent = 100
	saveSyncs(t, k.a, old)
	k.clock.step(time.Minute)
	k.srv.Pipedrive().Faults().SetDailyExhausted(true)
	err := k.a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	var w schedule.Waiter
	if !errors.As(err, &w) || w.WaitFor() <= 0 {
		t.Fatalf("the run into Pipedrive's spent daily budget carries no wait: %v", err)
	}
	t.Logf("old sync's scheduled run: %v (wait %s)", err, w.WaitFor())

	if err := k.a.DeleteSync(ctx, "contacts"); err != nil {
		t.Fatal(err)
	}
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "every 15m"
	def.Safety.MaxChangePercent = 100
	saveSyncs(t, k.a, def)
	k.clock.step(time.Minute)
	err = k.a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	if errors.Is(err, schedule.ErrSkipped) {
		t.Fatalf("the new contacts sync (HubSpot ↔ Salesforce) was not run: %v", err)
	}
	if err != nil {
		t.Fatalf("the new sync's scheduled run: %v", err)
	}
	runs, err := k.a.Runs(ctx, "contacts", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) == 0 || runs[0].Run.Status != "success" {
		t.Errorf("the new sync's history after its scheduled run: %+v", runs)
	}
}
