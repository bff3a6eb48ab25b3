package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/schedule"
)

// TestDisconnectThenReconnectOtherAccount: the contacts sync has
// linked HubSpot portal 24681357's people with Salesforce. The user
// disconnects hs (the Connections screen says its syncs are kept) and
// connects hs again, signing in to a different portal. The links name the
// old portal's records; connecting must be refused as it is without the
// disconnect, and no Salesforce contact may be overwritten with a stranger
// of the new portal.
func TestDisconnectThenReconnectOtherAccount(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 57, false)
	before, _ := a.DB().Connection(ctx, "hs")
	if err := a.Disconnect(ctx, "hs"); err != nil {
		t.Logf("disconnect: %v", err)
	}

	other, hs := otherPortal(t)
	linked := map[string]string{}
	for _, l := range links {
		linked[l.AID] = l.BID
	}
	var hit, sfID string
	for i := 0; i < 200 && hit == ""; i++ {
		r, err := other.Create("contacts", map[string]string{"email": "stranger" + itoa(i) + "@elsewhere.example", "firstname": "Stranger", "lastname": "Number" + itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		if b, ok := linked[r.ID]; ok {
			hit, sfID = r.ID, b
		}
	}
	c, err := a.Connect(ctx, otherPortalRequest(other, hs.URL))
	if err != nil {
		if !strings.Contains(err.Error(), before.AccountName) {
			t.Errorf("reconnect refused without naming the old account %s: %v", before.AccountName, err)
		}
		return
	}
	if hit == "" {
		t.Fatalf("connection hs was connected to %s after being %s, with %d links of the old portal kept", c.AccountName, before.AccountName, len(links))
	}
	sfBefore, _ := srv.Salesforce().Get("Contact", sfID)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	sfAfter, _ := srv.Salesforce().Get("Contact", sfID)
	t.Errorf("disconnect + connect moved hs from %s to %s with %d links of the old portal, and nothing said so (run: %v %+v); Salesforce contact %s (linked to old portal contact %s) went from %s <%s> to %s <%s>",
		before.AccountName, c.AccountName, len(links), err, res.Summary, sfID, hit,
		sfBefore.Fields["LastName"], sfBefore.Fields["Email"], sfAfter.Fields["LastName"], sfAfter.Fields["Email"])
}

// TestScheduledRunOfDisconnectedWaitsForAPerson: connection hs is
// disconnected (in the window, or by `crmsync disconnect` beside the
// scheduler) while the contacts sync it feeds is scheduled. Only a person
// can connect hs again, so the scheduled run must say which connection is
// missing and wait for a person (schedule.ErrNeedsPerson), not be retried
// on back-off every few minutes with a failure notification each time.
func TestScheduledRunOfDisconnectedWaitsForAPerson(t *testing.T) {
	ctx := context.Background()
	a, _ := connectedSandbox(t, 59, 12)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Schedule = "daily 09:00"
	saveSyncs(t, a, def)
	if err := a.Disconnect(ctx, "hs"); err != nil {
		t.Logf("disconnect: %v", err)
	}
	err := a.ScheduledRun(ctx, "contacts", schedule.TriggerSchedule)
	if err == nil || !strings.Contains(err.Error(), `"hs"`) {
		t.Fatalf("scheduled run without its connection: %v, want an error naming connection hs", err)
	}
	if !errors.Is(err, schedule.ErrNeedsPerson) {
		t.Errorf("scheduled run without its connection: %v does not say it waits for a person; the scheduler retries it on back-off (1m, 2m, 4m ...) with a failure notification each time", err)
	}
}
