package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestConflictSettledInTheCRMClosesItself: a conflict waits in review
// (both CRMs changed a contact's first name); then a person settles it in
// Salesforce, typing HubSpot's value. The next run finds both sides agree:
// the item's cause is gone and it must leave the queue by itself, not wait
// there (and keep the sync flagged) for a decision nobody needs to make.
func TestConflictSettledInTheCRMClosesItself(t *testing.T) {
	ctx := context.Background()
	a, srv, l := firstNameConflict(t)
	if n := openAbout(t, a, "conflict", l.AID, "firstname>FirstName"); n != 1 {
		t.Fatalf("%d open conflicts about HubSpot %s's first name, want 1", n, l.AID)
	}
	// Settled by hand in Salesforce: both CRMs now say Augusta.
	time.Sleep(5 * time.Millisecond)
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"FirstName": "Augusta"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 0 {
		t.Fatalf("run after the hand edit: %v %+v", err, res.Summary)
	}
	if n := openAbout(t, a, "conflict", l.AID, "firstname>FirstName"); n != 0 {
		t.Fatalf("the first-name conflict both CRMs settled is still open in review (%d items)", n)
	}
}

// openAbout counts the open review items of kind about record id's field
// in the contacts sync.
func openAbout(t *testing.T, a *app.App, kind, id, field string) int {
	t.Helper()
	open, err := a.Reviews(context.Background(), "contacts", kind, "open")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range open {
		if it.RecordID == id && it.Field == field {
			n++
		}
	}
	return n
}

// TestDecisionOnChangedConflictIsNotAppliedBlindly: a person settles
// a first-name conflict shown as HubSpot "Augusta" / Salesforce "Ada" with
// "take A". Before the next run someone corrects the Salesforce contact to
// "Adeline". The decision was about "Ada", not "Adeline": the run must not
// overwrite the correction the person never saw. It says so, and the
// conflict is back in review with the values as they are now.
func TestDecisionOnChangedConflictIsNotAppliedBlindly(t *testing.T) {
	ctx := context.Background()
	a, srv, l := firstNameConflict(t)
	item := openItem(t, a, "conflict", l.AID, "firstname>FirstName")
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "take-a"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"FirstName": "Adeline"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := srv.Salesforce().Get("Contact", l.BID); r.Fields["FirstName"] != "Adeline" {
		t.Fatalf("Salesforce FirstName %q: a decision about \"Ada\" overwrote the later \"Adeline\"; plan:\n%s", r.Fields["FirstName"], res.Plan.Summary())
	}
	if !slices.ContainsFunc(res.Plan.Warnings, func(w string) bool { return strings.Contains(w, "Adeline") }) {
		t.Errorf("the plan does not say why the decision was not applied: %q", res.Plan.Warnings)
	}
	again := openItem(t, a, "conflict", l.AID, "firstname>FirstName")
	if !strings.Contains(again.Detail, "Adeline") || !strings.Contains(again.Detail, "Augusta") {
		t.Fatalf("the conflict back in review does not show the values as they are now: %s", again.Detail)
	}
}

// openItem is the one open review item of kind about record id's field
// in the contacts sync.
func openItem(t *testing.T, a *app.App, kind, id, field string) app.ReviewView {
	t.Helper()
	open, err := a.Reviews(context.Background(), "contacts", kind, "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range open {
		if it.RecordID == id && it.Field == field {
			return it
		}
	}
	t.Fatalf("no open %s item about %s %s in %+v", kind, id, field, open)
	return app.ReviewView{}
}

// firstNameConflict syncs the demo contacts with conflicts sent to review,
// then changes one linked contact's first name in both CRMs ("Augusta" in
// HubSpot, "Ada" in Salesforce) and runs again, which holds the conflict.
// linkedUnder is a HubSpot <-> Salesforce contacts sync under conflict
// policy, after its first run, with its first link.
func linkedUnder(t *testing.T, seed int64, policy string) (*app.App, *sandbox.Server, store.LinkRow) {
	t.Helper()
	a, srv := connectedSandbox(t, seed, 12)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Conflict = policy
	saveSyncs(t, a, def)
	if res, err := a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res)
	}
	return a, srv, syncLinks(t, a, "contacts")[0]
}

func firstNameConflict(t *testing.T) (*app.App, *sandbox.Server, store.LinkRow) {
	t.Helper()
	ctx := context.Background()
	a, srv, l := linkedUnder(t, 31, engine.ConflictReview)
	time.Sleep(5 * time.Millisecond) // past the read cursor's millisecond
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": "Augusta"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"FirstName": "Ada"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	return a, srv, l
}
