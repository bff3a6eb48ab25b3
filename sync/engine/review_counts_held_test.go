package engine_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/engine/memconn"
	"github.com/crmsync/crmsync/sync/mapping"
)

// keylessHeld is keylessCrash for n records, with the sync's limit of
// changes at maxChanges (0: none): the next plan holds the n interrupted
// creates in Review while it is made.
func keylessHeld(t *testing.T, n, maxChanges int) *fixture {
	t.Helper()
	def := baseDefinition()
	def.Fields[0].Direction = mapping.BtoA // B's Email is never written
	def.Safety.MaxChanges = maxChanges
	f := newFixture(t, def, fixtureOpts{batch: n})
	for i := range n {
		f.a.Put(objA, person(emailN(i), "P", fmt.Sprint(i)))
	}
	if sum := f.crashOnFirstWriteToB(); sum.Status != "cancelled" {
		t.Fatalf("crash setup: %+v", sum)
	}
	f.b.SetFaults(memconn.Faults{})
	f.open()
	return f
}

// runsReviewTotal adds up the Review column of every run of the sync, as
// a person adding up History's runs does.
func (f *fixture) runsReviewTotal() int {
	f.t.Helper()
	runs, err := f.db.Runs(f.ctx, f.syncID, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, r := range runs {
		n += r.Review
	}
	return n
}

// TestHeldRunCountsWhatItPutInReview: a run held for confirmation
// (over the sync's limit of changes) whose plan held interrupted creates
// in Review must say so in its History row, and the run confirmed after
// it must not count them again.
func TestHeldRunCountsWhatItPutInReview(t *testing.T) {
	f := keylessHeld(t, 3, 1)
	before := f.runsReviewTotal()
	for i := range 2 {
		f.a.Put(objA, person(emailN(100+i), "New", fmt.Sprint(i)))
	}
	p := f.plan()
	if !p.NeedsConfirmation {
		t.Fatalf("the plan does not need confirmation:\n%s", p.Summary())
	}
	open := len(f.reviews("duplicate"))
	if open != 3 {
		t.Fatalf("%d open duplicate items after the plan; want the 3 interrupted creates held", open)
	}
	sum, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{})
	if !errors.Is(err, engine.ErrNeedsConfirmation) {
		t.Fatalf("the run was not held for confirmation: %v %+v", err, sum)
	}
	held, err := f.db.Run(f.ctx, sum.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if held.Review != open {
		t.Errorf("the held run's History row says Review %d; its plan put %d items in Review", held.Review, open)
	}
	if sum.Review != open {
		t.Errorf("the held run's summary says Review %d; its plan put %d items in Review", sum.Review, open)
	}
	_, sum2 := f.run()
	if n := len(f.reviews("duplicate")); n != open {
		t.Fatalf("%d open duplicate items after the confirmed run; want %d", n, open)
	}
	if total := f.runsReviewTotal() - before; total != open {
		t.Errorf("History's runs add up to Review %d (held %d, confirmed %d); %d items were put in Review", total, held.Review, sum2.Review, open)
	}
}

// TestRunAfterPreviewCountsHeldCreates: a preview holds interrupted
// creates in Review as it is made; the run applied after it (Apply plans
// again) left them there, so its summary and History row count them,
// once: the run after it does not count them again.
func TestRunAfterPreviewCountsHeldCreates(t *testing.T) {
	f := keylessHeld(t, 3, 0)
	preview := f.plan()
	if err := f.eng.Discard(f.ctx, preview); err != nil {
		t.Fatal(err)
	}
	open := len(f.reviews("duplicate"))
	if open != 3 || preview.Counts.Review != open {
		t.Fatalf("the preview counts %d to review, the store holds %d; want the 3 interrupted creates", preview.Counts.Review, open)
	}
	_, sum := f.run()
	row, err := f.db.Run(f.ctx, sum.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Review != open || row.Review != open {
		t.Errorf("the run after the preview says Review %d (History %d); it left the %d items its preview held in Review", sum.Review, row.Review, open)
	}
	_, next := f.run()
	if next.Review != 0 {
		t.Errorf("the run after that says Review %d; it put nothing in Review", next.Review)
	}
	if total := f.runsReviewTotal(); total != open {
		t.Errorf("History's runs add up to Review %d; %d items were put in Review", total, open)
	}
}

// TestHeldCreatesPastAThousandListed: past the first 1,000 items a
// plan lists, the creates it held in Review were counted but not listed,
// and the preview said of them "not listed here: all go to review when
// the plan is applied", though they are in Review already. Every item
// the store holds is listed, and the run counts each once.
func TestHeldCreatesPastAThousandListed(t *testing.T) {
	const n = 1005
	f := keylessHeld(t, n, 0)
	p := f.plan()
	open := len(f.reviews("duplicate"))
	if open != n {
		t.Fatalf("%d open duplicate items after the plan; want the %d interrupted creates held", open, n)
	}
	if listed := countKind(p.Review, "duplicate"); listed != open {
		t.Errorf("the plan lists %d of the %d items it held in Review", listed, open)
	}
	if p.Omitted != nil && p.Omitted.Review > 0 {
		t.Errorf("the plan says %d more items go to review when applied; none do, all %d are in Review already", p.Omitted.Review, open)
	}
	if p.Counts.Review != open {
		t.Errorf("the plan counts %d to review; the store holds %d", p.Counts.Review, open)
	}
	sum, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Review != open {
		t.Errorf("the run says Review %d; the store holds %d items it left open", sum.Review, open)
	}
	if n := len(f.reviews("duplicate")); n != open {
		t.Errorf("%d open duplicate items after the run; want %d", n, open)
	}
}
