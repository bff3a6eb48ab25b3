package connector

import (
	"context"
	"sync/atomic"
)

// Attempts counts the HTTP attempts a call made with a tracked context, and
// those the vendor may have carried out: answered under 400 (a connector's
// earlier call of the same write), or with no readable answer (a 5xx, a
// broken connection). The transport records every attempt; the engine
// asks, when a write call ends in a refusal that stops the run (a 429
// storm, a lost sign-in), whether any earlier attempt may have been carried
// out: if none, nothing was written and the batch needs no reconciling.
type Attempts struct {
	sent, uncertain atomic.Int64
}

type attemptsKey struct{}

// TrackAttempts returns ctx carrying a fresh Attempts, and that Attempts.
func TrackAttempts(ctx context.Context) (context.Context, *Attempts) {
	a := &Attempts{}
	return context.WithValue(ctx, attemptsKey{}, a), a
}

// AttemptsOf is the Attempts ctx carries, nil when none.
func AttemptsOf(ctx context.Context) *Attempts {
	a, _ := ctx.Value(attemptsKey{}).(*Attempts)
	return a
}

// RecordAttempt counts one attempt in the Attempts ctx carries, if any;
// uncertain says the vendor may have acted on it.
func RecordAttempt(ctx context.Context, uncertain bool) {
	if a := AttemptsOf(ctx); a != nil {
		a.Record(uncertain)
	}
}

// Record counts one attempt; uncertain says the vendor may have acted on it.
func (a *Attempts) Record(uncertain bool) {
	a.sent.Add(1)
	if uncertain {
		a.uncertain.Add(1)
	}
}

// AllAnswered reports whether attempts were made and every one had an
// answer saying what it did: with a refusal as the last, none was carried
// out. False when no attempt was recorded (a transport that does not
// track them), so the caller stays careful.
func (a *Attempts) AllAnswered() bool {
	return a.sent.Load() > 0 && a.uncertain.Load() == 0
}
