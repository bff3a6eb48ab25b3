package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestKeyLogAppliedBeforeLookup: IndexPage only logs key changes, and the
// next KeyHits applies the log, so lookups see exactly each record's last
// written keys however the writes and lookups interleave. A random walk
// over a few records, keys and two rules, with repeats inside one page,
// deletions, and lookups at random points, is checked against a model, and
// record_keys against the keys column of records.
func TestKeyLogAppliedBeforeLookup(t *testing.T) {
	db, id, ctx := engineSync(t)
	rng := rand.New(rand.NewPCG(7, 31))
	pool := []string{"p@example.com", "q@example.com", "r@example.com", "+15555550100"}
	model := map[string][]store.RecordKey{} // "side/id" -> keys; absent or empty: none
	lookups := 0
	for step := range 400 {
		side := []string{"a", "b"}[rng.IntN(2)]
		var page []store.IndexRecord
		for range 1 + rng.IntN(4) {
			rec := store.IndexRecord{ID: fmt.Sprintf("%s%d", side, rng.IntN(5)), Modified: int64(step), Fields: map[string]string{"n": fmt.Sprint(step)}}
			rec.Deleted = rng.IntN(6) == 0
			for rule := range 2 {
				if rng.IntN(3) > 0 {
					rec.Keys = append(rec.Keys, store.RecordKey{Rule: rule, Key: pool[rng.IntN(len(pool))]})
				}
			}
			page = append(page, rec)
			if rec.Deleted {
				model[side+"/"+rec.ID] = nil
			} else {
				model[side+"/"+rec.ID] = rec.Keys
			}
		}
		if _, err := db.IndexPage(ctx, id, side, page, store.PageOptions{}); err != nil {
			t.Fatal(err)
		}
		if rng.IntN(8) > 0 {
			continue
		}
		lookups++
		for rule := range 2 {
			hits, err := db.KeyHits(ctx, id, rule, pool)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, h := range hits {
				got = append(got, h.Key+" "+h.Side+"/"+h.ID)
			}
			for rec, keys := range model {
				for _, k := range keys {
					if k.Rule == rule {
						want = append(want, k.Key+" "+rec)
					}
				}
			}
			slices.Sort(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("step %d rule %d: hits\n%s\nwant\n%s", step, rule, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
		var pending int
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM key_log").Scan(&pending); err != nil || pending != 0 {
			t.Fatalf("step %d: %d key log rows left after a lookup, %v", step, pending, err)
		}
		// record_keys holds exactly what the records' keys columns say.
		var diff int
		err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM (
			SELECT CAST(j.key AS INTEGER), j.value, r.side, r.id FROM records r, json_each(r.keys) j WHERE r.sync_id = ?1 AND j.value != ''
			EXCEPT SELECT rule, key, side, id FROM record_keys WHERE sync_id = ?1
			UNION ALL
			SELECT rule, key, side, id FROM record_keys WHERE sync_id = ?1
			EXCEPT SELECT CAST(j.key AS INTEGER), j.value, r.side, r.id FROM records r, json_each(r.keys) j WHERE r.sync_id = ?1 AND j.value != '')`, id).Scan(&diff)
		if err != nil || diff != 0 {
			t.Fatalf("step %d: record_keys and records.keys differ in %d rows, %v", step, diff, err)
		}
	}
	if lookups < 20 {
		t.Fatalf("only %d lookups: the walk checks too little", lookups)
	}
}

// TestKeyLogGoesWithItsSync: resetting or deleting a sync leaves no key log
// behind to be applied later.
func TestKeyLogGoesWithItsSync(t *testing.T) {
	db, id, ctx := engineSync(t)
	rec := store.IndexRecord{ID: "a1", Fields: map[string]string{}, Keys: []store.RecordKey{{Rule: 0, Key: "x@example.com"}}}
	count := func() (n int) {
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM key_log").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, err := db.IndexPage(ctx, id, "a", []store.IndexRecord{rec}, store.PageOptions{}); err != nil || count() != 1 {
		t.Fatalf("index: %v, %d log rows", err, count())
	}
	if err := db.ResetSync(ctx, id); err != nil || count() != 0 {
		t.Fatalf("reset: %v, %d log rows", err, count())
	}
	if _, err := db.IndexPage(ctx, id, "a", []store.IndexRecord{rec}, store.PageOptions{}); err != nil || count() != 1 {
		t.Fatalf("index: %v, %d log rows", err, count())
	}
	if _, err := db.SQL().ExecContext(ctx, "DELETE FROM syncs WHERE id = ?", id); err != nil || count() != 0 {
		t.Fatalf("delete sync: %v, %d log rows", err, count())
	}
}

// BenchmarkKeyFlush200k applies the key log of 200k freshly indexed
// records (random emails, indexed 5,000 per page as the planner does) to
// record_keys: the first key lookup of a 100k-per-side first sync.
func BenchmarkKeyFlush200k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		db, id, ctx := engineSync(b)
		rng := rand.New(rand.NewPCG(1, 2))
		for page := range 40 {
			recs := make([]store.IndexRecord, 5000)
			for i := range recs {
				recs[i] = store.IndexRecord{ID: fmt.Sprintf("r%07d", page*5000+i), Fields: map[string]string{"email": "x"},
					Keys: []store.RecordKey{{Rule: 0, Key: fmt.Sprintf("%016x@example.com", rng.Uint64())}}}
			}
			if _, err := db.IndexPage(ctx, id, "a", recs, store.PageOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if hits, err := db.KeyHits(ctx, id, 0, []string{"none"}); err != nil || len(hits) != 0 {
			b.Fatal(hits, err)
		}
		b.StopTimer()
		var n int
		if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM record_keys").Scan(&n); err != nil || n != 200000 {
			b.Fatalf("%d keys applied, %v", n, err)
		}
		db.Close()
		b.StartTimer()
	}
}
