package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// Hot-path benchmarks (issue 7): the three-way merge of 100k linked pairs,
// matching 100k records against a 100k key index in a real SQLite file, and
// plan serialization. Run: go test -run '^$' -bench . -benchmem ./sync/engine/...

const benchN = 100_000

func benchDef() Definition {
	return Definition{
		Name: "bench", A: SideDef{Connection: "hs", Object: "contacts"}, B: SideDef{Connection: "sf", Object: "Contact"},
		Direction: mapping.TwoWay, Unmatched: UnmatchedCreate, Conflict: ConflictNewer,
		Match: []MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: []mapping.Field{
			{A: "email", B: "Email", Transform: "lower"},
			{A: "firstname", B: "FirstName"},
			{A: "lastname", B: "LastName", Rule: mapping.UnlessBlank},
			{A: "phone", B: "Phone", Transform: "e164"},
			{A: "jobtitle", B: "Title", Rule: mapping.UnlessBlank},
			{A: "city", B: "MailingCity", Rule: mapping.UnlessBlank},
		},
	}
}

func benchRows(b *testing.B, def Definition) []mapping.Row {
	b.Helper()
	s := func(obj string, names ...string) connector.Schema {
		sc := connector.Schema{Object: obj}
		for _, n := range names {
			t := connector.TypeString
			if n == "email" || n == "Email" {
				t = connector.TypeEmail
			}
			sc.Fields = append(sc.Fields, connector.Field{Name: n, Type: t})
		}
		return sc
	}
	rows, probs := mapping.Compile(def.Fields, def.Direction,
		s("contacts", "email", "firstname", "lastname", "phone", "jobtitle", "city"),
		s("Contact", "Email", "FirstName", "LastName", "Phone", "Title", "MailingCity"))
	if len(probs) > 0 {
		b.Fatalf("compile: %v", probs)
	}
	return rows
}

func personA(i int) map[string]string {
	return map[string]string{"email": "person" + strconv.Itoa(i) + "@example.com", "firstname": "Ann", "lastname": "Lee" + strconv.Itoa(i),
		"phone": "+1 555-" + fmt.Sprintf("%03d-%04d", i%1000, i%10000), "jobtitle": "CEO", "city": "Austin"}
}

func personB(i int) map[string]string {
	return map[string]string{"Email": "person" + strconv.Itoa(i) + "@example.com", "FirstName": "Ann", "LastName": "Lee" + strconv.Itoa(i),
		"Phone": "(555) " + fmt.Sprintf("%03d-%04d", i%1000, i%10000), "Title": "CEO", "MailingCity": "Austin"}
}

// BenchmarkMerge100k merges 100k linked pairs against their base; one in
// ten changed on A, one in ten on B, one in a hundred on both (a conflict).
func BenchmarkMerge100k(b *testing.B) {
	def := benchDef()
	rows := benchRows(b, def)
	m := merger{rows: rows, policy: def.Conflict}
	type pair struct {
		a, b recView
		base map[string]string
	}
	pairs := make([]pair, benchN)
	for i := range pairs {
		fa, fb := personA(i), personB(i)
		base := map[string]string{}
		for _, r := range rows {
			if v, err := r.CanonA(fa); err == nil {
				base[r.Key] = v
			}
		}
		if i%10 == 0 {
			fa["jobtitle"] = "CTO"
		}
		if i%10 == 5 || i%100 == 0 {
			fb["MailingCity"] = "Berlin"
			if i%100 == 0 {
				fa["city"] = "Paris"
			}
		}
		pairs[i] = pair{recView{id: "a" + strconv.Itoa(i), fields: fa, modified: int64(i)}, recView{id: "b" + strconv.Itoa(i), fields: fb, modified: int64(i + 1)}, base}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		writes := 0
		for _, p := range pairs {
			out := m.mergePair(p.a, p.b, p.base, nil, 0)
			if out.toA != nil {
				writes++
			}
			if out.toB != nil {
				writes++
			}
		}
		if writes < benchN/5 {
			b.Fatalf("only %d writes from 100k pairs", writes)
		}
	}
}

