package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// reviewedNewcomer sets up a contacts sync whose unmatched records go to
// review, runs it once, and adds a Salesforce Contact with no HubSpot
// contact of its email and two HubSpot contacts, all read by a second
// run: it returns the Contact's open unmatched item and the two HubSpot
// ids.
func reviewedNewcomer(t *testing.T, seed int64) (*app.App, *sandbox.Server, int64, string, [2]string) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, seed, 4)
	def := app.DemoSync("contacts", "hs", "sf")
	def.Unmatched = engine.UnmatchedReview
	saveSyncs(t, a, def)
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	hs, sf := srv.HubSpot(), srv.Salesforce()
	time.Sleep(5 * time.Millisecond)
	c, err := sf.Create("Contact", map[string]string{"Email": "nora.newcomer@example.com", "FirstName": "Nora", "LastName": "Newcomer"})
	if err != nil {
		t.Fatal(err)
	}
	var hids [2]string
	for i, e := range []string{"nora.work@example.com", "nora.home@example.com"} {
		h, err := hs.Create("contacts", map[string]string{"email": e, "firstname": "Nora", "lastname": "Newcomer"})
		if err != nil {
			t.Fatal(err)
		}
		hids[i] = h.ID
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	rs, err := a.Reviews(ctx, "contacts", "unmatched", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.RecordID == c.ID {
			return a, srv, r.ID, c.ID, hids
		}
	}
	t.Fatalf("no open unmatched item for Salesforce %s: %+v", c.ID, rs)
	return nil, nil, 0, "", hids
}

// linkedAOrNone is the HubSpot id the sync links to Salesforce bid, or "".
func linkedAOrNone(t *testing.T, a *app.App, sync, bid string) string {
	t.Helper()
	for _, l := range syncLinks(t, a, sync) {
		if l.BID == bid {
			return l.AID
		}
	}
	return ""
}

// TestLinkDecisionFollowsHubSpotMerge: the user links a Salesforce
// Contact waiting in review with a HubSpot contact, which an admin then
// merges with another one (HubSpot makes a new contact of both). The run
// links the Contact with the contact the merge made, creates nothing and
// leaves no item open about the records merged away.
func TestLinkDecisionFollowsHubSpotMerge(t *testing.T) {
	ctx := context.Background()
	a, srv, item, sfID, hids := reviewedNewcomer(t, 611)
	hs := srv.HubSpot()
	if err := a.Decide(ctx, item, engine.Decision{Action: "link", OtherID: hids[0]}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	merged, err := hs.Merge("contacts", hids[0], hids[1])
	if err != nil {
		t.Fatal(err)
	}
	assertLinkedToMerged(t, a, srv, sfID, merged, hids)
}

// TestDecideFollowsHubSpotMerge: as above, but a run read the merge
// before the user, on a review screen opened earlier, chose the contact
// merged away. The decision must be taken (the record lives on in the
// contact the merge made) and the run links the Contact with it.
func TestDecideFollowsHubSpotMerge(t *testing.T) {
	ctx := context.Background()
	a, srv, item, sfID, hids := reviewedNewcomer(t, 612)
	hs := srv.HubSpot()
	time.Sleep(5 * time.Millisecond)
	merged, err := hs.Merge("contacts", hids[0], hids[1])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if err := a.Decide(ctx, item, engine.Decision{Action: "link", OtherID: hids[0]}); err != nil {
		t.Fatalf("link with %s, merged into %s since: %v", hids[0], merged, err)
	}
	assertLinkedToMerged(t, a, srv, sfID, merged, hids)
}

// assertLinkedToMerged runs the sync twice and checks Salesforce sfID is
// linked with HubSpot merged, nothing was created in HubSpot and no item
// about sfID or the merged-away hids is open.
func assertLinkedToMerged(t *testing.T, a *app.App, srv *sandbox.Server, sfID, merged string, hids [2]string) {
	t.Helper()
	ctx := context.Background()
	before := srv.HubSpot().Count("contacts")
	for i := 1; i <= 2; i++ {
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		line := app.SyncOutcome{Sync: "contacts", Result: res, Err: err}.Line()
		if got := linkedAOrNone(t, a, "contacts", sfID); got != merged {
			t.Fatalf("run %d: Salesforce %s is linked with %q, want %s (the contact %s was merged into); %s", i, sfID, got, merged, hids[0], line)
		}
		if n := srv.HubSpot().Count("contacts"); n != before {
			t.Fatalf("run %d: HubSpot holds %d contacts, had %d; %s", i, n, before, line)
		}
	}
	open, _ := a.Reviews(ctx, "contacts", "", "open")
	for _, r := range open {
		if r.RecordID == sfID || r.RecordID == hids[0] || r.RecordID == hids[1] || r.RecordID == merged {
			t.Errorf("review item %d (%s) on %s still open: %s", r.ID, r.Kind, r.RecordID, r.Detail)
		}
	}
}

// TestUndoFollowsHubSpotMerge: a run copies a Salesforce edit to a
// HubSpot contact, which an admin then merges with another contact; the
// next run moves the link to the contact the merge made. Undoing the first
// run must write the old value back to that contact (it holds what the
// run wrote), not report the record gone and undo nothing.
func TestUndoFollowsHubSpotMerge(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 613, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	keep, other := links[0], links[1]
	was, _ := hs.Get("contacts", keep.AID)
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Contact", keep.BID, map[string]string{"FirstName": "Renamed"}); err != nil {
		t.Fatal(err)
	}
	edit, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || edit.Summary.Updated != 1 {
		t.Fatalf("run copying the edit: %v %+v", err, edit.Summary)
	}
	time.Sleep(5 * time.Millisecond)
	merged, err := hs.Merge("contacts", keep.AID, other.AID)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || linkedB(t, a, "contacts", merged) != keep.BID {
		t.Fatalf("run after the merge: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	u, err := a.Undo(ctx, edit.Summary.RunID, app.RunOptions{Confirm: true})
	line := app.SyncOutcome{Sync: "contacts", Result: u, Err: err}.Line()
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	if c, _ := hs.Get("contacts", merged); c.Properties["firstname"] != was.Properties["firstname"] {
		t.Errorf("HubSpot %s (%s merged into it) after the undo: firstname %q, want %q back; %s %v",
			merged, keep.AID, c.Properties["firstname"], was.Properties["firstname"], line, u.Plan.Warnings)
	}
	if strings.Contains(strings.Join(u.Plan.Warnings, "\n"), "is gone") {
		t.Errorf("the undo says the merged record is gone: %v", u.Plan.Warnings)
	}
}
