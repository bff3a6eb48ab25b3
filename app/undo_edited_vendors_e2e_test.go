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

// editedSinceVendor is a contacts sync between HubSpot and another vendor,
// with how a person there types a first name and how it reads back.
type editedSinceVendor struct {
	def      engine.Definition
	set      func(srv *sandbox.Server, id, v string) error
	get      func(srv *sandbox.Server, id string) string
	rep, ran string // what the person types; what the run writes (as read back)
}

// TestUndoLeavesAFieldEditedSinceEachVendor: a run copies a HubSpot
// first name to each other vendor's contact; a person there then types
// another. Undoing the run must leave what the person typed and list it.
func TestUndoLeavesAFieldEditedSinceEachVendor(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7331, 6)
	connectAll(t, a, srv)
	num := func(id string) int64 { n, _ := strconv.ParseInt(id, 10, 64); return n }
	vendors := []editedSinceVendor{
		{def: app.DemoPipedriveSync("pd", "hs", "pd", ""), rep: "Rep Typed", ran: "Runname",
			set: func(s *sandbox.Server, id, v string) error {
				_, err := s.Pipedrive().UpdatePerson(num(id), map[string]any{"name": v})
				return err
			},
			get: func(s *sandbox.Server, id string) string {
				p, _ := s.Pipedrive().GetPerson(num(id))
				return p.FirstName
			}},
		{def: app.DemoZohoSync("zc", "hs", "zc"), rep: "Rep", ran: "Runname",
			set: func(s *sandbox.Server, id, v string) error {
				_, err := s.Zoho().Update("Contacts", id, map[string]any{"First_Name": v})
				return err
			},
			get: func(s *sandbox.Server, id string) string {
				r, _ := s.Zoho().Get("Contacts", id)
				return r.Fields["First_Name"]
			}},
		{def: app.DemoDynamicsSync("dv", "hs", "dv", ""), rep: "Rep", ran: "Runname",
			set: func(s *sandbox.Server, id, v string) error {
				_, err := s.Dynamics().Update("contacts", id, map[string]any{"firstname": v})
				return err
			},
			get: func(s *sandbox.Server, id string) string {
				r, _ := s.Dynamics().Get("contacts", id)
				v, _ := r.Fields["firstname"].(string)
				return v
			}},
		{def: app.DemoMailchimpSync("mc", "hs", "mc"), rep: "Rep", ran: "Runname",
			set: func(s *sandbox.Server, id, v string) error {
				_, err := s.Mailchimp().UpdateMember(s.Mailchimp().DefaultListID(), id, map[string]any{"FNAME": v})
				return err
			},
			get: func(s *sandbox.Server, id string) string {
				m, _ := s.Mailchimp().Member(s.Mailchimp().DefaultListID(), id)
				v, _ := m.MergeFields["FNAME"].(string)
				return v
			}},
		{def: app.DemoKlaviyoSync("kv", "hs", "kv"), rep: "Rep", ran: "Runname",
			set: func(s *sandbox.Server, id, v string) error {
				_, err := s.Klaviyo().UpdateProfile(id, map[string]any{"first_name": v})
				return err
			},
			get: func(s *sandbox.Server, id string) string { p, _ := s.Klaviyo().Profile(id); return p.FirstName }},
		{def: app.DemoBrevoSync("bv", "hs", "bv"), rep: "Rep", ran: "Runname",
			set: func(s *sandbox.Server, id, v string) error {
				_, err := s.Brevo().UpdateContact(num(id), map[string]any{"FIRSTNAME": v})
				return err
			},
			get: func(s *sandbox.Server, id string) string {
				c, _ := s.Brevo().Contact(num(id))
				v, _ := c.Attributes["FIRSTNAME"].(string)
				return v
			}},
	}
	for _, v := range vendors {
		saveSyncs(t, a, v.def)
	}
	if _, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatal(err)
	}
	ids, runs := make([]string, len(vendors)), make([]int64, len(vendors))
	time.Sleep(1100 * time.Millisecond) // the vendors keep modified times to the second
	for i, v := range vendors {
		links := syncLinks(t, a, v.def.Name)
		if len(links) == 0 {
			t.Fatalf("%s: no linked records", v.def.Name)
		}
		ids[i] = links[0].BID
		if _, err := srv.HubSpot().Update("contacts", links[0].AID, map[string]string{"firstname": v.ran}); err != nil {
			t.Fatal(err)
		}
		runs[i] = runUpdating(ctx, t, a, v.def.Name, 1).Summary.RunID
		if got := v.get(srv, ids[i]); got != v.ran {
			t.Fatalf("%s: run %d left %s's first name %q; want %q", v.def.Name, runs[i], ids[i], got, v.ran)
		}
	}
	time.Sleep(1100 * time.Millisecond)
	for i, v := range vendors {
		if err := v.set(srv, ids[i], v.rep); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range vendors {
		typed := v.get(srv, ids[i])
		undoLogged(ctx, t, a, runs[i])
		if got := v.get(srv, ids[i]); got != typed {
			t.Errorf("%s: %s's first name after undoing run %d: %q; the person's %q, typed after the run, was overwritten",
				v.def.Name, ids[i], runs[i], got, typed)
		}
		if it := openItemOf(t, a, v.def.Name, ids[i]); it.ID == 0 {
			t.Errorf("%s: the undo of run %d left %s's first name without a word", v.def.Name, runs[i], ids[i])
		}
	}
}
