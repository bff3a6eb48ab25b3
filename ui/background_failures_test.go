package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/schedule"
)

// startBackground runs a Background over l's app until the test ends and
// returns it with a channel of the runs that end (finished or failed).
func startBackground(t *testing.T, l *live) (*Background, chan schedule.Event) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	b := NewBackground(l.a, nil)
	ended := make(chan schedule.Event, 8)
	b.setOnEvent(func(e schedule.Event) {
		if e.Kind == schedule.EventFinished || e.Kind == schedule.EventFailed {
			ended <- e
		}
	})
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return b, ended
}

// runEnds waits for the background run of sync to end.
func runEnds(t *testing.T, ended chan schedule.Event, sync string) schedule.Event {
	t.Helper()
	for {
		select {
		case e := <-ended:
			if e.Sync == sync {
				return e
			}
		case <-time.After(2 * time.Minute):
			t.Fatalf("the background run of %s did not end", sync)
		}
	}
}

// connectHubSpotAndSalesforce connects the HubSpot and Salesforce
// sandboxes under their demo connection names.
func connectHubSpotAndSalesforce(t *testing.T, l *live) {
	t.Helper()
	for _, v := range [][2]string{{"hubspot", demoHubSpot}, {"salesforce", demoSalesforce}} {
		if _, err := l.a.ConnectSandbox(context.Background(), l.srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
}

// connectDemoContacts connects the HubSpot and Salesforce sandboxes and
// saves the demo contacts sync between them.
func connectDemoContacts(t *testing.T, l *live) {
	t.Helper()
	connectHubSpotAndSalesforce(t, l)
	if err := l.a.SaveSync(context.Background(), app.DemoSync("contacts", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
}

// syncNowToFinish presses Sync now on the Syncs screen, applies past a
// warning if one is shown, and waits for the "Run finished" dialog.
func (l *live) syncNowToFinish() {
	l.t.Helper()
	l.navigate(ScreenSyncs)
	l.tap("Sync now")
	if buttonOnScreen(l.u.Window(), "Apply anyway") != nil {
		l.tap("Apply anyway")
	}
	l.see("Run finished")
}

// TestBackgroundPartialNamesLargestKind: README: "a background run's
// notification names the largest kind" of failure. The window's scheduler
// must say what failed, as the CLI's scheduler does, not just a count.
func TestBackgroundPartialNamesLargestKind(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	meetings := app.DemoMeetingsSync("meetings", demoHubSpot, demoSalesforce, "contacts")
	meetings.Schedule = "every 6h"
	for _, def := range []engine.Definition{app.DemoSync("contacts", demoHubSpot, demoSalesforce), meetings} {
		if err := l.a.SaveSync(ctx, def); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 {
		// A meeting with no end fails in Salesforce (REQUIRED_FIELD_MISSING).
		if _, err := l.srv.HubSpot().Create("meetings", map[string]string{"hs_meeting_title": "Open-ended " + string(rune('a'+i)), "hs_meeting_start_time": "2026-12-10T15:00:00Z"}); err != nil {
			t.Fatal(err)
		}
	}
	b, ended := startBackground(t, l)
	if !b.SyncNow("meetings") {
		t.Fatal("the scheduler does not know the meetings sync")
	}
	e := runEnds(t, ended, "meetings")
	if e.Err == nil {
		t.Fatal("the background run did not fail")
	}
	if note := errorSentence(e.Err); !strings.Contains(note, "REQUIRED_FIELD_MISSING") {
		t.Errorf("the notification reads %q; it does not name the largest kind of failure (REQUIRED_FIELD_MISSING)", note)
	}
}

// TestBackgroundLeadsRunAfterContacts: the window's scheduled leads run
// first runs the contacts sync it filters by, as the CLI's scheduler does,
// so a HubSpot contact whose Contact is new in Salesforce is linked to it
// and not made a Lead as well.
func TestBackgroundLeadsRunAfterContacts(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	contacts := app.DemoSyncWithCompanies(demoSyncName, demoHubSpot, demoSalesforce, demoCompanies)
	leads := app.DemoLeadsSync(app.DemoLeadsName, demoHubSpot, demoSalesforce, demoSyncName)
	contacts.Schedule, leads.Schedule = "every 6h", "every 6h"
	for _, def := range []engine.Definition{app.DemoCompaniesSync(demoCompanies, demoHubSpot, demoSalesforce), contacts, leads} {
		if err := l.a.SaveSync(ctx, def); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatal(err)
	}
	const email = "new.both@example.com"
	x, err := l.srv.HubSpot().Create("contacts", map[string]string{"email": email, "firstname": "New", "lastname": "Both", "company": "Both Inc"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.srv.Salesforce().Create("Contact", map[string]string{"Email": email, "FirstName": "New", "LastName": "Both"}); err != nil {
		t.Fatal(err)
	}
	b, ended := startBackground(t, l)
	if !b.SyncNow(app.DemoLeadsName) {
		t.Fatal("the scheduler does not know the leads sync")
	}
	if e := runEnds(t, ended, app.DemoLeadsName); e.Err != nil {
		t.Fatalf("background leads run: %v", e.Err)
	}
	for _, r := range l.srv.Salesforce().Records("Lead") {
		if strings.EqualFold(r.Fields["Email"], email) {
			t.Errorf("Lead %s was made for HubSpot contact %s, who has a Contact", r.ID, x.ID)
		}
	}
}
