package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestHubSpotKlaviyoProfiles runs the ready-made HubSpot ↔ Klaviyo sync
// over real HTTP, Klaviyo connected through its OAuth flow with PKCE:
//   - people in both by email are linked, the others created once on the
//     other side, with names, phone, company, title and city;
//   - a profile crmsync creates is never subscribed, and joins
//     unsubscribed when its HubSpot contact is;
//   - profiles unsubscribed in Klaviyo unsubscribe their HubSpot contacts;
//   - the next run writes nothing;
//   - a Klaviyo edit reaches HubSpot, and a later unsubscribe too, while a
//     person who subscribes again in Klaviyo is left so.
func TestHubSpotKlaviyoProfiles(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 71, 200)
	conn, err := a.ConnectSandbox(ctx, srv, "klaviyo", "kv")
	if err != nil {
		t.Fatalf("connect klaviyo: %v", err)
	}
	if !strings.HasSuffix(conn.APIBase, "/klaviyo") || conn.AccountName == "" {
		t.Fatalf("connection: API base %q, account %q", conn.APIBase, conn.AccountName)
	}
	hs, kv := srv.HubSpot(), srv.Klaviyo()
	hsOut, kvConsent := map[string]bool{}, map[string]string{}
	for _, r := range hs.Records("contacts") {
		if r.Properties["hs_email_optout"] == "true" {
			hsOut[strings.ToLower(r.Properties["email"])] = true
		}
	}
	kvOut := 0
	for _, p := range kv.Profiles() {
		kvConsent[strings.ToLower(p.Email)] = p.EmailConsent
		if p.EmailConsent == "UNSUBSCRIBED" {
			kvOut++
		}
	}
	if len(hsOut) == 0 || kvOut == 0 || len(kvConsent) == 0 {
		t.Fatalf("the seed: %d profiles, %d unsubscribed, %d HubSpot contacts unsubscribed; want some of each", len(kvConsent), kvOut, len(hsOut))
	}

	saveSyncs(t, a, app.DemoKlaviyoSync("profiles", "hs", "kv"))
	hsBefore, kvBefore := hs.Count("contacts"), kv.Count()
	first, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	c := first.Plan.Counts
	if c.Link == 0 || c.CreateA == 0 || c.CreateB == 0 {
		t.Fatalf("first run: %+v, want links and creates on both sides", c)
	}
	if hs.Count("contacts") != hsBefore+c.CreateA || kv.Count() != kvBefore+c.CreateB {
		t.Fatalf("contacts %d → %d, profiles %d → %d; the plan created %d and %d", hsBefore, hs.Count("contacts"), kvBefore, kv.Count(), c.CreateA, c.CreateB)
	}
	var made, kept, keptOut string
	joinedOut, optedOutInHubSpot := 0, 0
	for _, l := range syncLinks(t, a, "profiles") {
		h, _ := hs.Get("contacts", l.AID)
		p, ok := kv.Profile(l.BID)
		email := strings.ToLower(p.Email)
		if !ok || email != strings.ToLower(h.Properties["email"]) {
			t.Errorf("contact %s (%s) linked to profile %s (%s)", l.AID, h.Properties["email"], l.BID, p.Email)
			continue
		}
		was, existed := kvConsent[email]
		out := hsOut[email] || was == "UNSUBSCRIBED"
		switch {
		case out && p.EmailConsent != "UNSUBSCRIBED":
			t.Errorf("%s is unsubscribed on one side, but Klaviyo's consent is %q", email, p.EmailConsent)
		case out && h.Properties["hs_email_optout"] != "true":
			t.Errorf("%s is unsubscribed on one side, but HubSpot's opt-out is %q", email, h.Properties["hs_email_optout"])
		case !out && existed && p.EmailConsent != was:
			t.Errorf("%s: Klaviyo consent %q became %q; sync must never change it but to unsubscribe", email, was, p.EmailConsent)
		case !out && !existed && p.EmailConsent != "NEVER_SUBSCRIBED":
			t.Errorf("profile %s created by the sync has consent %q, want NEVER_SUBSCRIBED", email, p.EmailConsent)
		}
		if l.CreatedBy == "b" {
			if p.FirstName != h.Properties["firstname"] || p.Organization != h.Properties["company"] {
				t.Errorf("profile %s made from contact %s: %q %q, want %q %q", l.BID, l.AID, p.FirstName, p.Organization, h.Properties["firstname"], h.Properties["company"])
			}
			made = l.BID
			if hsOut[email] {
				joinedOut++
			}
		}
		if l.CreatedBy == "" && was == "UNSUBSCRIBED" && !hsOut[email] {
			optedOutInHubSpot++
		}
		if l.CreatedBy == "" && was == "SUBSCRIBED" && !hsOut[email] && kept == "" {
			kept = l.BID
		}
		if l.CreatedBy == "" && hsOut[email] && keptOut == "" {
			keptOut = l.BID
		}
	}
	if made == "" || kept == "" || keptOut == "" || joinedOut == 0 || optedOutInHubSpot == 0 {
		t.Fatalf("want a profile the sync made (%q), one joining unsubscribed (%d), a linked subscribed one (%q), one opted out in HubSpot (%q), a Klaviyo unsubscribe carried to HubSpot (%d)",
			made, joinedOut, kept, keptOut, optedOutInHubSpot)
	}
	if again, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}

	time.Sleep(1100 * time.Millisecond) // a cursor of whole seconds must still see the edit
	if _, err := kv.UpdateProfile(kept, map[string]any{"first_name": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Summary.Created != 0 {
		t.Fatalf("run after the edit: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	aid := linkedA(t, a, "profiles", kept)
	if h, _ := hs.Get("contacts", aid); h.Properties["firstname"] != "Renamed" {
		t.Fatalf("HubSpot contact %s firstname %q, want Renamed", aid, h.Properties["firstname"])
	}

	// The person unsubscribes in Klaviyo; another, unsubscribed in HubSpot,
	// subscribes again in Klaviyo through a signup form.
	keptP, _ := kv.Profile(kept)
	outP, _ := kv.Profile(keptOut)
	time.Sleep(1100 * time.Millisecond)
	if err := kv.Unsubscribe(keptP.Email); err != nil {
		t.Fatal(err)
	}
	if err := kv.Resubscribe(outP.Email); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true}); err != nil || res.Summary.Failed != 0 || res.Plan.Counts.OptOut != 1 {
		t.Fatalf("run after the unsubscribe: %v %+v, %d opt-outs carried, want 1\n%s", err, res.Summary, res.Plan.Counts.OptOut, res.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", aid); h.Properties["hs_email_optout"] != "true" {
		t.Errorf("HubSpot contact %s opt-out %q after the Klaviyo unsubscribe, want true", aid, h.Properties["hs_email_optout"])
	}
	if p, _ := kv.Profile(keptOut); p.EmailConsent != "SUBSCRIBED" {
		t.Errorf("profile %s resubscribed in Klaviyo now has consent %q; sync must leave it subscribed", keptOut, p.EmailConsent)
	}
	if h, _ := hs.Get("contacts", linkedA(t, a, "profiles", keptOut)); h.Properties["hs_email_optout"] != "true" {
		t.Errorf("HubSpot's own opt-out of %s was written over: %q", outP.Email, h.Properties["hs_email_optout"])
	}
}

// TestKlaviyoPrivateKey connects Klaviyo with a private API key, as
// `crmsync connect klaviyo --token` does: the key goes as
// "Authorization: Klaviyo-API-Key …", and the preview plans the sync. Once
// the key is revoked in Klaviyo, a run fails with Klaviyo's own message
// and a word on what to do, and writes nothing.
func TestKlaviyoPrivateKey(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 73, 40)
	kv := srv.Klaviyo()
	key := kv.MintAPIKey()
	if _, err := a.Connect(ctx, app.ConnectRequest{Vendor: "klaviyo", Name: "kv-key", Token: key, APIBase: srv.URL() + "/klaviyo"}); err != nil {
		t.Fatalf("connect with a private key: %v", err)
	}
	saveSyncs(t, a, app.DemoKlaviyoSync("profiles", "hs", "kv-key"))
	preview, err := a.Run(ctx, "profiles", app.RunOptions{DryRun: true})
	if err != nil || preview.Plan.Counts.Link == 0 || preview.Plan.Counts.CreateA == 0 {
		t.Fatalf("preview with the key: %v %+v", err, preview.Plan.Counts)
	}
	kv.RevokeAPIKey(key)
	before := kv.Count()
	res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err == nil {
		t.Fatalf("run with a revoked key succeeded: %+v", res.Summary)
	}
	if msg := err.Error(); !strings.Contains(msg, "authentication_failed") || !strings.Contains(msg, "reconnect") || strings.Contains(msg, key) {
		t.Fatalf("run with a revoked key: %q; want Klaviyo's code, what to do, and never the key", msg)
	}
	if kv.Count() != before {
		t.Fatalf("profiles %d → %d after a failed run", before, kv.Count())
	}
}
