package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestUpdateOfUnreadDeleteIsHeldOnce: a sync that does not propagate
// deletes never reads HubSpot's archived contacts, so a contact archived
// there is found only when an edit of its Salesforce partner is written to
// it. HubSpot's OBJECT_NOT_FOUND for that update is the delete: held in
// that run and the next ones (with propagation, in Review), never a
// failure, after every edit of the partner.
func TestUpdateOfUnreadDeleteIsHeldOnce(t *testing.T) {
	for _, propagate := range []bool{false, true} {
		ctx := context.Background()
		a, srv, links := syncedContacts(t, 31, propagate)
		hsID, sfID := links[0].AID, links[0].BID
		hsLive, sfLive := srv.HubSpot().Count("contacts"), srv.Salesforce().Count("Contact")
		if propagate {
			// A sync that propagates deletes reads the archive before
			// writing; this one is archived between its read and its write.
			if _, err := srv.Salesforce().Update("Contact", sfID, map[string]string{"Title": "Head of Ops"}); err != nil {
				t.Fatal(err)
			}
			var archived bool
			res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true, Progress: func(p engine.Progress) {
				if p.Phase == "store" && !archived { // planned, not yet written
					archived = srv.HubSpot().Archive("contacts", hsID)
				}
			}})
			if !archived {
				t.Fatal("archive")
			}
			checkGoneOnce(t, a, res, err, hsID)
		} else {
			if !srv.HubSpot().Archive("contacts", hsID) {
				t.Fatal("archive")
			}
			if _, err := srv.Salesforce().Update("Contact", sfID, map[string]string{"Title": "Head of Ops"}); err != nil {
				t.Fatal(err)
			}
			res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			checkGoneOnce(t, a, res, err, hsID)
		}
		for i := range 2 {
			if _, err := srv.Salesforce().Update("Contact", sfID, map[string]string{"Title": "Edit " + string(rune('A'+i))}); err != nil {
				t.Fatal(err)
			}
			res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
			if err != nil || res.Summary.Failed != 0 || res.Summary.Deleted != 0 {
				t.Fatalf("propagate %v, run %d after the failure: %v %+v", propagate, i, err, res.Summary)
			}
		}
		if propagate {
			rs, err := a.Reviews(ctx, "contacts", "delete", "open")
			if err != nil || len(rs) != 1 || rs[0].Side != "a" || rs[0].RecordID != hsID || rs[0].OtherID != sfID {
				t.Fatalf("open delete reviews %+v, %v; want HubSpot %s held against %s", rs, err, hsID, sfID)
			}
		}
		if srv.HubSpot().Count("contacts") != hsLive-1 || srv.Salesforce().Count("Contact") != sfLive {
			t.Fatalf("propagate %v: HubSpot %d (want %d), Salesforce %d (want %d): nothing may be created or deleted",
				propagate, srv.HubSpot().Count("contacts"), hsLive-1, srv.Salesforce().Count("Contact"), sfLive)
		}
	}
}

// checkGoneOnce: HubSpot's OBJECT_NOT_FOUND for the update is the delete,
// held in that same run: a warning, no failure and no run error.
func checkGoneOnce(t *testing.T, a *app.App, res app.RunResult, err error, hsID string) {
	t.Helper()
	if err != nil || res.Summary.Failed != 0 || res.Summary.Status != "success" {
		t.Fatalf("run writing to the archived contact: %v %+v", err, res.Summary)
	}
	d, err := a.RunDetail(context.Background(), res.Summary.RunID)
	if err != nil || len(d.Errors) != 0 {
		t.Fatalf("run detail: %+v, %v", d.Errors, err)
	}
	if !slices.ContainsFunc(res.Plan.Warnings, func(w string) bool { return strings.Contains(w, hsID+" was deleted in hs since the last run") }) {
		t.Fatalf("warnings %q; want one saying HubSpot contact %s was deleted", res.Plan.Warnings, hsID)
	}
}
