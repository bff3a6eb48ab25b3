package simkit

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Faults describes injected misbehaviour. Probabilities are in [0,1].
type Faults struct {
	Latency  time.Duration // added to every API request
	P429     float64       // probability of a rate-limit response
	P5xx     float64       // probability of a server error
	Disabled bool          // when true nothing is injected (switch for tests)
}

// Fault is the verdict for one request.
type Fault int

const (
	FaultNone Fault = iota
	FaultRateLimit
	FaultServerError
)

// FaultInjector draws faults from a seeded RNG so runs are reproducible.
type FaultInjector struct {
	mu             sync.Mutex
	rng            *rand.Rand
	cfg            Faults
	dailyExhausted bool
	refusals       map[string]*Refusal // by endpoint (RefuseEndpoint)
}

// NewFaultInjector returns an injector seeded with seed.
func NewFaultInjector(seed int64, f Faults) *FaultInjector {
	return &FaultInjector{rng: rand.New(rand.NewPCG(uint64(seed), 0x5eed)), cfg: f}
}

// Set replaces the fault configuration.
func (fi *FaultInjector) Set(f Faults) { fi.mu.Lock(); fi.cfg = f; fi.mu.Unlock() }

// Config returns the current fault configuration.
func (fi *FaultInjector) Config() Faults { fi.mu.Lock(); defer fi.mu.Unlock(); return fi.cfg }

// SetDailyExhausted forces (or clears) the "daily quota used up" state.
func (fi *FaultInjector) SetDailyExhausted(on bool) {
	fi.mu.Lock()
	fi.dailyExhausted = on
	fi.mu.Unlock()
}

// DailyExhausted reports whether the daily quota is forced exhausted.
func (fi *FaultInjector) DailyExhausted() bool {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.dailyExhausted
}

// Draw decides the fault for one request and returns the latency to apply.
func (fi *FaultInjector) Draw() (Fault, time.Duration) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.cfg.Disabled {
		return FaultNone, 0
	}
	x := fi.rng.Float64()
	switch {
	case x < fi.cfg.P429:
		return FaultRateLimit, fi.cfg.Latency
	case x < fi.cfg.P429+fi.cfg.P5xx:
		return FaultServerError, fi.cfg.Latency
	}
	return FaultNone, fi.cfg.Latency
}

// Sleep waits d or until done closes; used for injected latency.
func Sleep(done <-chan struct{}, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-done:
	}
}
