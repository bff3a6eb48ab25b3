package store_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// BenchmarkFirstSyncState100k writes, through the store alone, the state a
// 100k-per-side first sync leaves and reads back what its plan reads, in
// the bench's shapes and group sizes: 100k records indexed per side (5,000
// per transaction, as fresh pages), every key looked up (1,000 per call),
// every pair paged through, 70k records created on each side (a journal
// row per vendor batch, 2,500 records per commit with their link, index
// row and audit) and 30k matched pairs linked. No engine, connector or
// HTTP: it is the floor the storage design sets under the bench's initial
// run (BENCHMARKS.md, "Why the 10 s target is still missed").
func BenchmarkFirstSyncState100k(b *testing.B) {
	const (
		perSide = 100_000
		shared  = 30_000 // records with the same email on both sides
		group   = 5_000
		chunk   = 1_000
		commit  = 2_500
	)
	fields := func(side string, i int) map[string]string {
		return map[string]string{"email": email(side, i, shared), "firstname": fmt.Sprintf("First%d", i), "lastname": fmt.Sprintf("Lastname%d", i),
			"phone": fmt.Sprintf("+1415555%04d", i%10000), "jobtitle": "Operations Manager", "city": "San Francisco"}
	}
	io0, counted := fileIO()
	for b.Loop() {
		b.StopTimer()
		db, id, ctx := engineSync(b)
		run, err := db.OpenRun(ctx, id, "bench", 0)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		// Read: both sides indexed as fresh pages.
		for _, side := range []string{"a", "b"} {
			for start := 0; start < perSide; start += group {
				b.StopTimer() // the test's own data is not the store's work
				recs := make([]store.IndexRecord, group)
				for i := range recs {
					n := start + i
					recs[i] = store.IndexRecord{ID: fmt.Sprintf("%s%017d", side, n), Modified: int64(n), Fields: fields(side, n),
						Keys: []store.RecordKey{{Rule: 0, Key: email(side, n, shared)}}}
				}
				b.StartTimer()
				if _, err := db.IndexPage(ctx, id, side, recs, store.PageOptions{Fresh: true, SkipUnchanged: true, SaveCursor: true, Cursor: fmt.Sprint(start)}); err != nil {
					b.Fatal(err)
				}
			}
		}
		// Plan: every pair paged through, every key of side A looked up,
		// then those of side B's unmatched records.
		for _, side := range []string{"a", "b"} {
			fromSeq, fromID := int64(0), ""
			for {
				ps, err := db.PairsAfter(ctx, id, side, 0, fromSeq, fromID, -1, chunk)
				if err != nil {
					b.Fatal(err)
				}
				if len(ps) == 0 {
					break
				}
				last := ps[len(ps)-1].Rec
				fromSeq, fromID = last.Seq, last.ID
			}
		}
		lookup := func(side string, from, to int) {
			for start := from; start < to; start += chunk {
				b.StopTimer()
				keys := make([]string, 0, chunk)
				for n := start; n < min(start+chunk, to); n++ {
					keys = append(keys, email(side, n, shared))
				}
				b.StartTimer()
				if _, err := db.KeyHits(ctx, id, 0, keys); err != nil {
					b.Fatal(err)
				}
			}
		}
		lookup("a", 0, perSide)
		lookup("b", shared, perSide)
		// Apply: the unmatched records of each side created on the other,
		// then the matched pairs linked.
		for _, target := range []string{"b", "a"} {
			source, batch := "a", 200 // Salesforce sObject Collections
			if target == "a" {
				source, batch = "b", 100 // HubSpot batch upsert
			}
			for start := shared; start < perSide; start += commit {
				c := store.Commit{SyncID: id, RunID: run}
				for bs := start; bs < min(start+commit, perSide); bs += batch {
					b.StopTimer()
					// The journal row before each vendor batch: its records'
					// source, key, base and fields, as the engine writes it.
					entries := []byte{'['}
					for n := bs; n < min(bs+batch, perSide); n++ {
						if n > bs {
							entries = append(entries, ',')
						}
						f := store.EncodeFields(fields(source, n))
						entries = fmt.Appendf(entries, `{"source":"%s%017d","key":%q,"base":%s,"fields":%s}`, source, n, email(source, n, shared), f, f)
					}
					batchJSON := string(append(entries, ']'))
					b.StartTimer()
					j, err := db.AddJournal(ctx, store.JournalRow{SyncID: id, RunID: run, Side: target, Object: "Contact", KeyField: "Email", Batch: batchJSON})
					if err != nil {
						b.Fatal(err)
					}
					c.JournalDone = append(c.JournalDone, j)
				}
				b.StopTimer()
				var audit store.AuditBuilder
				for n := start; n < min(start+commit, perSide); n++ {
					src, made := fmt.Sprintf("%s%017d", source, n), fmt.Sprintf("%sn%016d", target, n)
					f := fields(source, n)
					aID, bID := src, made
					if target == "a" {
						aID, bID = made, src
					}
					c.Links = append(c.Links, store.LinkWrite{AID: aID, BID: bID, Base: store.EncodeFields(f), CreatedBy: target, New: true})
					c.Index = append(c.Index, store.IndexWrite{Side: target, ID: made, Modified: int64(n), Fields: store.EncodeFields(f),
						Keys: []store.RecordKey{{Rule: 0, Key: f["email"]}}, New: true})
					for k, v := range f {
						audit.Add(k, "", v, "create")
					}
					if rec, ok := audit.Record(target, made); ok {
						c.Audit = append(c.Audit, rec)
					}
				}
				b.StartTimer()
				if err := db.Commit(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		}
		for start := 0; start < shared; start += chunk {
			b.StopTimer()
			c := store.Commit{SyncID: id, RunID: run}
			for n := start; n < start+chunk; n++ {
				c.Links = append(c.Links, store.LinkWrite{AID: fmt.Sprintf("a%017d", n), BID: fmt.Sprintf("b%017d", n), Base: store.EncodeFields(fields("a", n)), New: true})
			}
			b.StartTimer()
			if err := db.Commit(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		var links, records int
		if err := db.SQL().QueryRowContext(ctx, "SELECT (SELECT count(*) FROM links), (SELECT count(*) FROM records)").Scan(&links, &records); err != nil {
			b.Fatal(err)
		}
		if want := 2*(perSide-shared) + shared; links != want || records != 2*perSide+2*(perSide-shared) {
			b.Fatalf("%d links and %d records, want %d and %d", links, records, want, 2*perSide+2*(perSide-shared))
		}
		db.Close()
		b.StartTimer()
	}
	// The kernel's count of this process's reads and writes: a WAL frame
	// is two pwrites (header and page), a checkpoint a pread and a pwrite
	// per page. It includes the untimed setup (creating and migrating the
	// file), which is small beside a run.
	if io1, ok := fileIO(); counted && ok {
		n := float64(b.N)
		b.ReportMetric(float64(io1["syscw"]-io0["syscw"])/n, "writes/op")
		b.ReportMetric(float64(io1["syscr"]-io0["syscr"])/n, "reads/op")
		b.ReportMetric(float64(io1["wchar"]-io0["wchar"])/n/(1<<20), "MBwritten/op")
	}
}

// fileIO reads /proc/self/io (Linux); ok is false elsewhere.
func fileIO() (map[string]int64, bool) {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return nil, false
	}
	defer f.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ": ")
		out[k], _ = strconv.ParseInt(v, 10, 64)
	}
	return out, sc.Err() == nil
}

// email is record n's email on side: the first shared records of both
// sides share theirs.
func email(side string, n, shared int) string {
	if n < shared {
		return fmt.Sprintf("person%d@example.com", n)
	}
	return fmt.Sprintf("%s.person%d@example.com", side, n)
}
