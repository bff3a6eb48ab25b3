package ui

import (
	"context"
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestHistoryRunSaysSentToReview: a run that sent records to
// Review says how many in its History detail, as `crmsync runs show` and
// the "Run finished" dialog do; it showed created, updated, failed and
// unchanged, but not the records that wait for a person.
func TestHistoryRunSaysSentToReview(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	connectHubSpotAndSalesforce(t, l)
	def := app.DemoSync("contacts", demoHubSpot, demoSalesforce)
	def.Unmatched = engine.UnmatchedReview
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	res, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	items, err := l.a.Reviews(ctx, def.Name, "", "open")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) == 0 || res.Summary.Review != len(items) {
		t.Fatalf("the run says review %d, the store holds %d open items; want some, the same", res.Summary.Review, len(items))
	}
	d, err := l.a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	l.ui(func() { l.u.openPane(l.u.runDetailView(d)) })
	l.see(fmt.Sprintf("Sent to review %d", len(items)))
}
