package engine_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestLinkedFilterAndCreateInOneSide checks the rules of a "linked:SYNC"
// filter (another sync, eq or neq, true or false, no field needed on the
// side) and which sides the unmatched policies create in.
func TestLinkedFilterAndCreateInOneSide(t *testing.T) {
	def := engine.Definition{Name: "leads", A: engine.SideDef{Connection: "hs", Object: objA}, B: engine.SideDef{Connection: "sf", Object: objB}, Direction: mapping.TwoWay, Unmatched: engine.UnmatchedCreateInA, Conflict: engine.ConflictNewer,
		Match:  []engine.MatchRule{{A: "email", B: "Email", Normalize: "email"}},
		Fields: []mapping.Field{{A: "email", B: "Email"}, {A: "lastname", B: "LastName"}}}
	def.Filters.A = []engine.Filter{{Field: "linked:contacts", Op: "eq", Value: "false"}}
	def.Filters.B = []engine.Filter{{Field: "linked:other", Op: "neq", Value: "true"}, {Field: "linked:contacts", Op: "eq", Value: "true"}}
	if ps := def.Validate(schemaA(), schemaB()); len(ps) > 0 {
		t.Fatalf("a valid definition with linked: filters: %v", ps)
	}
	if got := engine.FilterSyncs(def); !slices.Equal(got, []string{"contacts", "other"}) {
		t.Errorf("FilterSyncs = %v", got)
	}
	for _, bad := range []engine.Filter{
		{Field: "linked:contacts", Op: "contains", Value: "true"},
		{Field: "linked:contacts", Op: "eq", Value: "yes"},
		{Field: "linked:", Op: "eq", Value: "true"},
		{Field: "linked:leads", Op: "eq", Value: "true"}, // itself
	} {
		d := def
		d.Filters.A = []engine.Filter{bad}
		ps := d.ValidateStatic()
		if len(ps) == 0 || !strings.Contains(ps[0].Error(), "takes another sync's name") {
			t.Errorf("filter %+v: problems %v", bad, ps)
		}
	}
	for policy, want := range map[string][2]bool{
		engine.UnmatchedCreate: {true, true}, engine.UnmatchedCreateInA: {true, false}, engine.UnmatchedCreateInB: {false, true},
		engine.UnmatchedSkip: {false, false}, engine.UnmatchedReview: {false, false},
	} {
		d := engine.Definition{Unmatched: policy}
		if got := [2]bool{d.CreatesIn("a"), d.CreatesIn("b")}; got != want {
			t.Errorf("%s creates in a, b: %v, want %v", policy, got, want)
		}
	}
	// Creating in A needs A's required fields mapped; B's are not needed.
	d := def
	d.Fields = []mapping.Field{{A: "email", B: "Email"}}
	req := schemaA()
	for i := range req.Fields {
		if req.Fields[i].Name == "lastname" {
			req.Fields[i].Required = true
		}
	}
	ps := d.Validate(req, schemaB())
	if len(ps) != 1 || !strings.Contains(ps[0].Error(), "lastname") {
		t.Errorf("create-in-a without A's required lastname mapped: %v", ps)
	}
}

// TestMatchOutsideTheFiltersIsLeftAlone: a record whose only match on the
// other side is one the sync's filters leave out (a converted Lead, a
// call among tasks) is neither linked, which would write to the filtered
// record, nor created, which would duplicate it: it is skipped, saying so.
func TestMatchOutsideTheFiltersIsLeftAlone(t *testing.T) {
	def := baseDefinition()
	def.Filters.B = []engine.Filter{{Field: "Stage", Op: "neq", Value: "Customer"}}
	f := newFixture(t, def, fixtureOpts{})
	x := f.a.Put(objA, person("x@example.com", "X", "New"))
	out := f.b.Put(objB, map[string]string{"Email": "x@example.com", "FirstName": "X", "LastName": "Old", "Stage": "Customer"})
	p, _ := f.run()
	if len(p.Creates) != 0 || len(f.links()) != 0 || f.b.Count(objB) != 1 {
		t.Fatalf("creates %d, links %d, B holds %d\n%s", len(p.Creates), len(f.links()), f.b.Count(objB), p.Summary())
	}
	if r := f.b.Get(objB, out); r["LastName"] != "Old" {
		t.Errorf("the filtered record was written: %v", r)
	}
	skipped := false
	for _, s := range p.Skips {
		skipped = skipped || s.ID == x && strings.Contains(s.Reason, "its match "+out+" on side B") && strings.Contains(s.Reason, "outside this sync's filters")
	}
	if !skipped {
		t.Errorf("the record is not skipped with its reason: %+v", p.Skips)
	}
}
