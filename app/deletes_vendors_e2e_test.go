package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestApprovedDeleteAcrossVendors deletes a linked record in Zoho,
// Dynamics and Pipedrive (propagating deletes; the last two compare ids
// once a day, and on a full resync, which the test asks for). Each delete
// is seen while its HubSpot partner is read again in the same run (here by
// the full resync, as by an edit): it reaches review,
// deletes nothing by itself, and once approved archives exactly the linked
// HubSpot contact. Then a HubSpot contact is archived and, approved, its
// partner in that CRM is deleted.
func TestApprovedDeleteAcrossVendors(t *testing.T) {
	for _, tc := range []struct {
		vendor, conn string
		def          func() engine.Definition
		del          func(srv *sandbox.Server, id string) error
		live         func(srv *sandbox.Server, id string) bool
	}{
		{"zoho", "zc", func() engine.Definition { return app.DemoZohoSync("s", "hs", "zc") },
			func(srv *sandbox.Server, id string) error { return srv.Zoho().Delete("Contacts", id) },
			func(srv *sandbox.Server, id string) bool {
				r, ok := srv.Zoho().Get("Contacts", id)
				return ok && !r.Deleted
			}},
		{"dynamics", "dv", func() engine.Definition { return app.DemoDynamicsSync("s", "hs", "dv", "") },
			func(srv *sandbox.Server, id string) error { return srv.Dynamics().Delete("contacts", id) },
			func(srv *sandbox.Server, id string) bool { _, ok := srv.Dynamics().Get("contacts", id); return ok }},
		{"pipedrive", "pd", func() engine.Definition { return app.DemoPipedriveSync("s", "hs", "pd", "") },
			func(srv *sandbox.Server, id string) error {
				n, _ := strconv.ParseInt(id, 10, 64)
				return srv.Pipedrive().DeletePerson(n)
			},
			func(srv *sandbox.Server, id string) bool {
				n, _ := strconv.ParseInt(id, 10, 64)
				r, ok := srv.Pipedrive().GetPerson(n)
				return ok && !r.Deleted
			}},
	} {
		t.Run(tc.vendor, func(t *testing.T) {
			t.Parallel() // its own sandbox and app; mostly waiting, not computing
			ctx := context.Background()
			def := tc.def()
			def.Safety.PropagateDeletes = true
			a, srv := syncedThrough(t, 41, 12, tc.vendor, tc.conn, def)
			links := syncLinks(t, a, "s")
			hsLive := func(id string) bool { r, ok := srv.HubSpot().Get("contacts", id); return ok && !r.Archived }
			approve := func(what string, wantSide, wantID string) engine.RunSummary {
				t.Helper()
				opts := app.RunOptions{Confirm: true, FullResync: tc.vendor != "zoho"}
				res, err := a.Run(ctx, "s", opts)
				if err != nil || res.Plan.Counts.HeldDelete != 1 || res.Summary.Deleted != 0 {
					for _, sk := range res.Plan.Skips {
						t.Logf("skip %+v", sk)
					}
					t.Fatalf("%s: run after the delete: %v held %d deleted %d\n%s", what, err, res.Plan.Counts.HeldDelete, res.Summary.Deleted, res.Plan.Summary())
				}
				rs, err := a.Reviews(ctx, "s", "delete", "open")
				if err != nil || len(rs) != 1 || rs[0].Side != wantSide || rs[0].RecordID != wantID {
					t.Fatalf("%s: open delete reviews %+v %v; want side %s record %s", what, rs, err, wantSide, wantID)
				}
				if err := a.Decide(ctx, rs[0].ID, engine.Decision{Action: "delete"}); err != nil {
					t.Fatal(err)
				}
				res, err = a.Run(ctx, "s", app.RunOptions{Confirm: true})
				if err != nil {
					t.Fatal(err)
				}
				return *res.Summary
			}
			time.Sleep(1100 * time.Millisecond)
			if err := tc.del(srv, links[0].BID); err != nil {
				t.Fatal(err)
			}
			if s := approve("delete in "+tc.vendor, "b", links[0].BID); s.Deleted != 1 || s.Failed != 0 || hsLive(links[0].AID) || !hsLive(links[1].AID) {
				t.Fatalf("approved delete: %+v; HubSpot %s live %v, want archived", s, links[0].AID, hsLive(links[0].AID))
			}
			time.Sleep(1100 * time.Millisecond)
			if !srv.HubSpot().Archive("contacts", links[1].AID) {
				t.Fatal("archive")
			}
			if s := approve("archive in HubSpot", "a", links[1].AID); s.Deleted != 1 || s.Failed != 0 || tc.live(srv, links[1].BID) || !tc.live(srv, links[2].BID) {
				t.Fatalf("approved delete of the partner of an archived HubSpot contact: %+v; %s %s live %v", s, tc.vendor, links[1].BID, tc.live(srv, links[1].BID))
			}
		})
	}
}
