package zoho

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// editionLimits is one row of the API limits doc: credits per rolling 24 hours are
// base + perUser × licenses, capped at max (0 = unlimited), and the concurrency limit
// per org per app.
type editionLimits struct{ base, perUser, max, concurrency int }

var editions = map[Edition]editionLimits{
	EditionFree:         {5000, 0, 5000, 5},
	EditionStandard:     {50_000, 250, 100_000, 10},
	EditionProfessional: {50_000, 500, 3_000_000, 15},
	EditionEnterprise:   {50_000, 1000, 5_000_000, 20},
	EditionUltimate:     {50_000, 2000, 0, 25},
}

// creditWindow is the rolling window credits are counted over ("24-hour window").
const creditWindow = 24 * time.Hour

type spend struct {
	at      time.Time
	credits int
}

// limiter is the org's credit budget and its concurrency slots.
type limiter struct {
	mu          sync.Mutex
	now         func() time.Time
	enabled     bool
	budget      int
	concurrency int
	inFlight    int
	spends      []spend // oldest first, from head
	head        int
	used        int // credits spent within the window
}

func newLimiter(o Options) *limiter {
	e, ok := editions[o.Edition]
	if !ok {
		e = editions[EditionStandard]
	}
	budget := e.base + e.perUser*o.Users
	if e.max > 0 && budget > e.max {
		budget = e.max
	}
	if o.DailyCredits > 0 {
		budget = o.DailyCredits
	}
	conc := e.concurrency
	if o.Concurrency > 0 {
		conc = o.Concurrency
	}
	return &limiter{now: o.Now, enabled: o.RateLimits, budget: budget, concurrency: conc}
}

func (l *limiter) setEnabled(on bool) { l.mu.Lock(); l.enabled = on; l.mu.Unlock() }

// prune drops spends older than the window.
func (l *limiter) prune(now time.Time) {
	for l.head < len(l.spends) && !now.Before(l.spends[l.head].at.Add(creditWindow)) {
		l.used -= l.spends[l.head].credits
		l.head++
	}
	if l.head > 1024 && l.head*2 > len(l.spends) {
		l.spends = append(l.spends[:0], l.spends[l.head:]...)
		l.head = 0
	}
}

// acquire takes a concurrency slot; false when the org is at its limit.
func (l *limiter) acquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.enabled && l.inFlight >= l.concurrency {
		return false
	}
	l.inFlight++
	return true
}

func (l *limiter) release() { l.mu.Lock(); l.inFlight--; l.mu.Unlock() }

// charge spends cost credits. It refuses when the budget cannot cover them (rate limits
// on) or the budget is forced exhausted; remaining is what is left afterwards.
func (l *limiter) charge(cost int, forced bool) (ok bool, remaining int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	if forced || l.enabled && l.used+cost > l.budget {
		return false, max(l.budget-l.used, 0)
	}
	l.spends = append(l.spends, spend{at: now, credits: cost})
	l.used += cost
	return true, max(l.budget-l.used, 0)
}

func (l *limiter) usage() (used, budget int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(l.now())
	return l.used, l.budget
}

// setUsed replaces the window's spends by one spend of n credits now.
func (l *limiter) setUsed(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.spends, l.head, l.used = []spend{{at: l.now(), credits: n}}, 0, n
}

// errTooManyRequests is the 429 of the status codes doc: "Number of API requests for the
// 24 hour period is exceeded or the concurrency limit of the user for the app is
// exceeded." The body's message and details are [unverified].
func errTooManyRequests(msg string) *zerr {
	return &zerr{status: http.StatusTooManyRequests, code: "TOO_MANY_REQUESTS", message: msg}
}

const (
	msgConcurrency = "The number of concurrent API requests has exceeded the limit for the app"
	msgCredits     = "The API credits for the rolling 24-hour window are exhausted"
)

// endpoint describes one API route: the OAuth scope it needs, whether its path names a
// module, and whether it costs a credit per ten records of data[] (insert, update and
// upsert: "1 credit for every 10 records", api-limits doc) instead of 1. Every other call
// costs 1 credit ("Each API call made will result in a reduction of 1 credit"): get,
// list, search, delete, the metadata and the deleted list [unverified for the deleted
// list, which a Vertical Solutions variant of the table prices at 2]. Refused calls
// (401, 429) cost nothing; calls answered 400 by the handler cost [unverified].
type endpoint struct {
	need    need
	module  bool
	perTen  bool
	notes   bool                    // also needs the notes scope (/{module}/{id}/Notes)
	credits int                     // a call's fixed price when not 1: Convert Lead is 5 ("for a "Convert Lead API", 5 credits will be reduced for a single API call", api-limits doc)
	price   func(*http.Request) int // a call priced by its body (COQL by its LIMIT); nil = credits
}

