package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestHubSpotMailchimpMembers syncs HubSpot contacts with the Mailchimp
// sandbox's audience over real HTTP, Mailchimp connected through its OAuth
// flow (the API base and account from the metadata endpoint): people in
// both by email are linked, the others created once on the other side; a
// member crmsync creates joins as transactional, never subscribed; the
// next run writes nothing; a name edited in Mailchimp reaches HubSpot, and
// a member's own status is never rewritten.
func TestHubSpotMailchimpMembers(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 47, 40)
	conn, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc")
	if err != nil {
		t.Fatalf("connect mailchimp: %v", err)
	}
	if !strings.HasSuffix(conn.APIBase, "/mailchimp") || !strings.HasPrefix(conn.AccountName, "Mailchimp account ") {
		t.Fatalf("connection: API base %q, account %q; want them from the metadata endpoint", conn.APIBase, conn.AccountName)
	}
	hs, mc := srv.HubSpot(), srv.Mailchimp()
	list := mc.DefaultListID()
	saveSyncs(t, a, app.DemoMailchimpSync("audience", "hs", "mc"))
	hsBefore, mcBefore := hs.Count("contacts"), mc.Count(list)
	first, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	c := first.Plan.Counts
	if c.Link == 0 || c.CreateA == 0 || c.CreateB == 0 {
		t.Fatalf("first run: %+v, want links and creates on both sides", c)
	}
	if hs.Count("contacts") != hsBefore+c.CreateA || mc.Count(list) != mcBefore+c.CreateB {
		t.Fatalf("contacts %d → %d, members %d → %d; the plan created %d and %d", hsBefore, hs.Count("contacts"), mcBefore, mc.Count(list), c.CreateA, c.CreateB)
	}
	links := syncLinks(t, a, "audience")
	var made, kept string
	for _, l := range links {
		h, _ := hs.Get("contacts", l.AID)
		m, ok := mc.Member(list, l.BID)
		if !ok || !strings.EqualFold(h.Properties["email"], m.Email) {
			t.Errorf("contact %s (%s) linked to member %s (%v)", l.AID, h.Properties["email"], l.BID, m.Email)
			continue
		}
		if l.CreatedBy == "b" {
			made = l.BID
			want := "transactional"
			if h.Properties["hs_email_optout"] == "true" {
				want = "unsubscribed" // the opt-out row's value wins over the first status
			}
			if m.Status != want {
				t.Errorf("member %s created by the sync has status %q, want %s", m.Email, m.Status, want)
			}
		}
		if l.CreatedBy == "" && m.Status == "subscribed" {
			kept = l.BID
		}
	}
	if made == "" || kept == "" {
		t.Fatalf("want a member the sync created and a linked subscribed one: %q %q", made, kept)
	}
	if again, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	time.Sleep(1100 * time.Millisecond) // last_changed has one-second resolution
	if _, err := mc.UpdateMember(list, kept, map[string]any{"FNAME": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Summary.Created != 0 {
		t.Fatalf("run after the edit: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	var aid string
	for _, l := range links {
		if l.BID == kept {
			aid = l.AID
		}
	}
	if h, _ := hs.Get("contacts", aid); h.Properties["firstname"] != "Renamed" {
		t.Errorf("HubSpot contact %s first name %q after the Mailchimp edit", aid, h.Properties["firstname"])
	}
	if m, _ := mc.Member(list, kept); m.Status != "subscribed" {
		t.Errorf("member %s status %q after the sync, want it left subscribed", m.Email, m.Status)
	}
	if again, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}

// TestObjectChoicesListAudiences: a Mailchimp connection offers each of
// the account's audiences by name, the oldest as "members", beside the
// fixed objects; a vendor with fixed objects only offers those.
func TestObjectChoicesListAudiences(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 48, 5)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatalf("connect mailchimp: %v", err)
	}
	mc := srv.Mailchimp()
	news := mc.CreateList("Newsletter")
	got, err := a.ObjectChoices(ctx, "mc")
	if err != nil {
		t.Fatalf("object choices: %v", err)
	}
	want := map[string]string{
		"members":         `Audience "crmsync demo audience" (members)`,
		"members:" + news: `Audience "Newsletter" (members:` + news + `)`,
	}
	if len(got) != len(want) {
		t.Fatalf("choices %+v, want %d: %v", got, len(want), want)
	}
	for _, c := range got {
		if want[c.Name] != c.Label {
			t.Errorf("choice %q labelled %q, want %q", c.Name, c.Label, want[c.Name])
		}
	}
	// The chosen audience's own object reads its own members.
	if _, err := a.Schema(ctx, "mc", "members:"+news); err != nil {
		t.Fatalf("schema of the listed audience: %v", err)
	}
	hs, err := a.ObjectChoices(ctx, "hs")
	if err != nil || len(hs) == 0 || hs[0].Name != "contacts" || hs[0].Label != "contacts" {
		t.Fatalf("hubspot choices %+v %v, want its fixed objects by name", hs, err)
	}
}
