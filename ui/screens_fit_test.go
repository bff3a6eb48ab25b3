package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/crmsync/crmsync/app"
)

// smallLaptop is the smallest window crmsync promises to fit.
var smallLaptop = fyne.NewSize(800, 600)

// fitsWidth fails when the window's content needs more width than a small
// laptop's window gives: a desktop window cannot shrink below its
// content's minimum, so it grows past the screen and hides the buttons at
// its right edge (Save, Apply, Add connection, Preview, Delete).
func fitsWidth(t *testing.T, l *live, screen string) {
	t.Helper()
	l.wait()
	var need fyne.Size
	l.ui(func() { need = l.u.Window().Content().MinSize() })
	if need.Width > smallLaptop.Width {
		t.Errorf("%s needs a window %.0f wide; a small laptop's is %.0f", screen, need.Width, smallLaptop.Width)
	}
}

// TestScreensFitSmallLaptop: each screen, filled by the demo
// sandboxes after a first run, fits an 800×600 window.
func TestScreensFitSmallLaptop(t *testing.T) {
	l := newLiveWith(t, 30, smallLaptop, nil)
	l.applyDemoSyncs()
	for _, s := range []string{ScreenConnections, ScreenSyncs, ScreenReview, ScreenHistory, ScreenSettings} {
		l.navigate(s)
		fitsWidth(t, l, s)
	}
	l.ui(func() { l.u.openPreview(demoSyncName) })
	l.see("Preview of " + demoSyncName)
	fitsWidth(t, l, "Preview")
	// The longest ready-made name: the header holds it beside its buttons.
	long := longestDemoSyncName()
	l.ui(func() { l.u.openPreview(long) })
	l.see("Preview of " + long)
	fitsWidth(t, l, "Preview of "+long)
	runs, err := l.a.Runs(t.Context(), demoSyncName, 1)
	if err != nil || len(runs) == 0 {
		t.Fatalf("no run: %v", err)
	}
	l.ui(func() { l.u.openRunDetail(runs[0].Run.ID) })
	l.see("Field changes")
	fitsWidth(t, l, "Run detail")
	l.ui(func() { l.u.openEditor(demoSyncName) })
	l.see("fields loaded")
	fitsWidth(t, l, "Sync editor")
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.openEditor(long) })
	l.see("fields loaded")
	fitsWidth(t, l, "Sync editor of "+long)
}

func longestDemoSyncName() string {
	long := ""
	for _, d := range app.DemoSyncs(demoConnections) {
		if len(d.Name) > len(long) {
			long = d.Name
		}
	}
	return long
}
