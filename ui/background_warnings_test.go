package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/schedule"
)

// notesApp is the test app counting every notification it is sent: the
// test driver keeps only the last one, and "exactly one" needs a count.
type notesApp struct {
	fyne.App
	mu   sync.Mutex
	sent []fyne.Notification
}

func (a *notesApp) SendNotification(n *fyne.Notification) {
	a.mu.Lock()
	a.sent = append(a.sent, *n)
	a.mu.Unlock()
	a.App.SendNotification(n)
}

// take returns the notifications sent since the last take.
func (a *notesApp) take() []fyne.Notification {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.sent
	a.sent = nil
	return out
}

// takeOne is the one notification sent since the last take; the test
// fails if there were none or more, naming what sent them.
func (a *notesApp) takeOne(t *testing.T, what string) fyne.Notification {
	t.Helper()
	got := a.take()
	if len(got) != 1 {
		t.Fatalf("%s sent %d notifications, want 1: %+v", what, len(got), got)
	}
	return got[0]
}

// notificationText is n's title and content, as a person reads them.
func notificationText(n fyne.Notification) string { return n.Title + " " + n.Content }

// containsAll reports whether s contains every one of parts.
func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// countNotifications makes l's app count its notifications.
func countNotifications(l *live) *notesApp {
	n := &notesApp{App: l.u.app}
	l.ui(func() { l.u.app = n })
	return n
}

// labelOnScreen is the visible label reading exactly text, nil if none.
func labelOnScreen(w fyne.Window, text string) *widget.Label {
	var found *widget.Label
	visibleObjects(w.Canvas().Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == text && found == nil {
			found = l
		}
	})
	return found
}

// TestHistoryShowsWarningsCount: History's runs table counts each
// run's warnings (kept and omitted), marked, so a run that warned 40 times
// does not read as a clean one until opened.
func TestHistoryShowsWarningsCount(t *testing.T) {
	l := newLive(t)
	row := savedContactsSync(t, l)
	for _, r := range []store.RunRow{{Status: "success"}, {Status: "success", Warnings: []string{"w1", "w2", "w3"}, WarningsOmitted: 37}} {
		r.SyncID = row.ID
		addFinishedRun(t, l, r)
	}
	l.navigate(ScreenHistory)
	l.see("Select a run to see its errors")
	var head, count *widget.Label
	var texts []string
	l.ui(func() {
		head, count = labelOnScreen(l.u.Window(), "Warnings"), labelOnScreen(l.u.Window(), "40")
		texts = textsOnScreen(l.u.Window())
	})
	if head == nil || count == nil {
		t.Fatalf("History's runs table shows no warnings column with the run's 40 warnings; texts: %q", texts)
	}
	if count.Importance != widget.WarningImportance {
		t.Errorf("the warnings count is shown with importance %v, not marked as a warning", count.Importance)
	}
}

// warnedContact connects both vendors, saves the demo "contacts" sync
// propagating deletes and run on schedule ("manual", "every 6h"), runs it,
// then deletes one linked Salesforce Contact (the next run holds the
// delete) and restores it: the next run of "contacts" closes the held
// delete with a warning. It returns the Contact's id.
func warnedContact(t *testing.T, l *live, schedule string) string {
	t.Helper()
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	def.Safety.PropagateDeletes = true
	def.Schedule = schedule
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	row, err := l.a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	links, err := l.a.DB().Links(ctx, row.ID)
	if err != nil || len(links) == 0 {
		t.Fatalf("links: %v %v", links, err)
	}
	sfID := links[0].BID
	time.Sleep(1100 * time.Millisecond)
	if !l.srv.Salesforce().Delete("Contact", sfID) {
		t.Fatalf("could not delete Contact %s", sfID)
	}
	if res, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Plan.Counts.HeldDelete != 1 {
		t.Fatalf("run after the delete: %v %+v", err, res.Plan.Counts)
	}
	time.Sleep(1100 * time.Millisecond)
	if err := l.srv.Salesforce().Undelete("Contact", sfID); err != nil {
		t.Fatal(err)
	}
	return sfID
}

