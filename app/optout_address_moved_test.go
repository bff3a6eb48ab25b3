package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// movedOptOut checks a run after an opted-out person's email changed
// on one side: its preview warns about record id, its audit records the
// opt-out written to id, and the two runs after write nothing.
func movedOptOut(t *testing.T, a *app.App, sync, id string) {
	t.Helper()
	ctx := context.Background()
	pre, err := a.Run(ctx, sync, app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	warned := false
	for _, w := range pre.Plan.Warnings {
		warned = warned || strings.Contains(w, id) && strings.Contains(w, "email")
	}
	if !warned {
		t.Errorf("the preview does not say why %s is opted out again: warnings %q\n%s", id, pre.Plan.Warnings, pre.Plan.Summary())
	}
	res, err := a.Run(ctx, sync, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Failed != 0 {
		t.Fatalf("run after the email change: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, r := range d.Audit {
		audited = audited || r.RecordID == id && r.Rule == "opt-out"
	}
	if !audited {
		t.Errorf("the run's audit holds no opt-out of %s: %+v", id, d.Audit)
	}
	for i := 0; i < 2; i++ {
		again, err := a.Run(ctx, sync, app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Failed != 0 || (i == 1 && again.Summary.Created+again.Summary.Updated != 0) {
			t.Fatalf("run %d after: %v %+v\n%s", i+1, err, again.Summary, again.Plan.Summary())
		}
	}
}

// TestHubSpotEmailChangeKeepsSalesforceOptOut: an opted-out
// contact's email changed inside HubSpot reads as not opted out there (the
// opt-out belongs to the old address); that is no opt-in, so the sync
// unsubscribes the new address and both sides stay opted out.
func TestHubSpotEmailChangeKeepsSalesforceOptOut(t *testing.T) {
	a, srv := connectedSandbox(t, 67, 80)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if first, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v", err, first.Summary)
	}
	var aid, bid string
	for _, l := range syncLinks(t, a, "contacts") {
		if h, _ := hs.Get("contacts", l.AID); h.Properties["hs_email_optout"] == "true" {
			aid, bid = l.AID, l.BID
			break
		}
	}
	if aid == "" {
		t.Fatal("no opted-out pair after the first run")
	}
	time.Sleep(1100 * time.Millisecond)
	const moved = "moved.hs.optout3@example.org"
	if h, err := hs.Update("contacts", aid, map[string]string{"email": moved}); err != nil || h.Properties["hs_email_optout"] == "true" {
		t.Fatalf("HubSpot email change: %v; hs_email_optout %q, want the new address not opted out", err, h.Properties["hs_email_optout"])
	}
	movedOptOut(t, a, "contacts", aid)
	h, _ := hs.Get("contacts", aid)
	c, _ := sf.Get("Contact", bid)
	if c.Fields["Email"] != moved {
		t.Errorf("Salesforce contact %s email %q, want %q", bid, c.Fields["Email"], moved)
	}
	if h.Properties["hs_email_optout"] != "true" || c.Fields["HasOptedOutOfEmail"] != "true" {
		t.Errorf("after HubSpot changed the email: HubSpot %s hs_email_optout %q, Salesforce %s HasOptedOutOfEmail %q; want both true",
			aid, h.Properties["hs_email_optout"], bid, c.Fields["HasOptedOutOfEmail"])
	}
}

// TestEmailChangedInKlaviyoKeepsUnsubscribe: Klaviyo keeps consent per
// address, so an unsubscribed profile whose email a marketer changes reads
// as never subscribed; the sync unsubscribes the new address in Klaviyo
// and HubSpot's contact, its email carried, stays unsubscribed.
func TestEmailChangedInKlaviyoKeepsUnsubscribe(t *testing.T) {
	a, srv, aid, bid := unsubscribedKlaviyoPair(t)
	hs, kv := srv.HubSpot(), srv.Klaviyo()
	const moved = "moved.kv.optout3@example.org"
	if p, err := kv.UpdateProfile(bid, map[string]any{"email": moved}); err != nil || p.EmailConsent == "UNSUBSCRIBED" {
		t.Fatalf("Klaviyo email change: %v; consent %q, want the new address not unsubscribed", err, p.EmailConsent)
	}
	movedOptOut(t, a, "profiles", bid)
	h, _ := hs.Get("contacts", aid)
	p, _ := kv.Profile(bid)
	if h.Properties["email"] != moved {
		t.Errorf("HubSpot contact %s email %q, want %q", aid, h.Properties["email"], moved)
	}
	if p.EmailConsent != "UNSUBSCRIBED" || h.Properties["hs_email_optout"] != "true" {
		t.Errorf("after Klaviyo changed the email: profile %s consent %q, HubSpot %s hs_email_optout %q; want UNSUBSCRIBED and true",
			bid, p.EmailConsent, aid, h.Properties["hs_email_optout"])
	}
}

// TestHubSpotEmailChangeKeepsKlaviyoUnsubscribe: the same change
// inside HubSpot, with Klaviyo on the other side.
func TestHubSpotEmailChangeKeepsKlaviyoUnsubscribe(t *testing.T) {
	a, srv, aid, bid := unsubscribedKlaviyoPair(t)
	hs, kv := srv.HubSpot(), srv.Klaviyo()
	const moved = "moved.hskv.optout3@example.org"
	if h, err := hs.Update("contacts", aid, map[string]string{"email": moved}); err != nil || h.Properties["hs_email_optout"] == "true" {
		t.Fatalf("HubSpot email change: %v; hs_email_optout %q", err, h.Properties["hs_email_optout"])
	}
	movedOptOut(t, a, "profiles", aid)
	h, _ := hs.Get("contacts", aid)
	p, _ := kv.Profile(bid)
	if p.Email != moved || p.EmailConsent != "UNSUBSCRIBED" || h.Properties["hs_email_optout"] != "true" {
		t.Errorf("after HubSpot changed the email: profile %s %q consent %q, HubSpot %s hs_email_optout %q; want %s, UNSUBSCRIBED and true",
			bid, p.Email, p.EmailConsent, aid, h.Properties["hs_email_optout"], moved)
	}
}
