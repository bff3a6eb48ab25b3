package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/sync/engine"
)

// TestPreviewCountsReviewItemsItDoesNotList: a large undo lists its
// first review items and keeps the rest in the store (Omitted.Review).
// The Review tab counts them all, and its list says how many more go to
// review than it shows; before, the tab counted only the listed ones.
func TestPreviewCountsReviewItemsItDoesNotList(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("preview")
	defer w.Close()
	def := engine.Definition{Name: "s", A: engine.SideDef{Connection: "hs"}, B: engine.SideDef{Connection: "sf"}}
	p := &engine.Plan{
		Counts:  engine.Counts{Review: 1500},
		Omitted: &engine.Omitted{Review: 1498},
		Review: []engine.ReviewItem{
			{Kind: "delete", Side: "b", RecordID: "b1", Reason: "run 1 created b1 on side B; approve to delete it"},
			{Kind: "delete", Side: "b", RecordID: "b2", Reason: "run 1 created b2 on side B; approve to delete it"},
		},
	}
	w.SetContent(planView(p, def))
	if !screenContains(w, "Review (1500)") {
		t.Errorf("the Review tab does not count all 1,500 items: %q", textsOnScreen(w))
	}
	lines := reviewLines(p, def)
	if !slices.ContainsFunc(lines, func(s string) bool { return strings.Contains(s, "1498 more") }) {
		t.Errorf("the Review list does not say 1,498 more go to review: %q", lines)
	}
}
