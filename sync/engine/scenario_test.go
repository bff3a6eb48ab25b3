package engine_test

import (
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

func TestCreateBothWays(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	a1 := f.a.Put(objA, person("ada@example.com", "Ada", "Lovelace"))
	b1 := f.b.Put(objB, personB("grace@example.com", "Grace", "Hopper"))
	p, sum := f.run()
	if p.Counts.CreateA != 1 || p.Counts.CreateB != 1 {
		t.Fatalf("plan creates A %d B %d, want 1 and 1\n%s", p.Counts.CreateA, p.Counts.CreateB, p.Summary())
	}
	if sum.Status != "success" || sum.Created != 2 {
		t.Fatalf("run %+v, want success with 2 created", sum)
	}
	bID := f.linkedB(a1)
	if got := f.b.Get(objB, bID); got["Email"] != "ada@example.com" || got["LastName"] != "Lovelace" {
		t.Fatalf("B record for Ada: %v", got)
	}
	aID := f.linkedA(b1)
	if got := f.a.Get(objA, aID); got["email"] != "grace@example.com" || got["firstname"] != "Grace" {
		t.Fatalf("A record for Grace: %v", got)
	}
	// Our own writes come back as no-ops: the next run writes nothing.
	p2, sum2 := f.run()
	if !p2.Empty() || sum2.Created+sum2.Updated != 0 {
		t.Fatalf("second run not empty:\n%s", p2.Summary())
	}
	audit, _ := f.db.Audit(f.ctx, sum.RunID)
	if len(audit) < 6 {
		t.Fatalf("audit rows %d, want one per field written", len(audit))
	}
}

// linkedPair seeds one person on both sides and links them.
func linkedPair(t *testing.T, f *fixture) (string, string) {
	t.Helper()
	a := f.a.Put(objA, person("ada@example.com", "Ada", "Lovelace"))
	b := f.b.Put(objB, personB("ada@example.com", "Ada", "Lovelace"))
	p, _ := f.run()
	if p.Counts.Link != 1 || len(p.Creates) != 0 {
		t.Fatalf("expected one link by email:\n%s", p.Summary())
	}
	if f.linkedB(a) != b {
		t.Fatalf("a %s linked to %q, want %s", a, f.linkedB(a), b)
	}
	return a, b
}

func TestUpdateEachSide(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	a, b := linkedPair(t, f)
	f.a.Edit(objA, a, map[string]string{"firstname": "Augusta"})
	f.b.Edit(objB, b, map[string]string{"LastName": "King"})
	p, sum := f.run()
	if len(p.Updates) != 2 {
		t.Fatalf("want 2 updates:\n%s", p.Summary())
	}
	for _, u := range p.Updates {
		if u.Side == "b" && (u.Changes[0].Field != "FirstName" || u.Changes[0].Old != "Ada" || u.Changes[0].New != "Augusta" || u.Changes[0].Rule != "a-changed") {
			t.Errorf("update of B: %+v", u.Changes)
		}
		if u.Side == "a" && (u.Changes[0].Field != "lastname" || u.Changes[0].New != "King" || u.Changes[0].Rule != "b-changed") {
			t.Errorf("update of A: %+v", u.Changes)
		}
	}
	if sum.Status != "success" || sum.Updated != 2 {
		t.Fatalf("run %+v", sum)
	}
	if f.b.Get(objB, b)["FirstName"] != "Augusta" || f.a.Get(objA, a)["lastname"] != "King" {
		t.Fatalf("not converged: A %v B %v", f.a.Get(objA, a), f.b.Get(objB, b))
	}
	if p2, _ := f.run(); !p2.Empty() {
		t.Fatalf("loop: second run writes\n%s", p2.Summary())
	}
}

func TestConflictPolicies(t *testing.T) {
	for _, tc := range []struct {
		policy, wantA, wantB string
		review               bool
	}{
		{"prefer-a", "FromA", "FromA", false},
		{"prefer-b", "FromB", "FromB", false},
		{"newer", "FromB", "FromB", false}, // B is edited last
		{"review", "FromA", "FromB", true},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			def := baseDefinition()
			def.Conflict = tc.policy
			f := newFixture(t, def, fixtureOpts{})
			a, b := linkedPair(t, f)
			f.a.Edit(objA, a, map[string]string{"firstname": "FromA"})
			f.clock.Advance(1e9)
			f.b.Edit(objB, b, map[string]string{"FirstName": "FromB"})
			p, _ := f.run()
			if len(p.Conflicts) != 1 {
				t.Fatalf("want one conflict:\n%s", p.Summary())
			}
			if got := f.a.Get(objA, a)["firstname"]; got != tc.wantA {
				t.Errorf("A firstname %q, want %q", got, tc.wantA)
			}
			if got := f.b.Get(objB, b)["FirstName"]; got != tc.wantB {
				t.Errorf("B FirstName %q, want %q", got, tc.wantB)
			}
			rs := f.reviews("conflict")
			if tc.review != (len(rs) == 1) {
				t.Fatalf("conflict review items: %d", len(rs))
			}
			if !tc.review {
				return
			}
			// A second run keeps one open item, then a decision settles it.
			f.run()
			if rs2 := f.reviews("conflict"); len(rs2) != 1 {
				t.Fatalf("review items after a second run: %d", len(rs2))
			}
			if err := f.eng.Decide(f.ctx, rs[0].ID, engineDecision("take-b", "", "")); err != nil {
				t.Fatal(err)
			}
			f.run()
			if got := f.a.Get(objA, a)["firstname"]; got != "FromB" {
				t.Errorf("after take-b A firstname %q", got)
			}
			if rs3 := f.reviews("conflict"); len(rs3) != 0 {
				t.Errorf("conflict still open after decision: %+v", rs3)
			}
			if p, _ := f.run(); !p.Empty() || len(p.Conflicts) != 0 {
				t.Fatalf("after decision:\n%s", p.Summary())
			}
		})
	}
}

