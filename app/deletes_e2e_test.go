package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestDeletesReachReviewFromBothVendors deletes a linked contact in each
// CRM of a sync that propagates deletes. Each delete must reach the review
// queue (HubSpot's through its archived list, Salesforce's through queryAll),
// delete nothing on its own, and, once approved, delete the linked contact
// in the other CRM and nothing else.
func TestDeletesReachReviewFromBothVendors(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 11, true)

	// Two linked pairs, as the store holds them.
	var pairs [][3]string // email, HubSpot id, Salesforce id
	for _, l := range links[:2] {
		r, ok := srv.HubSpot().Get("contacts", l.AID)
		if !ok || r.Properties["email"] == "" {
			t.Fatalf("linked HubSpot contact %s: %+v", l.AID, r)
		}
		pairs = append(pairs, [3]string{r.Properties["email"], l.AID, l.BID})
	}
	hsLive, sfLive := srv.HubSpot().Count("contacts"), srv.Salesforce().Count("Contact")

	for i, tc := range []struct {
		deleteIn, reviewSide string
		del                  func() bool
		stillLive            func() bool // the linked contact in the other CRM
	}{
		{"HubSpot", "a", func() bool { return srv.HubSpot().Archive("contacts", pairs[0][1]) },
			func() bool { r, ok := srv.Salesforce().Get("Contact", pairs[0][2]); return ok && !r.Deleted }},
		{"Salesforce", "b", func() bool { return srv.Salesforce().Delete("Contact", pairs[1][2]) },
			func() bool { r, ok := srv.HubSpot().Get("contacts", pairs[1][1]); return ok && !r.Archived }},
	} {
		subject := pairs[i][1]
		if tc.reviewSide == "b" {
			subject = pairs[i][2]
		}
		if !tc.del() {
			t.Fatalf("%s: could not delete %s", tc.deleteIn, subject)
		}
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("%s: run after delete: %v", tc.deleteIn, err)
		}
		if res.Plan.Counts.HeldDelete != 1 || res.Summary.Deleted != 0 || !tc.stillLive() {
			t.Fatalf("%s: run after delete held %d deletes and deleted %d; want 1 held, 0 done\n%s",
				tc.deleteIn, res.Plan.Counts.HeldDelete, res.Summary.Deleted, res.Plan.Summary())
		}
		rs, err := a.Reviews(ctx, "contacts", "delete", "open")
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Side != tc.reviewSide || rs[0].RecordID != subject {
			t.Fatalf("%s: open delete reviews %+v; want one for side %s record %s", tc.deleteIn, rs, tc.reviewSide, subject)
		}
		if err := a.Decide(ctx, rs[0].ID, engine.Decision{Action: "delete"}); err != nil {
			t.Fatal(err)
		}
		res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("%s: run after approval: %v", tc.deleteIn, err)
		}
		if res.Summary.Deleted != 1 || tc.stillLive() {
			t.Fatalf("%s: approved delete not carried out: %+v", tc.deleteIn, res.Summary)
		}
	}
	if got := srv.HubSpot().Count("contacts"); got != hsLive-2 {
		t.Fatalf("HubSpot holds %d live contacts, want %d: one archived by hand, one by the approved delete", got, hsLive-2)
	}
	if got := srv.Salesforce().Count("Contact"); got != sfLive-2 {
		t.Fatalf("Salesforce holds %d live contacts, want %d", got, sfLive-2)
	}
	// Nothing deleted is planned again.
	res, err := a.Run(ctx, "contacts", app.RunOptions{})
	if err != nil || res.Plan.Counts.HeldDelete != 0 || res.Summary.Deleted != 0 {
		t.Fatalf("run after the deletes: %v, held %d, deleted %d", err, res.Plan.Counts.HeldDelete, res.Summary.Deleted)
	}
}

// TestMergeNamesTheSurvivor merges one linked Salesforce
// Contact into another, as a person does in Salesforce. The merged-away
// Contact comes back from queryAll deleted, with MasterRecordId. With
// deletes propagated it is held for review, and the review names the
// survivor and the HubSpot contact linked to it, so nobody approves the
// delete of a HubSpot contact that should be merged instead. Without
// propagation it is skipped with the same facts. Nothing is deleted. The
// same holds for two HubSpot contacts merged, seen through the survivor's
// hs_merged_object_ids.
func TestMergeNamesTheSurvivor(t *testing.T) {
	for _, tc := range []struct {
		vendor    string
		propagate bool
	}{{"salesforce", true}, {"salesforce", false}, {"hubspot", true}} {
		propagate := tc.propagate
		ctx := context.Background()
		a, srv, links := syncedContacts(t, 23, propagate)
		survivor, merged := links[0], links[1]
		side, other := "B", "A"
		mergedID, mergedOther, survivorID, survivorOther := merged.BID, merged.AID, survivor.BID, survivor.AID
		if tc.vendor == "hubspot" {
			side, other = "A", "B"
			mergedID, mergedOther, survivorID, survivorOther = merged.AID, merged.BID, survivor.AID, survivor.BID
			time.Sleep(5 * time.Millisecond) // past the read cursor's millisecond
			// HubSpot makes a new record of the two: the survivor's link
			// moves to it (TestMergeCarriesTheLink), and the reason names it.
			id, err := srv.HubSpot().Merge("contacts", survivorID, mergedID)
			if err != nil {
				t.Fatal(err)
			}
			survivorID = id
		} else if err := srv.Salesforce().Merge("Contact", survivorID, mergedID); err != nil {
			t.Fatal(err)
		}
		hsLive, sfLive := srv.HubSpot().Count("contacts"), srv.Salesforce().Count("Contact")
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil || res.Plan.Counts.HeldDelete != 1 || res.Summary.Deleted != 0 || (tc.vendor == "hubspot") != (res.Plan.Counts.Relinked == 1) {
			t.Fatalf("%s merge, propagate %v: run after the merge: %v %+v\n%s", tc.vendor, propagate, err, res.Summary, res.Plan.Summary())
		}
		want := "merged into " + survivorID + " on side " + side + ", which is linked to " + survivorOther + " on side " + other + ": if " + mergedOther +
			" is the same person, merge it into " + survivorOther + " in that CRM instead of deleting it"
		var reason string
		if propagate {
			rs, err := a.Reviews(ctx, "contacts", "delete", "open")
			if err != nil || len(rs) != 1 || rs[0].RecordID != mergedID {
				t.Fatalf("open delete reviews: %+v %v", rs, err)
			}
			if !strings.Contains(rs[0].Detail, survivorOther) {
				t.Fatalf("the stored review item does not name %s: %s", survivorOther, rs[0].Detail)
			}
			for _, it := range res.Plan.Review {
				if it.RecordID == mergedID {
					reason = it.Reason
				}
			}
		} else {
			for _, s := range res.Plan.Skips {
				if s.ID == mergedID {
					reason = s.Reason
				}
			}
		}
		if !strings.Contains(reason, want) {
			t.Fatalf("%s merge, propagate %v: the merged contact's reason %q does not say %q", tc.vendor, propagate, reason, want)
		}
		if srv.HubSpot().Count("contacts") != hsLive || srv.Salesforce().Count("Contact") != sfLive {
			t.Fatalf("%s merge, propagate %v: a contact was deleted", tc.vendor, propagate)
		}
	}
}

