package engine_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
)

// keylessCrash makes three creates on side B, to which the sync writes no
// match key, cut short by a crash: the next plan holds them in Review.
func keylessCrash(t *testing.T) *fixture {
	t.Helper()
	return keylessHeld(t, 3, 0)
}

// TestKeylessHeldCountedInPlanAndRun: the plan after a crash that
// cut keyless creates short opens a Review item for each; its counts (what
// the preview shows) and the run's summary and History row must count
// them as the store holds them, not "review 0".
func TestKeylessHeldCountedInPlanAndRun(t *testing.T) {
	f := keylessCrash(t)
	p := f.plan()
	open := len(f.reviews("duplicate"))
	if open != 3 {
		t.Fatalf("%d open duplicate items after the plan; want the 3 interrupted creates held", open)
	}
	if p.Counts.Review != open {
		t.Errorf("the plan counts %d to review; the store holds %d items it opened\n%s", p.Counts.Review, open, p.Summary())
	}
	if n := countKind(p.Review, "duplicate"); n != open {
		t.Errorf("the plan lists %d duplicate items; the store holds %d", n, open)
	}
	sum, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Review != open {
		t.Errorf("the run's summary says Review %d; it opened %d items", sum.Review, open)
	}
	row, err := f.db.Run(f.ctx, sum.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if row.Review != open {
		t.Errorf("History's row says Review %d; the run opened %d items", row.Review, open)
	}
	if n := len(f.reviews("duplicate")); n != open {
		t.Errorf("%d open duplicate items after the run; want %d, not opened twice", n, open)
	}
}

func countKind(items []engine.ReviewItem, kind string) int {
	n := 0
	for _, it := range items {
		if it.Kind == kind {
			n++
		}
	}
	return n
}

// TestGoneDeleteCountedInRun: with delete propagation on, an update
// whose target was deleted between the plan's read and the write holds
// that delete in Review during the run; the run's summary and History's
// row must count the item it opened.
func TestGoneDeleteCountedInRun(t *testing.T) {
	def := baseDefinition()
	def.Safety.PropagateDeletes = true
	f := newFixture(t, def, fixtureOpts{})
	a, b := linkedPair(t, f)
	f.a.Edit(objA, a, map[string]string{"firstname": "Augusta"})
	p := f.plan()
	if len(p.Updates) != 1 {
		t.Fatalf("want one update of %s:\n%s", b, p.Summary())
	}
	f.b.Remove(objB, b)
	sum, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	open := len(f.reviews("delete"))
	if open != 1 {
		t.Fatalf("%d open delete items after the run; want the delete its update found held (%+v)", open, sum)
	}
	if sum.Review != open {
		t.Errorf("the run's summary says Review %d; it opened %d items", sum.Review, open)
	}
	if row, err := f.db.Run(f.ctx, sum.RunID); err != nil || row.Review != open {
		t.Errorf("History's row says Review %d (%v); the run opened %d items", row.Review, err, open)
	}
}

// TestSkippedUnmatchedNotCountedAgain: a record a person skipped in
// Review (the answer sticks) is edited later; the run that reads it again
// opens no item for it, so its summary must not count one.
func TestSkippedUnmatchedNotCountedAgain(t *testing.T) {
	def := baseDefinition()
	def.Unmatched = engine.UnmatchedReview
	f := newFixture(t, def, fixtureOpts{})
	id := f.a.Put(objA, person("solo@example.com", "Solo", "One"))
	f.run()
	items := f.reviews("unmatched")
	if len(items) != 1 {
		t.Fatalf("%d unmatched items; want the new record", len(items))
	}
	if err := f.eng.Decide(f.ctx, items[0].ID, engine.Decision{Action: "skip"}); err != nil {
		t.Fatal(err)
	}
	f.run()
	f.a.Edit(objA, id, map[string]string{"firstname": "Sola"})
	p, sum := f.run()
	if n := len(f.reviews("")); n != 0 || sum.Review != 0 || p.Counts.Review != 0 {
		t.Errorf("after a skipped record changed: %d open items, run summary Review %d, plan Review %d; want all 0\n%s", n, sum.Review, p.Counts.Review, p.Summary())
	}
}

// stopAtOpenRun is the store, with the run's context cancelled as soon as
// Apply has opened the run: a person pressing Stop right after Run.
type stopAtOpenRun struct {
	*store.DB
	stop context.CancelFunc
}

func (s stopAtOpenRun) OpenRun(ctx context.Context, syncID int64, trigger string, undoOf int64) (int64, error) {
	id, err := s.DB.OpenRun(ctx, syncID, trigger, undoOf)
	s.stop()
	return id, err
}

// TestRunStoppedBeforeReviewCountsNone: a run stopped before it
// stored anything sent nothing to review; its summary and History's row
// must not count the plan's review items (it said "review 1" with no item
// in Review; the next run opens it).
func TestRunStoppedBeforeReviewCountsNone(t *testing.T) {
	def := baseDefinition()
	def.Unmatched = engine.UnmatchedReview
	f := newFixture(t, def, fixtureOpts{})
	f.a.Put(objA, person("solo@example.com", "Solo", "One"))
	ctx, stop := context.WithCancel(f.ctx)
	defer stop()
	eng := engine.New(stopAtOpenRun{f.db, stop}, engine.Options{Now: f.clock.Now})
	a, b := f.sides()
	p, err := eng.Plan(ctx, f.syncID, f.def, a, b, engine.PlanOptions{})
	if err != nil || p.Counts.Review != 1 {
		t.Fatalf("plan: %v\n%v", err, p.Summary())
	}
	sum, _ := eng.Apply(ctx, p, engine.ApplyOptions{Confirm: true})
	if sum.Stopped == nil {
		t.Fatalf("the run was not stopped: %+v", sum)
	}
	open := len(f.reviews(""))
	if sum.Review != open {
		t.Errorf("the stopped run's summary says Review %d; the store holds %d open items", sum.Review, open)
	}
	if row, err := f.db.Run(f.ctx, sum.RunID); err != nil || row.Review != open {
		t.Errorf("History's row says Review %d (%v); the store holds %d open items", row.Review, err, open)
	}
	_, next := f.run()
	if n := len(f.reviews("unmatched")); n != 1 || next.Review != 1 {
		t.Errorf("the next run: %d unmatched items open, summary Review %d; want the record sent to review once", n, next.Review)
	}
}
