package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestEveryDemoSyncSettles runs every ready-made sync Try the sandbox
// offers, with all five sandbox CRMs connected, in the order the window
// saves them, pass after pass:
//   - every run succeeds and fails no record;
//   - HubSpot is the hub: what one CRM brings into it reaches the others on
//     the next pass, so the second pass writes too, and the third writes
//     nothing at all: no sync's own writes come back to it, nor a value a
//     CRM fills in itself on a record crmsync created (the syncs write
//     Salesforce's default status and priority and Dataverse's default
//     direction themselves, so those do not come back as changes);
//   - a meeting Pipedrive brings to HubSpot gets its end from its start and
//     length, so the CRMs that need an end take it;
//   - no two HubSpot contacts share an email, and no record of any sync's
//     side is linked twice;
//   - every sync that carries the owner (contacts, companies, deals, tasks,
//     calls and meetings) ends with one person owning both records of a
//     pair whose owners have a seat in both CRMs.
func TestEveryDemoSyncSettles(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	ctx := context.Background()
	a, srv := connectedSandbox(t, 43, 40)
	conns := connectAll(t, a, srv)
	defs := app.DemoSyncs(conns)
	saveSyncs(t, a, defs...)
	for pass := 1; ; pass++ {
		written := map[string]int{}
		for _, def := range defs {
			res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
			if err != nil || res.Summary.Status != "success" || res.Summary.Failed != 0 {
				var why []string
				if d, derr := a.RunDetail(ctx, res.Summary.RunID); derr == nil {
					for _, e := range d.Errors {
						why = append(why, e.RecordID+" "+e.Field+": "+e.Code+" "+e.Message)
					}
				}
				t.Fatalf("pass %d, %s: %v %+v\n%s\n%s", pass, def.Name, err, res.Summary, res.Plan.Summary(), strings.Join(why, "\n"))
			}
			if n := res.Summary.Created + res.Summary.Updated + res.Summary.Deleted; n > 0 {
				written[def.Name] = n
			}
		}
		t.Logf("pass %d wrote %v", pass, written)
		switch {
		case pass == 1 && len(written) < len(defs)/2:
			t.Fatalf("the first pass wrote through %d of %d syncs: %v", len(written), len(defs), written)
		case pass == 3 && len(written) > 0:
			t.Fatalf("the third pass still wrote: %v", written)
		}
		if len(written) == 0 {
			break
		}
	}
	// A meeting Pipedrive brought to HubSpot ends when its length says, so
	// Salesforce, Zoho and Dataverse, which need an end, take it too.
	fromPipedrive := 0
	for _, l := range syncLinks(t, a, "demo-hubspot-pipedrive-meetings") {
		if l.CreatedBy != "a" {
			continue
		}
		m, _ := srv.HubSpot().Get("meetings", l.AID)
		start, err1 := time.Parse(time.RFC3339, m.Properties["hs_meeting_start_time"])
		end, err2 := time.Parse(time.RFC3339, m.Properties["hs_meeting_end_time"])
		if err1 != nil || err2 != nil || !end.After(start) {
			t.Errorf("HubSpot meeting %s from Pipedrive activity %s: start %q, end %q", l.AID, l.BID, m.Properties["hs_meeting_start_time"], m.Properties["hs_meeting_end_time"])
		}
		fromPipedrive++
	}
	if fromPipedrive == 0 {
		t.Error("no HubSpot meeting was made from a Pipedrive activity")
	}
	seen := map[string]string{}
	for _, c := range srv.HubSpot().Records("contacts") {
		email := strings.ToLower(c.Properties["email"])
		if email == "" || c.Archived {
			continue
		}
		if other, dup := seen[email]; dup {
			t.Errorf("HubSpot contacts %s and %s share %s", other, c.ID, email)
		}
		seen[email] = c.ID
	}
	for _, def := range defs {
		as, bs := map[string]bool{}, map[string]bool{}
		for _, l := range syncLinks(t, a, def.Name) {
			if as[l.AID] || bs[l.BID] {
				t.Errorf("%s links %s or %s twice", def.Name, l.AID, l.BID)
			}
			as[l.AID], bs[l.BID] = true, true
		}
	}
	checkOwnersAgree(t, a, srv, conns, defs)
}

// TestDemoSyncsSaveOnAnEmptySandbox: a sandbox started with no contacts
// still holds what the ready-made syncs map (custom fields, the Mailchimp
// group), so each of them saves.
func TestDemoSyncsSaveOnAnEmptySandbox(t *testing.T) {
	a, srv := connectedSandbox(t, 3, 0)
	conns := connectAll(t, a, srv)
	saveSyncs(t, a, app.DemoSyncs(conns)...)
}

// connectAll connects the other sandbox CRMs and marketing tools beside
// connectedSandbox's HubSpot and Salesforce, under the names it returns.
func connectAll(t *testing.T, a *app.App, srv *sandbox.Server) app.DemoConnections {
	t.Helper()
	conns := app.DemoConnections{HubSpot: "hs", Salesforce: "sf", Pipedrive: "pd", Zoho: "zc", Dynamics: "dv", Mailchimp: "mc", Klaviyo: "kv", Brevo: "bv"}
	for vendor, name := range map[string]string{"pipedrive": conns.Pipedrive, "zoho": conns.Zoho, "dynamics": conns.Dynamics, "mailchimp": conns.Mailchimp, "klaviyo": conns.Klaviyo, "brevo": conns.Brevo} {
		if _, err := a.ConnectSandbox(context.Background(), srv, vendor, name); err != nil {
			t.Fatalf("connect %s: %v", vendor, err)
		}
	}
	return conns
}
