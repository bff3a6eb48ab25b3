package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// keylessKilledLimited is keylessKilled with the sync's limit of changes
// at maxChanges: its runs before the kill are confirmed.
func keylessKilledLimited(t *testing.T, seed int64, maxChanges int) (*app.App, func(i int)) {
	t.Helper()
	a, srv, tr := lossyApp(t, seed, 6, [2]string{"hubspot", "hs"}, [2]string{"pipedrive", "pd"})
	def := noKeySync()
	def.Safety.MaxChanges = maxChanges
	saveSyncs(t, a, def)
	if res, err := a.Run(context.Background(), "people", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	add := func(i int) {
		mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"email": fmt.Sprintf("audit%d@example.org", i), "firstname": "Audit", "lastname": fmt.Sprintf("Person%d", i)})
	}
	add(0)
	add(1)
	killedRun(t, a, tr, "people", pdPersonCreate)
	return a, add
}

// TestPreviewedHeldCreateCountedByItsRun: a preview made after a
// killed keyless create holds it in Review; the run applied from that
// preview (which plans again and finds it stored) left it there, so its
// summary, History's row (what `crmsync runs show` prints) and the Sync
// all / tray line count it, and the run after does not count it again.
func TestPreviewedHeldCreateCountedByItsRun(t *testing.T) {
	ctx := context.Background()
	a, _ := keylessKilledLimited(t, 8431, 0)
	before := openReviewCount(t, a, "people")
	preview, err := a.Run(ctx, "people", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	opened := openReviewCount(t, a, "people") - before
	if opened < 1 || preview.Plan.Counts.Review != opened {
		t.Fatalf("the preview held %d items in Review and counts %d; want the interrupted create", opened, preview.Plan.Counts.Review)
	}
	res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true, Previewed: preview.Plan})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	assertRunReview(t, a, "people", res, nil, opened)
	for _, l := range res.SincePreview {
		if strings.Contains(l, "review") {
			t.Errorf("the run says its review items differ from the preview's: %q", l)
		}
	}
	was := openReviewCount(t, a, "people")
	next, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("next run: %v", err)
	}
	if added := openReviewCount(t, a, "people") - was; next.Summary.Review != added {
		t.Errorf("the run after says Review %d; it put %d items in Review (counted again?)", next.Summary.Review, added)
	}
}

// TestHeldForConfirmationCountsItsReview: a run held for
// confirmation whose plan held a killed keyless create in Review says so
// in History and in the Sync all / tray line; the run confirmed after it
// does not count the item again.
func TestHeldForConfirmationCountsItsReview(t *testing.T) {
	ctx := context.Background()
	a, add := keylessKilledLimited(t, 8432, 1)
	for i := range 2 {
		add(10 + i)
	}
	before := openReviewCount(t, a, "people")
	res, runErr := a.Run(ctx, "people", app.RunOptions{Trigger: "schedule"})
	if !errors.Is(runErr, engine.ErrNeedsConfirmation) {
		t.Fatalf("the run was not held for confirmation: %v %+v", runErr, res.Summary)
	}
	opened := openReviewCount(t, a, "people") - before
	if opened < 1 {
		t.Fatalf("the held run's plan put nothing in Review (warnings %q)", res.Plan.Warnings)
	}
	if d, err := a.RunDetail(ctx, res.Summary.RunID); err != nil || d.Run.Status != "needs_confirmation" {
		t.Errorf("History's held run %d is %q (%v); want needs_confirmation", res.Summary.RunID, d.Run.Status, err)
	}
	assertRunReview(t, a, "people", res, runErr, opened)
	was := openReviewCount(t, a, "people")
	confirmed, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("confirmed run: %v", err)
	}
	if added := openReviewCount(t, a, "people") - was; confirmed.Summary.Review != added {
		t.Errorf("the confirmed run says Review %d; it put %d items in Review (counted again?)", confirmed.Summary.Review, added)
	}
}
