package app

import (
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
)

// TestSincePreviewOfALargeUndoComparesReviewCounts: a large undo
// lists only its first review items (Omitted.Review). An item listed by
// the preview but past the end of the applied plan's list (or the other
// way round) is no difference; a differing count is.
func TestSincePreviewOfALargeUndoComparesReviewCounts(t *testing.T) {
	plan := func(first, listed, total int) *engine.Plan {
		p := &engine.Plan{Counts: engine.Counts{Review: total}, Omitted: &engine.Omitted{Review: total - listed}}
		for i := first; i < first+listed; i++ {
			p.Review = append(p.Review, engine.ReviewItem{Kind: "delete", Side: "b", RecordID: fmt.Sprintf("b%04d", i), Field: "(created)"})
		}
		return p
	}
	if lines := reviewDifferences(plan(0, 1000, 1500), plan(1, 1000, 1500), SideNames{}); len(lines) != 0 {
		t.Errorf("same count, lists cut at another item: %q; want no difference", lines)
	}
	if lines := reviewDifferences(plan(0, 1000, 1500), plan(0, 1000, 1501), SideNames{}); len(lines) != 1 {
		t.Errorf("1,500 previewed, 1,501 sent: %q; want one line", lines)
	}
}
