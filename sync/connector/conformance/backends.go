package conformance

import (
	"sync"
	"testing"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// Backends keeps the backend each subtest's New made, for the harness's
// other hooks, which get the same *testing.T (see Harness).
type Backends[T any] struct {
	mu sync.Mutex
	m  map[*testing.T]T
}

// Put records t's backend and forgets it when t ends.
func (b *Backends[T]) Put(t *testing.T, v T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[*testing.T]T{}
	}
	b.m[t] = v
	t.Cleanup(func() { b.mu.Lock(); delete(b.m, t); b.mu.Unlock() })
}

// Get returns t's backend; a hook called before New fails the test.
func (b *Backends[T]) Get(t *testing.T) T {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[t]
	if !ok {
		t.Fatal("harness: New was not called in this subtest")
	}
	return v
}

// SimkitFaults wires every fault hook to a sandbox built on simkit: 30 %
// of requests answered 429 or 5xx, every access token expired, the daily
// budget spent. faults and auth return t's backend's injector and
// authorization server.
func SimkitFaults(faults func(*testing.T) *simkit.FaultInjector, auth func(*testing.T) *simkit.AuthServer) Faults {
	return Faults{
		RateLimitStorm: func(t *testing.T, on bool) { faults(t).Set(simkit.Faults{P429: 0.3, Disabled: !on}) },
		ServerErrors:   func(t *testing.T, on bool) { faults(t).Set(simkit.Faults{P5xx: 0.3, Disabled: !on}) },
		ExpireTokens: func(t *testing.T, on bool) {
			if on {
				auth(t).ExpireAllAccess()
			}
		},
		ExhaustBudget: func(t *testing.T, on bool) { faults(t).SetDailyExhausted(on) },
	}
}
