package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestEmailOptOutsBetweenHubSpotAndMailchimp runs the ready-made HubSpot ↔
// Mailchimp sync over real HTTP and follows its opt-out row. People
// unsubscribed on either side end unsubscribed on both: in HubSpot through
// its subscription preferences (unsubscribe-all), in Mailchimp as the
// member's status, or as a member that joins unsubscribed. Nobody else's
// status changes. Later unsubscribes travel both ways; a member who
// subscribes again in Mailchimp is left so; an undo never opts anyone back in.
func TestEmailOptOutsBetweenHubSpotAndMailchimp(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 61, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatalf("connect mailchimp: %v", err)
	}
	hs, mc := srv.HubSpot(), srv.Mailchimp()
	list := mc.DefaultListID()
	hsOut, mcStatus := map[string]bool{}, map[string]string{}
	for _, r := range hs.Records("contacts") {
		if r.Properties["hs_email_optout"] == "true" {
			hsOut[strings.ToLower(r.Properties["email"])] = true
		}
	}
	mcOut := 0
	for _, m := range mc.Members(list) {
		mcStatus[strings.ToLower(m.Email)] = m.Status
		if m.Status == "unsubscribed" {
			mcOut++
		}
	}
	if len(hsOut) == 0 || mcOut == 0 {
		t.Fatalf("the seed unsubscribed %d HubSpot contacts and %d members; want some of each", len(hsOut), mcOut)
	}

	saveSyncs(t, a, app.DemoMailchimpSync("audience", "hs", "mc"))
	first, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	links := syncLinks(t, a, "audience")
	toHubSpot, toMailchimp, joinedUnsubscribed := 0, 0, 0
	for _, l := range links {
		h, _ := hs.Get("contacts", l.AID)
		m, ok := mc.Member(list, l.BID)
		if !ok {
			t.Fatalf("linked member %s is gone", l.BID)
		}
		email := strings.ToLower(m.Email)
		was, existed := mcStatus[email]
		out := hsOut[email] || was == "unsubscribed"
		hsNow := h.Properties["hs_email_optout"] == "true"
		switch {
		case out && (!hsNow || m.Status != "unsubscribed"):
			t.Errorf("%s unsubscribed on one side before the run: HubSpot hs_email_optout %q, member status %q; want true and unsubscribed",
				email, h.Properties["hs_email_optout"], m.Status)
		case !out && hsNow:
			t.Errorf("%s was unsubscribed nowhere, yet HubSpot now has hs_email_optout true", email)
		case !out && existed && m.Status != was:
			t.Errorf("%s was unsubscribed nowhere, yet its member went from %q to %q", email, was, m.Status)
		case !out && !existed && m.Status != "transactional":
			t.Errorf("%s joined Mailchimp as %q; want transactional: sync never subscribes anyone", email, m.Status)
		}
		switch {
		case out && !hsOut[email]:
			toHubSpot++
		case out && existed && was != "unsubscribed":
			toMailchimp++
		case out && !existed:
			joinedUnsubscribed++
		}
	}
	if toHubSpot == 0 || toMailchimp+joinedUnsubscribed == 0 {
		t.Fatalf("unsubscribes reached %d HubSpot contacts and %d members (%d of them new); want both ways", toHubSpot, toMailchimp+joinedUnsubscribed, joinedUnsubscribed)
	}
	if first.Plan.Counts.OptOut != toHubSpot+toMailchimp+joinedUnsubscribed {
		t.Errorf("the plan counted %d opt-outs; the CRMs show %d carried", first.Plan.Counts.OptOut, toHubSpot+toMailchimp+joinedUnsubscribed)
	}
	if again, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// Two people subscribed on both sides: one unsubscribes in HubSpot,
	// the other in Mailchimp.
	var inHubSpot, inMailchimp store.LinkRow
	for _, l := range links {
		m, _ := mc.Member(list, l.BID)
		if h, _ := hs.Get("contacts", l.AID); h.Properties["hs_email_optout"] == "true" || m.Status == "unsubscribed" {
			continue
		}
		if inHubSpot.AID == "" {
			inHubSpot = l
		} else if inMailchimp.AID == "" {
			inMailchimp = l
		}
	}
	if inMailchimp.AID == "" {
		t.Fatal("fewer than two linked people are subscribed on both sides")
	}
	time.Sleep(1100 * time.Millisecond) // last_changed has one-second resolution
	mHS, _ := mc.Member(list, inHubSpot.BID)
	if !hs.UnsubscribeFromAll(mHS.Email) {
		t.Fatalf("no HubSpot contact has %s", mHS.Email)
	}
	if _, err := mc.UpdateMember(list, inMailchimp.BID, map[string]any{"status": "unsubscribed"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 2 || res.Summary.Failed != 0 {
		t.Fatalf("run after the unsubscribes: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if m, _ := mc.Member(list, inHubSpot.BID); m.Status != "unsubscribed" {
		t.Errorf("unsubscribed in HubSpot: member %s status %q, want unsubscribed", m.Email, m.Status)
	}
	if h, _ := hs.Get("contacts", inMailchimp.AID); h.Properties["hs_email_optout"] != "true" {
		t.Errorf("unsubscribed in Mailchimp: HubSpot contact %s hs_email_optout %q, want true", inMailchimp.AID, h.Properties["hs_email_optout"])
	}

	// The first subscribes again in Mailchimp: that stands, and HubSpot
	// keeps its own opt-out.
	time.Sleep(1100 * time.Millisecond)
	if _, err := mc.UpdateMember(list, inHubSpot.BID, map[string]any{"status": "subscribed"}); err != nil {
		t.Fatal(err)
	}
	if again, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("run after the resubscribe: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
	if m, _ := mc.Member(list, inHubSpot.BID); m.Status != "subscribed" {
		t.Errorf("resubscribed in Mailchimp: status %q, want subscribed kept", m.Status)
	}

	// Undoing the run that carried the Mailchimp unsubscribe leaves the
	// HubSpot contact unsubscribed, and says why.
	undo, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	if !strings.Contains(strings.Join(undo.Plan.Warnings, "\n"), "never opts anyone back in") {
		t.Errorf("the undo does not say the opt-outs stay: %q", undo.Plan.Warnings)
	}
	if h, _ := hs.Get("contacts", inMailchimp.AID); h.Properties["hs_email_optout"] != "true" {
		t.Errorf("after the undo HubSpot contact %s hs_email_optout %q, want true kept", inMailchimp.AID, h.Properties["hs_email_optout"])
	}
}

// TestEmailOptOutsBetweenHubSpotAndSalesforce: the demo contacts sync
// carries HubSpot's opt-out to Salesforce's Email Opt Out, and a Contact
// opted out in Salesforce unsubscribes its HubSpot contact from all email.
func TestEmailOptOutsBetweenHubSpotAndSalesforce(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 67, 80)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	first, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	carried, in := 0, store.LinkRow{}
	for _, l := range syncLinks(t, a, "contacts") {
		h, _ := hs.Get("contacts", l.AID)
		c, _ := sf.Get("Contact", l.BID)
		hsOut, sfOut := h.Properties["hs_email_optout"] == "true", c.Fields["HasOptedOutOfEmail"] == "true"
		if hsOut != sfOut {
			t.Errorf("pair %s/%s: HubSpot hs_email_optout %q, Salesforce HasOptedOutOfEmail %q; want both opted out or neither",
				l.AID, l.BID, h.Properties["hs_email_optout"], c.Fields["HasOptedOutOfEmail"])
		}
		if hsOut {
			carried++
		} else if in.AID == "" && l.CreatedBy == "" {
			in = l // on both sides before the run, opted out on neither
		}
	}
	if carried == 0 || in.AID == "" {
		t.Fatalf("%d opted-out pairs, and a pair opted out nowhere: %v; want both", carried, in.AID != "")
	}
	if again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
	if _, err := sf.Update("Contact", in.BID, map[string]string{"HasOptedOutOfEmail": "true"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Summary.Failed != 0 {
		t.Fatalf("run after the Salesforce opt-out: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", in.AID); h.Properties["hs_email_optout"] != "true" {
		t.Errorf("opted out in Salesforce: HubSpot contact %s hs_email_optout %q, want true", in.AID, h.Properties["hs_email_optout"])
	}
	if again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}

// TestEmailOptOutsBetweenHubSpotAndZohoAndDynamics: the demo people syncs
// with Zoho CRM and Dynamics 365 carry HubSpot's opt-out to Zoho's Email
// Opt Out and Dataverse's "Do not allow Bulk Emails" checkboxes, and one
// checked there unsubscribes the HubSpot contact.
func TestEmailOptOutsBetweenHubSpotAndZohoAndDynamics(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 71, 80)
	for _, v := range [][2]string{{"zoho", "zc"}, {"dynamics", "dv"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	hs, zc, dv := srv.HubSpot(), srv.Zoho(), srv.Dynamics()
	for _, tc := range []struct {
		def    string
		field  string
		out    func(id string) bool // is the other CRM's record opted out
		optOut func(id string) error
	}{
		{"zoho", "Email_Opt_Out",
			func(id string) bool { r, _ := zc.Get("Contacts", id); return r.Fields["Email_Opt_Out"] == "true" },
			func(id string) error {
				_, err := zc.Update("Contacts", id, map[string]any{"Email_Opt_Out": true})
				return err
			}},
		{"dynamics", "donotbulkemail",
			func(id string) bool { r, _ := dv.Get("contacts", id); return r.Fields["donotbulkemail"] == true },
			func(id string) error {
				_, err := dv.Update("contacts", id, map[string]any{"donotbulkemail": true})
				return err
			}},
	} {
		t.Run(tc.def, func(t *testing.T) {
			if tc.def == "zoho" {
				saveSyncs(t, a, app.DemoZohoSync(tc.def, "hs", "zc"))
			} else {
				saveSyncs(t, a, app.DemoDynamicsSync(tc.def, "hs", "dv", ""))
			}
			first, err := a.Run(ctx, tc.def, app.RunOptions{Confirm: true})
			if err != nil || first.Summary.Status != "success" || first.Summary.Failed != 0 {
				t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
			}
			carried, in := 0, store.LinkRow{}
			for _, l := range syncLinks(t, a, tc.def) {
				h, _ := hs.Get("contacts", l.AID)
				hsOut := h.Properties["hs_email_optout"] == "true"
				if hsOut != tc.out(l.BID) {
					t.Errorf("pair %s/%s: HubSpot hs_email_optout %q, %s opted out %v; want both or neither", l.AID, l.BID, h.Properties["hs_email_optout"], tc.field, tc.out(l.BID))
				}
				if hsOut {
					carried++
				} else if in.AID == "" {
					in = l
				}
			}
			if carried == 0 || in.AID == "" {
				t.Fatalf("%d opted-out pairs, and a pair opted out nowhere: %v; want both", carried, in.AID != "")
			}
			if again, err := a.Run(ctx, tc.def, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
				t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
			}
			time.Sleep(1100 * time.Millisecond) // modified times have one-second resolution
			if err := tc.optOut(in.BID); err != nil {
				t.Fatal(err)
			}
			res, err := a.Run(ctx, tc.def, app.RunOptions{Confirm: true})
			if err != nil || res.Summary.Updated != 1 || res.Summary.Failed != 0 {
				t.Fatalf("run after the %s opt-out: %v %+v\n%s", tc.field, err, res.Summary, res.Plan.Summary())
			}
			if h, _ := hs.Get("contacts", in.AID); h.Properties["hs_email_optout"] != "true" {
				t.Errorf("opted out in %s: HubSpot contact %s hs_email_optout %q, want true", tc.def, in.AID, h.Properties["hs_email_optout"])
			}
			if again, err := a.Run(ctx, tc.def, app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
				t.Fatalf("run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
			}
		})
	}
}