type moduleHandler func(w http.ResponseWriter, r *http.Request, m *moduleDef)

// batchCost reads data[] of a write body to price it and puts the body back. A batch the
// handler will refuse (none or more than 100 records) costs 1 [unverified].
func batchCost(r *http.Request) int {
	b, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	r.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return 1
	}
	var body struct {
		Data []json.RawMessage `json:"data"`
	}
	if json.Unmarshal(b, &body) != nil || len(body.Data) == 0 || len(body.Data) > maxBatch {
		return 1
	}
	return (len(body.Data) + 9) / 10
}

// guard applies, in order: stats, authentication, the module, the OAuth scope, a
// concurrency slot, injected latency, credits, refusals (simkit RefuseEndpoint, by
// the stats key: "PUT /crm/v8/Contacts"), injected faults, then the handler.
func (s *Sim) guard(pattern string, e endpoint, h moduleHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var m *moduleDef
		key := pattern
		if e.module {
			if m = s.module(r.PathValue("module")); m != nil {
				key = strings.Replace(pattern, "{module}", m.name, 1)
			}
		}
		s.stats.Inc(key)
		fault, latency := s.faults.Draw()
		token, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		if e.module && m == nil {
			writeErr(w, errInvalidModule())
			return
		}
		if !s.oauth.allows(token, e.need, m) || e.notes && !s.oauth.allows(token, e.need, s.modules[ModuleNotes]) {
			// The spec's 401 for a token without the operation's scope [message unverified].
			writeErr(w, &zerr{status: http.StatusUnauthorized, code: "OAUTH_SCOPE_MISMATCH", message: "invalid oauth scope to access this URL"})
			return
		}
		if e.need.op == opCreate && m != nil && s.createDenied(m.name) {
			writeErr(w, errNoPermission(m.name))
			return
		}
		if !s.limits.acquire() {
			writeErr(w, errTooManyRequests(msgConcurrency))
			return
		}
		defer s.limits.release()
		simkit.Sleep(r.Context().Done(), latency)
		cost := max(e.credits, 1)
		if e.perTen {
			cost = batchCost(r)
		}
		if e.price != nil {
			cost = e.price(r)
		}
		ok, remaining := s.limits.charge(cost, s.faults.DailyExhausted())
		if !ok {
			// The header that counts the credits left says none are
			// [unverified on this answer]: what tells a client the day's
			// credits from the concurrency limit, both 429.
			w.Header().Set("X-API-CREDITS-REMAINING", "0")
			writeErr(w, errTooManyRequests(msgCredits))
			return
		}
		// Seen once half the window's credits are spent (api-limits doc, read second-hand
		// through api-evangelist's summary) [unverified].
		if used, budget := s.limits.usage(); s.limits.isEnabled() && used*2 >= budget {
			w.Header().Set("X-API-CREDITS-REMAINING", strconv.Itoa(remaining))
		}
		if rf, ok := s.faults.Refused(key); ok {
			writeErr(w, &zerr{status: rf.Status, code: rf.Code, message: rf.Message})
			return
		}
		switch fault {
		case simkit.FaultRateLimit:
			writeErr(w, errTooManyRequests(msgConcurrency))
			return
		case simkit.FaultServerError:
			writeErr(w, errInternal())
			return
		}
		h(w, r, m)
	}
}

func (l *limiter) isEnabled() bool { l.mu.Lock(); defer l.mu.Unlock(); return l.enabled }

// authenticate accepts "Authorization: Zoho-oauthtoken <access token>". A missing header
// (or another scheme) is AUTHENTICATION_FAILURE; an unknown, revoked or expired token is
// INVALID_TOKEN, both 401 (API_Exception enum messages; the expired-token code
// [unverified]).
func (s *Sim) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	const scheme = "Zoho-oauthtoken "
	h := r.Header.Get("Authorization")
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		writeErr(w, &zerr{status: http.StatusUnauthorized, code: "AUTHENTICATION_FAILURE", message: "Authentication failed"})
		return "", false
	}
	token := strings.TrimSpace(h[len(scheme):])
	if s.auth.Check(token) != simkit.TokenValid {
		writeErr(w, &zerr{status: http.StatusUnauthorized, code: "INVALID_TOKEN", message: "invalid oauth token"})
		return "", false
	}
	return token, true
}
