package connector

import (
	"sync"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// Limiters hands out a connection's rate limiters by name, the same one to
// every session of the connection. A vendor's limit is the account's, not
// a run's: two syncs of one connection running at once (a scheduled run
// beside a button press) must share it rather than each spend it whole.
// The zero value is ready; a nil *Limiters gives each caller its own.
type Limiters struct {
	mu    sync.Mutex
	m     map[string]*rate.Limiter
	slots map[string]chan struct{}
	marks map[string]*atomic.Int64
	// spent counts the calls the connection's sessions have made and not
	// yet stored (see Spend); saved, those stored since (see Saved).
	spent int64
	saved atomic.Int64
}

// Get returns the limiter named key, made with r and burst by its first
// caller; later callers share it, with whatever pace it has reached.
func (l *Limiters) Get(key string, r rate.Limit, burst int) *rate.Limiter {
	if l == nil {
		return rate.NewLimiter(r, burst)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if lim, ok := l.m[key]; ok {
		return lim
	}
	if l.m == nil {
		l.m = map[string]*rate.Limiter{}
	}
	lim := rate.NewLimiter(r, burst)
	l.m[key] = lim
	return lim
}

// Slots returns the semaphore named key, of n slots, made by its first
// caller; later callers share it. A vendor that limits the calls in
// flight (Mailchimp: 10 simultaneous connections a user) counts those of
// every session of the connection. A nil *Limiters gives each caller its
// own.
func (l *Limiters) Slots(key string, n int) chan struct{} {
	if l == nil {
		return make(chan struct{}, n)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.slots[key]; ok {
		return s
	}
	if l.slots == nil {
		l.slots = map[string]chan struct{}{}
	}
	s := make(chan struct{}, n)
	l.slots[key] = s
	return s
}

// Mark returns the number named key, zero at first; later callers share
// it (e.g. when a connection's pace last changed). A nil *Limiters gives
// each caller its own.
func (l *Limiters) Mark(key string) *atomic.Int64 {
	if l == nil {
		return new(atomic.Int64)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if m, ok := l.marks[key]; ok {
		return m
	}
	if l.marks == nil {
		l.marks = map[string]*atomic.Int64{}
	}
	m := new(atomic.Int64)
	l.marks[key] = m
	return m
}

// Spend counts one call of the connection against its daily budget: it
// refuses the call when the calls stored today (stored) and those the
// connection's sessions have spent and not stored yet reach budget. It is
// atomic across sessions, so two syncs running at once cannot both take
// the last call. A nil *Limiters refuses nothing and counts nothing.
func (l *Limiters) Spend(budget int64, stored func() int64) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var s int64
	if stored != nil {
		s = stored()
	}
	if s+l.spent+1 > budget {
		return false
	}
	l.spent++
	return true
}

// Unspend gives back a call Spend counted that was not sent.
func (l *Limiters) Unspend() {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.spent = max(l.spent-1, 0)
	l.mu.Unlock()
}

// Stored takes n spent calls off the count once a session has stored
// them against the day.
func (l *Limiters) Stored(n int64) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.spent = max(l.spent-n, 0)
	l.mu.Unlock()
	l.saved.Add(n)
}

// Saved is how many calls Stored has taken off the count in all. A session
// adds the ones saved since it opened to the day's usage it read then, so
// it needs no query per call.
func (l *Limiters) Saved() int64 {
	if l == nil {
		return 0
	}
	return l.saved.Load()
}