func TestUnlessBlankNeverBlanks(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	a := f.a.Put(objA, map[string]string{"email": "ada@example.com", "firstname": "Ada", "lastname": "L", "phone": "+15550100"})
	f.run()
	b := f.linkedB(a)
	if f.b.Get(objB, b)["Phone"] != "+15550100" {
		t.Fatalf("phone not created: %v", f.b.Get(objB, b))
	}
	f.a.Edit(objA, a, map[string]string{"phone": ""})
	p, _ := f.run()
	if f.b.Get(objB, b)["Phone"] != "+15550100" {
		t.Fatalf("blank overwrote B's phone")
	}
	if p.Counts.KeptBlank != 1 || len(p.Updates) != 0 {
		t.Fatalf("want kept blank and no update:\n%s", p.Summary())
	}
	// Always-rule fields do propagate a blank.
	f.a.Edit(objA, a, map[string]string{"firstname": ""})
	f.run()
	if got := f.b.Get(objB, b)["FirstName"]; got != "" {
		t.Fatalf("always rule: FirstName %q, want blank", got)
	}
}

func TestEmailChangeFollowsLink(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	a, b := linkedPair(t, f)
	f.a.Edit(objA, a, map[string]string{"email": "ada.king@example.com"})
	p, _ := f.run()
	if len(p.Creates) != 0 || len(p.Updates) != 1 {
		t.Fatalf("email change should update, not create:\n%s", p.Summary())
	}
	if got := f.b.Get(objB, b)["Email"]; got != "ada.king@example.com" {
		t.Fatalf("B email %q", got)
	}
	if f.b.Count(objB) != 1 || f.a.Count(objA) != 1 {
		t.Fatalf("duplicates: A %d B %d", f.a.Count(objA), f.b.Count(objB))
	}
}

