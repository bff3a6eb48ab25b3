package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector/timecursor"
)

// TestKlaviyoNoChangeRunAfterImportReadsOnce: a first sync creates
// hundreds of Klaviyo profiles through one bulk import job, so they share
// an updated second. Klaviyo filters updated by greater-than only, so a
// read reaches back a second before its cursor and drops what it read
// already; but nothing ever moves the cursor past that second while
// nothing changes, so every later no-change run pages through all of
// those profiles again (100 a page) instead of making one read call.
// Once a complete read began well after that second (timecursor.Settled,
// by the server's Date), the next read filters from the cursor itself.
func TestKlaviyoNoChangeRunAfterImportReadsOnce(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := steppedSandboxApp(t, 5, 700, "klaviyo", "kv")
	saveSyncs(t, a, app.DemoKlaviyoSync("profiles", "hs", "kv"))
	lists := func() int64 { return srv.Stats()["klaviyo"]["GET /api/profiles"] }
	first, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" || first.Plan.Counts.CreateB < 300 {
		t.Fatalf("first run: %v %+v; want at least 300 profiles created", err, first.Plan.Counts)
	}
	// The import's second is settled (timecursor.SettleMargin) by the time
	// the second run reads it back.
	clock.step(timecursor.SettleMargin + 2*time.Second)
	if res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v", err, res.Summary)
	}
	for i := 1; i <= 2; i++ {
		before := lists()
		res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Created+res.Summary.Updated != 0 || res.Plan.Counts.ReadB != 0 {
			t.Fatalf("no-change run %d: %v %+v", i, err, res.Plan.Counts)
		}
		if n := lists() - before; n != 1 {
			t.Errorf("no-change run %d made %d Klaviyo profile listings, want 1", i, n)
		}
	}
	l := syncLinks(t, a, "profiles")[0]
	if _, err := srv.Klaviyo().UpdateProfile(l.BID, map[string]any{"title": "Head of Settled"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the edit: %v %+v", err, res.Summary)
	}
	if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["jobtitle"] != "Head of Settled" {
		t.Fatalf("Klaviyo profile %s retitled after the cursor settled; HubSpot contact %s has jobtitle %q", l.BID, l.AID, h.Properties["jobtitle"])
	}
}
