package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// headingLabels are the labels of the mapping editor's heading row: the
// row whose first cell is side A's bold label ("hubspot-sandbox\ncontacts
// field (A)", or "Side A field" with no connection).
func headingLabels(w fyne.Window) []*widget.Label {
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) == 0 {
			continue
		}
		first, ok := c.Objects[0].(*widget.Label)
		if !ok || !first.TextStyle.Bold || !strings.HasSuffix(first.Text, " field (A)") && !strings.HasPrefix(first.Text, "Side A") {
			continue
		}
		var out []*widget.Label
		for _, x := range c.Objects {
			if l, ok := x.(*widget.Label); ok && l.Text != "" {
				out = append(out, l)
			}
		}
		return out
	}
	return nil
}

// shownText is the text label draws, line by line as rendered: a heading
// cut to fit ends in "…" or loses a line.
func shownText(l *widget.Label) string {
	var lines []string
	visibleObjects(l, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && t.Text != "" {
			lines = append(lines, t.Text)
		}
	})
	return strings.Join(lines, "\n")
}

// TestMappingHeadingsFitSmallLaptop: in an 800×600 window the
// mapping editor's column headings are shown whole, for the ready-made
// sync with the longest object names too.
func TestMappingHeadingsFitSmallLaptop(t *testing.T) {
	l := newLiveWith(t, 5, smallLaptop, nil)
	l.createDemoSyncs()
	longest, n := "", 0
	for _, d := range app.DemoSyncs(demoConnections) {
		if k := len(d.A.Object) + len(d.B.Object); k > n {
			longest, n = d.Name, k
		}
	}
	for _, name := range []string{demoSyncName, longest} {
		l.navigate(ScreenSyncs)
		l.ui(func() { l.u.openEditor(name) })
		l.see("fields loaded")
		var heads []*widget.Label
		l.ui(func() { heads = headingLabels(l.u.Window()) })
		if len(heads) < 6 {
			t.Fatalf("%s: mapping headings not found (%d)", name, len(heads))
		}
		for _, h := range heads {
			var shown string
			l.ui(func() { shown = shownText(h) })
			if shown != h.Text {
				t.Errorf("%s: heading %q is shown as %q", name, h.Text, shown)
			}
		}
	}
}
