package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/sync/engine"
)

// TestPreviewSaysHeldCreateIsInReview: a plan made after a create
// was cut short on a side it cannot be looked up on stores a Review item
// for it while it is made (Opened). The preview counts it in its Review
// tab and says it is in Review already, not that applying sends it there.
func TestPreviewSaysHeldCreateIsInReview(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("preview")
	defer w.Close()
	def := engine.Definition{Name: "s", A: engine.SideDef{Connection: "hs"}, B: engine.SideDef{Connection: "pd"}}
	p := &engine.Plan{
		Counts: engine.Counts{Review: 1},
		Review: []engine.ReviewItem{{Kind: "duplicate", Side: "a", RecordID: "1011", Opened: true,
			Reason: "run 2 created this record on side B in a call that was cut short"}},
	}
	w.SetContent(planView(p, def))
	if !screenContains(w, "Review (1)") {
		t.Errorf("the Review tab does not count the held create: %q", textsOnScreen(w))
	}
	if lines := reviewLines(p, def); !slices.ContainsFunc(lines, func(s string) bool { return strings.Contains(s, "in Review already") }) {
		t.Errorf("the Review list does not say the held create is in Review already: %q", lines)
	}
	if sendsToReview(p) {
		t.Error("a preview whose only item is in Review already offers to apply it as if applying sent it there")
	}
}
