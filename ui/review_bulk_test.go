package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestBulkSkipSurvivesOneStaleItem: the Review screen decides several
// checked items at once. When one of them was settled elsewhere while the
// screen was open (the CLI resolved it and a run applied it), the others
// must still be decided, and the queue must not keep showing items the
// store already holds as decided: "loses nothing", and "try again" must
// not fail the same way forever.
func TestBulkSkipSurvivesOneStaleItem(t *testing.T) {
	l, _ := liveWithReviewItems(t)
	ctx := context.Background()
	open, err := l.a.Reviews(ctx, "", "", "open")
	if err != nil || len(open) < 3 {
		t.Fatalf("want at least three open review items: %d %v", len(open), err)
	}
	l.navigate(ScreenReview)
	l.see("Review")
	l.tap("Select all")
	// Meanwhile, elsewhere: the second item is skipped and a run applies it.
	stale := open[1]
	if err := l.a.Decide(ctx, stale.ID, engine.Decision{Action: "skip"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, stale.Sync, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.tap("Skip")
	still, _ := l.a.Reviews(ctx, "", "", "open")
	if len(still) != 0 {
		t.Errorf("after Skip on all %d checked items, %d are still open in the store (first: item %d)", len(open), len(still), still[0].ID)
	}
	var dialogUp bool
	l.ui(func() { dialogUp = screenContains(l.u.Window(), "Something went wrong") })
	if dialogUp {
		t.Errorf("an error dialog for an item settled elsewhere; texts: %.300q", textsOnScreen(l.u.Window()))
	}
}

// liveWithReviewItems is a UI over the connected sandbox whose sync
// "review-me" has run once, leaving every unmatched record in review.
func liveWithReviewItems(t *testing.T) (*live, engine.Definition) {
	t.Helper()
	l := newLive(t)
	l.connectSandbox()
	l.closeDialogs()
	return l, l.runReviewMe()
}

// runReviewMe saves the sync "review-me" (the demo contacts sync, its
// unmatched records sent to review) and runs it once over l's sandbox.
func (l *live) runReviewMe() engine.Definition {
	l.t.Helper()
	def := app.DemoSync("review-me", demoHubSpot, demoSalesforce)
	def.Unmatched = "review"
	if err := l.a.SaveSync(context.Background(), def); err != nil {
		l.t.Fatal(err)
	}
	if _, err := l.a.Run(context.Background(), def.Name, app.RunOptions{Confirm: true}); err != nil {
		l.t.Fatal(err)
	}
	return def
}

// reviewQueueFor is liveWithReviewItems on the Review screen.
func reviewQueueFor(t *testing.T) *live {
	t.Helper()
	l, _ := liveWithReviewItems(t)
	l.navigate(ScreenReview)
	l.see("Review")
	return l
}

// TestShortcutsInertBehindDialog: while a dialog is open over the
// Review screen, a typed letter must not decide the item behind it.
func TestShortcutsInertBehindDialog(t *testing.T) {
	l := reviewQueueFor(t)
	l.ui(func() { showError(l.u.Window(), errors.New("the sync could not be loaded")) })
	l.see("Something went wrong")
	// With the dialog still open, the user types S (say, meaning to answer it).
	l.ui(func() { test.TypeOnCanvas(l.u.Window().Canvas(), "s") })
	if d, _ := l.a.Reviews(context.Background(), "", "", "decided"); len(d) != 0 {
		t.Errorf("a key typed while a dialog was open decided item %d behind it", d[0].ID)
	}
}

// TestShortcutOnlyOffersWhatWorks: A (take A) on an unmatched or
// ambiguous item is not an action it has (no such button is shown). The
// key must not raise an engine error whose advice is "try again", which
// can never work.
func TestShortcutOnlyOffersWhatWorks(t *testing.T) {
	l := reviewQueueFor(t)
	l.ui(func() { test.TypeOnCanvas(l.u.Window().Canvas(), "a") })
	var texts []string
	l.ui(func() { texts = textsOnScreen(l.u.Window()) })
	if j := strings.Join(texts, " "); strings.Contains(j, "try again") {
		t.Errorf("A on a non-conflict item: %q", j[max(0, len(j)-300):])
	}
}
