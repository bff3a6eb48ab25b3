package brevo

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// limiter applies the General tier of "Rate limits": all endpoints under
// /v3/contacts share 10 requests per second and 36,000 per hour; any other
// endpoint here (/v3/account) falls in "all other endpoints", 100 per hour. Both
// limits of a bucket must hold. Every limited answer carries x-sib-ratelimit-limit,
// -remaining and -reset ("Rate limit headers"); there is no Retry-After. The
// headers describe the tighter window, the one with the fewest requests left
// [which window they describe is unverified], and the windows slide [Brevo's
// window kind is unverified].
type limiter struct {
	mu      sync.Mutex
	enabled bool
	now     func() time.Time
	buckets map[string][]*simkit.SlidingWindow
}

func newLimiter(on bool, now func() time.Time) *limiter {
	return &limiter{enabled: on, now: now, buckets: map[string][]*simkit.SlidingWindow{}}
}

func (l *limiter) setEnabled(on bool) { l.mu.Lock(); l.enabled = on; l.mu.Unlock() }

func (l *limiter) windows(path string) []*simkit.SlidingWindow {
	l.mu.Lock()
	defer l.mu.Unlock()
	bucket := "other"
	if strings.HasPrefix(path, "/v3/contacts") {
		bucket = "contacts"
	}
	w := l.buckets[bucket]
	if w == nil {
		if bucket == "contacts" {
			w = []*simkit.SlidingWindow{simkit.NewSlidingWindow(10, time.Second, l.now), simkit.NewSlidingWindow(36000, time.Hour, l.now)}
		} else {
			w = []*simkit.SlidingWindow{simkit.NewSlidingWindow(100, time.Hour, l.now)}
		}
		l.buckets[bucket] = w
	}
	return w
}

// allow counts one request and sets the headers; false means answer 429.
func (l *limiter) allow(w http.ResponseWriter, path string) bool {
	l.mu.Lock()
	on := l.enabled
	l.mu.Unlock()
	if !on {
		return true
	}
	secs := func(d time.Duration) string { return strconv.Itoa(max(1, int((d+time.Second-1)/time.Second))) }
	ws := l.windows(path)
	best := -1
	for _, win := range ws {
		ok, remaining, retry := win.Allow()
		if !ok {
			w.Header().Set("x-sib-ratelimit-limit", strconv.Itoa(win.Max()))
			w.Header().Set("x-sib-ratelimit-remaining", "0")
			w.Header().Set("x-sib-ratelimit-reset", secs(retry))
			return false
		}
		if best < 0 || remaining < best {
			best = remaining
			w.Header().Set("x-sib-ratelimit-limit", strconv.Itoa(win.Max()))
			w.Header().Set("x-sib-ratelimit-remaining", strconv.Itoa(remaining))
			w.Header().Set("x-sib-ratelimit-reset", secs(win.Window()))
		}
	}
	return true
}

// spendHour uses up the hourly limit of path's bucket, as the account's
// other integrations may have, and turns the limits on.
func (l *limiter) spendHour(path string) {
	l.setEnabled(true)
	for _, win := range l.windows(path) {
		if win.Window() != time.Hour {
			continue
		}
		for {
			if ok, _, _ := win.Allow(); !ok {
				break
			}
		}
	}
}

// spendSecond uses up the per-second window of path's bucket but leave
// requests, as the account's other integrations may have, and turns the
// limits on.
func (l *limiter) spendSecond(path string, leave int) {
	l.setEnabled(true)
	for _, win := range l.windows(path) {
		if win.Window() != time.Second {
			continue
		}
		for i := 0; i < win.Max()-leave; i++ {
			win.Allow()
		}
	}
}
