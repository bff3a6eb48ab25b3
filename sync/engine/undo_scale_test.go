package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	gosync "sync"
	"testing"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/engine/memconn"
)

// auditReadCounter is the real store, counting the audit rows each read
// hands the engine: an undo that holds a page at a time never gets more
// than a page in one read.
type auditReadCounter struct {
	*store.DB
	mu    gosync.Mutex
	peak  int // most audit rows (fields) one read returned
	total int // audit rows read in all
}

func (c *auditReadCounter) note(rows []store.AuditRow) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.peak = max(c.peak, len(rows))
	c.total += len(rows)
}

// Audit is how the undo read the whole audit before it paged it.
func (c *auditReadCounter) Audit(ctx context.Context, runID int64) ([]store.AuditRow, error) {
	rows, err := c.DB.Audit(ctx, runID)
	c.note(rows)
	return rows, err
}

func (c *auditReadCounter) AuditPage(ctx context.Context, runID, afterID int64, limit int) ([]store.AuditRow, error) {
	rows, err := c.DB.AuditPage(ctx, runID, afterID, limit)
	c.note(rows)
	return rows, err
}

func (c *auditReadCounter) AuditRowsByID(ctx context.Context, ids []int64) ([]store.AuditRow, error) {
	rows, err := c.DB.AuditRowsByID(ctx, ids)
	c.note(rows)
	return rows, err
}

// bigUndo is a sync whose last run updated n records of B (two fields
// each), ready to be undone.
type bigUndo struct {
	ctx    context.Context
	db     *auditReadCounter
	eng    *engine.Engine
	a, b   *memconn.Conn
	def    engine.Definition
	syncID int64
	runID  int64
	ids    []string // the A records, in creation order
	writes int      // write calls to B since the last reset
	mu     gosync.Mutex
	clk    *clock
}

func newBigUndo(tb testing.TB, n int) *bigUndo {
	tb.Helper()
	u := newBigFirstSync(tb, n)
	for i, id := range u.ids {
		u.a.Edit(objA, id, map[string]string{"firstname": "Augusta", "lastname": fmt.Sprintf("King%d", i)})
	}
	u.clk.Advance(1e9)
	if sum := u.run(tb, "manual"); sum.Updated != n {
		tb.Fatalf("setup: the run updated %d records, want %d", sum.Updated, n)
	}
	u.clk.Advance(1e9)
	return u
}

// newBigFirstSync is a sync whose first run created n records in B, ready
// to be undone.
func newBigFirstSync(tb testing.TB, n int) *bigUndo {
	tb.Helper()
	clk := newClock()
	u := &bigUndo{ctx: context.Background(), def: baseDefinition(), clk: clk}
	db, err := store.Open(u.ctx, filepath.Join(tb.TempDir(), store.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.SetClock(clk.Now)
	u.db = &auditReadCounter{DB: db}
	u.eng = engine.New(u.db, engine.Options{Now: clk.Now})
	u.a = memconn.New(memconn.Options{Vendor: "hubspot-mem", IDPrefix: "a", BatchSize: 100, PageSize: 500, UpsertKey: "email", Schemas: []connector.Schema{schemaA()}, Clock: clk.Now})
	u.b = memconn.New(memconn.Options{Vendor: "salesforce-mem", IDPrefix: "b", BatchSize: 200, PageSize: 2000, Schemas: []connector.Schema{schemaB()}, Clock: clk.Now})
	u.b.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
		if c.Kind == "write" || c.Kind == "upsert" {
			u.mu.Lock()
			u.writes++
			u.mu.Unlock()
		}
		return nil, false
	}})
	js, _ := json.Marshal(u.def)
	if u.syncID, err = db.SaveSync(u.ctx, u.def.Name, string(js)); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		u.ids = append(u.ids, u.a.Put(objA, person(fmt.Sprintf("p%06d@example.com", i), "Ann", fmt.Sprintf("Lee%d", i))))
	}
	if sum := u.run(tb, "manual"); sum.Created != n {
		tb.Fatalf("setup: the first run created %d records, want %d", sum.Created, n)
	}
	clk.Advance(1e9)
	return u
}

func (u *bigUndo) sides() (engine.Side, engine.Side) {
	return engine.Side{Conn: u.a, Object: objA, BatchSize: u.a.BatchSize(), Calls: u.a.Calls},
		engine.Side{Conn: u.b, Object: objB, BatchSize: u.b.BatchSize(), Calls: u.b.Calls}
}

