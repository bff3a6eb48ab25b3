package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// tasksInEditor opens a new sync in the editor between the HubSpot
// sandbox, its portal in zone, and Salesforce, on tasks ↔ Task.
func tasksInEditor(t *testing.T, zone string) *live {
	t.Helper()
	l := newLive(t)
	l.srv.HubSpot().SetTimeZone(zone)
	connectHubSpotAndSalesforce(t, l)
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.openEditor("") })
	l.see("fields loaded")
	l.choose("tasks") // side A, HubSpot's
	l.see("fields loaded")
	l.choose("Task") // side B, Salesforce's
	l.see("fields loaded")
	l.see(demoSalesforce + " Task field (B)")
	return l
}

// transformOptions opens the transform picker showing text, as a user
// would, and returns what its menu lists.
func transformOptions(t *testing.T, l *live, text string) []string {
	t.Helper()
	var opts []string
	l.ui(func() {
		var tr *widget.SelectEntry
		for _, se := range allOf[*widget.SelectEntry](l.u.Window()) {
			if se.Text == text {
				tr = se
				break
			}
		}
		if tr == nil {
			t.Fatalf("no transform picker showing %q; texts %q", text, textsOnScreen(l.u.Window()))
		}
		before := len(l.u.Window().Canvas().Overlays().List())
		test.Tap(tr.ActionItem.(fyne.Tappable))
		for _, o := range l.u.Window().Canvas().Overlays().List()[before:] {
			visibleObjects(o, func(o fyne.CanvasObject) {
				if tx, ok := o.(*canvas.Text); ok && strings.TrimSpace(tx.Text) != "" {
					opts = append(opts, tx.Text)
				}
			})
		}
		l.u.Window().Canvas().Overlays().Top().Hide()
	})
	return opts
}

// TestEditorProposesPortalZoneForDueDate: a Tokyo user mapping a
// HubSpot task's due date (hs_timestamp, an instant HubSpot shows in the
// portal's zone) onto Salesforce's ActivityDate is offered, and proposed,
// the date in Asia/Tokyo, not in UTC, which puts a task due 10 December
// at 8:00 AM on the 9th.
func TestEditorProposesPortalZoneForDueDate(t *testing.T) {
	l := tasksInEditor(t, "Asia/Tokyo")
	l.see("Suggested mappings")
	l.see("hs_timestamp → ActivityDate")
	l.see("transform date:Asia/Tokyo")
	l.tap("Accept all")
	l.ui(func() {
		if screenContains(l.u.Window(), "requires hs_timestamp") || screenContains(l.u.Window(), "(hs_timestamp)") || screenContains(l.u.Window(), "explicit time zone") {
			t.Fatalf("the accepted due date row is not valid; texts %q", textsOnScreen(l.u.Window()))
		}
	})
	opts := transformOptions(t, l, "date:Asia/Tokyo")
	if len(opts) < 2 || opts[0] != "date:Asia/Tokyo" || opts[1] != "datetime:Asia/Tokyo" {
		t.Fatalf("transform choices %q, want date:Asia/Tokyo and datetime:Asia/Tokyo first", opts)
	}
	for _, o := range opts {
		if strings.HasPrefix(o, "wallclock:Asia") || strings.HasPrefix(o, "endat:Asia") {
			t.Fatalf("transform choices %q offer %s, whose zone is the other side's clock", opts, o)
		}
	}
}

// TestEditorKeepsUTCWhenZoneUnread: a portal zone that cannot be
// read leaves the editor with UTC, and a note saying why beside the
// side, not an alarm.
func TestEditorKeepsUTCWhenZoneUnread(t *testing.T) {
	l := tasksInEditor(t, "Mars/Olympus_Mons")
	l.see("transform date:UTC")
	l.see("time zone could not be read")
	l.ui(func() {
		for _, lbl := range allOf[*widget.Label](l.u.Window()) {
			if strings.Contains(lbl.Text, "Mars") && lbl.Importance == widget.DangerImportance {
				t.Fatalf("an unread zone alarms the user: %q", lbl.Text)
			}
		}
	})
}

// TestSuggestDateToPortalDatetime: a date on side A and a HubSpot
// datetime on side B are proposed as that day's start in the portal's
// zone, and back as the day there, a row that compiles two-way.
func TestSuggestDateToPortalDatetime(t *testing.T) {
	a := &connector.Schema{Fields: []connector.Field{{Name: "Due_Date", Label: "Due date", Type: connector.TypeDate}}}
	b := &connector.Schema{Fields: []connector.Field{{Name: "hs_timestamp", Label: "Due date", Type: connector.TypeDateTime}}}
	got := suggest(a, b, nil, "Asia/Tokyo")
	if len(got) != 1 || got[0].f.Transform != "datetime:Asia/Tokyo" || got[0].f.ReverseTransform != "date:Asia/Tokyo" {
		t.Fatalf("suggestions = %+v; want Due_Date → hs_timestamp, datetime:Asia/Tokyo and back date:Asia/Tokyo", got)
	}
	rows, probs := mapping.Compile([]mapping.Field{got[0].f}, mapping.TwoWay, *a, *b)
	if len(probs) > 0 || len(rows) != 1 {
		t.Fatalf("the suggested row does not compile two-way: %v", probs)
	}
	canon, err := rows[0].CanonB(map[string]string{"hs_timestamp": "2026-12-09T23:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	at, err := rows[0].WriteA(canon)
	if err != nil || at["Due_Date"] != "2026-12-10" {
		t.Fatalf("HubSpot's 2026-12-09T23:00Z written to A as %v (%v), want 2026-12-10", at, err)
	}
}
