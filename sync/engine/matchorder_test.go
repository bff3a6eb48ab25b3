package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/engine"
)

// twoRules matches by email first, then by exact phone.
func twoRules() engine.Definition {
	def := baseDefinition()
	def.Match = append(def.Match, engine.MatchRule{A: "phone", B: "Phone", Normalize: "exact"})
	return def
}

// A record whose email is shared by two records on the other side is held
// for review. A lower rule seen from the other side's pass (B3's phone
// equals A1's) must not link it behind that review's back, and B3 must not
// be created on A either: that would duplicate A1.
func TestLowerRuleDoesNotLinkRecordAmbiguousByHigherRule(t *testing.T) {
	for _, oneSide := range []bool{false, true} {
		f := newFixture(t, twoRules(), fixtureOpts{oneSide: oneSide})
		a1 := f.a.Put(objA, map[string]string{"email": "sam@example.com", "firstname": "Sam", "lastname": "One", "phone": "555-0101"})
		b1 := f.b.Put(objB, personB("sam@example.com", "Sam", "One"))
		b2 := f.b.Put(objB, personB("SAM@example.com", "Samuel", "Two"))
		b3 := f.b.Put(objB, map[string]string{"Email": "", "FirstName": "S", "LastName": "One", "Phone": "555-0101"})
		p, _ := f.run()
		if len(f.links()) != 0 {
			t.Fatalf("oneSide=%v: links %+v; want none while A %s is ambiguous by email\n%s", oneSide, f.links(), a1, p.Summary())
		}
		if n := f.a.Count(objA); n != 1 {
			t.Fatalf("oneSide=%v: side A holds %d records; B %s must not be created as a duplicate of A %s", oneSide, n, b3, a1)
		}
		var held, heldB3 bool
		for _, r := range f.reviews("ambiguous") {
			if r.Side == "a" && r.RecordID == a1 && contains(r.Detail, b1) && contains(r.Detail, b2) {
				held = true
			}
			if r.Side == "b" && r.RecordID == b3 && contains(r.Detail, a1) && strings.Contains(r.Detail, "email") {
				heldB3 = true
			}
		}
		if !held || !heldB3 {
			t.Fatalf("oneSide=%v: want open ambiguous items for A %s (candidates %s, %s) and B %s (candidate %s, held by its email rule); got %+v",
				oneSide, a1, b1, b2, b3, a1, f.reviews("ambiguous"))
		}
	}
}

// The same rule order applies when the higher rule finds one candidate on
// the record's own pass: A1 links to B1 by email, and B3, whose phone
// equals A1's, is not linked to A1 by phone nor created on A.
func TestLowerRuleYieldsToHigherRuleLink(t *testing.T) {
	f := newFixture(t, twoRules(), fixtureOpts{})
	a1 := f.a.Put(objA, map[string]string{"email": "kim@example.com", "firstname": "Kim", "lastname": "Two", "phone": "555-0202"})
	b1 := f.b.Put(objB, personB("kim@example.com", "Kim", "Two"))
	b3 := f.b.Put(objB, map[string]string{"Email": "", "FirstName": "K", "LastName": "Two", "Phone": "555-0202"})
	p, _ := f.run()
	if got := f.linkedB(a1); got != b1 {
		t.Fatalf("A %s linked to %q, want B %s by email\n%s", a1, got, b1, p.Summary())
	}
	if got := f.linkedA(b3); got != "" {
		t.Fatalf("B %s linked to A %s by phone, although A %s matches B %s by email", b3, got, a1, b1)
	}
	if n := f.a.Count(objA); n != 1 {
		t.Fatalf("side A holds %d records; B %s must not be created as a duplicate of A %s", n, b3, a1)
	}
}

// A record left in review by an earlier run stays held when a record
// matching it only by a lower rule appears later.
func TestLowerRuleHeldAcrossRuns(t *testing.T) {
	f := newFixture(t, twoRules(), fixtureOpts{})
	a1 := f.a.Put(objA, map[string]string{"email": "lee@example.com", "firstname": "Lee", "lastname": "Three", "phone": "555-0303"})
	f.b.Put(objB, personB("lee@example.com", "Lee", "Three"))
	f.b.Put(objB, personB("lee@EXAMPLE.com", "Leo", "Three"))
	f.run()
	f.clock.Advance(time.Minute)
	b3 := f.b.Put(objB, map[string]string{"Email": "", "FirstName": "L", "LastName": "Three", "Phone": "555-0303"})
	p, _ := f.run()
	if len(f.links()) != 0 || f.a.Count(objA) != 1 {
		t.Fatalf("B %s linked or created although A %s waits for review by email: links %+v, A holds %d\n%s", b3, a1, f.links(), f.a.Count(objA), p.Summary())
	}
	found := false
	for _, r := range f.reviews("ambiguous") {
		found = found || (r.Side == "b" && r.RecordID == b3 && contains(r.Detail, a1))
	}
	if !found {
		t.Fatalf("no ambiguous item for B %s naming A %s: %+v", b3, a1, f.reviews("ambiguous"))
	}
}
