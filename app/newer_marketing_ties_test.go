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

// marketingSecondVendors are the marketing tools whose modified time is
// whole seconds on the wire: Mailchimp's last_changed ("2015-09-15T17:30:00+00:00")
// and Klaviyo's updated (its own guide shows a real profile's
// "updated": "2023-07-17T15:23:14+00:00").
func marketingSecondVendors() []secondVendor {
	return []secondVendor{
		{vendor: "mailchimp", conn: "mc", row: "firstname>FNAME",
			def: func() engine.Definition { return app.DemoMailchimpSync("contacts", "hs", "mc") },
			edit: func(srv *sandbox.Server, id string) error {
				_, err := srv.Mailchimp().UpdateMember(srv.Mailchimp().DefaultListID(), id, map[string]any{"FNAME": "Ada"})
				return err
			},
			value: func(srv *sandbox.Server, id string) string {
				m, _ := srv.Mailchimp().Member(srv.Mailchimp().DefaultListID(), id)
				s, _ := m.MergeFields["FNAME"].(string)
				return s
			}},
		{vendor: "klaviyo", conn: "kv", row: "firstname>first_name",
			def: func() engine.Definition { return app.DemoKlaviyoSync("contacts", "hs", "kv") },
			edit: func(srv *sandbox.Server, id string) error {
				_, err := srv.Klaviyo().UpdateProfile(id, map[string]any{"first_name": "Ada"})
				return err
			},
			value: func(srv *sandbox.Server, id string) string {
				p, _ := srv.Klaviyo().Profile(id)
				return p.FirstName
			}},
	}
}

// TestNewerSameSecondMarketingTools: under the newer policy HubSpot
// (milliseconds) and Mailchimp or Klaviyo (whole seconds) change a
// contact's first name within one second. Neither may win: the other
// side's "10:00:00" may have been made at .900, after HubSpot's .500.
// Klaviyo was compared at milliseconds, so HubSpot's .500 beat Klaviyo's
// whole-second stamp and overwrote its edit. (Mailchimp: coverage, no
// defect; it had no app-level tie test.)
func TestNewerSameSecondMarketingTools(t *testing.T) {
	timings := []struct {
		name               string
		hubspotAt, otherAt time.Duration
	}{
		{"other-stamped-whole-second", 500 * time.Millisecond, 0},
		{"hubspot-ms-before", 500 * time.Millisecond, 900 * time.Millisecond},
	}
	for _, v := range marketingSecondVendors() {
		for _, tc := range timings {
			t.Run(v.vendor+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				a, srv, clock, l := sameSecondPair(t, v)
				editAt(t, srv, clock, v, l, tc.hubspotAt, tc.otherAt)
				res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
				if err != nil {
					t.Fatal(err)
				}
				assertTieHeld(t, a, srv, v, l, res)
			})
		}
	}
}

// TestNewerBrevoMillisecondsDecide: Brevo stamps modifiedAt to the
// millisecond (its reference: YYYY-MM-DDTHH:mm:ss.SSSZ), so a Brevo edit
// at .900 is later than HubSpot's at .500 of the same second and wins
// with no review. (Coverage, no defect: a Brevo resolution coarsened to
// seconds would hold this in Review.)
func TestNewerBrevoMillisecondsDecide(t *testing.T) {
	ctx := context.Background()
	v := secondVendor{vendor: "brevo", conn: "bv", row: "firstname>FIRSTNAME",
		def: func() engine.Definition { return app.DemoBrevoSync("contacts", "hs", "bv") },
		edit: func(srv *sandbox.Server, id string) error {
			n, _ := strconv.ParseInt(id, 10, 64)
			_, err := srv.Brevo().UpdateContact(n, map[string]any{"FIRSTNAME": "Ada"})
			return err
		},
		value: func(srv *sandbox.Server, id string) string {
			n, _ := strconv.ParseInt(id, 10, 64)
			c, _ := srv.Brevo().Contact(n)
			s, _ := c.Attributes["FIRSTNAME"].(string)
			return s
		}}
	a, srv, clock, l := sameSecondPair(t, v)
	editAt(t, srv, clock, v, l, 500*time.Millisecond, 900*time.Millisecond)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := srv.HubSpot().Get("contacts", l.AID)
	if h.Properties["firstname"] != "Ada" || v.value(srv, l.BID) != "Ada" {
		t.Fatalf("HubSpot %q, Brevo %q; want Brevo's later edit in both; conflicts %+v",
			h.Properties["firstname"], v.value(srv, l.BID), res.Plan.Conflicts)
	}
	if n := openAbout(t, a, "conflict", l.AID, v.row); n != 0 {
		t.Fatalf("%d open conflicts, want none", n)
	}
}
