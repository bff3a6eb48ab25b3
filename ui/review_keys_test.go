package ui

import (
	"context"
	"encoding/json"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/sync/engine"
)

// TestReviewKeysFasterThanStoreKeepFirstDecision: a person triaging
// the queue by keyboard presses C (create) on the first item and, before
// that decision has reached the store (a background run holds SQLite's
// write lock, say), S meaning the next item. Both keys land on the item
// still selected: the second decision silently replaces the first, so the
// record the person chose to create is skipped instead.
func TestReviewKeysFasterThanStoreKeepFirstDecision(t *testing.T) {
	l := reviewQueueFor(t)
	l.see("Create (C)")
	first, ok := reviewSelected(l)
	if !ok {
		t.Fatal("no review item in the detail pane")
	}
	// One UI event slot: neither decision's result can reach the screen
	// between the two keys, as when the store write is slower than typing.
	l.ui(func() {
		test.TypeOnCanvas(l.u.Window().Canvas(), "c")
		test.TypeOnCanvas(l.u.Window().Canvas(), "s")
	})
	decided, err := l.a.Reviews(context.Background(), "", "", "decided")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range decided {
		if it.ID != first {
			continue
		}
		var d engine.Decision
		_ = json.Unmarshal([]byte(it.Decision), &d)
		if d.Action != "create" {
			t.Fatalf("item %d: the person pressed C, the store holds %q (a later key overwrote it)", first, d.Action)
		}
		return
	}
	t.Fatalf("item %d was not decided at all; decided: %+v", first, decided)
}