// BenchmarkMatch100k matches 100k unlinked A records, in the planner's
// chunks, against a key index holding 100k B records in a real SQLite
// file: a key lookup per chunk, then a link (and its merge) per match.
func BenchmarkMatch100k(b *testing.B) {
	ctx := context.Background()
	def := benchDef()
	rows := benchRows(b, def)
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), store.FileName))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	syncID, err := db.SaveSync(ctx, def.Name, "{}")
	if err != nil {
		b.Fatal(err)
	}
	ixA, ixB := newIndexer("a", def, rows, ""), newIndexer("b", def, rows, "")
	unlinked := make([]unlinkedRec, 0, benchN)
	for start := 0; start < benchN; start += chunkSize {
		var as, bs []store.IndexRecord
		for i := start; i < start+chunkSize; i++ {
			ra := ixA.record(connector.Record{ID: "a" + strconv.Itoa(i), Fields: personA(i)})
			as = append(as, ra)
			bs = append(bs, ixB.record(connector.Record{ID: "b" + strconv.Itoa(i), Fields: personB(i)}))
			unlinked = append(unlinked, unlinkedRec{id: ra.ID, fields: ra.Fields, keys: ixA.keyList(ra.Fields)})
		}
		if _, err := db.IndexPage(ctx, syncID, "a", as, store.PageOptions{}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.IndexPage(ctx, syncID, "b", bs, store.PageOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	// Apply the key log, as a plan's first lookup does, so that this
	// measures matching; store's BenchmarkKeyFlush200k measures the flush.
	if _, err := db.KeyHits(ctx, syncID, 0, []string{"none"}); err != nil {
		b.Fatal(err)
	}
	e := New(db, Options{})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p := &planner{e: e, syncID: syncID, def: def, rows: rows, ix: map[string]indexer{"a": ixA, "b": ixB},
			m: merger{rows: rows, policy: def.Conflict}, claimed: map[string]bool{}, handled: map[string]bool{},
			pages: map[string]int{}, planned: map[string]int{}, plan: &Plan{},
			tally: tally{creates: map[string]int{}, updates: map[string]int{}}, due: map[retryKey]bool{}, written: map[retryKey]bool{}}
		for start := 0; start < benchN; start += chunkSize {
			if err := p.match(ctx, "a", unlinked[start:start+chunkSize]); err != nil {
				b.Fatal(err)
			}
		}
		if p.tally.newLinks != benchN {
			b.Fatalf("%d links from 100k matching records", p.tally.newLinks)
		}
	}
}

// BenchmarkPlanJSON serializes a plan of 100k writes (the --json preview).
func BenchmarkPlanJSON(b *testing.B) {
	p := &Plan{Sync: "bench", Links: []LinkOp{}, Conflicts: []Conflict{}, Review: []ReviewItem{}, Skips: []Skip{}}
	for i := range benchN {
		w := Write{Side: "b", Source: "a" + strconv.Itoa(i), Changes: []Change{
			{Field: "Email", New: "person" + strconv.Itoa(i) + "@example.com", Rule: RuleCreate},
			{Field: "FirstName", New: "Ann", Rule: RuleCreate}, {Field: "LastName", New: "Lee", Rule: RuleCreate}}}
		if i%2 == 0 {
			w = Write{Side: "a", ID: "a" + strconv.Itoa(i), Source: "b" + strconv.Itoa(i), Changes: []Change{{Field: "city", Old: "Austin", New: "Berlin", Rule: RuleBChanged}}}
			p.Updates = append(p.Updates, w)
			continue
		}
		p.Creates = append(p.Creates, w)
	}
	p.finish()
	b.ReportAllocs()
	b.ResetTimer()
	var size int
	for b.Loop() {
		out, err := p.JSON()
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size)/(1<<20), "MB/plan")
}

// BenchmarkPlanItems100k stores and reads back the items of a 100k-write
// plan the way Plan and Apply do between them (fix 30): each write encoded
// when planned, then decoded when applied.
func BenchmarkPlanItems100k(b *testing.B) {
	ws := make([]Write, benchN)
	for i := range ws {
		ws[i] = Write{Side: "b", Source: "a" + strconv.Itoa(i), Key: "person" + strconv.Itoa(i) + "@example.com", Changes: []Change{
			{Field: "Email", New: "person" + strconv.Itoa(i) + "@example.com", Rule: RuleCreate},
			{Field: "FirstName", New: "Ann", Rule: RuleCreate}, {Field: "LastName", New: "Lee", Rule: RuleCreate}},
			Base: []BaseValue{{Row: "email", Value: "person" + strconv.Itoa(i) + "@example.com"}, {Row: "name", Value: "Ann Lee"}}}
	}
	items := make([]string, benchN)
	b.ReportAllocs()
	for b.Loop() {
		for i, w := range ws {
			items[i] = encodeWrite(w)
		}
		for _, it := range items {
			if _, err := decodeWrite(it); err != nil {
				b.Fatal(err)
			}
		}
	}
}
