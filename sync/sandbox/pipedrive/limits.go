package pipedrive

import (
	"crypto/subtle"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// planLimits holds one plan's row of the rate-limiting doc: burst requests per
// 2 s for API tokens and OAuth access tokens, and the daily budget multiplier.
type planLimits struct{ apiBurst, oauthBurst, multiplier int }

var plans = map[Plan]planLimits{
	PlanLite:     {20, 80, 1},
	PlanGrowth:   {40, 160, 2},
	PlanPremium:  {100, 400, 5},
	PlanUltimate: {120, 480, 7},
}

const (
	burstWindow     = 2 * time.Second
	searchBurst     = 10     // Search API: 10 requests per 2 s on every plan and auth type
	baseDailyTokens = 30_000 // × plan multiplier × seats
	// dailyWriteRequests seeds x-daily-requests-left (POST requests by API token, per UTC day);
	// the doc's example shows 9999 after one request.
	dailyWriteRequests = 10_000
)

// limiter is the company's daily token budget plus per-token burst windows.
type limiter struct {
	mu         sync.Mutex
	now        func() time.Time
	enabled    bool
	plan       planLimits
	penalty    time.Duration
	budget     int
	used       int
	day        string // UTC date the budget belongs to
	writesLeft int
	burst      map[string]*simkit.SlidingWindow
	blocked    map[string]time.Time // window key -> refused until
}

func newLimiter(o Options) *limiter {
	p, ok := plans[o.Plan]
	if !ok {
		p = plans[PlanGrowth]
	}
	budget := o.DailyTokenBudget
	if budget <= 0 {
		budget = baseDailyTokens * p.multiplier * o.Seats
	}
	return &limiter{now: o.Now, enabled: o.RateLimits, plan: p, penalty: o.BurstPenalty, budget: budget,
		writesLeft: dailyWriteRequests, burst: map[string]*simkit.SlidingWindow{}, blocked: map[string]time.Time{}}
}

func (l *limiter) setEnabled(on bool) { l.mu.Lock(); l.enabled = on; l.mu.Unlock() }

// rollDay resets the budget at midnight; the doc says "server's timezone", taken as UTC.
func (l *limiter) rollDay(now time.Time) {
	if d := now.UTC().Format(time.DateOnly); d != l.day {
		l.day, l.used, l.writesLeft = d, 0, dailyWriteRequests
	}
}

func (l *limiter) window(key string, max int) *simkit.SlidingWindow {
	w, ok := l.burst[key]
	if !ok {
		w = simkit.NewSlidingWindow(max, burstWindow, l.now)
		l.burst[key] = w
	}
	return w
}

// admit charges one request to the budget and the burst windows, setting the
// rate-limit headers; it writes the 429 and returns false when a limit refuses it.
func (l *limiter) admit(w http.ResponseWriter, r *http.Request, token string, oauth bool, e endpoint, dailyForced bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.rollDay(now)
	h := w.Header()
	if dailyForced || (l.enabled && l.used >= l.budget) {
		h.Set("x-daily-ratelimit-token-limit", strconv.Itoa(l.budget))
		h.Set("x-daily-ratelimit-token-remaining", "0")
		writeRateLimited(w, 0, secondsUntil(now, nextMidnight(now)))
		return false
	}
	if !l.enabled {
		l.used += e.cost
		return true
	}
	burstMax := l.plan.apiBurst
	if oauth {
		burstMax = l.plan.oauthBurst
	}
	keys := []string{token}
	maxes := []int{burstMax}
	if e.search { // search counts against the general window and its own
		keys, maxes = append(keys, token+"|search"), append(maxes, searchBurst)
	}
	limit, remaining := burstMax, 0
	for i, key := range keys {
		if until, ok := l.blocked[key]; ok && now.Before(until) {
			writeRateLimited(w, maxes[i], secondsUntil(now, until))
			return false
		}
		ok, rem, _ := l.window(key, maxes[i]).Allow()
		if !ok {
			l.blocked[key] = now.Add(l.penalty)
			writeRateLimited(w, maxes[i], secondsUntil(now, now.Add(l.penalty)))
			return false
		}
		limit, remaining = maxes[i], rem
	}
	l.used += e.cost
	h.Set("x-ratelimit-limit", strconv.Itoa(limit))
	h.Set("x-ratelimit-remaining", strconv.Itoa(remaining))
	h.Set("x-ratelimit-reset", strconv.Itoa(int(burstWindow/time.Second)))
	// Not in the docs; seen on live responses (dev community, 2026) and read by clients.
	h.Set("x-daily-ratelimit-token-limit", strconv.Itoa(l.budget))
	h.Set("x-daily-ratelimit-token-remaining", strconv.Itoa(max0(l.budget-l.used)))
	if !oauth && (r.Method == http.MethodPost || r.Method == http.MethodPut) {
		l.writesLeft = max0(l.writesLeft - 1)
		h.Set("x-daily-requests-left", strconv.Itoa(l.writesLeft))
	}
	return true
}

func (l *limiter) usage() (used, budget int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rollDay(l.now())
	return l.used, l.budget
}

func (l *limiter) setUsed(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rollDay(l.now())
	l.used = n
}

func max0(n int) int { return max(n, 0) }

func secondsUntil(now, t time.Time) int { return max(1, int(math.Ceil(t.Sub(now).Seconds()))) }

func nextMidnight(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}

// writeRateLimited renders a 429 with the burst headers (limit 0 = daily budget refusal).
func writeRateLimited(w http.ResponseWriter, limit, resetSeconds int) {
	h := w.Header()
	if limit > 0 {
		h.Set("x-ratelimit-limit", strconv.Itoa(limit))
		h.Set("x-ratelimit-remaining", "0")
		h.Set("x-ratelimit-reset", strconv.Itoa(resetSeconds))
	}
	h.Set("Retry-After", strconv.Itoa(resetSeconds))
	writeError(w, http.StatusTooManyRequests, "Request over limit")
}

// guard applies, in order: stats, latency, authentication, rate limits,
// refusals (simkit RefuseEndpoint, by route pattern), injected faults.
func (s *Sim) guard(pattern string, e endpoint, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.stats.Inc(pattern)
		fault, latency := s.faults.Draw()
		simkit.Sleep(r.Context().Done(), latency)
		token, oauth, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		if s.closed.Load() {
			// The status and meaning are documented; the wording is [unverified].
			writeError(w, http.StatusPaymentRequired, "Company account is not open (possible reason: trial expired, payment details not entered)")
			return
		}
		if !s.limits.admit(w, r, token, oauth, e, s.faults.DailyExhausted()) {
			return
		}
		if rf, ok := s.faults.Refused(pattern); ok {
			writeError(w, rf.Status, rf.Message)
			return
		}
		switch fault {
		case simkit.FaultRateLimit:
			writeRateLimited(w, s.limits.plan.apiBurst, int(burstWindow/time.Second))
			return
		case simkit.FaultServerError:
			writeError(w, http.StatusInternalServerError, "Internal server error")
			return
		}
		h(w, r)
	}
}

// authenticate accepts "Authorization: Bearer <access token>" or the personal API
// token in x-api-token (the spec's only apiKey scheme; ?api_token= is not accepted).
func (s *Sim) authenticate(w http.ResponseWriter, r *http.Request) (token string, oauth bool, ok bool) {
	if authz := r.Header.Get("Authorization"); authz != "" {
		tok := simkit.BearerToken(r)
		if tok == "" || strings.ContainsAny(tok, " \t") {
			writeError(w, http.StatusBadRequest, "Invalid request: malformed authorization header")
			return "", false, false
		}
		switch s.auth.Check(tok) {
		case simkit.TokenValid:
			return tok, true, true
		case simkit.TokenExpired:
			writeUnauthorized(w, "Invalid token: access token has expired")
		default:
			writeUnauthorized(w, "Invalid token: access token is invalid")
		}
		return "", false, false
	}
	if key := r.Header.Get("x-api-token"); key != "" &&
		subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.APIToken)) == 1 {
		return key, false, true
	}
	writeUnauthorized(w, "unauthorized access")
	return "", false, false
}
