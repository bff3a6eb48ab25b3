package klaviyo

import (
	"sync"
	"time"
)

// limiter applies Klaviyo's per-endpoint fixed windows: burst (one second) and
// steady (one minute) ("Rate limits, status codes, and errors"), counted per quota
// bucket and endpoint.
type limiter struct {
	mu      sync.Mutex
	enabled bool
	now     func() time.Time
	windows map[string]*window
}

type window struct {
	burstStart, steadyStart time.Time
	burstN, steadyN         int
}

func newLimiter(on bool, now func() time.Time) *limiter {
	return &limiter{enabled: on, now: now, windows: map[string]*window{}}
}

func (l *limiter) setEnabled(on bool) { l.mu.Lock(); l.enabled = on; l.mu.Unlock() }

// allow counts one request. When refused it returns the whole seconds until the
// full window frees up (Retry-After); otherwise the steady window's limit,
// remaining requests and seconds to its reset (limit 0 when limits are off).
func (l *limiter) allow(key string, ep endpoint) (ok bool, wait, limit, remaining, reset int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.enabled || ep.burst == 0 {
		return true, 0, 0, 0, 0
	}
	now := l.now()
	w := l.windows[key]
	if w == nil {
		w = &window{}
		l.windows[key] = w
	}
	if now.Sub(w.burstStart) >= time.Second || now.Before(w.burstStart) {
		w.burstStart, w.burstN = now, 0
	}
	if now.Sub(w.steadyStart) >= time.Minute || now.Before(w.steadyStart) {
		w.steadyStart, w.steadyN = now, 0
	}
	ceil := func(d time.Duration) int {
		s := int((d + time.Second - 1) / time.Second)
		if s < 1 {
			s = 1
		}
		return s
	}
	if w.steadyN >= ep.steady {
		return false, ceil(w.steadyStart.Add(time.Minute).Sub(now)), 0, 0, 0
	}
	if w.burstN >= ep.burst {
		return false, ceil(w.burstStart.Add(time.Second).Sub(now)), 0, 0, 0
	}
	w.burstN++
	w.steadyN++
	return true, 0, ep.steady, ep.steady - w.steadyN, ceil(w.steadyStart.Add(time.Minute).Sub(now))
}

// spendSteady uses up key's steady window but leave requests, as other
// integrations on the same quota may have, and turns the limits on.
func (l *limiter) spendSteady(key string, ep endpoint, leave int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.enabled = true
	l.windows[key] = &window{steadyStart: l.now(), steadyN: max(ep.steady-leave, 0)}
}
