package connector

import (
	"testing"

	"golang.org/x/time/rate"
)

// The connection's limiters are one per name for every caller, and its
// budget count refuses the call that would pass the budget whichever
// session asks; stored calls move from the count to Saved.
func TestLimitersShareAConnection(t *testing.T) {
	var l Limiters
	a, b := l.Get("requests", 10, 2), l.Get("requests", 99, 9)
	if a != b || a.Limit() != 10 || l.Get("search", 5, 1) == a {
		t.Fatalf("Get: %p %p (limit %v); want one limiter per name, made by its first caller", a, b, a.Limit())
	}
	var nilL *Limiters
	if first := nilL.Get("requests", rate.Inf, 1); first == nilL.Get("requests", rate.Inf, 1) {
		t.Error("a nil Limiters shared a limiter")
	}
	stored := func() int64 { return 5 }
	for i := range 2 {
		if !l.Spend(7, stored) {
			t.Fatalf("call %d of 2 left refused", i+1)
		}
	}
	if l.Spend(7, stored) {
		t.Fatal("a call past the budget of 7 (5 stored, 2 spent) was allowed")
	}
	l.Unspend()
	if !l.Spend(7, stored) {
		t.Fatal("a call given back was not spendable again")
	}
	l.Stored(2)
	if l.Saved() != 2 || !l.Spend(7, func() int64 { return 5 + l.Saved() - 2 }) {
		t.Errorf("after storing 2 calls: saved %d", l.Saved())
	}
}
