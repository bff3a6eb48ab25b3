package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// auditFields is what an audit row says, without its stored id and time.
type auditFields struct{ Side, RecordID, Field, Old, New, Rule string }

func auditOf(t *testing.T, db *store.DB, runID int64) []auditFields {
	t.Helper()
	rows, err := db.Audit(context.Background(), runID)
	if err != nil {
		t.Fatalf("Audit of run %d: %v", runID, err)
	}
	var out []auditFields
	for _, r := range rows {
		if r.RunID != runID || r.At.IsZero() {
			t.Fatalf("audit row %+v: run or time missing", r)
		}
		out = append(out, auditFields{r.Side, r.RecordID, r.Field, r.Old, r.New, r.Rule})
	}
	return out
}

// TestMigration7KeepsAuditRows upgrades a schema-6 file whose audit has one
// row per field and checks that every row, and its order, survives.
func TestMigration7KeepsAuditRows(t *testing.T) {
	ctx := context.Background()
	path := oldSchemaFile(t, 6,
		"INSERT INTO syncs(id, name, definition, created_at, updated_at) VALUES (1, 's', '{}', 0, 0)",
		"INSERT INTO runs(id, sync_id, trigger, status, started_at) VALUES (7, 1, 'manual', 'success', 0)",
		`INSERT INTO audit(run_id, side, record_id, field, old, new, rule, at) VALUES
			(7, 'b', 'b1', 'Email', '', 'x@example.com', 'create', 5),
			(7, 'b', 'b1', 'Phone', '', '+1 555 0100', 'create', 5),
			(7, 'a', 'a2', 'firstname', 'Ann', 'Anne "A"', 'b-changed', 6)`)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	want := []auditFields{
		{"b", "b1", "Email", "", "x@example.com", "create"},
		{"b", "b1", "Phone", "", "+1 555 0100", "create"},
		{"a", "a2", "firstname", "Ann", `Anne "A"`, "b-changed"},
	}
	if got := auditOf(t, db, 7); !slices.Equal(got, want) {
		t.Fatalf("audit after migration:\n got %+v\nwant %+v", got, want)
	}
	var n int
	if err := db.SQL().QueryRow("SELECT count(*) FROM audit WHERE run_id = 7 AND field = 'Phone' AND new = '+1 555 0100'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the audit view: %d, %v", n, err)
	}
}

// TestAuditOneRowPerRecord: a commit's audit records are stored one row
// each and read back field by field, in order, with values that need
// escaping intact.
func TestAuditOneRowPerRecord(t *testing.T) {
	db, id, ctx := engineSync(t)
	run, err := db.OpenRun(ctx, id, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	rows := []store.AuditRow{
		{Side: "b", RecordID: "b1", Field: "Email", New: "x@example.com", Rule: "create"},
		{Side: "b", RecordID: "b1", Field: "Description", New: "line 1\nline \"2\"\t\\ é 😀", Rule: "create"},
		{Side: "a", RecordID: "a1", Field: "phone", Old: "555-0100", New: "", Rule: "b-changed"},
		{Side: "b", RecordID: "b1", Field: "(upsert key)", New: "k1", Rule: "create"},
	}
	if err := db.Commit(ctx, store.Commit{SyncID: id, RunID: run, Audit: []store.AuditRecord{
		store.NewAuditRecord(rows[0:2]), store.NewAuditRecord(rows[2:3]), store.NewAuditRecord(rows[3:4]),
	}}); err != nil {
		t.Fatal(err)
	}
	var want []auditFields
	for _, r := range rows {
		want = append(want, auditFields{r.Side, r.RecordID, r.Field, r.Old, r.New, r.Rule})
	}
	if got := auditOf(t, db, run); !slices.Equal(got, want) {
		t.Fatalf("audit:\n got %+v\nwant %+v", got, want)
	}
	var stored int
	if err := db.SQL().QueryRow("SELECT count(*) FROM audit_records WHERE run_id = ?", run).Scan(&stored); err != nil || stored != 3 {
		t.Fatalf("audit_records rows: %d, %v; want 3 (b1, a1, b1 again)", stored, err)
	}
}

// TestAuditBuilderStartsOverPerRecord: the builder's buffer is reused, and
// a record handed out keeps its own changes.
func TestAuditBuilderStartsOverPerRecord(t *testing.T) {
	var a store.AuditBuilder
	if _, ok := a.Record("a", "a0"); ok {
		t.Fatal("a record with no changes was handed out")
	}
	a.Add("email", "old@example.com", "new@example.com", "a-changed")
	a.Add("phone", "", "+1 415", "fill-blank")
	first, _ := a.Record("a", "a1")
	a.Add("name", "", `Ann "A"`, "create")
	second, ok := a.Record("b", "b1")
	if want := `[["email","old@example.com","new@example.com","a-changed"],["phone","","+1 415","fill-blank"]]`; first.Changes != want || first.RecordID != "a1" || first.Side != "a" {
		t.Errorf("first record %+v; want changes %s", first, want)
	}
	if want := `[["name","","Ann \"A\"","create"]]`; !ok || second.Changes != want || second.RecordID != "b1" || second.Side != "b" {
		t.Errorf("second record %+v; want changes %s", second, want)
	}
}
