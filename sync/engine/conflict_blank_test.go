package engine_test

import "testing"

// TestConflictBlankNeverWins: one side clears a field while the other
// writes a new value. A policy that picks a side (the blank side is the
// one it would pick) keeps the new value on both; the review policy asks.
func TestConflictBlankNeverWins(t *testing.T) {
	for _, tc := range []struct {
		policy       string
		wantA, wantB string
		review       bool
	}{
		{"prefer-b", "FromA", "FromA", false},
		{"newer", "FromA", "FromA", false}, // B's clear is the later edit
		{"review", "FromA", "", true},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			def := baseDefinition()
			def.Conflict = tc.policy
			f := newFixture(t, def, fixtureOpts{})
			a, b := linkedPair(t, f)
			f.a.Edit(objA, a, map[string]string{"firstname": "FromA"})
			f.clock.Advance(1e9)
			f.b.Edit(objB, b, map[string]string{"FirstName": ""})
			p, _ := f.run()
			if got := f.a.Get(objA, a)["firstname"]; got != tc.wantA {
				t.Errorf("A firstname %q, want %q\n%s", got, tc.wantA, p.Summary())
			}
			if got := f.b.Get(objB, b)["FirstName"]; got != tc.wantB {
				t.Errorf("B FirstName %q, want %q\n%s", got, tc.wantB, p.Summary())
			}
			if rs := f.reviews("conflict"); tc.review != (len(rs) == 1) {
				t.Fatalf("conflict review items: %d", len(rs))
			}
			if tc.review {
				return
			}
			if p2, _ := f.run(); !p2.Empty() {
				t.Fatalf("loop: second run writes\n%s", p2.Summary())
			}
			// A clear made alone still syncs on an always row.
			f.clock.Advance(1e9)
			f.b.Edit(objB, b, map[string]string{"FirstName": ""})
			f.run()
			if got := f.a.Get(objA, a)["firstname"]; got != "" {
				t.Errorf("a clear alone: A firstname %q, want blank", got)
			}
		})
	}
}
