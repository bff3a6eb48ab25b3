package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmsync/crmsync/store"
)

func engineSync(t testing.TB) (*store.DB, int64, context.Context) {
	t.Helper()
	db, _ := openTemp(t)
	ctx := context.Background()
	id, err := db.SaveSync(ctx, "s", "{}")
	if err != nil {
		t.Fatal(err)
	}
	return db, id, ctx
}

func TestIndexPageStoresCursorWithRecords(t *testing.T) {
	db, id, ctx := engineSync(t)
	recs := []store.IndexRecord{
		{ID: "a1", Modified: 5, Fields: map[string]string{"email": "x@example.com"}, Keys: []store.RecordKey{{Rule: 0, Key: "x@example.com"}}},
		{ID: "a2", Modified: 6, Deleted: true, Fields: map[string]string{}, Keys: []store.RecordKey{{Rule: 0, Key: "gone@example.com"}}},
	}
	seq, err := db.IndexPage(ctx, id, "a", recs, store.PageOptions{Cursor: "c1", SaveCursor: true})
	if err != nil || seq != 1 {
		t.Fatalf("IndexPage: seq %d err %v", seq, err)
	}
	st, err := db.SideState(ctx, id, "a")
	// One seq per record, in page order.
	if err != nil || st.Cursor != "c1" || st.MaxSeq != 2 || st.Count != 1 || st.DoneSeq != 0 {
		t.Fatalf("state %+v err %v", st, err)
	}
	hits, _ := db.KeyHits(ctx, id, 0, []string{"x@example.com", "gone@example.com"})
	if len(hits) != 1 || hits[0].ID != "a1" {
		t.Fatalf("deleted records carry no keys: %+v", hits)
	}
	// Re-indexing replaces the keys.
	recs[0].Keys = []store.RecordKey{{Rule: 0, Key: "y@example.com"}}
	if seq, _ := db.IndexPage(ctx, id, "a", recs[:1], store.PageOptions{Cursor: "c2"}); seq != 3 {
		t.Fatalf("second page seq %d", seq)
	}
	if hits, _ := db.KeyHits(ctx, id, 0, []string{"x@example.com"}); len(hits) != 0 {
		t.Fatalf("stale key kept: %+v", hits)
	}
	if st, _ := db.SideState(ctx, id, "a"); st.Cursor != "c1" {
		t.Fatalf("cursor saved without saveCursor: %q", st.Cursor)
	}
	if err := db.SetDoneSeq(ctx, id, "a", 2); err != nil {
		t.Fatal(err)
	}
	db.SetDoneSeq(ctx, id, "a", 1) // never moves back
	if st, _ := db.SideState(ctx, id, "a"); st.DoneSeq != 2 {
		t.Fatalf("done seq %d", st.DoneSeq)
	}
}

