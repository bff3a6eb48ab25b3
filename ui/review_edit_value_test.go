package ui

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// rejectedRoleItem connects l's sandboxes and shows in Review the
// rejected buying role of a HubSpot contact (buyingRoleRejectedInReview),
// with its E button. It returns the HubSpot record's id.
func rejectedRoleItem(t *testing.T, l *live) string {
	t.Helper()
	connectHubSpotAndSalesforce(t, l)
	_, hsID := buyingRoleRejectedInReview(t, l)
	l.see("Edit value (E)")
	return hsID
}

// TestReviewEditValueNotOverOtherScreen: E reads the field's schema
// from a slow CRM; the person, waiting, goes to History. When the schema
// arrives, no "Set the value" dialog may open over History for an item
// no longer on screen.
func TestReviewEditValueNotOverOtherScreen(t *testing.T) {
	g := &gate{held: make(chan struct{}, 1)}
	l := newLiveGated(t, g)
	rejectedRoleItem(t, l)

	g.close() // the CRM answers slowly
	l.u.uiMu.Lock()
	test.TypeOnCanvas(l.u.Window().Canvas(), "e")
	l.u.uiMu.Unlock()
	<-g.held // the field's schema is being read
	l.u.uiMu.Lock()
	l.u.Navigate(ScreenHistory)
	l.u.uiMu.Unlock()
	g.open()
	l.wait()

	var overlays int
	var current string
	var texts []string
	l.ui(func() {
		overlays = len(l.u.Window().Canvas().Overlays().List())
		current, texts = l.u.Current(), textsOnScreen(l.u.Window())
	})
	if current != ScreenHistory {
		t.Fatalf("screen on show is %q; want History, where the person went", current)
	}
	if overlays != 0 || strings.Contains(strings.Join(texts, " "), "Set the value of") {
		t.Fatalf("%d dialogs over History after the schema arrived; want none. Texts: %.400q", overlays, texts)
	}
}

// TestReviewEditValueNotForItemLeft: the same when the person stays
// in Review but shows another kind of item, so the one E was pressed on
// is no longer selected: its dialog must not open over the others.
func TestReviewEditValueNotForItemLeft(t *testing.T) {
	g := &gate{held: make(chan struct{}, 1)}
	l := newLiveGated(t, g)
	rejectedRoleItem(t, l)
	open, err := l.a.Reviews(context.Background(), "", "", "open")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, it := range open {
		kinds[it.Kind] = true
	}
	var other string // a kind with no items, so nothing is selected
	for _, k := range reviewKinds[1:] {
		if !kinds[k] {
			other = k
			break
		}
	}
	if other == "" {
		t.Fatal("every kind of review item is in the queue; want one without items")
	}

	g.close()
	l.u.uiMu.Lock()
	test.TypeOnCanvas(l.u.Window().Canvas(), "e")
	l.u.uiMu.Unlock()
	<-g.held
	l.u.uiMu.Lock()
	var sel *widget.Select
	for _, s := range allOf[*widget.Select](l.u.Window()) {
		if slices.Contains(s.Options, other) {
			sel = s
		}
	}
	if sel == nil {
		l.u.uiMu.Unlock()
		t.Fatalf("no select offers %q", other)
	}
	sel.SetSelected(other)
	l.u.uiMu.Unlock()
	g.open()
	l.wait()

	var overlays int
	var texts []string
	l.ui(func() {
		overlays = len(l.u.Window().Canvas().Overlays().List())
		texts = textsOnScreen(l.u.Window())
	})
	if overlays != 0 {
		t.Fatalf("%d dialogs after the schema arrived for an item no longer selected; want none. Texts: %.400q", overlays, texts)
	}
}

// TestReviewEditValueSaysSchemaFailed: when Salesforce refuses the
// field's schema, E must say so, naming the CRM, the field and
// Salesforce's own message, rather than open a plain text box as if the
// field had no options.
func TestReviewEditValueSaysSchemaFailed(t *testing.T) {
	l := newLive(t)
	rejectedRoleItem(t, l)
	var describe string
	for k := range l.srv.Salesforce().Stats() {
		if strings.HasSuffix(k, "/sobjects/Contact/describe") {
			describe = k
		}
	}
	if describe == "" {
		t.Fatal("the runs read no Contact describe from Salesforce")
	}
	// Salesforce answers 404 for a resource "couldn't be found ... verify
	// that there are no sharing issues" (REST API Developer Guide, "Status
	// Codes and Error Responses"); the body's exact words for a describe
	// are the sandbox's [unverified].
	const msg = "The requested resource does not exist"
	l.srv.Salesforce().Faults().RefuseEndpoint(describe,
		simkit.Refusal{Status: http.StatusNotFound, Code: "NOT_FOUND", Message: msg})
	l.tap("Edit value (E)")

	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	all := strings.Join(texts, " ") // a wrapped line is several texts
	for _, want := range []string{demoSalesforce + " Contact", "Buying_Role__c", msg} {
		if !strings.Contains(all, want) {
			t.Errorf("after Salesforce refused the schema, %q is not on screen; texts: %.600q", want, texts)
		}
	}
	if strings.Contains(all, "Set the value of") {
		t.Errorf("a plain \"Set the value\" box opened as if the field had no options; texts: %.600q", texts)
	}
}