func TestAmbiguousMatchGoesToReview(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	a := f.a.Put(objA, person("sam@example.com", "Sam", "One"))
	b1 := f.b.Put(objB, personB("sam@example.com", "Sam", "One"))
	b2 := f.b.Put(objB, personB("Sam@Example.com", "Samuel", "Two"))
	p, _ := f.run()
	if len(p.Creates) != 0 || p.Counts.Link != 0 {
		t.Fatalf("ambiguous must not create or link:\n%s", p.Summary())
	}
	rs := f.reviews("ambiguous")
	if len(rs) == 0 {
		t.Fatalf("no ambiguous review item; plan review %+v", p.Review)
	}
	var item = rs[0]
	for _, r := range rs {
		if r.Side == "a" {
			item = r
		}
	}
	if item.RecordID != a || !contains(item.Detail, b1) || !contains(item.Detail, b2) {
		t.Fatalf("review item %+v lacks the candidates' evidence", item)
	}
	// A mistyped id, or a record already linked, is refused when decided,
	// not dropped on the next run.
	for other, want := range map[string]string{"b-nonexistent": "has no record", b1 + "x": "has no record"} {
		if err := f.eng.Decide(f.ctx, item.ID, engineDecision("link", other, "")); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("link with %s: err = %v, want %q", other, err, want)
		}
	}
	if got := f.reviews("ambiguous"); len(got) == 0 || got[0].Status != "open" {
		t.Fatalf("a refused decision changed the item: %+v", got)
	}
	if err := f.eng.Decide(f.ctx, item.ID, engineDecision("link", b2, "")); err != nil {
		t.Fatal(err)
	}
	f.run()
	if f.linkedB(a) != b2 {
		t.Fatalf("decision not applied: links %+v", f.links())
	}
	if f.a.Get(objA, a)["firstname"] != "Sam" || f.b.Get(objB, b2)["FirstName"] != "Sam" {
		t.Fatalf("prefer-a on first link: A %v B %v", f.a.Get(objA, a), f.b.Get(objB, b2))
	}
}

func TestUnmatchedPolicies(t *testing.T) {
	for _, pol := range []string{"create", "skip", "review"} {
		t.Run(pol, func(t *testing.T) {
			def := baseDefinition()
			def.Unmatched = pol
			f := newFixture(t, def, fixtureOpts{})
			a := f.a.Put(objA, person("new@example.com", "New", "Person"))
			f.run()
			switch pol {
			case "create":
				if f.b.Count(objB) != 1 {
					t.Fatal("not created")
				}
			case "skip":
				if f.b.Count(objB) != 0 || len(f.reviews("")) != 0 {
					t.Fatal("skip created or reviewed")
				}
			case "review":
				rs := f.reviews("unmatched")
				if f.b.Count(objB) != 0 || len(rs) != 1 || rs[0].RecordID != a {
					t.Fatalf("review: count %d items %+v", f.b.Count(objB), rs)
				}
				if err := f.eng.Decide(f.ctx, rs[0].ID, engineDecision("create", "", "")); err != nil {
					t.Fatal(err)
				}
				f.run()
				if f.b.Count(objB) != 1 || f.linkedB(a) == "" {
					t.Fatal("create decision not applied")
				}
			}
		})
	}
}

func TestSafetyStopsLargeChange(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{batch: 50, page: 50})
	for i := range 60 {
		f.a.Put(objA, person(emailN(i), "P", "Q"))
	}
	p := f.plan()
	if !p.NeedsConfirmation || !contains(p.Reason, "limit") {
		t.Fatalf("60 creates into an empty side must need confirmation:\n%s", p.Summary())
	}
	a, b := f.sides()
	_ = a
	_ = b
	if _, err := f.eng.Apply(f.ctx, p, engineApply(false)); err == nil {
		t.Fatal("Apply without confirmation succeeded")
	}
	if f.b.Count(objB) != 0 {
		t.Fatal("refused plan wrote records")
	}
	sum, err := f.eng.Apply(f.ctx, p, engineApply(true))
	if err != nil || sum.Created != 60 {
		t.Fatalf("confirmed apply: %+v %v", sum, err)
	}
	// Every record of a side changing needs confirmation too.
	for _, r := range f.a.Live(objA) {
		f.a.Edit(objA, r.ID, map[string]string{"lastname": "Changed"})
	}
	p2 := f.plan()
	if !p2.NeedsConfirmation || !contains(p2.Reason, "every") {
		t.Fatalf("changing every record must need confirmation:\n%s", p2.Summary())
	}
}

func TestEmptySideNeedsConfirmation(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	f.a.Put(objA, person("x@example.com", "X", "Y"))
	f.run()
	// A full resync where side B suddenly returns nothing.
	f.b = newEmptyB(f)
	a, b := f.sides()
	p, err := f.eng.Plan(f.ctx, f.syncID, f.def, a, b, engineFull())
	if err != nil {
		t.Fatal(err)
	}
	if !p.NeedsConfirmation || !contains(p.Reason, "no records") {
		t.Fatalf("empty side must need confirmation:\n%s", p.Summary())
	}
}