func TestCommitIsAllOrNothing(t *testing.T) {
	db, id, ctx := engineSync(t)
	run, err := db.OpenRun(ctx, id, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	ok := store.Commit{SyncID: id, RunID: run,
		Links: []store.LinkWrite{{AID: "a1", BID: "b1", Base: store.EncodeFields(map[string]string{"k": "v"}), CreatedBy: "b"}},
		Audit: []store.AuditRecord{store.NewAuditRecord([]store.AuditRow{{Side: "b", RecordID: "b1", Field: "Email", New: "x@example.com", Rule: "create"}})}}
	if err := db.Commit(ctx, ok); err != nil {
		t.Fatal(err)
	}
	// b1 is taken: the whole second commit must roll back, audit included.
	bad := store.Commit{SyncID: id, RunID: run,
		Links: []store.LinkWrite{{AID: "a2", BID: "b1"}},
		Audit: []store.AuditRecord{store.NewAuditRecord([]store.AuditRow{{Side: "b", RecordID: "b1", Field: "Email", New: "dup", Rule: "create"}})}}
	if err := db.Commit(ctx, bad); !errors.Is(err, store.ErrLinkClash) {
		t.Fatalf("clash: %v", err)
	}
	links, _ := db.Links(ctx, id)
	audit, _ := db.Audit(ctx, run)
	if len(links) != 1 || len(audit) != 1 {
		t.Fatalf("links %d audit %d after a failed commit", len(links), len(audit))
	}
	// Base values merge into the stored base.
	db.Commit(ctx, store.Commit{SyncID: id, RunID: run, Links: []store.LinkWrite{{AID: "a1", BID: "b1", Base: `{"k2":"w"}`}}})
	links, _ = db.Links(ctx, id)
	if links[0].Base != `{"k":"v","k2":"w"}` || links[0].CreatedBy != "b" {
		t.Fatalf("merged link %+v", links[0])
	}
}

func TestOneOpenRunAndStaleRecovery(t *testing.T) {
	db, id, ctx := engineSync(t)
	if _, err := db.OpenRun(ctx, id, "manual", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenRun(ctx, id, "schedule", 0); !errors.Is(err, store.ErrRunOpen) {
		t.Fatalf("second open run: %v", err)
	}
	db = reopenAfterKill(t, db) // the process that held the run died
	if n, err := db.RecoverStaleRuns(ctx); n != 1 || err != nil {
		t.Fatalf("recover: %d %v", n, err)
	}
	runs, _ := db.Runs(ctx, id, 0)
	if runs[0].Status != "failed" || runs[0].Message != "interrupted (crash or kill)" {
		t.Fatalf("stale run %+v", runs[0])
	}
	if _, err := db.OpenRun(ctx, id, "manual", 0); err != nil {
		t.Fatalf("open after recovery: %v", err)
	}
}

func TestReviewQueueDedupesAndSkipSticks(t *testing.T) {
	db, id, ctx := engineSync(t)
	item := store.ReviewRow{Kind: "unmatched", Side: "a", RecordID: "a1", Detail: `{"reason":"x"}`}
	for range 2 {
		if err := db.Commit(ctx, store.Commit{SyncID: id, Reviews: []store.ReviewRow{item}}); err != nil {
			t.Fatal(err)
		}
	}
	open, _ := db.Reviews(ctx, id, "", "open")
	if len(open) != 1 {
		t.Fatalf("open items %d, want 1", len(open))
	}
	if err := db.DecideReview(ctx, open[0].ID, `{"action":"skip"}`); err != nil {
		t.Fatal(err)
	}
	db.Commit(ctx, store.Commit{SyncID: id, ReviewDone: []int64{open[0].ID}, Reviews: []store.ReviewRow{item}})
	if open, _ := db.Reviews(ctx, id, "", "open"); len(open) != 0 {
		t.Fatalf("a skipped record came back to review: %+v", open)
	}
	// Linking a record closes its open matching items.
	db.Commit(ctx, store.Commit{SyncID: id, Reviews: []store.ReviewRow{{Kind: "ambiguous", Side: "b", RecordID: "b9"}}})
	db.Commit(ctx, store.Commit{SyncID: id, Links: []store.LinkWrite{{AID: "a9", BID: "b9"}}})
	if open, _ := db.Reviews(ctx, id, "ambiguous", "open"); len(open) != 0 {
		t.Fatalf("linked record still in review: %+v", open)
	}
}

func TestRetryBackoffGrows(t *testing.T) {
	db, id, ctx := engineSync(t)
	now := time.UnixMilli(1_000_000)
	db.SetClock(func() time.Time { return now })
	row := store.RetryRow{Side: "b", RecordID: "a1", Category: "server", Message: "boom"}
	var waits []time.Duration
	for range 3 {
		db.Commit(ctx, store.Commit{SyncID: id, Retry: []store.RetryRow{row}})
		q, _ := db.Retries(ctx, id, false, now)
		waits = append(waits, q[0].NextAt.Sub(now))
	}
	if waits[0] != time.Minute || waits[1] != 2*time.Minute || waits[2] != 4*time.Minute {
		t.Fatalf("back-off %v", waits)
	}
	if due, _ := db.Retries(ctx, id, true, now); len(due) != 0 {
		t.Fatalf("due too early: %+v", due)
	}
	if due, _ := db.Retries(ctx, id, true, now.Add(5*time.Minute)); len(due) != 1 || due[0].Attempts != 3 {
		t.Fatalf("due: %+v", due)
	}
	db.Commit(ctx, store.Commit{SyncID: id, RetryDone: []store.RetryKey{{Side: "b", RecordID: "a1"}}})
	if q, _ := db.Retries(ctx, id, false, now); len(q) != 0 {
		t.Fatalf("not cleared: %+v", q)
	}
}

func TestPendingJournalsSkipRunningRuns(t *testing.T) {
	db, id, ctx := engineSync(t)
	run, _ := db.OpenRun(ctx, id, "manual", 0)
	jid, err := db.AddJournal(ctx, store.JournalRow{SyncID: id, RunID: run, Side: "b", Object: "Contact", KeyField: "Email", Batch: "[]"})
	if err != nil {
		t.Fatal(err)
	}
	if js, _ := db.PendingJournals(ctx, id); len(js) != 0 {
		t.Fatalf("journal of a running run offered for reconciliation: %+v", js)
	}
	db = reopenAfterKill(t, db)
	db.RecoverStaleRuns(ctx)
	if js, _ := db.PendingJournals(ctx, id); len(js) != 1 || js[0].ID != jid {
		t.Fatalf("pending after crash: %+v", js)
	}
	db.Commit(ctx, store.Commit{SyncID: id, JournalDone: []int64{jid}})
	if js, _ := db.PendingJournals(ctx, id); len(js) != 0 {
		t.Fatalf("done journal still pending")
	}
	var left int
	if err := db.SQL().QueryRow("SELECT count(*) FROM journal").Scan(&left); err != nil || left != 0 {
		t.Fatalf("a settled journal row is kept: %d rows, %v", left, err)
	}
}

// TestIndexPageSkipsUnchangedRecords checks that a record read again with
// the fields, keys and deleted flag its row holds keeps its seq (the
// planner does not look at it again), that a changed one gets a new seq,
// that a record read twice in a group is decided by its last copy, and
// that without SkipUnchanged (a full resync) every record gets a new seq.
func TestIndexPageSkipsUnchangedRecords(t *testing.T) {
	db, id, ctx := engineSync(t)
	rec := func(rid, email string) store.IndexRecord {
		return store.IndexRecord{ID: rid, Modified: 1, Fields: map[string]string{"email": email}, Keys: []store.RecordKey{{Rule: 0, Key: email}}}
	}
	seqOf := func(rid string) int64 {
		t.Helper()
		rows, err := db.Records(ctx, id, "a", []string{rid})
		if err != nil || len(rows) != 1 {
			t.Fatalf("record %s: %+v, %v", rid, rows, err)
		}
		return rows[0].Seq
	}
	skip := store.PageOptions{SkipUnchanged: true}
	if _, err := db.IndexPage(ctx, id, "a", []store.IndexRecord{rec("a1", "x@example.com"), rec("a2", "y@example.com"), rec("a3", "z@example.com")}, skip); err != nil {
		t.Fatal(err)
	}
	s1, s2, s3 := seqOf("a1"), seqOf("a2"), seqOf("a3")
	later := rec("a2", "y2@example.com")
	later.Modified = 2
	// a1 unchanged; a2 changed; a3 changed in its first copy but back to
	// its stored value in the last.
	if _, err := db.IndexPage(ctx, id, "a", []store.IndexRecord{rec("a1", "x@example.com"), later, rec("a3", "w@example.com"), rec("a3", "z@example.com")}, skip); err != nil {
		t.Fatal(err)
	}
	if got := seqOf("a1"); got != s1 {
		t.Fatalf("unchanged a1 got a new seq: %d, was %d", got, s1)
	}
	if got := seqOf("a2"); got <= s2 {
		t.Fatalf("changed a2 kept seq %d (was %d)", got, s2)
	}
	if got := seqOf("a3"); got != s3 {
		t.Fatalf("a3, whose last copy is unchanged, got a new seq: %d, was %d", got, s3)
	}
	for key, want := range map[string]string{"x@example.com": "a1", "y@example.com": "", "y2@example.com": "a2", "z@example.com": "a3", "w@example.com": ""} {
		hits, err := db.KeyHits(ctx, id, 0, []string{key})
		if err != nil || (want == "") != (len(hits) == 0) || (want != "" && hits[0].ID != want) {
			t.Fatalf("key %s: hits %+v, want %q, %v", key, hits, want, err)
		}
	}
	if _, err := db.IndexPage(ctx, id, "a", []store.IndexRecord{rec("a1", "x@example.com")}, store.PageOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := seqOf("a1"); got <= s1 {
		t.Fatalf("without SkipUnchanged a1 kept seq %d", got)
	}
}
