package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// restoreCase is a vendor whose deleted records come back from a recycle
// bin with the same id.
type restoreCase struct {
	vendor, object string
	def            engine.Definition
	del            func(srv *sandbox.Server, id string) error
	restore        func(srv *sandbox.Server, id string, bump bool) error
	count          func(srv *sandbox.Server) int
	fullResync     bool // the delete is found by the id comparison of a full pass
}

// TestRestoredIsNotDeletedOnApproval: a linked Zoho Contact (recycle bin)
// or Dataverse contact (its delete found by the id comparison of a full
// pass) is deleted and its delete held for review; then it is restored
// with the same id, with or without its modified time moving (neither
// vendor documents which). Approving the held item must not archive the
// linked HubSpot contact, and the pair stays linked without a duplicate.
func TestRestoredIsNotDeletedOnApproval(t *testing.T) {
	cases := []restoreCase{
		{vendor: "zoho", object: "Contacts", def: app.DemoZohoSync("s", "hs", "zoho"),
			del:     func(srv *sandbox.Server, id string) error { return srv.Zoho().Delete("Contacts", id) },
			restore: func(srv *sandbox.Server, id string, bump bool) error { return srv.Zoho().Restore("Contacts", id, bump) },
			count:   func(srv *sandbox.Server) int { return srv.Zoho().Count("Contacts") }},
		{vendor: "dynamics", object: "contacts", def: app.DemoDynamicsSync("s", "hs", "dynamics", ""), fullResync: true,
			del: func(srv *sandbox.Server, id string) error { return srv.Dynamics().Delete("contacts", id) },
			restore: func(srv *sandbox.Server, id string, bump bool) error {
				return srv.Dynamics().Restore("contacts", id, bump)
			},
			count: func(srv *sandbox.Server) int { return srv.Dynamics().Count("contacts") }},
	}
	for _, c := range cases {
		for _, bump := range []bool{true, false} {
			t.Run(c.vendor+map[bool]string{true: "/modified-bumped", false: "/modified-kept"}[bump], func(t *testing.T) {
				restoredIsNotDeleted(t, c, bump)
			})
		}
	}
}

func restoredIsNotDeleted(t *testing.T, c restoreCase, bump bool) {
	ctx := context.Background()
	def := c.def
	def.Safety.PropagateDeletes = true
	a, srv := syncedThrough(t, 43, 6, c.vendor, c.vendor, def)
	links := syncLinks(t, a, "s")
	hsID, id := links[0].AID, links[0].BID
	hsBefore, before := srv.HubSpot().Count("contacts"), c.count(srv)
	time.Sleep(1100 * time.Millisecond)
	if err := c.del(srv, id); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true, FullResync: c.fullResync}); err != nil || res.Plan.Counts.HeldDelete != 1 {
		t.Fatalf("run after the delete: %v %+v", err, res.Plan.Counts)
	}
	time.Sleep(1100 * time.Millisecond)
	if err := c.restore(srv, id, bump); err != nil {
		t.Fatal(err)
	}
	// A normal run (a full pass's ids were compared less than a day ago).
	if _, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("run after the restore: %v", err)
	}
	items, err := a.Reviews(ctx, "s", "delete", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if err := a.Decide(ctx, it.ID, engine.Decision{Action: "delete"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("run after the approval: %v", err)
	}
	if h, ok := srv.HubSpot().Get("contacts", hsID); !ok || h.Archived {
		t.Errorf("HubSpot contact %s was archived although its linked %s %s was restored and is live", hsID, c.object, id)
	}
	if _, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if h, n := srv.HubSpot().Count("contacts"), c.count(srv); h != hsBefore || n != before {
		t.Errorf("live HubSpot %d (was %d), %s %d (was %d): a record was created or deleted", h, hsBefore, c.vendor, n, before)
	}
	linked := false
	for _, l := range syncLinks(t, a, "s") {
		linked = linked || l.AID == hsID && l.BID == id
	}
	if !linked {
		t.Errorf("the link %s <-> %s is gone", hsID, id)
	}
}
