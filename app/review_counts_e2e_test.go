package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// keylessKilled runs the HubSpot ↔ Pipedrive persons sync (no key written
// to Pipedrive) until a run dies at Pipedrive's create of two new HubSpot
// contacts: the next plan holds the interrupted create in Review.
func keylessKilled(t *testing.T, seed int64) *app.App {
	t.Helper()
	a, srv, tr := lossyApp(t, seed, 6, [2]string{"hubspot", "hs"}, [2]string{"pipedrive", "pd"})
	saveSyncs(t, a, noKeySync())
	if res, err := a.Run(context.Background(), "people", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	for i := range 2 {
		mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"email": fmt.Sprintf("counted%d@example.org", i), "firstname": "Counted", "lastname": fmt.Sprintf("Person%d", i)})
	}
	killedRun(t, a, tr, "people", pdPersonCreate)
	return a
}

// openReviewCount is the number of open review items of sync name the
// store holds.
func openReviewCount(t *testing.T, a *app.App, name string) int {
	t.Helper()
	items, err := a.Reviews(context.Background(), name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

// assertRunReview checks that every surface reporting run res counts the
// want items it left in Review: the run's summary, History's run detail and
// the Run all / tray line (which also reads the run's error, runErr).
func assertRunReview(t *testing.T, a *app.App, sync string, res app.RunResult, runErr error, want int) {
	t.Helper()
	if res.Summary.Review != want {
		t.Errorf("the run's summary says Review %d; it left %d items in Review", res.Summary.Review, want)
	}
	d, err := a.RunDetail(context.Background(), res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Run.Review != want {
		t.Errorf("History's run %d says Review %d; it left %d items in Review", d.Run.ID, d.Run.Review, want)
	}
	line := app.SyncOutcome{Sync: sync, Result: res, Err: runErr}.Line()
	if w := fmt.Sprintf("%d to review", want); !strings.Contains(line, w) {
		t.Errorf("the Run all / tray line %q does not say %q", line, w)
	}
}

// TestKeylessHeldCountedInRunSurfaces: the run after a killed
// keyless create opens a Review item for it; the run's summary, History's
// row and detail (what `crmsync runs show` prints), the line Run all and
// the tray notify with, and the Syncs card must all count it, as the
// store holds it. (They read "Review 0" though the run opened an item.)
func TestKeylessHeldCountedInRunSurfaces(t *testing.T) {
	ctx := context.Background()
	a := keylessKilled(t, 8421)
	before := openReviewCount(t, a, "people")
	next, err := a.Run(ctx, "people", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("next run: %v", err)
	}
	opened := openReviewCount(t, a, "people") - before
	if opened < 1 {
		t.Fatalf("the run opened no review item for the interrupted create (warnings %q)", next.Plan.Warnings)
	}
	if next.Plan.Counts.Review != opened {
		t.Errorf("the run's plan counts %d to review; the run opened %d items", next.Plan.Counts.Review, opened)
	}
	assertRunReview(t, a, "people", next, nil, opened)
	views, err := a.Syncs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		if v.Definition.Name == "people" && v.OpenReview != before+opened {
			t.Errorf("the Syncs card says %d to review; the store holds %d open items", v.OpenReview, before+opened)
		}
	}
}

// TestKeylessHeldCountedInPreview: a preview made after a killed
// keyless create holds it in Review (the plan stores the item); the
// preview's Review count must say so, and the run applied from that
// preview must not report the item as "previewed going to review, not
// sent there by this run": it is in Review.
func TestKeylessHeldCountedInPreview(t *testing.T) {
	ctx := context.Background()
	a := keylessKilled(t, 8422)
	before := openReviewCount(t, a, "people")
	preview, err := a.Run(ctx, "people", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	opened := openReviewCount(t, a, "people") - before
	if opened < 1 {
		t.Fatalf("the preview held no interrupted create in Review (warnings %q)", preview.Plan.Warnings)
	}
	if preview.Plan.Counts.Review != opened {
		t.Errorf("the preview counts %d to review; %d items were opened in Review by it", preview.Plan.Counts.Review, opened)
	}
	if !strings.Contains(preview.Plan.Summary(), fmt.Sprintf("review %d", opened)) {
		t.Errorf("`crmsync sync preview` does not say review %d:\n%s", opened, preview.Plan.Summary())
	}
	res, err := a.Run(ctx, "people", app.RunOptions{Confirm: true, Previewed: preview.Plan})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, l := range res.SincePreview {
		if strings.Contains(l, "not sent there by this run") {
			t.Errorf("the run says an item held in Review by its preview was not sent there: %q", l)
		}
	}
	if n := openReviewCount(t, a, "people"); n != before+opened {
		t.Errorf("%d open review items after the run; want the %d the preview opened, not more", n, before+opened)
	}
}
