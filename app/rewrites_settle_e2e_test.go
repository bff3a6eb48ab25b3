package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestRewrittenValuesSettle: HubSpot contacts holding values a
// vendor stores in its own form (phone in national format, spacing in
// names, an email in capitals) reach each ready-made sync's other side,
// and the two runs after write nothing to either side.
func TestRewrittenValuesSettle(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		vendor, conn string
		def          engine.Definition
	}{
		{"pipedrive", "pd", app.DemoPipedriveSync("s", "hs", "pd", "")},
		{"brevo", "bv", app.DemoBrevoSync("s", "hs", "bv")},
		{"klaviyo", "kl", app.DemoKlaviyoSync("s", "hs", "kl")},
		{"mailchimp", "mc", app.DemoMailchimpSync("s", "hs", "mc")},
		{"zoho", "zh", app.DemoZohoSync("s", "hs", "zh")},
		{"dynamics", "dv", app.DemoDynamicsSync("s", "hs", "dv", "")},
	}
	for _, c := range cases {
		t.Run(c.vendor, func(t *testing.T) {
			a, srv := connectedSandbox(t, 91, 3)
			if _, err := a.ConnectSandbox(ctx, srv, c.vendor, c.conn); err != nil {
				t.Fatal(err)
			}
			hs := srv.HubSpot()
			for i, p := range []map[string]string{
				{"email": "Mixed.Case@Gmail.COM", "firstname": "  Ann  Marie ", "lastname": "Lee ", "phone": "(415) 555-0100", "city": "Paris\r\n", "company": "Acme\tCo", "jobtitle": "CEO "},
				{"email": "second.audit@gmail.com", "firstname": "", "lastname": "Cher", "phone": "+44 (0)20 7946 0958", "company": "  ", "jobtitle": "Vice   President"},
				{"email": "third.audit@gmail.com", "firstname": "Élodie", "lastname": "d'Arc", "phone": "001 206 123 4567"},
			} {
				if _, err := hs.Create("contacts", p); err != nil {
					t.Fatalf("contact %d: %v", i, err)
				}
			}
			saveSyncs(t, a, c.def)
			first, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatal(err)
			}
			if first.Summary.Failed != 0 || !hasReview(first.Plan.Review, "phone") {
				t.Errorf("first run %+v: want the phone no region can read in review", first.Summary)
			}
			for i := 2; i <= 3; i++ {
				res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
				if err != nil {
					t.Fatal(err)
				}
				if s := res.Summary; s.Created+s.Updated+s.Failed != 0 {
					t.Errorf("run %d wrote: %+v\n%s", i, s, strings.TrimSpace(res.Plan.Summary()))
					for _, w := range res.Plan.Updates {
						t.Logf("  update %s %s: %+v", w.Side, w.ID, w.Changes)
					}
				}
			}
		})
	}
}

// TestDealAndCompanyRewritesSettle: deals whose amount and close
// date each vendor stores in its own form, and companies whose web
// address is a URL on one side and a bare domain on the other, settle
// after the first run: the two runs after write nothing.
func TestDealAndCompanyRewritesSettle(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		vendor, conn string
		orgs, deals  func(name, hs, other, companies string) engine.Definition
	}{
		{"salesforce", "sf", func(n, h, o, _ string) engine.Definition { return app.DemoCompaniesSync(n, h, o) }, app.DemoDealsSync},
		{"pipedrive", "pd", func(n, h, o, _ string) engine.Definition { return app.DemoPipedriveCompaniesSync(n, h, o) }, app.DemoPipedriveDealsSync},
		{"zoho", "zh", func(n, h, o, _ string) engine.Definition { return app.DemoZohoCompaniesSync(n, h, o) }, app.DemoZohoDealsSync},
		{"dynamics", "dv", func(n, h, o, _ string) engine.Definition { return app.DemoDynamicsCompaniesSync(n, h, o) }, app.DemoDynamicsDealsSync},
	}
	for _, c := range cases {
		t.Run(c.vendor, func(t *testing.T) {
			a, srv := connectedSandbox(t, 93, 3)
			if c.vendor != "salesforce" {
				if _, err := a.ConnectSandbox(ctx, srv, c.vendor, c.conn); err != nil {
					t.Fatal(err)
				}
			}
			hs := srv.HubSpot()
			for i, p := range []map[string]string{
				{"name": "Audit Widgets", "domain": "www.AuditWidgets.com", "city": " Lyon "},
				{"name": "Audit Gadgets", "domain": "auditgadgets.io"},
			} {
				if _, err := hs.Create("companies", p); err != nil {
					t.Fatalf("company %d: %v", i, err)
				}
			}
			for i, p := range []map[string]string{
				{"dealname": "Audit deal trailing zeros", "amount": "1200.50", "dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2025-03-31T23:30:00-05:00"},
				{"dealname": "Audit deal many places", "amount": "99.999", "dealstage": "qualifiedtobuy", "pipeline": "default", "closedate": "2025-06-30T00:00:00Z"},
			} {
				if _, err := hs.Create("deals", p); err != nil {
					t.Fatalf("deal %d: %v", i, err)
				}
			}
			// HubSpot refuses "1e3" through the API now (a number property
			// takes digits, a minus and a point): a deal holding it from
			// before that rule is seeded as data already there.
			now := time.Now().UTC()
			if _, err := hs.Seed("deals", []string{"dealname", "amount", "dealstage", "pipeline", "closedate"}, []hubspot.SeedRow{{
				Values:  []string{"Audit deal integer", "1e3", "contractsent", "default", "2025-01-01T10:00:00.000Z"},
				Created: now, Modified: now}}); err != nil {
				t.Fatalf("deal 2: %v", err)
			}
			saveSyncs(t, a, c.orgs("orgs", "hs", c.conn, ""), c.deals("deals", "hs", c.conn, "orgs"))
			for _, name := range []string{"orgs", "deals"} {
				first, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
				if err != nil {
					t.Fatal(err)
				}
				// 1e3 is a number in exponent form (TestNormalizeNumberExponent):
				// written as 1000, not held.
				if name == "deals" && hasReview(first.Plan.Review, "amount") {
					t.Errorf("deals first run %+v: the amount 1e3 went to review; want it written as 1000", first.Summary)
				}
			}
			for i := 2; i <= 3; i++ {
				for _, name := range []string{"orgs", "deals"} {
					res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
					if err != nil {
						t.Fatal(err)
					}
					if s := res.Summary; s.Created+s.Updated+s.Failed != 0 {
						t.Errorf("%s run %d wrote: %+v", name, i, s)
						for _, w := range res.Plan.Updates {
							t.Logf("  update %s %s: %+v", w.Side, w.ID, w.Changes)
						}
					}
				}
			}
		})
	}
}

// hasReview says whether items hold a refused value of a row reading field.
func hasReview(items []engine.ReviewItem, field string) bool {
	for _, it := range items {
		if it.Kind == "rejected" && strings.HasPrefix(it.Field, field) && it.RecordID != "" {
			return true
		}
	}
	return false
}