func TestDeletesAreHeld(t *testing.T) {
	for _, propagate := range []bool{false, true} {
		def := baseDefinition()
		def.Safety.PropagateDeletes = propagate
		f := newFixture(t, def, fixtureOpts{})
		a, b := linkedPair(t, f)
		f.a.Remove(objA, a)
		p, _ := f.run()
		if f.b.Get(objB, b) == nil {
			t.Fatalf("propagate=%v: delete was propagated without review", propagate)
		}
		if p.Counts.HeldDelete != 1 {
			t.Fatalf("held deletes %d", p.Counts.HeldDelete)
		}
		rs := f.reviews("delete")
		if !propagate {
			if len(rs) != 0 {
				t.Fatalf("delete review without propagation: %+v", rs)
			}
			continue
		}
		if len(rs) != 1 {
			t.Fatalf("want one delete review, got %+v", rs)
		}
		if err := f.eng.Decide(f.ctx, rs[0].ID, engineDecision("delete", "", "")); err != nil {
			t.Fatal(err)
		}
		_, sum := f.run()
		if f.b.Get(objB, b) != nil || sum.Deleted != 1 {
			t.Fatalf("approved delete not done: %+v", sum)
		}
		// An undo of that run cannot bring the record back, and says how to.
		sa, sb := f.sides()
		up, err := f.eng.Undo(f.ctx, f.syncID, sum.RunID, f.def, sa, sb, engine.PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(up.Warnings, "\n"), "cannot bring a record back") || !up.Empty() {
			t.Fatalf("undo of a delete: warnings %q, plan %s", up.Warnings, up.Summary())
		}
	}
}

// TestOnCreateRowIsNeverMerged: a row with rule on-create fills a record
// the sync creates, and later edits on either side leave the other alone,
// in both directions; a matched pair never gets it at all.
func TestOnCreateRowIsNeverMerged(t *testing.T) {
	def := baseDefinition()
	def.Fields = append(def.Fields, mapping.Field{A: "stage", B: "Stage", Rule: mapping.OnCreate})
	f := newFixture(t, def, fixtureOpts{})
	a1 := f.a.Put(objA, map[string]string{"email": "ada@example.com", "lastname": "Lovelace", "stage": "Lead"})
	b1 := f.b.Put(objB, map[string]string{"Email": "grace@example.com", "LastName": "Hopper", "Stage": "Customer"})
	aPair := f.a.Put(objA, map[string]string{"email": "kay@example.com", "lastname": "Sparck", "stage": "Lead"})
	bPair := f.b.Put(objB, map[string]string{"Email": "kay@example.com", "LastName": "Sparck", "Stage": "Customer"})
	f.run()
	if got := f.b.Get(objB, f.linkedB(a1))["Stage"]; got != "Lead" {
		t.Fatalf("created B Stage = %q, want Lead (written on create)", got)
	}
	if got := f.a.Get(objA, f.linkedA(b1))["stage"]; got != "Customer" {
		t.Fatalf("created A stage = %q, want Customer (written on create)", got)
	}
	if f.linkedB(aPair) != bPair || f.a.Get(objA, aPair)["stage"] != "Lead" || f.b.Get(objB, bPair)["Stage"] != "Customer" {
		t.Fatalf("matched pair: linked %v, stages %q and %q; want linked and both kept",
			f.linkedB(aPair) == bPair, f.a.Get(objA, aPair)["stage"], f.b.Get(objB, bPair)["Stage"])
	}
	f.a.Edit(objA, a1, map[string]string{"stage": "Customer", "lastname": "King"})
	f.b.Edit(objB, b1, map[string]string{"Stage": "Lead"})
	p, _ := f.run()
	if got := f.b.Get(objB, f.linkedB(a1)); got["Stage"] != "Lead" || got["LastName"] != "King" {
		t.Fatalf("after edits B = %v, want Stage kept at Lead and LastName King\n%s", got, p.Summary())
	}
	if got := f.a.Get(objA, f.linkedA(b1))["stage"]; got != "Customer" {
		t.Fatalf("after edits A stage = %q, want Customer kept\n%s", got, p.Summary())
	}
	if p2, _ := f.run(); !p2.Empty() {
		t.Fatalf("third run not empty:\n%s", p2.Summary())
	}
}
