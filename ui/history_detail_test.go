package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
)

// A run's Errors tab says first what failed, once per kind with its count,
// and a row whose message is longer than its cell shows the whole message
// when selected.
func TestRunDetailGroupsFailures(t *testing.T) {
	u := newTestUI(t, Deps{})
	at := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	long := "This app hasn't been granted all required scopes to make this call. " + strings.Repeat("More of HubSpot's words. ", 20) + "TAIL-OF-THE-MESSAGE"
	errs := []store.RunErrorRow{
		{Side: "a", RecordID: "101", Category: "validation", Field: "hs_email_optout", Code: "MISSING_SCOPES", Message: long, At: at},
		{Side: "b", RecordID: "003X", Category: "validation", Field: "Email", Code: "INVALID_EMAIL_ADDRESS", Message: "Email: invalid email address: ann@", At: at},
		{Side: "a", RecordID: "102", Category: "validation", Field: "hs_email_optout", Code: "MISSING_SCOPES", Message: long, At: at},
	}
	d := app.RunDetail{Run: store.RunRow{ID: 7, Status: "partial", Failed: 3, StartedAt: at}, Sync: "contacts", Errors: errs,
		Groups: app.GroupErrors(errs, func(side string) string { return map[string]string{"a": "hs contacts", "b": "sf Contact"}[side] })}
	u.openPane(u.runDetailView(d))
	for _, want := range []string{"What failed", "2 × hs contacts · hs_email_optout · MISSING_SCOPES", "records 101, 102)",
		"1 × sf Contact · Email · INVALID_EMAIL_ADDRESS: Email: invalid email address: ann@ (record 003X)"} {
		if !screenContains(u.Window(), want) {
			t.Errorf("the Errors tab lacks %q; texts: %q", want, textsOnScreen(u.Window()))
		}
	}
	if screenContains(u.Window(), "TAIL-OF-THE-MESSAGE") {
		t.Fatal("the whole long message shows before a row is selected; the test cannot tell the dialog from the tab")
	}
	var table *widget.Table
	visibleObjects(u.Window().Canvas().Content(), func(o fyne.CanvasObject) {
		if tb, ok := o.(*widget.Table); ok {
			table = tb
		}
	})
	if table == nil || table.OnSelected == nil {
		t.Fatal("no selectable errors table on screen")
	}
	table.Select(widget.TableCellID{Row: 3, Col: 5})
	for _, want := range []string{"Failed record", "Record 102 in hs contacts", "Code: MISSING_SCOPES", "TAIL-OF-THE-MESSAGE"} {
		if !screenContains(u.Window(), want) {
			t.Errorf("the selected row's dialog lacks %q; texts: %q", want, textsOnScreen(u.Window()))
		}
	}
}

// The dialog at the end of a run with failures says what failed, by kind,
// each message cut to a readable length, and how many kinds it left out.
func TestRunOutcomeSaysWhatFailed(t *testing.T) {
	u := newTestUI(t, Deps{})
	var groups []app.ErrorGroup
	for i := range 7 {
		groups = append(groups, app.ErrorGroup{Side: "a", Where: "hs contacts", Category: "validation", Field: "f" + string(rune('a'+i)),
			Code: "CODE", Count: 10 - i, Message: "kind " + string(rune('A'+i)) + " " + strings.Repeat("x", 400) + "END", Records: []string{"1"}})
	}
	u.showRunOutcome(app.RunResult{Summary: &engine.RunSummary{RunID: 9, Status: "partial", Updated: 4, Failed: 49}, Failures: groups})
	for _, want := range []string{"What failed", "10 × hs contacts · fa · CODE: kind A", "6 × hs contacts · fe · CODE: kind E", "… and 2 more kinds of failure."} {
		if !screenContains(u.Window(), want) {
			t.Errorf("the run's outcome lacks %q; texts: %q", want, textsOnScreen(u.Window()))
		}
	}
	for _, gone := range []string{"kind F", "END"} {
		if screenContains(u.Window(), gone) {
			t.Errorf("the run's outcome shows %q: want five kinds, each message cut short", gone)
		}
	}
	// It names History as where each failed record is: it takes them there.
	b := buttonOnScreen(u.Window(), "Open History")
	if b == nil {
		t.Fatalf("the run's outcome offers no way to History; texts: %q", textsOnScreen(u.Window()))
	}
	test.Tap(b)
	if got := u.Current(); got != ScreenHistory {
		t.Fatalf("Open History shows %q", got)
	}
}

// The empty Connections screen names what the sandbox holds, and the list
// offers the sandbox until every one of its eight vendors is connected
// (it used to stop at HubSpot, Salesforce and Pipedrive).
func TestSandboxOfferedUntilEveryVendorIsConnected(t *testing.T) {
	u := newTestUI(t, Deps{Demo: true})
	u.openPane(u.connectionsEmpty())
	if want := "five simulated CRMs and three marketing tools"; !screenContains(u.Window(), want) {
		t.Errorf("the empty state lacks %q; texts: %q", want, textsOnScreen(u.Window()))
	}
	var cs []app.ConnectionView
	for _, v := range demoVendors[:3] {
		cs = append(cs, app.ConnectionView{Connection: store.Connection{Name: v.name, Vendor: v.vendor, Status: "connected"}, Title: v.title})
	}
	u.openPane(u.connectionsList(cs, false))
	if buttonOnScreen(u.Window(), "Connect the sandbox CRMs") == nil {
		t.Errorf("three of eight sandbox vendors connected and the sandbox is not offered; texts: %q", textsOnScreen(u.Window()))
	}
	for _, v := range demoVendors[3:] {
		cs = append(cs, app.ConnectionView{Connection: store.Connection{Name: v.name, Vendor: v.vendor, Status: "connected"}, Title: v.title})
	}
	u.openPane(u.connectionsList(cs, false))
	if buttonOnScreen(u.Window(), "Connect the sandbox CRMs") != nil {
		t.Error("every sandbox vendor is connected and the sandbox is still offered")
	}
}
