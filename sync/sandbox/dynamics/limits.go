package dynamics

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Service protection API limits (https://learn.microsoft.com/power-apps/developer/data-platform/api-limits):
// per user, in a 5-minute sliding window, 6,000 requests and 20 minutes (1,200 s) of
// combined execution time; and 52 concurrent requests. "You can expect to exceed the
// number of requests and execution time limits for a 5 minute period before the service
// protection API limits will take effect" while "exceeding the number of concurrent
// requests will immediately return an error": the request that crosses a window limit
// runs, the following ones get 429 with Retry-After (seconds) until the window drains.
//
// $batch: "Combine the selected operations into a batch. A batch can contain up to 1000
// operations and will avoid the number of requests limit. However, you will need to be
// prepared for the execution time limit." So a $batch counts as one request and the
// execution time of every operation inside it (ops x Options.ExecCost).
const (
	limitWindow      = 300 * time.Second
	limitRequests    = 6000
	limitExecTime    = 1200 * time.Second
	limitConcurrency = 52
)

type spend struct {
	at   time.Time
	reqs int
	exec time.Duration
}

type limiter struct {
	mu       sync.Mutex
	now      func() time.Time
	enabled  bool
	cost     time.Duration
	conc     int
	inFlight int
	spends   []spend
	head     int
	reqs     int
	exec     time.Duration
}

func newLimiter(o Options) *limiter {
	return &limiter{now: o.Now, enabled: o.RateLimits, cost: o.ExecCost, conc: limitConcurrency}
}

func (l *limiter) prune(now time.Time) {
	for l.head < len(l.spends) && !now.Before(l.spends[l.head].at.Add(limitWindow)) {
		l.reqs -= l.spends[l.head].reqs
		l.exec -= l.spends[l.head].exec
		l.head++
	}
	if l.head > 1024 && l.head*2 > len(l.spends) {
		l.spends = append(l.spends[:0], l.spends[l.head:]...)
		l.head = 0
	}
}

func retrySeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

func withRetry(e *apiError, secs int) *apiError {
	e.header = http.Header{}
	e.header.Set("Retry-After", strconv.Itoa(secs))
	return e
}

func errRequestsLimit(secs int) *apiError {
	return withRetry(newErr(http.StatusTooManyRequests, codeRequestsLimit,
		"Number of requests exceeded the limit of 6000 over time window of 300 seconds."), secs)
}

func errExecLimit(secs int) *apiError {
	return withRetry(newErr(http.StatusTooManyRequests, codeExecTimeLimit,
		"Combined execution time of incoming requests exceeded limit of 1,200,000 milliseconds over time window of 300 seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later."), secs)
}

func errConcurrency(n int) *apiError {
	// Retry-After for the concurrency error [unverified: 1 second].
	return withRetry(newErr(http.StatusTooManyRequests, codeConcurrencyLimit,
		"Number of concurrent requests exceeded the limit of %d.", n), 1)
}

// admit takes a concurrency slot and checks the window; release must be called when the
// request ends.
func (l *limiter) admit() (release func(), err *apiError) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	if l.enabled {
		if l.inFlight >= l.conc {
			return nil, errConcurrency(l.conc)
		}
		if l.reqs >= limitRequests {
			var at time.Time
			n := l.reqs
			for _, sp := range l.spends[l.head:] {
				n -= sp.reqs
				if n < limitRequests {
					at = sp.at
					break
				}
			}
			return nil, errRequestsLimit(retrySeconds(at.Add(limitWindow).Sub(now)))
		}
		if l.exec >= limitExecTime {
			var at time.Time
			e := l.exec
			for _, sp := range l.spends[l.head:] {
				e -= sp.exec
				if e < limitExecTime {
					at = sp.at
					break
				}
			}
			return nil, errExecLimit(retrySeconds(at.Add(limitWindow).Sub(now)))
		}
	}
	l.inFlight++
	return func() { l.mu.Lock(); l.inFlight--; l.mu.Unlock() }, nil
}

// charge counts one request with ops operations' execution time.
func (l *limiter) charge(ops int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sp := spend{at: l.now(), reqs: 1, exec: time.Duration(ops) * l.cost}
	l.spends = append(l.spends, sp)
	l.reqs += sp.reqs
	l.exec += sp.exec
}

// headers sets the remaining-limit headers of the api-limits page ("The remaining number
// of requests for this connection" / "The remaining combined duration for all
// connections using the same user account"); the time format is [unverified].
func (l *limiter) headers(h http.Header) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(l.now())
	h.Set("x-ms-ratelimit-burst-remaining-xrm-requests", strconv.Itoa(max(limitRequests-l.reqs, 0)))
	h.Set("x-ms-ratelimit-time-remaining-xrm-requests", thousands(max(limitExecTime-l.exec, 0).Seconds()))
}

func thousands(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + frac
}

func (l *limiter) set(reqs int, exec time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.spends, l.head = []spend{{at: l.now(), reqs: reqs, exec: exec}}, 0
	l.reqs, l.exec = reqs, exec
}

func (l *limiter) usage() (int, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(l.now())
	return l.reqs, l.exec
}

func (l *limiter) setEnabled(on bool) { l.mu.Lock(); l.enabled = on; l.mu.Unlock() }

func (l *limiter) setConcurrency(n int) { l.mu.Lock(); l.conc = n; l.mu.Unlock() }
