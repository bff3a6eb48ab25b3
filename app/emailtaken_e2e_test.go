package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/brevo"
	"github.com/crmsync/crmsync/sync/sandbox/klaviyo"
	"github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// TestEmailTakenByNewMarketingRecord: Ann is synced to the
// marketing tool. Then, between runs, Xavier joins it (a signup form)
// and Ann's HubSpot contact takes Xavier's address (typed over by a
// rep). The next run sees a new member, profile or contact whose email a
// linked contact now holds, and an update of Ann's record to an address
// the tool already holds for someone else. It must not overwrite Ann's
// HubSpot values with Xavier's, must not link anything twice, must not
// fail as a whole, and must show the clash (review or a failed record).
func TestEmailTakenByNewMarketingRecord(t *testing.T) {
	xavier := map[string]string{"email": "xavier@taken-audit.io", "first": "Xavier", "last": "Other"}
	for _, tc := range []struct {
		vendor string
		def    func(name, a, b string) engine.Definition
		seed   func(*sandbox.Server) error
	}{
		{"mailchimp", app.DemoMailchimpSync, func(srv *sandbox.Server) error {
			_, err := srv.Mailchimp().SeedMembers(srv.Mailchimp().DefaultListID(), []mailchimp.MemberSeed{{Email: xavier["email"],
				MergeFields: map[string]any{"FNAME": xavier["first"], "LNAME": xavier["last"]}}})
			return err
		}},
		{"klaviyo", app.DemoKlaviyoSync, func(srv *sandbox.Server) error {
			_, err := srv.Klaviyo().SeedProfiles([]klaviyo.ProfileSeed{{Email: xavier["email"], FirstName: xavier["first"], LastName: xavier["last"]}})
			return err
		}},
		{"brevo", app.DemoBrevoSync, func(srv *sandbox.Server) error {
			_, err := srv.Brevo().SeedContacts([]brevo.ContactSeed{{Email: xavier["email"],
				Attributes: map[string]any{"FIRSTNAME": xavier["first"], "LASTNAME": xavier["last"]}}})
			return err
		}},
	} {
		t.Run(tc.vendor, func(t *testing.T) {
			ctx := context.Background()
			a, srv := connectedSandbox(t, 1321, 0)
			if _, err := a.ConnectSandbox(ctx, srv, tc.vendor, "mk"); err != nil {
				t.Fatalf("connect %s: %v", tc.vendor, err)
			}
			saveSyncs(t, a, tc.def("mk", "hs", "mk"))
			hs := srv.HubSpot()
			ann, err := hs.Create("contacts", map[string]string{"email": "ann@taken-audit.io", "firstname": "Ann", "lastname": "Original"})
			if err != nil {
				t.Fatal(err)
			}
			if res, err := a.Run(ctx, "mk", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 1 {
				t.Fatalf("first run: %v %+v", err, res.Summary)
			}
			time.Sleep(1100 * time.Millisecond)
			if err := tc.seed(srv); err != nil {
				t.Fatal(err)
			}
			if _, err := hs.Update("contacts", ann.ID, map[string]string{"email": xavier["email"]}); err != nil {
				t.Fatal(err)
			}
			res, err := a.Run(ctx, "mk", app.RunOptions{Confirm: true})
			if err != nil {
				t.Fatalf("the run failed as a whole: %v", err)
			}
			t.Logf("second run: %+v", res.Summary)
			h, _ := hs.Get("contacts", ann.ID)
			if h.Properties["firstname"] != "Ann" || h.Properties["lastname"] != "Original" {
				t.Errorf("Ann's HubSpot contact took another person's values: %v", h.Properties)
			}
			byA, byB := map[string]int{}, map[string]int{}
			for _, l := range syncLinks(t, a, "mk") {
				byA[l.AID]++
				byB[l.BID]++
			}
			for id, n := range byA {
				if n > 1 {
					t.Errorf("HubSpot contact %s has %d links", id, n)
				}
			}
			for id, n := range byB {
				if n > 1 {
					t.Errorf("%s record %s has %d links", tc.vendor, id, n)
				}
			}
			n := 0
			for _, r := range hs.Records("contacts") {
				if strings.EqualFold(r.Properties["email"], xavier["email"]) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d HubSpot contacts have Xavier's address", n)
			}
			if res.Summary.Failed+res.Summary.Review+res.Summary.Conflicts == 0 {
				t.Errorf("the clash is nowhere: %+v", res.Summary)
			}
		})
	}
}
