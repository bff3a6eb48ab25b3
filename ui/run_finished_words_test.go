package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/crmsync/crmsync/app"
)

// topOverlayTexts is the text of the topmost dialog only, not of the
// screen behind it (which names the sync too).
func topOverlayTexts(w fyne.Window) []string {
	top := w.Canvas().Overlays().Top()
	var out []string
	visibleObjects(top, func(o fyne.CanvasObject) {
		if t, ok := o.(*canvas.Text); ok && strings.TrimSpace(t.Text) != "" {
			out = append(out, t.Text)
		}
	})
	return out
}

// overlayShowsIcon reports whether the topmost dialog draws icon.
func overlayShowsIcon(w fyne.Window, icon fyne.Resource) bool {
	found := false
	visibleObjects(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if img, ok := o.(*canvas.Image); ok && img.Resource != nil && img.Resource.Name() == icon.Name() {
			found = true
		}
	})
	return found
}

// TestRunFinishedSaysWhatHappened: on an 800×600 window, a run of a
// sync that sends records to Review ends in a dialog that names the sync
// and its connections rather than the run's number and sides "A"/"B",
// shows no question icon (it states, it does not ask), and its button
// opens Review.
func TestRunFinishedSaysWhatHappened(t *testing.T) {
	l := newLiveWith(t, 30, smallLaptop, nil)
	l.connectSandbox()
	l.closeDialogs()
	def := app.DemoSync("review-me", demoHubSpot, demoSalesforce)
	def.Unmatched = "review"
	if err := l.a.SaveSync(context.Background(), def); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenSyncs)
	l.ui(func() { l.u.syncNow(def.Name) })
	l.tapIfShown("Apply anyway")
	l.see("Run finished")

	var texts []string
	var question bool
	l.ui(func() {
		texts = topOverlayTexts(l.u.Window())
		question = overlayShowsIcon(l.u.Window(), theme.QuestionIcon())
	})
	joined := strings.Join(texts, " ")
	t.Logf("dialog: %q", texts)
	if question {
		t.Errorf("the Run finished dialog shows a question icon for a statement")
	}
	if !strings.Contains(joined, def.Name) {
		t.Errorf("the Run finished dialog does not name the sync %q: %q", def.Name, texts)
	}
	if m := regexp.MustCompile(`\bRun \d+\b|\bA \d+, B \d+`).FindString(joined); m != "" {
		t.Errorf("the Run finished dialog says %q, an id or side letter, not a name: %q", m, texts)
	}
	for _, conn := range []string{demoHubSpot, demoSalesforce} {
		if !strings.Contains(joined, conn) {
			t.Errorf("the Run finished dialog does not name connection %q: %q", conn, texts)
		}
	}
	if !strings.Contains(joined, "sent to review") {
		t.Fatalf("the run sent nothing to review, so no button to test: %q", texts)
	}
	l.tap("Open Review")
	if cur := l.u.Current(); cur != ScreenReview {
		t.Errorf("Open Review went to %q", cur)
	}
}
