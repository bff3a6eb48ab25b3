package store_test

import (
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestAuditSearchMatchesValuesAsStored: the run detail's search finds
// a record by its id or by a value of its changes, case ignored, also a
// value holding a quote (stored JSON-escaped) or accents, and counts the
// field changes of the records found. Coverage of the new search; no
// defect.
func TestAuditSearchMatchesValuesAsStored(t *testing.T) {
	db, id, ctx := engineSync(t)
	run, err := db.OpenRun(ctx, id, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	rec := func(rid string, vals ...string) store.AuditRecord {
		var rows []store.AuditRow
		for i, v := range vals {
			rows = append(rows, store.AuditRow{Side: "b", RecordID: rid, Field: "f" + string(rune('0'+i)), New: v, Rule: "create"})
		}
		return store.NewAuditRecord(rows)
	}
	recs := []store.AuditRecord{rec("003A", "Ann", `say "hi"`), rec("003B", "José", "jose@x.com", "x"), rec("003C", "Bob")}
	if err := db.Commit(ctx, store.Commit{SyncID: id, RunID: run, Audit: recs}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text    string
		records []string
		count   int
	}{
		{`"HI"`, []string{"003A"}, 2},
		{"José", []string{"003B"}, 3},
		{"JOSE@X", []string{"003B"}, 3},
		{"003c", []string{"003C"}, 1},
		{"nobody", nil, 0},
		{"", []string{"003A", "003B", "003C"}, 6},
	} {
		page, err := db.AuditPageMatching(ctx, run, c.text, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range page {
			if len(got) == 0 || got[len(got)-1] != r.RecordID {
				got = append(got, r.RecordID)
			}
		}
		n, err := db.AuditCountMatching(ctx, run, c.text)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(c.records) || (len(got) > 0 && got[0] != c.records[0]) || n != c.count || len(page) != n {
			t.Errorf("search %q: records %v (%d rows), count %d; want %v, %d", c.text, got, len(page), n, c.records, c.count)
		}
	}
}
