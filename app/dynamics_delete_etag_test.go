package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestApprovedDeleteKeepsDynamicsEdit: a HubSpot contact is archived
// with deletes propagated to Dynamics 365, and its delete approved in
// Review. The run that carries it out reads the Dynamics row (a full
// resync), and a person edits the row after that read, before the delete.
// The row survives with the person's edit, the run fails that record
// naming it and saying why, the link stays, and the delete goes back to
// Review: the next run deletes nothing until a person decides again.
func TestApprovedDeleteKeepsDynamicsEdit(t *testing.T) {
	ctx := context.Background()
	def := app.DemoDynamicsSync("s", "hs", "dv", "")
	def.Safety.PropagateDeletes = true
	a, srv := syncedThrough(t, 47, 6, "dynamics", "dv", def)
	dv := srv.Dynamics()
	pair := syncLinks(t, a, "s")[0]
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if !srv.HubSpot().Archive("contacts", pair.AID) {
		t.Fatal("archive")
	}
	held, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	if err != nil || held.Plan.Counts.HeldDelete != 1 || held.Summary.Deleted != 0 {
		t.Fatalf("run after the archive: %v held %d deleted %d", err, held.Plan.Counts.HeldDelete, held.Summary.Deleted)
	}
	rs, err := a.Reviews(ctx, "s", "delete", "open")
	if err != nil || len(rs) != 1 || rs[0].RecordID != pair.AID {
		t.Fatalf("open delete reviews %+v %v; want HubSpot contact %s", rs, err, pair.AID)
	}
	if err := a.Decide(ctx, rs[0].ID, engine.Decision{Action: "delete"}); err != nil {
		t.Fatal(err)
	}

	var once sync.Once
	var editErr error
	res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true, FullResync: true, Progress: func(p engine.Progress) {
		if p.Phase == "store" { // read and planned, nothing deleted yet
			once.Do(func() {
				_, editErr = dv.Update("contacts", pair.BID, map[string]any{"jobtitle": "Still a customer"})
			})
		}
	}})
	if err != nil || editErr != nil {
		t.Fatalf("run: %v; the person's edit: %v", err, editErr)
	}
	row, ok := dv.Get("contacts", pair.BID)
	if !ok || fmt.Sprint(row.Fields["jobtitle"]) != "Still a customer" {
		t.Fatalf("Dynamics contact %s after the run: present %v, title %v; want it kept with the person's edit (%+v)", pair.BID, ok, row.Fields["jobtitle"], res.Summary)
	}
	if res.Summary.Deleted != 0 || res.Summary.Failed != 1 {
		t.Errorf("run %+v, want nothing deleted and the one record failed", res.Summary)
	}
	detail, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	said := false
	for _, e := range detail.Errors {
		said = said || e.RecordID == pair.BID && strings.Contains(e.Message, "changed in Dynamics 365 after it was read; not deleted")
	}
	if !said {
		t.Errorf("History of run %d names no failure of contact %s as changed after it was read: %+v", res.Summary.RunID, pair.BID, detail.Errors)
	}
	linked := false
	for _, l := range syncLinks(t, a, "s") {
		linked = linked || l.AID == pair.AID && l.BID == pair.BID
	}
	if !linked {
		t.Errorf("link %s ↔ %s dropped by a delete that did not happen", pair.AID, pair.BID)
	}
	if rs, err := a.Reviews(ctx, "s", "delete", "open"); err != nil || len(rs) != 1 || rs[0].RecordID != pair.AID {
		t.Errorf("open delete reviews after the refused delete: %+v %v; want HubSpot contact %s's delete back for a decision", rs, err, pair.AID)
	}

	next, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := dv.Get("contacts", pair.BID); !ok || next.Summary.Deleted != 0 {
		t.Errorf("the next run deleted %d; Dynamics contact %s present %v: want it kept until a person decides again", next.Summary.Deleted, pair.BID, ok)
	}
}

// TestDynamicsEditAfterApprovalNotDeleted: the delete of a HubSpot
// contact's Dynamics partner is approved in Review, and a person then
// edits the Dynamics row before the next run. That run reads the edit (so
// its version is the edited one) and must not delete the row: the
// approval was of the row as it was. The delete goes back to Review, and
// approved again it is carried out.
func TestDynamicsEditAfterApprovalNotDeleted(t *testing.T) {
	ctx := context.Background()
	def := app.DemoDynamicsSync("s", "hs", "dv", "")
	def.Safety.PropagateDeletes = true
	a, srv := syncedThrough(t, 48, 6, "dynamics", "dv", def)
	dv := srv.Dynamics()
	pair := syncLinks(t, a, "s")[0]
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if !srv.HubSpot().Archive("contacts", pair.AID) {
		t.Fatal("archive")
	}
	if held, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil || held.Plan.Counts.HeldDelete != 1 {
		t.Fatalf("run after the archive: %v %+v", err, held)
	}
	approve := func() {
		t.Helper()
		rs, err := a.Reviews(ctx, "s", "delete", "open")
		if err != nil || len(rs) != 1 || rs[0].RecordID != pair.AID {
			t.Fatalf("open delete reviews %+v %v; want HubSpot contact %s's", rs, err, pair.AID)
		}
		if err := a.Decide(ctx, rs[0].ID, engine.Decision{Action: "delete"}); err != nil {
			t.Fatal(err)
		}
	}
	approve()
	time.Sleep(1100 * time.Millisecond) // the edit is after the approval
	if _, err := dv.Update("contacts", pair.BID, map[string]any{"jobtitle": "Still a customer"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if row, ok := dv.Get("contacts", pair.BID); !ok || fmt.Sprint(row.Fields["jobtitle"]) != "Still a customer" || res.Summary.Deleted != 0 {
		t.Fatalf("Dynamics contact %s edited after the approval: present %v, title %v, run deleted %d; want it kept", pair.BID, ok, row.Fields["jobtitle"], res.Summary.Deleted)
	}
	approve() // back in review; a person approves it again, having seen the edit
	again, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := dv.Get("contacts", pair.BID); ok || again.Summary.Deleted != 1 {
		t.Errorf("delete approved again after the edit: run deleted %d, Dynamics contact %s present %v; want it deleted", again.Summary.Deleted, pair.BID, ok)
	}
}
