package engine_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
)

// TestLargePlanListsFirstItemsAndAppliesAll plans more creates and links
// than a Plan lists: the JSON lists the first ones and says so, the counts
// are exact, and Apply writes every one of them from the stored plan.
func TestLargePlanListsFirstItemsAndAppliesAll(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{batch: 100, page: 500})
	const n, m = 600, 500
	for i := range n {
		f.a.Put(objA, person(fmt.Sprintf("p%05d@example.com", i), "F", "L"))
	}
	for i := range m {
		f.b.Put(objB, personB(fmt.Sprintf("q%05d@example.com", i), "G", "M"))
	}
	p := f.plan()
	if p.Counts.CreateB != n || p.Counts.CreateA != m || len(p.Creates) != 1000 {
		t.Fatalf("counts %+v, listed creates %d", p.Counts, len(p.Creates))
	}
	if p.Omitted == nil || p.Omitted.Creates != n+m-1000 || !strings.Contains(p.Omitted.Note, "first 1000") {
		t.Fatalf("omitted %+v", p.Omitted)
	}
	for i := 1; i < len(p.Creates); i++ {
		x, y := p.Creates[i-1], p.Creates[i]
		if x.Side > y.Side || x.Side == y.Side && x.Source >= y.Source {
			t.Fatalf("listed creates out of order at %d: %s/%s then %s/%s", i, x.Side, x.Source, y.Side, y.Source)
		}
	}
	js, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Creates []engine.Write `json:"creates"`
		Omitted engine.Omitted `json:"omitted"`
	}
	if err := json.Unmarshal(js, &back); err != nil || len(back.Creates) != 1000 || back.Omitted.Creates != n+m-1000 {
		t.Fatalf("JSON: %d creates, omitted %+v, %v", len(back.Creates), back.Omitted, err)
	}
	sum, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true})
	if err != nil || sum.Created != n+m || sum.Status != "success" {
		t.Fatalf("apply: %+v, %v", sum, err)
	}
	if got := f.b.Count(objB); got != n+m {
		t.Fatalf("B holds %d records, want %d", got, n+m)
	}
	if got := f.a.Count(objA); got != n+m {
		t.Fatalf("A holds %d records, want %d", got, n+m)
	}
	if _, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true}); !errors.Is(err, engine.ErrStalePlan) {
		t.Fatalf("second apply of one plan: %v", err)
	}
	if p2 := f.plan(); !p2.Empty() || p2.Omitted != nil {
		t.Fatalf("second plan not empty:\n%s", p2.Summary())
	}
}

// TestPlanPurgedByLaterRunIsStale checks a plan whose stored items were
// purged (a run happened since) is refused, never applied half.
func TestPlanPurgedByLaterRunIsStale(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	f.a.Put(objA, person("one@example.com", "F", "L"))
	old := f.plan()
	f.run() // a newer plan, applied: a run happened after old was made
	f.a.Put(objA, person("two@example.com", "F", "L"))
	f.plan() // purges old's items
	if _, err := f.eng.Apply(f.ctx, old, engine.ApplyOptions{Confirm: true}); !errors.Is(err, engine.ErrStalePlan) {
		t.Fatalf("apply of a purged plan: %v", err)
	}
}
