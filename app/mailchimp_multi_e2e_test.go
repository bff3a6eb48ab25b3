package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// TestHubSpotMailchimpBuyingRoles runs the ready-made HubSpot ↔ Mailchimp
// sync over real HTTP and follows its multi-select row: HubSpot's Buying
// Role checkboxes ↔ the audience's "Buying role" interest category.
// Selections reach the other side both ways, option by option, and every
// linked pair ends with the same set; the next run writes nothing; an edit
// of a member's group in Mailchimp comes back to HubSpot, and one in
// HubSpot goes to Mailchimp. Through it all no member's other category
// (Topics) nor its tags change.
func TestHubSpotMailchimpBuyingRoles(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 53, 40)
	if _, err := a.ConnectSandbox(ctx, srv, "mailchimp", "mc"); err != nil {
		t.Fatalf("connect mailchimp: %v", err)
	}
	hs, mc := srv.HubSpot(), srv.Mailchimp()
	list := mc.DefaultListID()
	roleIDs := sandbox.MailchimpBuyingRoles() // interest id by name
	roleOf := map[string]string{}             // interest id → HubSpot value
	for hsValue, id := range app.DemoMailchimpBuyingRoles() {
		roleOf[id] = hsValue
	}
	// rolesOf is a member's buying roles as HubSpot values, sorted.
	rolesOf := func(m mailchimp.Member) string {
		var out []string
		for _, id := range m.Interests {
			if v, ok := roleOf[id]; ok {
				out = append(out, v)
			}
		}
		slices.Sort(out)
		return strings.Join(out, ";")
	}
	// others is what the sync must never touch: the member's interests
	// outside Buying role, and its tags.
	others := func(m mailchimp.Member) string {
		var keep []string
		for _, id := range m.Interests {
			if _, role := roleOf[id]; !role {
				keep = append(keep, id)
			}
		}
		return strings.Join(keep, ",") + " | " + strings.Join(slices.Sorted(slices.Values(m.Tags)), ",")
	}
	setOf := func(v string) string { return strings.Join(slices.Sorted(slices.Values(connector.SplitMulti(v))), ";") }
	before := map[string]string{}
	seededRoles, seededOthers := 0, 0
	for _, m := range mc.Members(list) {
		before[m.ContactID] = others(m)
		if rolesOf(m) != "" {
			seededRoles++
		}
		if others(m) != " | " {
			seededOthers++
		}
	}
	if seededRoles == 0 || seededOthers == 0 {
		t.Fatalf("the seed gave %d members buying roles and %d topics or tags; want some of each", seededRoles, seededOthers)
	}
	untouched := func(when string) {
		t.Helper()
		for _, m := range mc.Members(list) {
			if was, ok := before[m.ContactID]; ok && others(m) != was {
				t.Errorf("%s: member %s's other groups and tags went from %q to %q", when, m.Email, was, others(m))
			}
		}
	}

	saveSyncs(t, a, app.DemoMailchimpSync("audience", "hs", "mc"))
	first, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	links := syncLinks(t, a, "audience")
	toMailchimp, toHubSpot := 0, 0
	for _, l := range links {
		h, _ := hs.Get("contacts", l.AID)
		m, ok := mc.Member(list, l.BID)
		if !ok {
			t.Fatalf("linked member %s is gone", l.BID)
		}
		hsRoles := setOf(h.Properties["hs_buying_role"])
		if hsRoles != rolesOf(m) {
			t.Errorf("contact %s has buying roles %q, its member %s %q", l.AID, hsRoles, m.Email, rolesOf(m))
		}
		switch {
		case hsRoles == "":
		case l.CreatedBy == "b":
			toMailchimp++ // a HubSpot contact's roles on the member made for it
		case l.CreatedBy == "a":
			toHubSpot++ // a member's group on the contact made for it
		}
	}
	if toMailchimp == 0 || toHubSpot == 0 {
		t.Fatalf("buying roles reached %d new members and %d new contacts; want both ways", toMailchimp, toHubSpot)
	}
	untouched("after the first run")

	if again, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	// A marketer changes the buying roles of a member that has topics or
	// tags too, in Mailchimp.
	var l store.LinkRow
	for _, x := range links {
		if was, ok := before[x.BID]; ok && was != " | " {
			l = x
			break
		}
	}
	if l.BID == "" {
		t.Fatal("no linked member has topics or tags")
	}
	time.Sleep(1100 * time.Millisecond) // last_changed has one-second resolution
	set := map[string]bool{}
	for _, id := range roleIDs {
		set[id] = false
	}
	set[roleIDs["Champion"]], set[roleIDs["Influencer"]] = true, true
	if _, err := mc.UpdateMember(list, l.BID, map[string]any{"interests": set}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Summary.Created != 0 {
		t.Fatalf("run after the Mailchimp edit: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", l.AID); setOf(h.Properties["hs_buying_role"]) != "CHAMPION;INFLUENCER" {
		t.Errorf("HubSpot contact %s hs_buying_role %q after the Mailchimp edit, want CHAMPION and INFLUENCER", l.AID, h.Properties["hs_buying_role"])
	}

	// And a rep changes them in HubSpot.
	if _, err := hs.Update("contacts", l.AID, map[string]string{"hs_buying_role": "END_USER;DECISION_MAKER"}); err != nil {
		t.Fatal(err)
	}
	res, err = a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Summary.Created != 0 {
		t.Fatalf("run after the HubSpot edit: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if m, _ := mc.Member(list, l.BID); rolesOf(m) != "DECISION_MAKER;END_USER" {
		t.Errorf("member %s buying roles %q after the HubSpot edit, want DECISION_MAKER and END_USER", m.Email, rolesOf(m))
	}
	untouched("after the edits")
	if again, err := a.Run(ctx, "audience", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}
