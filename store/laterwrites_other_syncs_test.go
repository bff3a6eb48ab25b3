package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// laterDef is a sync definition's JSON with side a on connection ca's
// object oa and side b on cb's ob, as app.SaveSync stores it.
func laterDef(ca, oa, cb, ob string) string {
	return fmt.Sprintf(`{"a":{"connection":%q,"object":%q},"b":{"connection":%q,"object":%q}}`, ca, oa, cb, ob)
}

// laterRun commits a run of sync id that wrote field of record rec on side
// to v, and answers the run.
func laterRun(t testing.TB, db *store.DB, id int64, side, rec, field, v string) int64 {
	t.Helper()
	ctx := context.Background()
	run, err := db.OpenRun(ctx, id, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	a := store.NewAuditRecord([]store.AuditRow{{Side: side, RecordID: rec, Field: field, Old: "x", New: v, Rule: "b-changed"}})
	if err := db.Commit(ctx, store.Commit{SyncID: id, RunID: run, Audit: []store.AuditRecord{a}}); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, store.RunRow{ID: run, Status: "success"}); err != nil {
		t.Fatal(err)
	}
	return run
}

// TestLaterWritesOfOtherSyncs: HubSpot contacts are side a of one
// sync and side b of another. A later write to contact 7 by the other sync
// is a later write to the record the undo reverts; one by a sync of
// HubSpot companies, or of another connection, to a record of the same id
// is not, nor one made before that sync's sides last changed.
func TestLaterWritesOfOtherSyncs(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	save := func(name, def string) int64 {
		id, err := db.SaveSync(ctx, name, def)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	undone := save("sf-contacts", laterDef("hs", "contacts", "sf", "Contact"))
	other := save("pd-contacts", laterDef("pd", "persons", "hs", "contacts"))
	companies := save("pd-companies", laterDef("hs", "companies", "pd", "organizations"))
	portal2 := save("hs2-contacts", laterDef("hs2", "contacts", "sf", "Contact"))

	runN := laterRun(t, db, undone, "a", "7", "firstname", "Xena")
	laterRun(t, db, companies, "a", "7", "firstname", "Acme")
	laterRun(t, db, portal2, "a", "7", "jobtitle", "CTO")
	runM := laterRun(t, db, other, "b", "7", "firstname", "Xena")
	laterRun(t, db, other, "a", "7", "lastname", "Pipedrive side") // a Pipedrive person 7

	target := store.WriteTarget{SyncID: undone, Side: "a", Connection: "hs", Object: "contacts"}
	got, err := db.LaterWrites(ctx, []int64{runN}, target, []string{"7"})
	if err != nil {
		t.Fatal(err)
	}
	fields := got[store.AuditKey{Side: "a", RecordID: "7"}]
	if lw := fields["firstname"]; lw.RunID != runM || lw.SyncName != "pd-contacts" || lw.New != "Xena" {
		t.Errorf("firstname's later write: %+v; want run %d of pd-contacts writing %q", lw, runM, "Xena")
	}
	for _, f := range []string{"jobtitle", "lastname"} {
		if lw, ok := fields[f]; ok {
			t.Errorf("%s: %+v counted as a later write to HubSpot contact 7; it was written to another object's record 7", f, lw)
		}
	}

	// pd-contacts moves to other objects: its earlier runs wrote what its
	// definition no longer names, and its later ones write elsewhere.
	if _, err := db.SaveSync(ctx, "pd-contacts", laterDef("pd", "persons", "hs", "companies")); err != nil {
		t.Fatal(err)
	}
	if err := db.ResetSync(ctx, other); err != nil {
		t.Fatal(err)
	}
	got, err = db.LaterWrites(ctx, []int64{runN}, target, []string{"7"})
	if err != nil {
		t.Fatal(err)
	}
	if lw, ok := got[store.AuditKey{Side: "a", RecordID: "7"}]["firstname"]; ok {
		t.Errorf("after pd-contacts moved to companies, firstname's later write: %+v; want none", lw)
	}
}

// BenchmarkAuditLaterWrites: one undo page's LaterWrites (500 records of
// the undone run) with later history of runs that wrote other records.
// Its cost should follow the page's records' writes, not the history.
func BenchmarkAuditLaterWrites(b *testing.B) {
	for _, later := range []int{20, 200} {
		b.Run(fmt.Sprintf("later_runs=%d", later), func(b *testing.B) {
			db, _ := openTemp(b)
			ctx := context.Background()
			id, err := db.SaveSync(ctx, "s", laterDef("hs", "contacts", "sf", "Contact"))
			if err != nil {
				b.Fatal(err)
			}
			commit := func(prefix string) int64 {
				run, err := db.OpenRun(ctx, id, "manual", 0)
				if err != nil {
					b.Fatal(err)
				}
				recs := make([]store.AuditRecord, 500)
				for i := range recs {
					recs[i] = store.NewAuditRecord([]store.AuditRow{{Side: "a", RecordID: fmt.Sprint(prefix, i), Field: "firstname", Old: "x", New: "y", Rule: "b-changed"}})
				}
				if err := db.Commit(ctx, store.Commit{SyncID: id, RunID: run, Audit: recs}); err != nil {
					b.Fatal(err)
				}
				if err := db.FinishRun(ctx, store.RunRow{ID: run, Status: "success"}); err != nil {
					b.Fatal(err)
				}
				return run
			}
			undone := commit("u")
			for r := range later {
				commit(fmt.Sprint("r", r, "-"))
			}
			ids := make([]string, 500)
			for i := range ids {
				ids[i] = fmt.Sprint("u", i)
			}
			target := store.WriteTarget{SyncID: id, Side: "a", Connection: "hs", Object: "contacts"}
			b.ResetTimer()
			for b.Loop() {
				if _, err := db.LaterWrites(ctx, []int64{undone}, target, ids); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
