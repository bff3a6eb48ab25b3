package store_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestFailedRecordsNamesOnlyThoseAsked: a stopped run counting the
// writes it left unknown asks which of its pending batches' records
// failed. The store answers for those records of that run and side alone,
// across more ids than one query names (1,200 asked; 500 a query).
func TestFailedRecordsNamesOnlyThoseAsked(t *testing.T) {
	db, id, ctx := engineSync(t)
	var runs []int64
	for range 2 {
		run, err := db.RecordRun(ctx, store.RunRow{SyncID: id, Trigger: "manual", Status: "failed"})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	fail := func(side, rec string) store.RunErrorRow {
		return store.RunErrorRow{Side: side, RecordID: rec, Category: "validation", Message: "refused"}
	}
	var errs []store.RunErrorRow
	var asked []string
	for i := range 1200 {
		asked = append(asked, fmt.Sprintf("r%04d", i))
		if i%400 == 7 {
			errs = append(errs, fail("b", asked[i]), fail("b", asked[i])) // a record can fail twice (a split batch)
		}
	}
	errs = append(errs, fail("a", "r0008"), fail("b", "not-asked"))
	for _, c := range []store.Commit{
		{SyncID: id, RunID: runs[0], Errors: errs},
		{SyncID: id, RunID: runs[1], Errors: []store.RunErrorRow{fail("b", "r0009")}},
	} {
		if err := db.Commit(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.FailedRecords(ctx, runs[0], "b", asked)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"r0007", "r0407", "r0807"}; !slices.Equal(slices.Sorted(maps.Keys(got)), want) {
		t.Errorf("failed records of run %d on side b among those asked: %v; want %v", runs[0], slices.Sorted(maps.Keys(got)), want)
	}
	if got, err := db.FailedRecords(ctx, runs[0], "b", nil); err != nil || len(got) != 0 {
		t.Errorf("failed records among none: %v %v", got, err)
	}
}
