package engine_test

import (
	"errors"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

func TestUnknownPicklistValueGoesToReview(t *testing.T) {
	def := baseDefinition()
	def.Fields = append(def.Fields, mapping.Field{A: "stage", B: "Stage", Direction: mapping.AtoB,
		ValueMap: map[string]string{"lead": "Lead", "customer": "Customer"}})
	f := newFixture(t, def, fixtureOpts{})
	ok := f.a.Put(objA, map[string]string{"email": "ok@example.com", "lastname": "Ok", "stage": "customer"})
	odd := f.a.Put(objA, map[string]string{"email": "odd@example.com", "lastname": "Odd", "stage": "evangelist"})
	p, sum := f.run()
	if sum.Failed != 0 || len(p.Creates) != 1 {
		t.Fatalf("want one create and no failed write:\n%s", p.Summary())
	}
	if got := f.b.Get(objB, f.linkedB(ok))["Stage"]; got != "Customer" {
		t.Fatalf("mapped stage %q", got)
	}
	rs := f.reviews("rejected")
	if len(rs) != 1 || rs[0].RecordID != odd || !contains(rs[0].Detail, "evangelist") {
		t.Fatalf("rejected items %+v", rs)
	}
	if f.linkedB(odd) != "" {
		t.Fatal("half a record was created without its stage")
	}
	// A person sets the value; the record is created with it.
	if err := f.eng.Decide(f.ctx, rs[0].ID, engine.Decision{Action: "set", Value: "Lead"}); err != nil {
		t.Fatal(err)
	}
	f.run()
	if got := f.b.Get(objB, f.linkedB(odd))["Stage"]; got != "Lead" {
		t.Fatalf("decided stage %q", got)
	}
}

func TestFiltersAndTestLimit(t *testing.T) {
	def := baseDefinition()
	def.Filters.A = []engine.Filter{{Field: "lastname", Op: "neq", Value: "Internal"}}
	def.TestLimit = 2
	f := newFixture(t, def, fixtureOpts{page: 2})
	for i := range 5 {
		f.a.Put(objA, person(emailN(i), "P", "Q"))
	}
	internal := f.a.Put(objA, person("staff@example.com", "S", "Internal"))
	p, _ := f.run()
	if len(p.Creates) != 2 {
		t.Fatalf("test run on the first 2 records created %d:\n%s", len(p.Creates), p.Summary())
	}
	f.def.TestLimit = 0
	p2, _ := f.run()
	if len(p2.Creates) != 3 || f.b.Count(objB) != 5 || f.linkedB(internal) != "" {
		t.Fatalf("full run: creates %d, B has %d, internal linked %q\n%s", len(p2.Creates), f.b.Count(objB), f.linkedB(internal), p2.Summary())
	}
	skipped := false
	for _, s := range p2.Skips {
		skipped = skipped || (s.ID == internal && s.Reason == "filtered out")
	}
	if !skipped {
		t.Fatalf("filtered record not listed as skipped: %+v", p2.Skips)
	}
}

func TestFullResyncRereadsEverything(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	linkedPair(t, f)
	sa, sb := f.sides()
	p, err := f.eng.Plan(f.ctx, f.syncID, f.def, sa, sb, engine.PlanOptions{FullResync: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Counts.ReadA != 1 || p.Counts.ReadB != 1 || !p.Empty() || p.Counts.Unchanged != 1 {
		t.Fatalf("resync:\n%s", p.Summary())
	}
}

func TestStaleOrReusedPlanIsRefused(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	f.a.Put(objA, person("x@example.com", "X", "Y"))
	p1, p2 := f.plan(), f.plan()
	if _, err := f.eng.Apply(f.ctx, p1, engine.ApplyOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Apply(f.ctx, p1, engine.ApplyOptions{Confirm: true}); !errors.Is(err, engine.ErrStalePlan) {
		t.Fatalf("re-applied plan: %v", err)
	}
	if _, err := f.eng.Apply(f.ctx, p2, engine.ApplyOptions{Confirm: true}); !errors.Is(err, engine.ErrStalePlan) {
		t.Fatalf("plan older than a run: %v", err)
	}
	if f.b.Count(objB) != 1 {
		t.Fatalf("B has %d records", f.b.Count(objB))
	}
}

// TestOwnWritesReadBackAreNotPlannedAgain checks the run after a sync:
// both CRMs report the records it created and updated as modified, and
// the plan reads them but does not merge them again, since they hold what
// the index recorded. A full resync still merges every pair.
func TestOwnWritesReadBackAreNotPlannedAgain(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	f.a.Put(objA, person("new-a@example.com", "N", "A"))
	f.b.Put(objB, personB("new-b@example.com", "N", "B"))
	both := f.a.Put(objA, person("both@example.com", "Old", "Both"))
	f.b.Put(objB, personB("both@example.com", "Old", "Both"))
	f.run()
	f.a.Edit(objA, both, map[string]string{"firstname": "New"}) // an edit on A only
	if _, sum := f.run(); sum.Updated != 1 {
		t.Fatalf("edit run updated %d records, want 1", sum.Updated)
	}
	p := f.plan() // reads the update back from B
	if !p.Empty() || p.Counts.ReadB == 0 || p.Counts.Unchanged != 0 {
		t.Fatalf("read-back of our own writes: read B %d, unchanged %d (want 0: not merged again)\n%s", p.Counts.ReadB, p.Counts.Unchanged, p.Summary())
	}
	a, b := f.sides()
	p, err := f.eng.Plan(f.ctx, f.syncID, f.def, a, b, engine.PlanOptions{FullResync: true})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() || p.Counts.Unchanged != 3 {
		t.Fatalf("full resync merges every pair again: unchanged %d, want 3\n%s", p.Counts.Unchanged, p.Summary())
	}
}
