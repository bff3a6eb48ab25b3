package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
)

// TestPreviewCountIsTheTotal: the preview of an initial sync of
// thousands of contacts lists only the first writes (the engine keeps the
// rest in the store). The count beside the search box must not say the
// plan has only the listed records, and a search must say it looked only
// at those.
func TestPreviewCountIsTheTotal(t *testing.T) {
	l := newLiveContacts(t, 3000)
	connectDemoContacts(t, l)
	l.ui(func() { l.u.openPreview("contacts") })
	l.see("Preview of contacts")
	var total int
	for _, c := range []string{tileOf(t, l, "contacts", "create", "a"), tileOf(t, l, "contacts", "create", "b"), tileOf(t, l, "contacts", "update", "a"), tileOf(t, l, "contacts", "update", "b")} {
		var s string
		l.ui(func() { s = statOnScreen(l.u.Window(), c) })
		var n int
		fmt.Sscan(s, &n)
		total += n
	}
	if total <= 2000 {
		t.Fatalf("the plan has %d writes; the test needs more than the preview lists", total)
	}
	l.see(fmt.Sprintf("Writes (%d)", total))
	count := func() string {
		var s string
		l.ui(func() {
			for _, o := range test.LaidOutObjects(l.u.Window().Canvas().Content()) {
				if lb, ok := o.(*widget.Label); ok && strings.HasSuffix(lb.Text, "records") {
					s = lb.Text
				}
			}
		})
		return s
	}
	if c := count(); !strings.Contains(c, fmt.Sprint(total)) {
		t.Errorf("the preview has %d writes, its list's count says %q", total, c)
	}
	var search *widget.Entry
	l.ui(func() { search = firstOf[*widget.Entry](l.u.Window()) })
	l.ui(func() { search.SetText("example") })
	if c := count(); !strings.Contains(c, fmt.Sprint(total)) {
		t.Errorf("a search of a preview of %d writes says %q", total, c)
	}
}

// TestUndoPreviewOfManyOptOutsFits: undoing a run that opted many
// people out warns once per person (an undo never opts anyone back in).
// The preview must still fit the window, with its tabs in view: before,
// every warning was a wrapped label stacked above the tabs, so the
// preview grew taller than any screen and pushed its lists off it.
func TestUndoPreviewOfManyOptOutsFits(t *testing.T) {
	ctx := context.Background()
	l := newLiveContacts(t, 300)
	connectDemoContacts(t, l)
	if res, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	sf := l.srv.Salesforce()
	n := 0
	for _, r := range sf.Records("Contact") {
		if r.Deleted || r.Fields["HasOptedOutOfEmail"] == "true" || n == 150 {
			continue
		}
		if _, err := sf.Update("Contact", r.ID, map[string]string{"HasOptedOutOfEmail": "true"}); err != nil {
			t.Fatal(err)
		}
		n++
	}
	res, err := l.a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated < 100 {
		t.Fatalf("opt-out run: %v %+v", err, res.Summary)
	}
	l.ui(func() { l.u.openUndoPreview(res.Summary.RunID, "contacts") })
	l.see(fmt.Sprintf("Undo run %d", res.Summary.RunID))
	l.see("an undo never opts anyone back in")
	var min, win float32
	l.ui(func() {
		min = l.u.Window().Content().MinSize().Height
		win = l.u.Window().Canvas().Size().Height
	})
	if min > 800 {
		t.Errorf("the undo preview of %d opt-outs needs %.0f px of height; the window is %.0f", n, min, win)
	}
	// Every warning is counted, also those past the first 100 listed.
	l.see(fmt.Sprintf("Warnings (%d)", res.Summary.Updated))
}
