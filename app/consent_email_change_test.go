package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// TestKlaviyoEmailChangeKeepsUnsubscribe: Klaviyo keeps consent per
// email address, so a sync that changes an unsubscribed profile's email
// must unsubscribe the new address, or the person is opted back in.
func TestKlaviyoEmailChangeKeepsUnsubscribe(t *testing.T) {
	ctx := context.Background()
	a, srv, aid, bid := unsubscribedKlaviyoPair(t)
	hs, kv := srv.HubSpot(), srv.Klaviyo()
	const moved = "moved.consent2.audit@example.org"
	if _, err := hs.Update("contacts", aid, map[string]string{"email": moved}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Failed != 0 {
		t.Fatalf("run after the email change: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	p, _ := kv.Profile(bid)
	if p.Email != moved {
		t.Fatalf("profile %s email %q, want %q", bid, p.Email, moved)
	}
	if p.EmailConsent != "UNSUBSCRIBED" {
		t.Errorf("profile %s consent %q after the sync changed its email; want UNSUBSCRIBED", bid, p.EmailConsent)
	}
}

// TestBrevoEmailChangeKeepsBlocklist: Brevo lifts a contact's
// blocklisting when its email is updated, and does not say whether an
// emailBlacklisted in the same request wins; a sync that changes a
// blocklisted contact's email must leave it blocklisted either way.
func TestBrevoEmailChangeKeepsBlocklist(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	ctx := context.Background()
	a, srv := syncedThrough(t, 73, 60, "brevo", "bv", app.DemoBrevoSync("contacts", "hs", "bv"))
	hs, bv := srv.HubSpot(), srv.Brevo()
	var aid string
	var bid int64
	for _, l := range syncLinks(t, a, "contacts") {
		id, _ := strconv.ParseInt(l.BID, 10, 64)
		if c, _ := bv.Contact(id); c.EmailBlacklisted {
			aid, bid = l.AID, id
			break
		}
	}
	if bid == 0 {
		t.Fatal("no blocklisted contact linked after the first run")
	}
	time.Sleep(1100 * time.Millisecond)
	const moved = "moved.blocklist.audit@example.org"
	if _, err := hs.Update("contacts", aid, map[string]string{"email": moved}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Failed != 0 {
		t.Fatalf("run after the email change: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	c, _ := bv.Contact(bid)
	if c.Email != moved {
		t.Fatalf("contact %d email %q, want %q", bid, c.Email, moved)
	}
	if !c.EmailBlacklisted {
		t.Errorf("contact %d is no longer blocklisted after the sync changed its email", bid)
	}
}

// TestMailchimpEmailChangeKeepsUnsubscribe: a member's status belongs
// to the member, not its address; a sync that changes an unsubscribed
// member's email (PATCH by contact_id) leaves it unsubscribed, and a
// cleaned one cleaned.
func TestMailchimpEmailChangeKeepsUnsubscribe(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 505, 12)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatal(err)
	}
	hs, mc := srv.HubSpot(), srv.Mailchimp()
	list := mc.DefaultListID()
	seeds := []mailchimp.MemberSeed{
		{Email: "audit.unsub2@acme-audit.io", Status: "subscribed"},
		{Email: "audit.clean2@acme-audit.io", Status: "cleaned"},
	}
	if _, err := mc.SeedMembers(list, seeds); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range seeds {
		h, err := hs.Create("contacts", map[string]string{"email": s.Email, "firstname": "Ed", "lastname": "Moved"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h.ID)
	}
	if err := mc.ContactUnsubscribe(list, seeds[0].Email); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, app.DemoMailchimpSync("audience", "hs", "mc"))
	if res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	time.Sleep(1100 * time.Millisecond)
	moved := []string{"moved.unsub2@acme-audit.io", "moved.clean2@acme-audit.io"}
	for i, id := range ids {
		if _, err := hs.Update("contacts", id, map[string]string{"email": moved[i]}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	t.Logf("run after the email changes: %v %+v", err, res.Summary)
	for i, want := range []string{"unsubscribed", "cleaned"} {
		m, ok := mc.Member(list, moved[i])
		if !ok {
			m, _ = mc.Member(list, seeds[i].Email)
		}
		if m.Status != want {
			t.Errorf("member %s (%s) is %q after the sync changed its email; want %q", m.ContactID, m.Email, m.Status, want)
		}
	}
}

// unsubscribedKlaviyoPair runs the ready-made HubSpot ↔ Klaviyo profiles
// sync once and returns a linked pair whose profile is UNSUBSCRIBED, a
// second later, so an edit made next is newer than the run.
func unsubscribedKlaviyoPair(t *testing.T) (*app.App, *sandbox.Server, string, string) {
	t.Helper()
	a, srv := syncedThrough(t, 71, 60, "klaviyo", "kv", app.DemoKlaviyoSync("profiles", "hs", "kv"))
	for _, l := range syncLinks(t, a, "profiles") {
		if p, _ := srv.Klaviyo().Profile(l.BID); p.EmailConsent == "UNSUBSCRIBED" {
			time.Sleep(1100 * time.Millisecond)
			return a, srv, l.AID, l.BID
		}
	}
	t.Fatal("no unsubscribed profile linked after the first run")
	return nil, nil, "", ""
}
