package store_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// rowCount counts a table's rows for a sync.
func rowCount(t *testing.T, db *store.DB, table string, syncID int64) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow("SELECT count(*) FROM "+table+" WHERE sync_id = ?", syncID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// hitIDs returns the ids of the records holding key under rule 0.
func hitIDs(t *testing.T, db *store.DB, syncID int64, key string) []string {
	t.Helper()
	hits, err := db.KeyHits(t.Context(), syncID, 0, []string{key})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.Side+":"+h.ID)
	}
	return ids
}

// checkHits checks which records hold each key under rule 0 (nil: none).
func checkHits(t *testing.T, db *store.DB, syncID int64, want map[string][]string) {
	t.Helper()
	for key, ids := range want {
		if got := hitIDs(t, db, syncID, key); !slices.Equal(got, ids) {
			t.Errorf("key %s: hits %v, want %v", key, got, ids)
		}
	}
}

func keyed(id, email string) store.IndexRecord {
	return store.IndexRecord{ID: id, Modified: 1, Fields: map[string]string{"email": email}, Keys: []store.RecordKey{{Rule: 0, Key: email}}}
}

// A fresh page holding a record that is indexed after all (a CRM's paging
// gave it twice) must end as the checked path would leave it: one row per
// record, the new keys in, the old ones out, and no row of the failed
// insert left behind.
func TestFreshPageWithAnIndexedRecordTakesTheCheckedPath(t *testing.T) {
	db, id, ctx := engineSync(t)
	fresh := store.PageOptions{Fresh: true, SkipUnchanged: true}
	if _, err := db.IndexPage(ctx, id, "a", []store.IndexRecord{keyed("a1", "one@x.io"), keyed("a2", "two@x.io")}, fresh); err != nil {
		t.Fatal(err)
	}
	checkHits(t, db, id, map[string][]string{"two@x.io": {"a:a2"}})
	// a0 and a3 sort around a2, so the insert fails part way, after a0.
	page := []store.IndexRecord{keyed("a0", "zero@x.io"), keyed("a2", "changed@x.io"), keyed("a3", "three@x.io")}
	seq, err := db.IndexPage(ctx, id, "a", page, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if n := rowCount(t, db, "records", id); n != 4 {
		t.Fatalf("%d records, want 4 (a0-a3, once each)", n)
	}
	checkHits(t, db, id, map[string][]string{"zero@x.io": {"a:a0"}, "changed@x.io": {"a:a2"}, "two@x.io": nil, "three@x.io": {"a:a3"}, "one@x.io": {"a:a1"}})
	recs, err := db.Records(ctx, id, "a", []string{"a2"})
	if err != nil || len(recs) != 1 || recs[0].Seq != seq+1 || store.DecodeFields(recs[0].Fields)["email"] != "changed@x.io" {
		t.Fatalf("a2 after the second page: %+v (page seq %d), %v", recs, seq, err)
	}
	// A record twice in one fresh group: its last copy wins, as on the
	// checked path.
	if _, err := db.IndexPage(ctx, id, "b", []store.IndexRecord{keyed("b1", "first@x.io"), keyed("b1", "last@x.io")}, fresh); err != nil {
		t.Fatal(err)
	}
	checkHits(t, db, id, map[string][]string{"last@x.io": {"b:b1"}, "first@x.io": nil})
}

// A record marked new that is indexed already (an upsert by key that hit
// an existing record) is updated, not duplicated, and its old keys go.
func TestNewIndexWriteOfAnIndexedRecord(t *testing.T) {
	db, id, ctx := engineSync(t)
	if _, err := db.IndexPage(ctx, id, "b", []store.IndexRecord{keyed("b1", "old@x.io")}, store.PageOptions{}); err != nil {
		t.Fatal(err)
	}
	write := func(id, email string, isNew bool) store.IndexWrite {
		return store.IndexWrite{Side: "b", ID: id, Modified: 2, Fields: store.EncodeFields(map[string]string{"email": email}),
			Keys: []store.RecordKey{{Rule: 0, Key: email}}, New: isNew}
	}
	c := store.Commit{SyncID: id, Index: []store.IndexWrite{write("b2", "two@x.io", true), write("b1", "new@x.io", true), write("b0", "zero@x.io", true)}}
	if err := db.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n := rowCount(t, db, "records", id); n != 3 {
		t.Fatalf("%d records, want 3", n)
	}
	checkHits(t, db, id, map[string][]string{"old@x.io": nil, "new@x.io": {"b:b1"}, "two@x.io": {"b:b2"}, "zero@x.io": {"b:b0"}})
	// Created and then updated in one commit: the update's keys win.
	c = store.Commit{SyncID: id, Index: []store.IndexWrite{write("b5", "created@x.io", true), write("b5", "updated@x.io", false)}}
	if err := db.Commit(ctx, c); err != nil {
		t.Fatal(err)
	}
	checkHits(t, db, id, map[string][]string{"updated@x.io": {"b:b5"}, "created@x.io": nil})
}

// A link marked new that is stored already merges its base as before; one
// that clashes fails the whole commit with ErrLinkClash.
func TestNewLinkThatIsStored(t *testing.T) {
	db, id, ctx := engineSync(t)
	newLink := func(a, b, base string) store.LinkWrite { return store.LinkWrite{AID: a, BID: b, Base: base, New: true} }
	if err := db.Commit(ctx, store.Commit{SyncID: id, Links: []store.LinkWrite{newLink("a1", "b1", `{"k":"v"}`)}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Commit(ctx, store.Commit{SyncID: id, Links: []store.LinkWrite{newLink("a0", "b0", "{}"), newLink("a1", "b1", `{"k2":"w"}`)}}); err != nil {
		t.Fatalf("the same pair again: %v", err)
	}
	links, _ := db.Links(ctx, id)
	if len(links) != 2 || links[1].AID != "a1" || links[1].Base != `{"k":"v","k2":"w"}` {
		t.Fatalf("links %+v", links)
	}
	err := db.Commit(ctx, store.Commit{SyncID: id, Links: []store.LinkWrite{newLink("a3", "b3", "{}"), newLink("a2", "b1", "{}")},
		Index: []store.IndexWrite{{Side: "a", ID: "a3", Fields: "{}", New: true}}})
	if !errors.Is(err, store.ErrLinkClash) {
		t.Fatalf("b1 is linked to a1: %v", err)
	}
	if links, _ := db.Links(ctx, id); len(links) != 2 {
		t.Fatalf("a failed commit left links: %+v", links)
	}
	if n := rowCount(t, db, "records", id); n != 0 {
		t.Fatalf("a failed commit left %d records", n)
	}
}

// Linking closes the open unmatched and ambiguous items about the linked
// records, and only those: not another kind, not the same id on the other
// side.
func TestLinkingClosesOnlyItsOwnOpenReviews(t *testing.T) {
	for _, tc := range []struct {
		name      string
		open      []store.ReviewRow
		links     []store.LinkWrite
		stillOpen []string
	}{
		{"few open", []store.ReviewRow{
			{Kind: "unmatched", Side: "a", RecordID: "a10"},
			{Kind: "ambiguous", Side: "b", RecordID: "b10"},
			{Kind: "ambiguous", Side: "b", RecordID: "a11"}, // a11 is linked on side A, not B
			{Kind: "conflict", Side: "a", RecordID: "a11", Field: "Email"},
		}, []store.LinkWrite{{AID: "a10", BID: "b10"}, {AID: "a11", BID: "b11"}}, []string{"b:a11:ambiguous", "a:a11:conflict"}},
		{"more open than linked", []store.ReviewRow{
			{Kind: "unmatched", Side: "a", RecordID: "a1"},
			{Kind: "unmatched", Side: "a", RecordID: "a2"},
			{Kind: "unmatched", Side: "a", RecordID: "a3"},
		}, []store.LinkWrite{{AID: "a1", BID: "b1"}}, []string{"a:a2:unmatched", "a:a3:unmatched"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, id, ctx := engineSync(t)
			if err := db.Commit(ctx, store.Commit{SyncID: id, Reviews: tc.open}); err != nil {
				t.Fatal(err)
			}
			if err := db.Commit(ctx, store.Commit{SyncID: id, Links: tc.links}); err != nil {
				t.Fatal(err)
			}
			open, err := db.Reviews(ctx, id, "", "open")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range open {
				got = append(got, it.Side+":"+it.RecordID+":"+it.Kind)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.stillOpen))
			if !slices.Equal(got, want) {
				t.Fatalf("open after linking: %v, want %v", got, want)
			}
		})
	}
}