// TestBackgroundWarningsNotify: a scheduled run that succeeds but
// warns sends one notification naming the sync and the warnings, since
// nobody saw its preview; a clean one after it sends none.
func TestBackgroundWarningsNotify(t *testing.T) {
	l := newLiveContacts(t, 8)
	warnedContact(t, l, "every 6h")
	notes := countNotifications(l)
	b, ended := startNotifyingBackground(t, l)
	run := func() schedule.Event {
		if !b.SyncNow("contacts") {
			t.Fatal("the scheduler does not know the sync")
		}
		e := runEnds(t, ended, "contacts")
		l.wait()
		return e
	}
	if e := run(); e.Err != nil {
		t.Fatalf("background run: %v", e.Err)
	}
	runs, err := l.a.Runs(context.Background(), "contacts", 1)
	if err != nil || len(runs) != 1 || len(runs[0].Run.Warnings) == 0 {
		t.Fatalf("the background run kept no warning; the scenario does not hold: %+v %v", runs, err)
	}
	if text := notificationText(notes.takeOne(t, "a background run that warned")); !containsAll(text, "contacts", "1 warning", "History") {
		t.Errorf("the notification reads %q; it should name the sync, say 1 warning and point to History", text)
	}
	if e := run(); e.Err != nil {
		t.Fatalf("clean background run: %v", e.Err)
	}
	if got := notes.take(); len(got) != 0 {
		t.Errorf("a clean background run sent notifications: %+v", got)
	}
}

// TestBackgroundFailedRecordsNotifyOnce: a scheduled run whose
// records fail in Salesforce sends exactly one notification naming the
// sync and how many records failed; a clean background run sends none.
func TestBackgroundFailedRecordsNotifyOnce(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	meetings := app.DemoMeetingsSync("meetings", demoHubSpot, demoSalesforce, "contacts")
	meetings.Schedule = "every 6h"
	contacts := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	contacts.Schedule = "every 6h"
	for _, def := range []engine.Definition{contacts, meetings} {
		if err := l.a.SaveSync(ctx, def); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatal(err)
	}
	notes := countNotifications(l)
	b, ended := startNotifyingBackground(t, l)
	if !b.SyncNow("contacts") {
		t.Fatal("the scheduler does not know contacts")
	}
	if e := runEnds(t, ended, "contacts"); e.Err != nil {
		t.Fatalf("clean background run: %v", e.Err)
	}
	l.wait()
	if got := notes.take(); len(got) != 0 {
		t.Errorf("a clean background run sent notifications: %+v", got)
	}
	for i := range 3 {
		// A meeting with no end fails in Salesforce (REQUIRED_FIELD_MISSING).
		if _, err := l.srv.HubSpot().Create("meetings", map[string]string{"hs_meeting_title": fmt.Sprintf("Open-ended %d", i), "hs_meeting_start_time": "2026-12-10T15:00:00Z"}); err != nil {
			t.Fatal(err)
		}
	}
	if !b.SyncNow("meetings") {
		t.Fatal("the scheduler does not know meetings")
	}
	if e := runEnds(t, ended, "meetings"); e.Err == nil {
		t.Fatal("the background run with failing meetings did not fail")
	}
	l.wait()
	if text := notificationText(notes.takeOne(t, "a background run with failed records")); !containsAll(text, "meetings", "3 records failed", "REQUIRED_FIELD_MISSING") {
		t.Errorf("the notification reads %q; it should name the sync, the 3 failed records and the vendor's error", text)
	}
}

// TestBackgroundFailedAndWarnedNotifyBoth: a scheduled run that both
// fails a record and warns sends one notification that says both: the
// warnings are not lost behind the failure.
func TestBackgroundFailedAndWarnedNotifyBoth(t *testing.T) {
	l := newLiveContacts(t, 8)
	warnedContact(t, l, "every 6h")
	// Salesforce's Contact.FirstName holds 40 characters (STRING_TOO_LONG).
	if _, err := l.srv.HubSpot().Create("contacts", map[string]string{"email": "long.name@example.com", "firstname": strings.Repeat("N", 50), "lastname": "Long"}); err != nil {
		t.Fatal(err)
	}
	notes := countNotifications(l)
	b, ended := startNotifyingBackground(t, l)
	if !b.SyncNow("contacts") {
		t.Fatal("the scheduler does not know the sync")
	}
	e := runEnds(t, ended, "contacts")
	l.wait()
	if e.Err == nil {
		t.Fatal("the background run with a too long name did not fail")
	}
	if text := notificationText(notes.takeOne(t, "the background run")); !containsAll(text, "1 record failed", "1 warning", "STRING_TOO_LONG") {
		t.Errorf("the notification reads %q; it should say 1 record failed (STRING_TOO_LONG) and 1 warning", text)
	}
}

