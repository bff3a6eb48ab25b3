package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestReviewEditValueTwiceWhileSchemaLoads: E (set a value) reads
// the target field's schema from the CRM before its dialog opens. A
// person pressing E again on a window that seems to do nothing while a
// slow CRM answers must get one "Set the value" dialog, not two stacked.
func TestReviewEditValueTwiceWhileSchemaLoads(t *testing.T) {
	g := &gate{held: make(chan struct{}, 1)}
	l := newLiveGated(t, g)
	connectHubSpotAndSalesforce(t, l)
	buyingRoleRejectedInReview(t, l)
	l.see("Edit value (E)")

	g.close() // the CRM answers slowly
	l.u.uiMu.Lock()
	test.TypeOnCanvas(l.u.Window().Canvas(), "e")
	l.u.uiMu.Unlock()
	<-g.held // the field's schema is being read
	l.u.uiMu.Lock()
	before := len(l.u.Window().Canvas().Overlays().List())
	test.TypeOnCanvas(l.u.Window().Canvas(), "e") // again, on a window that seemed to do nothing
	l.u.uiMu.Unlock()
	g.open()
	l.wait()

	var dialogs int
	l.ui(func() { dialogs = len(l.u.Window().Canvas().Overlays().List()) })
	if before != 0 {
		t.Fatalf("%d overlays on screen while the schema was still loading; want none yet", before)
	}
	if dialogs != 1 {
		t.Fatalf("E pressed twice while the schema loaded: %d dialogs on screen; want 1", dialogs)
	}
	l.see("Set the value of")
}
