package app_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// goneVendor is one CRM whose record a test deletes behind the sync's
// back: its ready-made contacts sync with HubSpot, the HubSpot field an
// edit changes, and the sandbox's delete, liveness and count.
type goneVendor struct {
	vendor, conn string
	def          func() engine.Definition
	edit         map[string]string
	del          func(srv *sandbox.Server, id string) error
	live         func(srv *sandbox.Server, id string) bool
	count        func(srv *sandbox.Server) int
}

func pipedriveID(id string) int64 { n, _ := strconv.ParseInt(id, 10, 64); return n }

// goneVendors are Zoho, Pipedrive and Dataverse as goneVendor.
func goneVendors() []goneVendor {
	return []goneVendor{
		{"zoho", "zc", func() engine.Definition { return app.DemoZohoSync("s", "hs", "zc") },
			map[string]string{"jobtitle": "Audit: edited before the delete"},
			func(srv *sandbox.Server, id string) error { return srv.Zoho().Delete("Contacts", id) },
			func(srv *sandbox.Server, id string) bool {
				r, ok := srv.Zoho().Get("Contacts", id)
				return ok && !r.Deleted
			},
			func(srv *sandbox.Server) int { return srv.Zoho().Count("Contacts") }},
		{"pipedrive", "pd", func() engine.Definition { return app.DemoPipedriveSync("s", "hs", "pd", "") },
			map[string]string{"firstname": "Audited"},
			func(srv *sandbox.Server, id string) error { return srv.Pipedrive().DeletePerson(pipedriveID(id)) },
			func(srv *sandbox.Server, id string) bool {
				p, ok := srv.Pipedrive().GetPerson(pipedriveID(id))
				return ok && !p.Deleted
			},
			func(srv *sandbox.Server) int { return srv.Pipedrive().CountPersons() }},
		{"dynamics", "dv", func() engine.Definition { return app.DemoDynamicsSync("s", "hs", "dv", "") },
			map[string]string{"jobtitle": "Audit: edited before the delete"},
			func(srv *sandbox.Server, id string) error { return srv.Dynamics().Delete("contacts", id) },
			func(srv *sandbox.Server, id string) bool { _, ok := srv.Dynamics().Get("contacts", id); return ok },
			func(srv *sandbox.Server) int { return srv.Dynamics().Count("contacts") }},
	}
}

// TestGoneWithPropagationWaitsInReview: with delete propagation on, a
// Zoho, Pipedrive or Dataverse contact deleted between the plan's read and
// its write is held in that run as one delete review; the HubSpot partner
// stays until a person approves; a full resync after it (which compares
// Pipedrive's and Dataverse's ids, and reads Zoho's deleted records) holds
// the same review, not a second, and creates nothing; approved, exactly
// the partner is archived and the deleted record is not created again.
func TestGoneWithPropagationWaitsInReview(t *testing.T) {
	for _, v := range goneVendors() {
		t.Run(v.vendor, func(t *testing.T) {
			ctx := context.Background()
			def := v.def()
			def.Safety.PropagateDeletes = true
			a, srv := syncedThrough(t, 41, 12, v.vendor, v.conn, def)
			hs := srv.HubSpot()
			l := syncLinks(t, a, "s")[0]
			hsLive := func() bool { r, ok := hs.Get("contacts", l.AID); return ok && !r.Archived }
			live, hsCount := v.count(srv), hs.Count("contacts")
			progress, deleted := deleteWhenPlanned(t, func() error { return v.del(srv, l.BID) })
			res := goneRunWith(t, a, "s", func() error { _, err := hs.Update("contacts", l.AID, v.edit); return err }, progress)
			if !*deleted {
				t.Fatal("not deleted between plan and write")
			}
			if s := res.Summary; s.Failed != 0 || s.Status != "success" || s.Deleted != 0 {
				t.Fatalf("run %+v: want the delete held, not failed\n%s", s, res.Plan.Summary())
			}
			if !slices.ContainsFunc(res.Plan.Warnings, func(w string) bool {
				return strings.Contains(w, l.BID+" was deleted") && strings.Contains(w, "until a person approves its delete in review")
			}) {
				t.Fatalf("warnings %q: want one naming %s and the review", res.Plan.Warnings, l.BID)
			}
			oneReview := func(when string) app.ReviewView {
				t.Helper()
				rs, err := a.Reviews(ctx, "s", "delete", "open")
				if err != nil || len(rs) != 1 || rs[0].Side != "b" || rs[0].RecordID != l.BID || rs[0].OtherID != l.AID {
					t.Fatalf("%s: open delete reviews %+v %v; want one for %s against %s", when, rs, err, l.BID, l.AID)
				}
				return rs[0]
			}
			oneReview("after the run")
			again, err := a.Run(ctx, "s", app.RunOptions{Confirm: true, FullResync: true})
			if err != nil || again.Summary.Failed+again.Summary.Created+again.Summary.Deleted != 0 {
				t.Fatalf("full resync after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
			}
			it := oneReview("after a full resync")
			if !hsLive() || v.live(srv, l.BID) || v.count(srv) != live-1 || hs.Count("contacts") != hsCount {
				t.Fatalf("before approval: HubSpot %s live %v (want true), %s %s live %v (want false), %s %d → %d, HubSpot %d → %d",
					l.AID, hsLive(), v.vendor, l.BID, v.live(srv, l.BID), v.vendor, live, v.count(srv), hsCount, hs.Count("contacts"))
			}
			if err := a.Decide(ctx, it.ID, engine.Decision{Action: "delete"}); err != nil {
				t.Fatal(err)
			}
			if res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil || res.Summary.Deleted != 1 || res.Summary.Failed != 0 {
				t.Fatalf("run after approval: %v %+v", err, res.Summary)
			}
			if hsLive() || hs.Count("contacts") != hsCount-1 || v.count(srv) != live-1 {
				t.Fatalf("after approval: HubSpot %s live %v, HubSpot %d → %d (want one archived), %s %d → %d (want nothing created)",
					l.AID, hsLive(), hsCount, hs.Count("contacts"), v.vendor, live, v.count(srv))
			}
		})
	}
}
