package ui

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
)

// auditSideLetter finds a side named by a bare letter: "A 1008", "(B
// 003…)", "in A", "side B".
var auditSideLetter = regexp.MustCompile(`(^|[\s(])[AB] \d|\bin [AB]\b|\b[Ss]ide [AB]\b`)

// TestPreviewTilesNameCRMs: the preview's count tiles said "create
// in A", "read in B": a person must remember which CRM is A. Each names
// the side's connection and object, as the line under them does.
func TestPreviewTilesNameCRMs(t *testing.T) {
	l := newLive(t)
	l.createDemoSyncs()
	l.see("Preview of " + demoSyncName)
	nameA, nameB := sideNamesOf(t, l, demoSyncName)
	for _, c := range []string{"create in " + nameA, "create in " + nameB, "update in " + nameA, "read in " + nameB} {
		var got string
		l.ui(func() { got = statOnScreen(l.u.Window(), c) })
		if got == "" {
			var texts []string
			l.ui(func() { texts = textsOnScreen(l.u.Window()) })
			t.Errorf("no tile %q in the preview; texts: %.600q", c, texts)
		}
	}
}

// TestProgressNamesCRMs: the run dialog's phase line said "Writing
// (create in B)". It names the CRM written, from what a real run reports.
func TestProgressNamesCRMs(t *testing.T) {
	l := newLive(t)
	connectDemoContacts(t, l)
	var mu sync.Mutex // both sides write at once
	phases := map[string]engine.Progress{}
	var latest string
	if _, err := l.a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true, Progress: func(p engine.Progress) {
		mu.Lock()
		defer mu.Unlock()
		phases[p.Phase], latest = p, p.Phase
	}}); err != nil {
		t.Fatal(err)
	}
	p, ok := phases["create b"]
	if !ok {
		t.Fatalf("the first run created nothing in Salesforce: phases %+v", phases)
	}
	_, nameB := sideNamesOf(t, l, "contacts")
	text, _, _ := progressText(map[string]engine.Progress{"create b": {Phase: p.Phase, Done: 0, Total: p.Total, Where: p.Where}}, latest)
	if !strings.Contains(text, "create in "+nameB) || auditSideLetter.MatchString(text) {
		t.Errorf("the phase line %q does not name %q", text, nameB)
	}
}