// TestRepeatedWarningsNotifyOnce: a sync whose every background run
// warns the same notifies once, not every slot; new warnings, or the same
// after a clean run, notify again; with notifications off, none.
func TestRepeatedWarningsNotifyOnce(t *testing.T) {
	l := newLive(t)
	row := savedContactsSync(t, l)
	notes := countNotifications(l)
	finish := func(warnings ...string) []fyne.Notification {
		t.Helper()
		addFinishedRun(t, l, store.RunRow{SyncID: row.ID, Status: "success", Warnings: warnings})
		l.u.onScheduleEvent(schedule.Event{Sync: "contacts", Kind: schedule.EventFinished}) // as the scheduler's goroutine does
		l.wait()
		return notes.take()
	}
	if got := finish("a"); len(got) != 1 || got[0].Title != "crmsync: contacts finished with 1 warning" {
		t.Fatalf("first warned run sent %+v", got)
	}
	if got := finish("a"); len(got) != 0 {
		t.Errorf("the same warning again notified again: %+v", got)
	}
	if got := finish("a", "b"); len(got) != 1 || got[0].Title != "crmsync: contacts finished with 2 warnings" {
		t.Errorf("new warnings sent %+v", got)
	}
	if got := finish(); len(got) != 0 {
		t.Errorf("a clean run notified: %+v", got)
	}
	if got := finish("a", "b"); len(got) != 1 {
		t.Errorf("warnings after a clean run sent %+v, want 1", got)
	}
	l.ui(func() { l.u.app.Preferences().SetBool(prefNotifications, false) })
	finish()
	if got := finish("c"); len(got) != 0 {
		t.Errorf("with notifications off, a warned run notified: %+v", got)
	}
}

// TestTraySyncAllSaysWarnings: the tray's Sync all, window hidden,
// notifies how the syncs ended, warnings included: nobody saw the
// previews.
func TestTraySyncAllSaysWarnings(t *testing.T) {
	l := newLiveContacts(t, 8)
	warnedContact(t, l, "every 6h")
	withTray(t, l)
	notes := countNotifications(l)
	l.pressTray("Sync all now")
	if got := notes.takeOne(t, "Sync all"); !strings.Contains(got.Content, "1 with warnings") {
		t.Errorf("Sync all's notification reads %q; it does not say a sync warned", got.Content)
	}
}

// TestStandingWarningsDoNotNag: a sync whose mapping warns on every
// run (its notes) does not notify on each background run, nor on the
// first one after the window (re)starts: those warnings are not news.
func TestStandingWarningsDoNotNag(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoCompaniesSync("companies", demoHubSpot, demoSalesforce)
	def.Schedule = "every 6h"
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	res, err := l.a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	if err != nil || res.Plan == nil || len(res.Plan.Warnings) == 0 {
		t.Fatalf("the first run made no standing warning; the scenario does not hold: %v %+v", err, res.Plan)
	}
	notes := countNotifications(l)
	b, ended := startNotifyingBackground(t, l)
	for i := range 2 {
		if !b.SyncNow("companies") {
			t.Fatal("the scheduler does not know the sync")
		}
		if e := runEnds(t, ended, "companies"); e.Err != nil {
			t.Fatalf("background run %d: %v", i+1, e.Err)
		}
		l.wait()
		if got := notes.take(); len(got) != 0 {
			t.Errorf("background run %d, warning as every run does (%q), notified: %+v", i+1, res.Plan.Warnings, got)
		}
	}
}
