package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestEmailChangeNoSecondMember: a HubSpot contact whose email
// changes (to a new address in other case) is the same member, profile
// or contact in each marketing tool: no second one is made, and the
// linked one carries the new address.
func TestEmailChangeNoSecondMember(t *testing.T) {
	t.Parallel() // waits on the vendors' clocks and polls, not the CPU; shares nothing
	for _, tc := range []struct {
		vendor string
		def    func(name, a, b string) engine.Definition
	}{
		{"mailchimp", app.DemoMailchimpSync},
		{"klaviyo", app.DemoKlaviyoSync},
		{"brevo", app.DemoBrevoSync},
	} {
		t.Run(tc.vendor, func(t *testing.T) {
			t.Parallel() // each vendor has its own sandbox and app
			ctx := context.Background()
			a, srv := connectedSandbox(t, 531, 12)
			if _, err := a.ConnectSandbox(ctx, srv, tc.vendor, "mk"); err != nil {
				t.Fatal(err)
			}
			hs := srv.HubSpot()
			emails := func() map[string]int {
				out := map[string]int{}
				switch tc.vendor {
				case "mailchimp":
					mc := srv.Mailchimp()
					for _, m := range mc.Members(mc.DefaultListID()) {
						out[strings.ToLower(m.Email)]++
					}
				case "klaviyo":
					for _, p := range srv.Klaviyo().Profiles() {
						out[strings.ToLower(p.Email)]++
					}
				case "brevo":
					for _, c := range srv.Brevo().Contacts() {
						out[strings.ToLower(c.Email)]++
					}
				}
				return out
			}
			h, err := hs.Create("contacts", map[string]string{"email": "old.addr@acme-audit.io", "firstname": "Eve", "lastname": "Mover"})
			if err != nil {
				t.Fatal(err)
			}
			saveSyncs(t, a, tc.def("mk", "hs", "mk"))
			if res, err := a.Run(ctx, "mk", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
				t.Fatalf("first run: %v %+v", err, res.Summary)
			}
			bid := ""
			for _, l := range syncLinks(t, a, "mk") {
				if l.AID == h.ID {
					bid = l.BID
				}
			}
			if bid == "" || emails()["old.addr@acme-audit.io"] != 1 {
				t.Fatalf("the contact was not linked to one record: %q %v", bid, emails()["old.addr@acme-audit.io"])
			}
			time.Sleep(1100 * time.Millisecond)
			if _, err := hs.Update("contacts", h.ID, map[string]string{"email": "New.Addr@Acme-Audit.io"}); err != nil {
				t.Fatal(err)
			}
			res, err := a.Run(ctx, "mk", app.RunOptions{Confirm: true})
			t.Logf("run after the change: %v %+v", err, res.Summary)
			if err != nil || res.Summary.Failed != 0 {
				t.Fatalf("run after the email change: %v %+v", err, res.Summary)
			}
			got := emails()
			if got["new.addr@acme-audit.io"] != 1 || got["old.addr@acme-audit.io"] != 0 {
				t.Errorf("after the email change: %d records with the new address, %d with the old; want 1 and 0", got["new.addr@acme-audit.io"], got["old.addr@acme-audit.io"])
			}
			for _, l := range syncLinks(t, a, "mk") {
				if l.AID == h.ID && l.BID != bid {
					t.Errorf("the contact is now linked to %s, was %s", l.BID, bid)
				}
			}
			if again, err := a.Run(ctx, "mk", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
				t.Errorf("the run after: %v %+v", err, again.Summary)
			}
		})
	}
}
