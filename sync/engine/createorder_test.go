package engine_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine/memconn"
)

// dupOrderRun is one run that creates on both sides and updates side A,
// while side B refuses A's Dana as a duplicate of B's own Dana (as a
// Salesforce duplicate rule does) and says may when asked whether it
// refuses duplicates.
type dupOrderRun struct {
	f                *fixture
	danaA, danaB     string // the two Danas' ids
	updateDuringWait bool   // A's update was sent while B's create call waited for it
	aCreateAfterB    bool   // A's first create call came after B's creates were carried out
}

func runDupOrder(t *testing.T, may, oneSide bool) dupOrderRun {
	t.Helper()
	var asked atomic.Int32
	f := newFixture(t, baseDefinition(), fixtureOpts{oneSide: oneSide, mayRefuseB: func() (bool, error) {
		asked.Add(1)
		return may, nil
	}})
	pairA := f.a.Put(objA, person("pair@example.com", "Pat", "Pair"))
	f.b.Put(objB, personB("pair@example.com", "Pat", "Pair"))
	if _, sum := f.run(); sum.Failed != 0 || sum.Created != 0 || asked.Load() != 0 {
		t.Fatalf("first run (links only, asks nothing): %+v, asked %d", sum, asked.Load())
	}
	f.clock.Advance(time.Minute)
	pairB := f.linkedB(pairA)
	f.b.Edit(objB, pairB, map[string]string{"FirstName": "Patricia"})
	r := dupOrderRun{f: f}
	r.danaA = f.a.Put(objA, person("dana@whit-new.example", "Dana", "Whit"))
	r.danaB = f.b.Put(objB, personB("dana@whit-old.example", "Dana", "Whit"))
	f.a.Put(objA, person("ann@example.com", "Ann", "Only"))
	f.b.Put(objB, personB("bob@example.com", "Bob", "Only"))

	aUpdated := make(chan struct{})
	var updOnce sync.Once
	var bCreated, updateDuringWait, aCreateAfterB, aCreateSeen atomic.Bool
	f.b.SetFaults(memconn.Faults{
		Record: func(object string, op connector.Op) error {
			if op.Kind == connector.OpCreate && op.Fields["Email"] == "dana@whit-new.example" {
				return &connector.RecordError{Vendor: "salesforce-mem", Object: object, Category: connector.CatValidation,
					Code: "DUPLICATES_DETECTED", Message: "Use one of these records?", DuplicateRule: "Standard_Contact_Duplicate_Rule",
					Duplicates: []string{r.danaB}, DuplicatesAllowed: true}
			}
			return nil
		},
		Call: func(c memconn.CallInfo) (error, bool) {
			if c.Kind == "write" && len(c.Ops) > 0 && c.Ops[0].Kind == connector.OpCreate && !oneSide {
				select {
				case <-aUpdated:
					updateDuringWait.Store(!bCreated.Load())
				case <-time.After(5 * time.Second):
				}
			}
			return nil, false
		},
		Applied: func(_ string, op connector.Op, _ connector.Result) {
			if op.Kind == connector.OpCreate {
				bCreated.Store(true)
			}
		},
	})
	f.a.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
		switch {
		case c.Kind == "write" && len(c.Ops) > 0 && c.Ops[0].Kind == connector.OpUpdate:
			updOnce.Do(func() { close(aUpdated) })
		case c.Kind == "upsert" || c.Kind == "write" && len(c.Ops) > 0 && c.Ops[0].Kind == connector.OpCreate:
			if !aCreateSeen.Swap(true) {
				aCreateAfterB.Store(bCreated.Load())
			}
		}
		return nil, false
	}})
	p, sum := f.run()
	if p.Counts.CreateA != 2 || p.Counts.CreateB != 2 || p.Counts.UpdateA != 1 {
		t.Fatalf("plan: %s", p.Summary())
	}
	if sum.Failed != 0 || asked.Load() != 1 {
		t.Fatalf("run: %+v; asked %d times whether B refuses duplicates, want once", sum, asked.Load())
	}
	if got := f.a.Get(objA, pairA)["firstname"]; got != "Patricia" {
		t.Fatalf("A's update: firstname %q", got)
	}
	r.updateDuringWait, r.aCreateAfterB = updateDuringWait.Load(), aCreateAfterB.Load()
	return r
}

// danaCopiesInA counts side A's records of B's Dana (her email).
func danaCopiesInA(f *fixture) int {
	n := 0
	for _, rec := range f.a.Live(objA) {
		if rec.Fields["email"] == "dana@whit-old.example" {
			n++
		}
	}
	return n
}

// TestDuplicateCheckerOrdersCreates: side B may refuse creates as
// duplicates and the run creates on both sides: B's creates go first and
// A's creates leave out the record B named (B's Dana, held as the
// item's candidate), while A's update goes during the wait. Also when
// the sides are written one after the other (B first then).
func TestDuplicateCheckerOrdersCreates(t *testing.T) {
	for _, oneSide := range []bool{false, true} {
		r := runDupOrder(t, true, oneSide)
		f := r.f
		if n := danaCopiesInA(f); n != 0 {
			t.Fatalf("oneSide %v: B's Dana copied to A %d times", oneSide, n)
		}
		if !r.aCreateAfterB {
			t.Fatalf("oneSide %v: A's creates did not wait for B's", oneSide)
		}
		if !oneSide && !r.updateDuringWait {
			t.Fatal("A's update waited for B's creates")
		}
		its := f.reviews("duplicate")
		if len(its) != 1 || its[0].RecordID != r.danaA {
			t.Fatalf("oneSide %v: duplicate items %+v", oneSide, its)
		}
		if f.a.Count(objA) != 4 || f.b.Count(objB) != 4 {
			t.Fatalf("oneSide %v: %d records in A, %d in B; want 4 and 4 (Bob copied to A, Ann to B)", oneSide, f.a.Count(objA), f.b.Count(objB))
		}
		// The next run holds her at plan time, as before.
		f.clock.Advance(time.Minute)
		if _, sum := f.run(); sum.Created != 0 || sum.Failed != 0 || danaCopiesInA(f) != 0 {
			t.Fatalf("oneSide %v: the run after: %+v", oneSide, sum)
		}
	}
}

// TestNoDuplicateCheckerNoOrder: a side that says it refuses no
// duplicates changes nothing: both sides create at once (A's creates do
// not wait for B's), so B's Dana is copied in the run that refuses A's.
func TestNoDuplicateCheckerNoOrder(t *testing.T) {
	r := runDupOrder(t, false, false)
	if r.aCreateAfterB {
		t.Fatal("A's creates waited for B's though B refuses no duplicates")
	}
	if n := danaCopiesInA(r.f); n != 1 {
		t.Fatalf("B's Dana copied to A %d times, want 1 (no order, as before)", n)
	}
}