// TestMergeCarriesTheLink: a linked record merged into one that is not
// linked passes its link on, so the other CRM's record keeps its partner
// and nothing is created twice or held as a delete.
//   - HubSpot makes a new record of every merge. With both merged contacts
//     linked, the link whose Salesforce record shares the new contact's
//     email moves to it; the other is held, naming it. A later edit of the
//     new contact reaches the Salesforce record.
//   - Salesforce keeps the master's id. A linked Contact merged into a
//     Contact never synced moves its link to that master: the master is
//     not created in HubSpot, and its email, the merge's result, reaches
//     the linked HubSpot contact.
func TestMergeCarriesTheLink(t *testing.T) {
	ctx := context.Background()
	t.Run("hubspot", func(t *testing.T) {
		a, srv, links := syncedContacts(t, 29, false)
		hs, sf := srv.HubSpot(), srv.Salesforce()
		keep, gone := links[0], links[1]
		time.Sleep(5 * time.Millisecond) // past the read cursor's millisecond
		merged, err := hs.Merge("contacts", keep.AID, gone.AID)
		if err != nil {
			t.Fatal(err)
		}
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || res.Plan.Counts.Relinked != 1 || res.Plan.Counts.HeldDelete != 1 || res.Summary.Created != 0 {
			t.Fatalf("run after the merge: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
		}
		partner := map[string]string{}
		for _, l := range syncLinks(t, a, "contacts") {
			partner[l.AID] = l.BID
			if l.AID == merged && !strings.Contains(l.Base, `"email>Email"`) {
				t.Fatalf("the moved link's base %s lost the old link's", l.Base)
			}
		}
		if partner[merged] != keep.BID || partner[keep.AID] != "" || partner[gone.AID] != gone.BID {
			t.Fatalf("links after the merge: %s -> %q, %s -> %q, %s -> %q; want %s -> %s, %s unlinked, %s still -> %s",
				merged, partner[merged], keep.AID, partner[keep.AID], gone.AID, partner[gone.AID], merged, keep.BID, keep.AID, gone.AID, gone.BID)
		}
		if again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
			t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
		}
		time.Sleep(5 * time.Millisecond)
		if _, err := hs.Update("contacts", merged, map[string]string{"firstname": "Merged"}); err != nil {
			t.Fatal(err)
		}
		if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Updated != 1 {
			t.Fatalf("run after editing the merged contact: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
		}
		if c, _ := sf.Get("Contact", keep.BID); c.Fields["FirstName"] != "Merged" {
			t.Fatalf("Contact %s after the merged contact was edited: %v", keep.BID, c.Fields)
		}
	})
	t.Run("salesforce", func(t *testing.T) {
		a, srv, links := syncedContacts(t, 31, true)
		hs, sf := srv.HubSpot(), srv.Salesforce()
		linked := links[0]
		master, err := sf.Create("Contact", map[string]string{"LastName": "Master", "Email": "master.record@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if err := sf.Merge("Contact", master.ID, linked.BID); err != nil {
			t.Fatal(err)
		}
		hsBefore := hs.Count("contacts")
		res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" || res.Plan.Counts.Relinked != 1 || res.Plan.Counts.HeldDelete != 0 || len(res.Plan.Review) != 0 {
			t.Fatalf("run after the merge: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
		}
		if hs.Count("contacts") != hsBefore {
			t.Fatalf("HubSpot holds %d contacts, had %d: the master was created as a duplicate", hs.Count("contacts"), hsBefore)
		}
		for _, l := range syncLinks(t, a, "contacts") {
			if l.AID == linked.AID {
				if l.BID != master.ID {
					t.Fatalf("HubSpot contact %s linked to %s, want the master %s", l.AID, l.BID, master.ID)
				}
				if c, _ := hs.Get("contacts", l.AID); c.Properties["email"] != "master.record@example.com" || c.Properties["lastname"] != "Master" {
					t.Fatalf("HubSpot contact %s after the merge: %v", l.AID, c.Properties)
				}
				return
			}
		}
		t.Fatalf("HubSpot contact %s lost its link", linked.AID)
	})
}
