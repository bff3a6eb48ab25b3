package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// TestRunDetailDoesNotReplaceScreenNavigatedTo: a run with many
// field changes takes a while to load. The person selects it in History,
// then, waiting, clicks Syncs in the navigation. When the run arrives it
// must not take over the Syncs screen the person chose (with "Syncs"
// highlighted beside a run's detail).
func TestRunDetailDoesNotReplaceScreenNavigatedTo(t *testing.T) {
	l, def := liveWithReviewItems(t)
	if _, err := l.a.Run(context.Background(), def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenHistory)
	l.see("History")
	var table *widget.Table
	l.ui(func() { table = firstOf[*widget.Table](l.u.Window()) })
	if table == nil {
		t.Fatal("no runs table on the History screen")
	}
	// One UI event slot: the run's load cannot finish before the click.
	l.ui(func() {
		table.Select(widget.TableCellID{Row: 1, Col: 1})
		l.u.Navigate(ScreenSyncs)
	})
	var texts []string
	var onRun bool
	var current string
	l.ui(func() {
		onRun = screenContains(l.u.Window(), "Undo this run")
		texts, current = textsOnScreen(l.u.Window()), l.u.Current()
	})
	if onRun || current != ScreenSyncs {
		t.Fatalf("after clicking Syncs, the run's detail took over the window (current %q); texts: %.300q", current, texts)
	}
	l.see("Sync all")
}

// TestEditorDoesNotReplaceScreenNavigatedTo: the same for Edit on a
// sync card: clicking History before the editor has loaded must leave
// History on show.
func TestEditorDoesNotReplaceScreenNavigatedTo(t *testing.T) {
	l, def := liveWithReviewItems(t)
	l.navigate(ScreenSyncs)
	l.see(def.Name)
	l.ui(func() {
		l.u.openEditor(def.Name)
		l.u.Navigate(ScreenHistory)
	})
	var texts []string
	var pane bool
	l.ui(func() { texts, pane = textsOnScreen(l.u.Window()), l.u.paneOpen })
	if pane {
		t.Fatalf("after clicking History, the editor took over the window; texts: %.300q", texts)
	}
	l.see("History")
}
