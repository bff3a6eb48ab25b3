package engine_test

import (
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// undoLast undoes the run of sum and applies the undo.
func (f *fixture) undoLast(sum engine.RunSummary) {
	f.t.Helper()
	sa, sb := f.sides()
	p, err := f.eng.Undo(f.ctx, f.syncID, sum.RunID, f.def, sa, sb, engine.PlanOptions{})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true, Trigger: "undo"}); err != nil {
		f.t.Fatal(err)
	}
}

// TestUndoneValuesHoldUntilEitherSideChanges: once a run that copied A's
// first name to B is undone, the pair differs on purpose. No run writes
// the field again, even when A's record is read for another change,
// until one side edits it; then that edit goes through, and when both
// edit it, the conflict policy decides, as for any pair. A one-way row
// keeps the undo the same way.
func TestUndoneValuesHoldUntilEitherSideChanges(t *testing.T) {
	for _, dir := range []mapping.Direction{mapping.TwoWay, mapping.AtoB} {
		t.Run(string(dir), func(t *testing.T) {
			def := baseDefinition()
			def.Fields[1].Direction = dir
			f := newFixture(t, def, fixtureOpts{})
			ada := f.a.Put(objA, person("ada@example.com", "Ada", "Lovelace"))
			bob := f.a.Put(objA, person("bob@example.com", "Bob", "Byron"))
			f.run()
			adaB, bobB := f.linkedB(ada), f.linkedB(bob)
			f.a.Edit(objA, ada, map[string]string{"firstname": "Augusta"})
			f.a.Edit(objA, bob, map[string]string{"firstname": "Robert"})
			_, sum := f.run()
			f.undoLast(sum)
			if f.b.Get(objB, adaB)["FirstName"] != "Ada" || f.b.Get(objB, bobB)["FirstName"] != "Bob" {
				t.Fatalf("the undo did not restore B: %v %v", f.b.Get(objB, adaB), f.b.Get(objB, bobB))
			}
			// Another field of A changes: A is read again, the first name stays.
			f.a.Edit(objA, ada, map[string]string{"lastname": "King"})
			f.a.Edit(objA, bob, map[string]string{"lastname": "Lord"})
			if p, _ := f.run(); planWrites(p, "b", adaB, "FirstName", engine.RuleAChanged) || planWrites(p, "b", adaB, "FirstName", engine.RuleAtoB) {
				t.Fatalf("a run after an unrelated edit writes the undone first name again:\n%s", p.Summary())
			}
			if got := f.b.Get(objB, adaB)["FirstName"]; got != "Ada" {
				t.Fatalf("B's first name after an unrelated edit of A: %q, want Ada kept", got)
			}
			if got := f.a.Get(objA, ada)["firstname"]; got != "Augusta" {
				t.Fatalf("A's first name: %q; the undo was of B's", got)
			}
			// A edits the field: the edit goes through.
			f.a.Edit(objA, ada, map[string]string{"firstname": "Augustina"})
			f.run()
			if got := f.b.Get(objB, adaB)["FirstName"]; got != "Augustina" {
				t.Errorf("A's new first name reached B as %q", got)
			}
			if dir != mapping.TwoWay {
				return
			}
			// Both edit it: the policy (prefer A) decides.
			f.a.Edit(objA, bob, map[string]string{"firstname": "Rob"})
			f.b.Edit(objB, bobB, map[string]string{"FirstName": "Bobby"})
			f.run()
			if a, b := f.a.Get(objA, bob)["firstname"], f.b.Get(objB, bobB)["FirstName"]; a != "Rob" || b != "Rob" {
				t.Errorf("both edited after the undo: A %q, B %q; want Rob on both (prefer A)", a, b)
			}
			if p, _ := f.run(); len(writesOf(p)) != 0 {
				t.Errorf("a run with nothing changed writes:\n%s", p.Summary())
			}
		})
	}
}