// TestFieldChangesNameCRMs: History's Field changes table said
// "A"/"B" in its Side column; it names the run's sides, whole.
// sideCellFits checks that a table cell shows name whole.
func sideCellFits(t *testing.T, u *UI, name string) {
	t.Helper()
	l := labelShowing(u.Window(), name)
	if l == nil {
		t.Fatalf("no cell names %q; texts: %q", name, textsOnScreen(u.Window()))
	}
	if need := fyne.MeasureText(name, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding(); l.Size().Width < need {
		t.Errorf("the Side cell is %.0f px wide and %q needs %.0f", l.Size().Width, name, need)
	}
}

func TestFieldChangesNameCRMs(t *testing.T) {
	u := newTestUI(t, Deps{})
	u.Window().Resize(defaultSize)
	names := app.SideNames{"hubspot-sandbox contacts", "salesforce-sandbox Contact"}
	audit := []store.AuditRow{{ID: 1, Side: "b", RecordID: "0038d00000ABCDEFGH", Field: "Title", Old: "CEO", New: "CTO"}}
	u.openPane(u.runDetailView(app.RunDetail{Run: store.RunRow{ID: 7, Status: "success", Updated: 1}, Sync: "contacts", Sides: names, Audit: audit, AuditTotal: 1}))
	sideCellFits(t, u, names[1])
}

// auditTwinsHeld saves the demo contacts sync where two Salesforce
// Contacts and one HubSpot contact share an email, and runs it: the
// Contacts wait in Review as ambiguous, and a create of either in
// HubSpot (one contact per email) would write over the one there.
func auditTwinsHeld(t *testing.T) *live {
	t.Helper()
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	for range 2 {
		if _, err := l.srv.Salesforce().Create("Contact", map[string]string{"FirstName": "Ola", "LastName": "Twin", "Email": "ola.twin@look-alike.example"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.srv.HubSpot().Create("contacts", map[string]string{"firstname": "Ola", "lastname": "Twin", "email": "ola.twin@look-alike.example"}); err != nil {
		t.Fatal(err)
	}
	if err := l.a.SaveSync(ctx, app.DemoSync("twins", demoHubSpot, demoSalesforce)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, "twins", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenReview)
	l.choose("ambiguous")
	return l
}

// TestReviewListAndReasonsNameCRMs: Review's list began each item with "A" or
// "B", its reasons (stored by the engine) said "3 records on side B
// share email/Email", and a bulk decision that failed said "item 12 (B
// 003…)" and "side A already has record …". Each names the CRM.
func TestReviewListAndReasonsNameCRMs(t *testing.T) {
	l := auditTwinsHeld(t)
	nameA, nameB := sideNamesOf(t, l, "twins")
	var texts []string
	l.ui(func() {
		visibleObjects(l.u.Window().Canvas().Content(), func(o fyne.CanvasObject) {
			if lb, ok := o.(*widget.Label); ok && strings.TrimSpace(lb.Text) != "" {
				texts = append(texts, lb.Text)
			}
		})
	})
	for _, s := range texts {
		if strings.HasPrefix(s, "A ") || strings.HasPrefix(s, "B ") {
			t.Errorf("a Review list line names its side by letter: %q", s)
		}
	}
	if joined := strings.Join(texts, " | "); !strings.Contains(joined, nameA) || !strings.Contains(joined, nameB) {
		t.Errorf("the Review list does not name %q and %q: %.800q", nameA, nameB, texts)
	}
	// The first item is selected: its detail holds the engine's reason.
	l.wait()
	var detail []string
	l.ui(func() { detail = textsOnScreen(l.u.Window()) })
	joined := strings.Join(detail, " ")
	if m := auditSideLetter.FindString(joined); m != "" {
		t.Errorf("the item's detail says %q, a side letter: %.900q", m, detail)
	}

	l.tap("Select all")
	l.tap("Create")
	l.see("Something went wrong")
	var dlg []string
	l.ui(func() { dlg = topOverlayTexts(l.u.Window()) })
	msg := strings.Join(dlg, " ")
	if m := auditSideLetter.FindString(msg); m != "" || !strings.Contains(msg, nameA) || !strings.Contains(msg, nameB) {
		t.Errorf("the bulk decision's error says %q, not the CRMs %q and %q: %q", m, nameA, nameB, dlg)
	}
}

// TestStatementsSayClose: "Sandbox connected" asked a question (a
// confirm dialog's question icon) for what is news and an offer, and the
// statements' buttons said "OK": it states and offers, and a statement
// closes with "Close".
func TestStatementsSayClose(t *testing.T) {
	l := newLive(t)
	l.navigate(ScreenConnections)
	l.tap("Try the sandbox")
	l.see("Sandbox connected")
	var question bool
	var texts []string
	l.ui(func() {
		question = overlayShowsIcon(l.u.Window(), theme.QuestionIcon())
		texts = topOverlayTexts(l.u.Window())
	})
	if question {
		t.Errorf("Sandbox connected shows a question icon: %q", texts)
	}
	for _, s := range texts {
		if strings.HasSuffix(strings.TrimSpace(s), "?") || strings.Contains(s, "? ") {
			t.Errorf("Sandbox connected asks %q; it is a statement with an offer", s)
		}
	}
	l.tap("Not now")
	l.ui(func() { showError(l.u.Window(), context.DeadlineExceeded) })
	l.see("Something went wrong")
	l.ui(func() {
		if buttonOnScreen(l.u.Window(), "OK") != nil || buttonOnScreen(l.u.Window(), "Close") == nil {
			t.Errorf("the error dialog's button is not \"Close\": %q", textsOnScreen(l.u.Window()))
		}
	})
}

// TestErrorsTabNamesCRMs: History's Errors table said "a"/"b" in
// its Side column; it names the run's sides, whole, as Field changes does.
func TestErrorsTabNamesCRMs(t *testing.T) {
	u := newTestUI(t, Deps{})
	u.Window().Resize(defaultSize)
	names := app.SideNames{"hubspot-sandbox contacts", "salesforce-sandbox Contact"}
	errs := []store.RunErrorRow{{ID: 1, Side: "b", RecordID: "0038d00000ABCDEFGH", Category: "validation", Field: "Email", Code: "INVALID_EMAIL_ADDRESS", Message: "Email: invalid email address"}}
	u.openPane(u.runDetailView(app.RunDetail{Run: store.RunRow{ID: 7, Status: "partial", Failed: 1}, Sync: "contacts", Sides: names, Errors: errs, ErrorTotal: 1}))
	sideCellFits(t, u, names[1])
}
