package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// linkedAfterFirstRuns is connectedSandbox with defs saved and each run
// once, which must succeed; it answers the last sync's first link.
func linkedAfterFirstRuns(t *testing.T, seed int64, contacts int, defs ...engine.Definition) (*app.App, *sandbox.Server, store.LinkRow) {
	t.Helper()
	a, srv := connectedSandbox(t, seed, contacts)
	saveSyncs(t, a, defs...)
	for _, def := range defs {
		runOK(t, a, def.Name)
	}
	return a, srv, syncLinks(t, a, defs[len(defs)-1].Name)[0]
}

// goneRunWith edits the partner of a record deleted on the other side
// (edit) and runs the sync once with the progress callback (nil for
// none): the write meets the vendor's "no such record" answer. It returns
// that run.
func goneRunWith(t *testing.T, a *app.App, name string, edit func() error, progress func(engine.Progress)) app.RunResult {
	t.Helper()
	time.Sleep(5 * time.Millisecond)
	if err := edit(); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), name, app.RunOptions{Confirm: true, Progress: progress})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

// editAgainWritesNothing edits the kept partner once more after the delete
// was held and runs the sync: the held record is neither written nor
// created again, and nothing fails.
func editAgainWritesNothing(t *testing.T, a *app.App, name string, edit func() error) {
	t.Helper()
	res := goneRunWith(t, a, name, edit, nil)
	if s := res.Summary; s.Created+s.Updated+s.Failed+s.Deleted != 0 || s.Status != "success" {
		t.Fatalf("run after editing the kept partner again: %+v\n%s", s, res.Plan.Summary())
	}
}

// deleteWhenPlanned is a run's progress callback that calls del once, when
// the plan is stored and nothing is written yet: a delete between the
// plan's read and its write, which no read of that run can see.
func deleteWhenPlanned(t *testing.T, del func() error) (func(engine.Progress), *bool) {
	t.Helper()
	deleted := false
	return func(p engine.Progress) {
		if p.Phase == "store" && p.Done == p.Total && !deleted {
			if err := del(); err != nil {
				t.Errorf("delete between plan and write: %v", err)
				return
			}
			deleted = true
		}
	}, &deleted
}

// assertGoneHeld checks a run whose update met a record deleted since the
// last read: no failure, a warning naming the record and its partner, and
// a run after that writes and fails nothing.
func assertGoneHeld(t *testing.T, a *app.App, name string, res app.RunResult, gone, kept string) {
	t.Helper()
	if s := res.Summary; s.Failed != 0 || s.Status != "success" || s.Updated != 0 {
		t.Fatalf("run %+v: want the deleted record held, not failed\n%s", s, res.Plan.Summary())
	}
	var warned bool
	for _, w := range res.Plan.Warnings {
		warned = warned || strings.Contains(w, gone+" was deleted") && strings.Contains(w, kept+" was left as it is")
	}
	if !warned {
		t.Fatalf("warnings %q: want one saying %s was deleted and %s left as it is", res.Plan.Warnings, gone, kept)
	}
	d, err := a.RunDetail(context.Background(), res.Summary.RunID)
	if err != nil || len(d.Errors) != 0 {
		t.Fatalf("run errors %+v %v, want none", d.Errors, err)
	}
	if again := runOK(t, a, name); again.Summary.Created+again.Summary.Updated+again.Summary.Failed != 0 {
		t.Fatalf("run after %+v\n%s", again.Summary, again.Plan.Summary())
	}
}

// assertArchivedInHubSpotHeld archives link l's HubSpot record (hsObject),
// which the sync does not read, and edits its Salesforce partner
// (sfObject) with sfEdit: the update meets OBJECT_NOT_FOUND, held in that
// run; the Salesforce record is kept and nothing is created in HubSpot.
func assertArchivedInHubSpotHeld(t *testing.T, a *app.App, srv *sandbox.Server, sync string, l store.LinkRow, hsObject, sfObject string, sfEdit map[string]string) {
	t.Helper()
	hs, sf := srv.HubSpot(), srv.Salesforce()
	live := hs.Count(hsObject)
	if !hs.Archive(hsObject, l.AID) {
		t.Fatal("archive failed")
	}
	res := goneRunWith(t, a, sync, func() error {
		_, err := sf.Update(sfObject, l.BID, sfEdit)
		return err
	}, nil)
	assertGoneHeld(t, a, sync, res, l.AID, l.BID)
	if _, ok := sf.Get(sfObject, l.BID); !ok {
		t.Fatalf("Salesforce %s %s deleted", sfObject, l.BID)
	}
	if n := hs.Count(hsObject); n != live-1 {
		t.Fatalf("HubSpot %s %d → %d, want the archived one not created again", hsObject, live, n)
	}
}

