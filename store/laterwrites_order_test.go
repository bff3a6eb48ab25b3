package store_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestLaterWritesByWriteOrderNotRunID: two syncs write HubSpot
// contact 7. The other sync's run opens first (the lower run id), the
// undone run writes 7, and only then does the other run write 7: that
// write is later than the undone one and must be seen. A write of the
// same early run to contact 8 before the undone run wrote 8 is not later.
func TestLaterWritesByWriteOrderNotRunID(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	undone, err := db.SaveSync(ctx, "sf-contacts", laterDef("hs", "contacts", "sf", "Contact"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.SaveSync(ctx, "pd-contacts", laterDef("pd", "persons", "hs", "contacts"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(sync, run int64, side, rec, v string) {
		t.Helper()
		a := store.NewAuditRecord([]store.AuditRow{{Side: side, RecordID: rec, Field: "firstname", Old: "x", New: v, Rule: "b-changed"}})
		if err := db.Commit(ctx, store.Commit{SyncID: sync, RunID: run, Audit: []store.AuditRecord{a}}); err != nil {
			t.Fatal(err)
		}
	}
	finish := func(run int64) {
		t.Helper()
		if err := db.FinishRun(ctx, store.RunRow{ID: run, Status: "success"}); err != nil {
			t.Fatal(err)
		}
	}
	runM, err := db.OpenRun(ctx, other, "scheduled", 0) // starts first, writes last
	if err != nil {
		t.Fatal(err)
	}
	write(other, runM, "b", "8", "Early")
	runN, err := db.OpenRun(ctx, undone, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	if runM >= runN {
		t.Fatalf("run ids %d and %d: the other sync's run must have opened first", runM, runN)
	}
	write(undone, runN, "a", "7", "Xena")
	write(undone, runN, "a", "8", "Nora")
	finish(runN)
	write(other, runM, "b", "7", "Yara")
	finish(runM)

	target := store.WriteTarget{SyncID: undone, Side: "a", Connection: "hs", Object: "contacts"}
	got, err := db.LaterWrites(ctx, []int64{runN}, target, []string{"7", "8"})
	if err != nil {
		t.Fatal(err)
	}
	if lw := got[store.AuditKey{Side: "a", RecordID: "7"}]["firstname"]; lw.RunID != runM || lw.New != "Yara" {
		t.Errorf("contact 7's later write: %+v; want run %d of pd-contacts writing %q after run %d", lw, runM, "Yara", runN)
	}
	if lw, ok := got[store.AuditKey{Side: "a", RecordID: "8"}]["firstname"]; ok {
		t.Errorf("contact 8: %+v counted as a later write; run %d wrote it before run %d did", lw, runM, runN)
	}
}
