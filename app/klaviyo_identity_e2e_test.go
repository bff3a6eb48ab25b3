package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// klaviyoLinksByProfile counts the HubSpot contacts the sync links to each
// Klaviyo profile.
func klaviyoLinksByProfile(t *testing.T, a *app.App, sync string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, l := range syncLinks(t, a, sync) {
		out[l.BID] = append(out[l.BID], l.AID)
	}
	return out
}

// connectedKlaviyo is an app connected to HubSpot and Klaviyo sandboxes
// holding no records, with the ready-made Klaviyo sync saved.
func connectedKlaviyo(t *testing.T, seed int64) (*app.App, *sandbox.Server) {
	t.Helper()
	a, srv := connectedSandbox(t, seed, 0)
	if _, err := a.ConnectSandbox(context.Background(), srv, "klaviyo", "kv"); err != nil {
		t.Fatalf("connect klaviyo: %v", err)
	}
	saveSyncs(t, a, app.DemoKlaviyoSync("profiles", "hs", "kv"))
	return a, srv
}

// runErrorsMention reports whether one of the run's errors names every
// one of words.
func runErrorsMention(t *testing.T, a *app.App, runID int64, words ...string) bool {
	t.Helper()
	d, err := a.RunDetail(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d.Errors {
		text := e.RecordID + " " + e.Field + " " + e.Message
		all := true
		for _, w := range words {
			all = all && strings.Contains(text, w)
		}
		if all {
			t.Logf("run error: %s %s %s: %s", e.RecordID, e.Field, e.Code, e.Message)
			return true
		}
	}
	t.Logf("run errors: %+v", d.Errors)
	return false
}

// TestKlaviyoSharedPhoneInOneRun: two new HubSpot contacts share a
// phone number (a couple, a company switchboard) but not their email.
// Klaviyo keeps one profile per phone number, so the bulk import cannot
// give both a profile. The run must not fail its commit: one is created,
// the other fails alone naming the shared phone, no profile is linked
// twice, and the first profile keeps its own email.
func TestKlaviyoSharedPhoneInOneRun(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedKlaviyo(t, 1301)
	hs, kv := srv.HubSpot(), srv.Klaviyo()
	ann, err := hs.Create("contacts", map[string]string{"email": "ann@couple-audit.io", "firstname": "Ann", "lastname": "Shared", "phone": "+14155550142"})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := hs.Create("contacts", map[string]string{"email": "bob@couple-audit.io", "firstname": "Bob", "lastname": "Shared", "phone": "+14155550142"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("the run failed as a whole: %v", err)
	}
	t.Logf("run: %+v", res.Summary)
	if res.Summary.Created != 1 || res.Summary.Failed != 1 {
		t.Errorf("created %d, failed %d; want 1 and 1", res.Summary.Created, res.Summary.Failed)
	}
	for id, contacts := range klaviyoLinksByProfile(t, a, "profiles") {
		if len(contacts) > 1 {
			t.Errorf("profile %s is linked to %d contacts: %v", id, len(contacts), contacts)
		}
	}
	for _, p := range kv.Profiles() {
		if p.PhoneNumber == "+14155550142" && p.Email != "ann@couple-audit.io" && p.Email != "bob@couple-audit.io" {
			t.Errorf("profile %s holds the phone with email %q", p.ID, p.Email)
		}
	}
	if _, ok := kv.ProfileByEmail("ann@couple-audit.io"); !ok {
		if _, ok := kv.ProfileByEmail("bob@couple-audit.io"); !ok {
			t.Errorf("neither contact got a profile")
		}
	}
	if !runErrorsMention(t, a, res.Summary.RunID, "+14155550142") {
		t.Errorf("no run error names the shared phone (contacts %s, %s)", ann.ID, bob.ID)
	}
	// The next run must not fail either, nor create anything twice.
	time.Sleep(1100 * time.Millisecond)
	again, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("the next run failed as a whole: %v", err)
	}
	if again.Summary.Created != 0 {
		t.Errorf("next run created %d", again.Summary.Created)
	}
	if kv.Count() != 1 {
		t.Errorf("Klaviyo holds %d profiles, want 1", kv.Count())
	}
}

// TestKlaviyoPhoneOfLinkedProfile: a contact is synced to Klaviyo;
// later a new HubSpot contact with another email but the same phone is
// created. The bulk import would land on the linked profile (found by
// phone). The run must not fail its commit, must not link that profile
// twice, and must leave the linked profile's email as it was.
func TestKlaviyoPhoneOfLinkedProfile(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedKlaviyo(t, 1302)
	hs, kv := srv.HubSpot(), srv.Klaviyo()
	if _, err := hs.Create("contacts", map[string]string{"email": "ann@line-audit.io", "firstname": "Ann", "lastname": "Line", "phone": "+14155550143"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 1 {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	time.Sleep(1100 * time.Millisecond)
	bob, err := hs.Create("contacts", map[string]string{"email": "bob@line-audit.io", "firstname": "Bob", "lastname": "Line", "phone": "+14155550143"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("the run failed as a whole: %v", err)
	}
	t.Logf("second run: %+v", res.Summary)
	if res.Summary.Failed != 1 {
		t.Errorf("failed %d, want 1 (Bob)", res.Summary.Failed)
	}
	for id, contacts := range klaviyoLinksByProfile(t, a, "profiles") {
		if len(contacts) > 1 {
			t.Errorf("profile %s is linked to %d contacts: %v", id, len(contacts), contacts)
		}
	}
	if p, ok := kv.ProfileByEmail("ann@line-audit.io"); !ok || p.FirstName != "Ann" {
		t.Errorf("Ann's profile: %+v %v; want it untouched", p, ok)
	}
	if !runErrorsMention(t, a, res.Summary.RunID, "+14155550143") {
		t.Errorf("no run error names the shared phone for %s", bob.ID)
	}
}

// TestKlaviyoPhoneUpdateTaken: two synced contacts; Bob's phone is
// changed in HubSpot to Ann's. Klaviyo refuses the update of Bob's
// profile (one profile per phone number). Only Bob fails, with an error
// that names the field and the number, and Ann's profile is untouched.
func TestKlaviyoPhoneUpdateTaken(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedKlaviyo(t, 1303)
	hs, kv := srv.HubSpot(), srv.Klaviyo()
	if _, err := hs.Create("contacts", map[string]string{"email": "ann@upd-audit.io", "firstname": "Ann", "lastname": "Upd", "phone": "+14155550144"}); err != nil {
		t.Fatal(err)
	}
	bob, err := hs.Create("contacts", map[string]string{"email": "bob@upd-audit.io", "firstname": "Bob", "lastname": "Upd"})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 2 {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := hs.Update("contacts", bob.ID, map[string]string{"phone": "+14155550144", "jobtitle": "CFO"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "profiles", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatalf("the run failed as a whole: %v", err)
	}
	if res.Summary.Failed != 1 {
		t.Errorf("failed %d, want 1 (Bob): %+v", res.Summary.Failed, res.Summary)
	}
	if p, _ := kv.ProfileByEmail("ann@upd-audit.io"); p.PhoneNumber != "+14155550144" || p.FirstName != "Ann" {
		t.Errorf("Ann's profile: %+v", p)
	}
	if !runErrorsMention(t, a, res.Summary.RunID, "phone_number") {
		t.Errorf("no run error names the phone field")
	}
}