// assertDeletedInSalesforceHeld edits link l's HubSpot record (hsObject)
// with hsEdit and deletes its Salesforce partner (sfObject) between the
// plan's read and its write: the update meets ENTITY_IS_DELETED, held in
// that run; the HubSpot record is kept and nothing is created in
// Salesforce.
func assertDeletedInSalesforceHeld(t *testing.T, a *app.App, srv *sandbox.Server, sync string, l store.LinkRow, hsObject, sfObject string, hsEdit map[string]string) {
	t.Helper()
	hs, sf := srv.HubSpot(), srv.Salesforce()
	live := sf.Count(sfObject)
	progress, deleted := deleteWhenPlanned(t, func() error {
		if !sf.Delete(sfObject, l.BID) {
			return fmt.Errorf("Salesforce sandbox did not delete %s %s", sfObject, l.BID)
		}
		return nil
	})
	res := goneRunWith(t, a, sync, hubSpotEdit(hs, hsObject, l.AID, hsEdit), progress)
	if !*deleted {
		t.Fatalf("the Salesforce %s was not deleted between plan and write", sfObject)
	}
	assertGoneHeld(t, a, sync, res, l.BID, l.AID)
	if r, ok := hs.Get(hsObject, l.AID); !ok || r.Archived {
		t.Fatalf("HubSpot %s %s archived after its Salesforce partner's delete", hsObject, l.AID)
	}
	if n := sf.Count(sfObject); n != live-1 {
		t.Fatalf("Salesforce %s %d → %d, want the deleted one not created again", sfObject, live, n)
	}
}

// hubSpotEdit is an edit of HubSpot record id for goneRunWith.
func hubSpotEdit(hs *hubspot.Sim, object, id string, props map[string]string) func() error {
	return func() error {
		_, err := hs.Update(object, id, props)
		return err
	}
}

// goneVendorContact is a vendor's contact, linked in sync "s" to a HubSpot
// contact, deleted before the run or between its plan and its write.
type goneVendorContact struct {
	vendor       string             // the vendor, as messages name it
	count        func() int         // the vendor's live contacts
	del          func() error       // deletes the linked contact
	whilePlanned bool               // delete between plan and write
	field        string             // the HubSpot contact field edited
	back         func() (bool, any) // whether the deleted contact is back, and what the vendor holds
}

// assertGoneVendorContactHeld deletes c's contact linked by l and edits
// its HubSpot partner: the update meets the vendor's answer for a deleted
// record, held in that run; the HubSpot contact is kept, a second edit
// writes nothing, and the vendor's contact is neither restored nor
// created again.
func assertGoneVendorContactHeld(t *testing.T, a *app.App, hs *hubspot.Sim, l store.LinkRow, c goneVendorContact) {
	t.Helper()
	live := c.count()
	var progress func(engine.Progress)
	deleted := new(bool)
	if c.whilePlanned {
		progress, deleted = deleteWhenPlanned(t, c.del)
	} else if err := c.del(); err != nil {
		t.Fatal(err)
	} else {
		*deleted = true
	}
	res := goneRunWith(t, a, "s", hubSpotEdit(hs, "contacts", l.AID, map[string]string{c.field: "Audited"}), progress)
	if !*deleted {
		t.Fatalf("the %s contact was not deleted between plan and write", c.vendor)
	}
	assertGoneHeld(t, a, "s", res, l.BID, l.AID)
	if r, ok := hs.Get("contacts", l.AID); !ok || r.Archived {
		t.Fatalf("HubSpot contact %s archived after its %s partner's delete", l.AID, c.vendor)
	}
	editAgainWritesNothing(t, a, "s", hubSpotEdit(hs, "contacts", l.AID, map[string]string{c.field: "Audited again"}))
	if back, r := c.back(); back {
		t.Fatalf("%s contact %s back after its delete (%+v)", c.vendor, l.BID, r)
	}
	if n := c.count(); n != live-1 {
		t.Fatalf("%s contacts %d → %d, want the deleted one not created again", c.vendor, live, n)
	}
}
