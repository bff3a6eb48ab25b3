package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestHistoryColumnsFitTheWindow: in a window of the size the app opens
// at, every column of the runs table shows; none (Duration, last) hides
// behind the horizontal scroll bar.
func TestHistoryColumnsFitTheWindow(t *testing.T) {
	u := newTestUI(t, Deps{})
	u.Window().Resize(defaultSize)
	at := time.Date(2026, 12, 5, 22, 42, 10, 0, time.UTC)
	u.openPane(u.historyView([]app.RunDetail{{Run: store.RunRow{ID: 1, Status: "success", Trigger: "manual", StartedAt: at}, Sync: "demo-meetings-dynamics"}}))
	var table *widget.Table
	visibleObjects(u.Window().Canvas().Content(), func(o fyne.CanvasObject) {
		if tb, ok := o.(*widget.Table); ok {
			table = tb
		}
	})
	if table == nil {
		t.Fatalf("no runs table on screen; texts: %q", textsOnScreen(u.Window()))
	}
	var need float32
	for _, c := range historyColumns {
		need += c.width
	}
	if w := table.Size().Width; need > w {
		t.Fatalf("the runs table is %.0f px wide in a %.0f px window and its columns need %.0f", w, defaultSize.Width, need)
	}
}
