package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestRefusedValueEveryNewerVendor: a HubSpot contact whose email or
// phone the other CRM refuses fails alone, the run saying which record,
// which field and the vendor's words; the good contact is written. (Brevo
// is left out: a phone it would refuse fails the e164 transform first.)
func TestRefusedValueEveryNewerVendor(t *testing.T) {
	cases := []struct {
		vendor string
		def    func() engine.Definition
		props  map[string]string // the bad contact
		want   string            // the vendor's words
	}{
		{"klaviyo", func() engine.Definition { return app.DemoKlaviyoSync("s", "hs", "v") },
			map[string]string{"email": "ann@exa_mple.com"}, "Invalid email address"},
		{"mailchimp", func() engine.Definition { return app.DemoMailchimpSync("s", "hs", "v") },
			map[string]string{"email": "ann@example.com"}, "looks fake or invalid"},
		{"zoho", func() engine.Definition { return app.DemoZohoSync("s", "hs", "v") },
			map[string]string{"email": "ann@acmecorp.io", "lastname": strings.Repeat("Refused", 15)}, "invalid data"},
		{"dynamics", func() engine.Definition { return app.DemoDynamicsSync("s", "hs", "v", "") },
			map[string]string{"email": "ann@acmecorp.io", "lastname": strings.Repeat("Refused", 15)}, "exceeded the maximum"},
	}
	for _, tc := range cases {
		t.Run(tc.vendor, func(t *testing.T) {
			ctx := context.Background()
			srv := startSandbox(t, 19, 4)
			a := appThrough(t, srv, &http.Client{}, [2]string{"hubspot", "hs"}, [2]string{tc.vendor, "v"})
			saveSyncs(t, a, tc.def())
			props := map[string]string{"firstname": "Ann", "lastname": "Refused", "email": "ann@acmecorp.io"}
			for k, v := range tc.props {
				props[k] = v
			}
			bad, err := srv.HubSpot().Create("contacts", props)
			if err != nil {
				t.Fatal(err)
			}
			good, err := srv.HubSpot().Create("contacts", map[string]string{"firstname": "Bea", "lastname": "Fine", "email": "bea.fine@acmecorp.io", "phone": "+1 415 555 0100"})
			if err != nil {
				t.Fatal(err)
			}
			res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
			t.Logf("run: %v %+v", err, res.Summary)
			for _, g := range res.Failures {
				t.Logf("group: %s", g.Line())
			}
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			linkedB(t, a, "s", good.ID)
			if res.Summary.Failed != 1 {
				t.Errorf("failed %d; want the one refused contact", res.Summary.Failed)
			}
			line := fmt.Sprint(res.Failures)
			if len(res.Failures) > 0 {
				line = res.Failures[0].Line()
			}
			if !strings.Contains(line, bad.ID) || (tc.want != "" && !strings.Contains(line, tc.want)) {
				t.Errorf("failure %q does not name contact %s and %q", line, bad.ID, tc.want)
			}
		})
	}
}