// run plans and applies a run, keeping its id.
func (u *bigUndo) run(tb testing.TB, trigger string) engine.RunSummary {
	tb.Helper()
	sa, sb := u.sides()
	p, err := u.eng.Plan(u.ctx, u.syncID, u.def, sa, sb, engine.PlanOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return u.apply(tb, p, trigger)
}

func (u *bigUndo) apply(tb testing.TB, p *engine.Plan, trigger string) engine.RunSummary {
	tb.Helper()
	sum, err := u.eng.Apply(u.ctx, p, engine.ApplyOptions{Confirm: true, Trigger: trigger})
	if err != nil || sum.Failed > 0 {
		tb.Fatalf("apply: %+v %v", sum, err)
	}
	u.runID = sum.RunID
	return sum
}

// undo plans the undo of the last run, counting from here.
func (u *bigUndo) undo(tb testing.TB) *engine.Plan {
	tb.Helper()
	u.db.peak, u.db.total = 0, 0
	u.mu.Lock()
	u.writes = 0
	u.mu.Unlock()
	sa, sb := u.sides()
	p, err := u.eng.Undo(u.ctx, u.syncID, u.runID, u.def, sa, sb, engine.PlanOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestUndoOfABigRunHoldsAPageOfItsAudit: undoing a run that updated
// 5,000 records (10,000 fields) reads its audit a page at a time, never
// the whole run at once, and still writes every old value back at the
// batch floor (one call per 200 records on B).
func TestUndoOfABigRunHoldsAPageOfItsAudit(t *testing.T) {
	const n = 5000
	u := newBigUndo(t, n)
	p := u.undo(t)
	if p.Counts.UpdateB != n || len(p.Review) != 0 {
		t.Fatalf("undo plan: %d updates of B, %d reviews; want %d and none\n%s", p.Counts.UpdateB, len(p.Review), n, p.Summary())
	}
	if u.db.total != 2*n {
		t.Fatalf("the undo read %d audit rows, want the run's %d", u.db.total, 2*n)
	}
	// A page is 500 records, two fields each: the bound does not grow with n.
	if u.db.peak > 1000 {
		t.Errorf("the undo held %d audit rows of the run's %d at once; want at most a page (1,000)", u.db.peak, 2*n)
	}
	u.apply(t, p, "undo")
	if floor := (n + 199) / 200; u.writes != floor {
		t.Errorf("the undo made %d write calls to B, want the floor %d", u.writes, floor)
	}
	u.assertRestored(t, n)
}

// BenchmarkUndoUpdates5k plans the undo of a run that updated 5,000
// records (two fields each) and reports the bytes and allocations per
// undone record and the most audit rows one read handed the engine.
// Run: go test -run '^$' -bench UndoUpdates -benchmem ./sync/engine/
func BenchmarkUndoUpdates5k(b *testing.B) {
	const n = 5000
	u := newBigUndo(b, n)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		p := u.undo(b)
		if p.Counts.UpdateB != n {
			b.Fatalf("undo plan: %d updates of B, want %d", p.Counts.UpdateB, n)
		}
		b.StopTimer()
		if err := u.eng.Discard(u.ctx, p); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	records := float64(b.N) * n
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/records, "B/record")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/records, "allocs/record")
	b.ReportMetric(float64(u.db.peak), "peak-audit-rows")
}

// assertRestored checks that all n records of B hold their old first
// name again.
func (u *bigUndo) assertRestored(t *testing.T, n int) {
	t.Helper()
	restored := 0
	for _, r := range u.b.Live(objB) {
		if r.Fields["FirstName"] == "Ann" {
			restored++
		}
	}
	if restored != n {
		t.Errorf("%d of %d records of B hold their old first name after the undo", restored, n)
	}
}

// splitFirstRecord moves the last field of the first record the last run
// audited into a stored row of its own at the end of the run's audit, as
// when a run writes a record again later on: the record's audit then
// spans two pages of an undo. It returns the record's id.
func (u *bigUndo) splitFirstRecord(tb testing.TB) string {
	tb.Helper()
	db := u.db.SQL()
	var id int64
	var side, rec, changes string
	var at int64
	if err := db.QueryRow("SELECT id, side, record_id, changes, at FROM audit_records WHERE run_id = ? ORDER BY id LIMIT 1", u.runID).Scan(&id, &side, &rec, &changes, &at); err != nil {
		tb.Fatal(err)
	}
	var cs [][4]string
	if err := json.Unmarshal([]byte(changes), &cs); err != nil || len(cs) < 2 {
		tb.Fatalf("setup: audit of %s: %s (%v)", rec, changes, err)
	}
	head, tail := cs[:len(cs)-1], cs[len(cs)-1:]
	hj, _ := json.Marshal(head)
	tj, _ := json.Marshal(tail)
	if _, err := db.Exec("UPDATE audit_records SET changes = ? WHERE id = ?", string(hj), id); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO audit_records(run_id, side, record_id, changes, at) VALUES(?,?,?,?,?)", u.runID, side, rec, string(tj), at); err != nil {
		tb.Fatal(err)
	}
	return rec
}

// TestUndoGathersARecordWrittenTwiceAcrossPages: a record whose
// audit is in two stored rows, one in the undo's first page and one after
// the last, is undone once, with both fields, where it first appears, as
// when the undo read the whole audit at once (a page-by-page undo that
// undid each row alone planned two writes to one record).
func TestUndoGathersARecordWrittenTwiceAcrossPages(t *testing.T) {
	const n = 700 // more than a page of 500 records
	u := newBigUndo(t, n)
	rec := u.splitFirstRecord(t)
	p := u.undo(t)
	if p.Counts.UpdateB != n || len(p.Review) != 0 {
		t.Fatalf("undo plan: %d updates of B, %d reviews; want %d and none\n%s", p.Counts.UpdateB, len(p.Review), n, p.Summary())
	}
	if w := p.Updates[0]; w.ID != rec || len(w.Changes) != 2 {
		t.Fatalf("the undo's first write is %s with %+v; want %s with both its fields", w.ID, w.Changes, rec)
	}
	u.apply(t, p, "undo")
	if got := u.b.Get(objB, rec); got["FirstName"] != "Ann" || got["LastName"] == "" || got["LastName"][:3] != "Lee" {
		t.Fatalf("after the undo %s holds %v, want its old first and last names", rec, got)
	}
}
