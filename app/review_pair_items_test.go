package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// reviewsAboutPair is the open review items whose record or candidate is
// one of the pair's records.
func reviewsAboutPair(t *testing.T, a *app.App, sync, aid, bid string) []app.ReviewView {
	t.Helper()
	seen := map[int64]bool{}
	var out []app.ReviewView
	for _, id := range []string{aid, bid} {
		for _, it := range openReviewsNaming(t, a, sync, id) {
			if !seen[it.ID] {
				seen[it.ID] = true
				out = append(out, it)
			}
		}
	}
	return out
}

// bergsSharingAnEmail saves the ready-made contacts sync with its email
// rule set to also agree on firstname, then makes Ann Berg in HubSpot and
// Bob Berg in Salesforce sharing one family email: a pair that rule holds.
func bergsSharingAnEmail(t *testing.T, seed int64) (*app.App, *sandbox.Server, hubspot.Record, salesforce.Record) {
	t.Helper()
	a, srv := connectedSandbox(t, seed, 0)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Match[0].Also = []string{"firstname"}
	saveSyncs(t, a, def)
	ann := mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"firstname": "Ann", "lastname": "Berg", "email": "home@berg.example"})
	bob := mustCreateSF(t, srv.Salesforce(), "Contact", map[string]string{"FirstName": "Bob", "LastName": "Berg", "Email": "home@berg.example"})
	return a, srv, ann, bob
}

// TestAlsoHoldIsOneItem: one pair held by a match rule's "also"
// list is one decision for a person: one open review item, and "1 to
// review" in the run's outcome, not one item from each side.
func TestAlsoHoldIsOneItem(t *testing.T) {
	ctx := context.Background()
	a, srv, ann, bob := bergsSharingAnEmail(t, 521)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
	items := reviewsAboutPair(t, a, "contacts", ann.ID, bob.ID)
	if len(items) != 1 {
		t.Fatalf("want one open review item for the pair Ann/Bob, got %d: %+v; %s", len(items), items, line)
	}
	if res.Summary == nil || res.Summary.Review != 1 {
		t.Fatalf("want the run to report 1 to review; %s", line)
	}
	// Skipping the one item settles both records: nothing comes back.
	if err := a.Decide(ctx, items[0].ID, engine.Decision{Action: "skip"}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		if i == 2 {
			// Bob edited in Salesforce: matched again, still settled.
			if _, err := srv.Salesforce().Update("Contact", bob.ID, map[string]string{"Title": "Chef"}); err != nil {
				t.Fatal(err)
			}
		}
		res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line = app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		if left := reviewsAboutPair(t, a, "contacts", ann.ID, bob.ID); len(left) != 0 {
			t.Fatalf("run %d after skip: the pair is back in review: %+v; %s", i, left, line)
		}
		if srv.HubSpot().Count("contacts") != 1 || srv.Salesforce().Count("Contact") != 1 {
			t.Fatalf("run %d after skip: a copy was created; %s", i, line)
		}
	}
}

// TestHigherRuleHoldIsOneItem: two branches of one name with two
// domains (TestSameNameDifferentDomainsNotLinked) are one pair to decide.
func TestHigherRuleHoldIsOneItem(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 522, 0)
	saveSyncs(t, a, app.DemoCompaniesSync("companies", "hs", "sf"))
	h := mustCreateHS(t, srv.HubSpot(), "companies", map[string]string{"name": "Fjord Bank", "domain": "fjordbank.no"})
	s := mustCreateSF(t, srv.Salesforce(), "Account", map[string]string{"Name": "Fjord Bank", "Website": "https://www.fjordbank.se"})
	res, err := a.Run(ctx, "companies", app.RunOptions{Confirm: true})
	line := app.SyncOutcome{Sync: "companies", Result: res, Err: err}.Line()
	if items := reviewsAboutPair(t, a, "companies", h.ID, s.ID); len(items) != 1 {
		t.Fatalf("want one open review item for the pair, got %d: %+v; %s", len(items), items, line)
	}
	if res.Summary == nil || res.Summary.Review != 1 {
		t.Fatalf("want the run to report 1 to review; %s", line)
	}
}

// TestPairCreateSettlesBoth: "create" on the one item of a pair
// held by an "also" field copies Ann to Salesforce once, and neither
// record is asked about again. Bob is not created in HubSpot: HubSpot
// keeps one contact per email, and that create would land on Ann.
func TestPairCreateSettlesBoth(t *testing.T) {
	ctx := context.Background()
	a, srv, ann, bob := bergsSharingAnEmail(t, 523)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	items := reviewsAboutPair(t, a, "contacts", ann.ID, bob.ID)
	if len(items) != 1 {
		t.Fatalf("want one item, got %+v; %s", items, app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line())
	}
	if err := a.Decide(ctx, items[0].ID, engine.Decision{Action: "create"}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		if left := reviewsAboutPair(t, a, "contacts", ann.ID, bob.ID); len(left) != 0 {
			t.Fatalf("run %d after create: still in review: %+v; %s", i, left, line)
		}
		names := map[string]int{}
		for _, r := range hs.Records("contacts") {
			if !r.Archived {
				names["hs "+r.Properties["firstname"]]++
			}
		}
		for _, r := range sf.Records("Contact") {
			if !r.Deleted {
				names["sf "+r.Fields["FirstName"]]++
			}
		}
		if names["hs Ann"] != 1 || names["hs Bob"] != 0 || names["sf Ann"] != 1 || names["sf Bob"] != 1 {
			t.Fatalf("run %d after create: want Ann in both CRMs once and Bob in Salesforce only: %v; %s", i, names, line)
		}
	}
}
