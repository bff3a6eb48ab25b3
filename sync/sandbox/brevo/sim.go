// Package brevo simulates Brevo's (formerly Sendinblue) API v3 for one account's
// contacts: the account, listing contacts (limit and offset pages, modifiedSince,
// createdSince, sort, count), getting one by email, id, ext_id or phone, create
// (with updateEnabled upsert), update, update in a batch, delete, the account's
// contact attributes, API keys ("api-key" header) and OAuth 2.0 apps (Bearer
// tokens), the per-endpoint rate limits with Brevo's x-sib-ratelimit headers, and
// injected faults.
//
// Sources: developers.brevo.com, the API reference pages get-contacts,
// get-contact-info, create-contact, update-contact, update-batch-contacts,
// delete-contact, get-attributes and get-account; the guides "Key concepts" (error
// body {"code","message"}), "Rate limits" (api-limits) and "Rate limit headers"
// (limit-headers), "OAuth 2.0", "Integration guide" (oauth-integration-guide) and
// "Scopes" (oauth-scopes); the changelog entries "SMS number validation improved",
// "SMS number can now be unset", "Bulk update contacts", "Total count in response
// modified to be in sync with last_modified filter" and "New parameters ext_id".
// JSON field names were checked against the models of Brevo's generated SDKs.
// Error wording the docs do not give comes from real answers quoted on
// third-party troubleshooting pages or is marked [unverified] where it is
// implemented, as is every behaviour the sources leave open.
package brevo

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// Options configures a Sim.
type Options struct {
	ClientID, ClientSecret, RedirectURI, AccountName string
	// RateLimits turns on the General tier's limits: every /v3/contacts endpoint
	// 10 requests per second and 36,000 per hour, anything else 100 per hour.
	RateLimits bool
	Seed       int64
	Faults     simkit.Faults
	// PathPrefix is where the handler is mounted (e.g. "/brevo"); it stands for
	// both api.brevo.com and oauth.brevo.com.
	PathPrefix string
	Now        func() time.Time
}

// Sim is one simulated Brevo account with one registered OAuth app.
type Sim struct {
	opts     Options
	now      func() time.Time
	mu       sync.RWMutex // guards the contacts, their indexes, nextID, last and lists
	contacts map[int64]*Contact
	order    []int64 // ids in creation order
	byEmail  map[string]int64
	byExt    map[string]int64
	bySMS    map[string]int64
	nextID   int64
	last     time.Time
	attrs    map[string]Attribute
	lists    []List // in creation order
	attrList []Attribute
	orgID    string
	rng      *rand.Rand
	keyMu    sync.Mutex
	apiKeys  map[string]bool
	scopes   map[string][]string // OAuth access token -> granted scopes
	auth     *simkit.AuthServer
	stats    *simkit.Stats
	faults   *simkit.FaultInjector
	limits   *limiter
	mux      *http.ServeMux
	payMu    sync.Mutex
	payCode  string // the 402 code writes answer (SetPaymentRequired); "" = none
	// processes are the background imports (imports.go), under mu.
	processes   map[int64]*process
	nextProcess int64
	// pendingImports counts the processes not completed, so that requests
	// skip mu when there are none.
	pendingImports atomic.Int64
}

// AllScopes are the granular scopes the sandbox app can be granted; "all" (the
// integration guide's value) grants every one.
var AllScopes = []string{"contacts:read", "contacts:write", "crm:read", "crm:write", "account:read"}

// New builds an account with Brevo's default attributes and no contacts.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClientID == "" {
		opts.ClientID = "8f3a51c0d2e94b7a9c6e1f20crmsyncb"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "bvsecret-4d7e2a91c8b35f60e1d94a7b2c3f8e05"
	}
	if opts.AccountName == "" {
		opts.AccountName = "crmsync sandbox"
	}
	s := &Sim{opts: opts, now: opts.Now, contacts: map[int64]*Contact{}, byEmail: map[string]int64{},
		byExt: map[string]int64{}, bySMS: map[string]int64{}, attrs: map[string]Attribute{},
		rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0xb7e70)), apiKeys: map[string]bool{}, scopes: map[string][]string{},
		stats: simkit.NewStats(), faults: simkit.NewFaultInjector(opts.Seed, opts.Faults), limits: newLimiter(opts.RateLimits, opts.Now)}
	s.attrList = defaultAttributes()
	for _, a := range s.attrList {
		s.attrs[a.Name] = a
	}
	const hexDigits = "0123456789abcdef"
	b := make([]byte, 24)
	for i := range b {
		b[i] = hexDigits[s.rng.IntN(16)]
	}
	s.orgID = string(b)
	// Access tokens last an hour, refresh tokens 30 days ("OAuth 2.0") [the
	// refresh token's expiry is not simulated; it is not rotated].
	s.auth = simkit.NewAuthServer(simkit.OAuthConfig{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		AccessTTL: time.Hour, Scopes: []string{"all"}, Now: opts.Now})
	s.routes()
	return s
}

// Auth exposes the OAuth server (client id and secret, deny switch, revoke).
func (s *Sim) Auth() *simkit.AuthServer { return s.auth }

// Faults exposes the fault injector (latency, 429/5xx odds).
func (s *Sim) Faults() *simkit.FaultInjector { return s.faults }

// Stats returns request counts per endpoint ("METHOD /path/template").
func (s *Sim) Stats() map[string]int64 { return s.stats.Snapshot() }

// SetRateLimits switches the rate limits on or off.
func (s *Sim) SetRateLimits(on bool) { s.limits.setEnabled(on) }

// SpendContactsHour uses up the /v3/contacts endpoints' 36,000 requests
// per hour and turns the limits on: the next contacts call gets 429 with
// x-sib-ratelimit-reset up to an hour away.
func (s *Sim) SpendContactsHour() { s.limits.spendHour("/v3/contacts") }

// SpendContactsSecond uses up the /v3/contacts endpoints' 10 requests in
// the current second but leave, and turns the limits on.
func (s *Sim) SpendContactsSecond(leave int) { s.limits.spendSecond("/v3/contacts", leave) }

// SetPaymentRequired makes every write answer 402 with code: Brevo's
// "Key concepts" page gives 402 for an account not activated or short of
// credits, with the codes account_under_validation and not_enough_credits.
// Reads still answer. "" lifts it.
func (s *Sim) SetPaymentRequired(code string) {
	s.payMu.Lock()
	s.payCode = code
	s.payMu.Unlock()
}

func (s *Sim) paymentRequired(method string) *apiError {
	s.payMu.Lock()
	code := s.payCode
	s.payMu.Unlock()
	if code == "" || method == http.MethodGet {
		return nil
	}
	msg := "Not enough credits [unverified wording]"
	if code == "account_under_validation" {
		msg = "Your account is under validation [unverified wording]"
	}
	return &apiError{http.StatusPaymentRequired, code, msg}
}

// ServeHTTP makes Sim an http.Handler (paths relative to its mount prefix).
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Sim) routes() {
	m := http.NewServeMux()
	open := func(pattern string, h http.HandlerFunc) {
		m.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.stats.Inc(pattern); h(w, r) })
	}
	open("GET /realms/partner/oauth/authorize", s.handleAuthorize)
	open("POST /realms/partner/oauth/token", s.handleToken)

	route := func(method, path, scope string, h http.HandlerFunc) {
		pattern := method + " " + path
		m.HandleFunc(pattern, s.guard(pattern, scope, h))
	}
	route("GET", "/v3/account", "", s.handleAccount)
	route("GET", "/v3/contacts", "contacts:read", s.handleList)
	route("POST", "/v3/contacts", "contacts:write", s.handleCreate)
	route("POST", "/v3/contacts/batch", "contacts:write", s.handleBatch)
	route("POST", "/v3/contacts/import", "contacts:write", s.handleImport)
	route("GET", "/v3/processes/{processId}", "", s.handleProcess)
	route("GET", "/v3/contacts/attributes", "contacts:read", s.handleAttributes)
	route("GET", "/v3/contacts/lists", "contacts:read", s.handleLists)
	route("GET", "/v3/contacts/{identifier}", "contacts:read", s.handleGet)
	route("PUT", "/v3/contacts/{identifier}", "contacts:write", s.handleUpdate)
	route("DELETE", "/v3/contacts/{identifier}", "contacts:write", s.handleDelete)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Counted too, so a test sees a call to a route Brevo lacks.
		s.stats.Inc(r.Method + " " + r.URL.Path)
		writeError(w, &apiError{404, "document_not_found", "Invalid route [unverified wording]"})
	})
	s.mux = m
}

// guard applies, in order: stats, authentication (401), scope (401 [status
// unverified]), rate limits (429), injected latency and faults, then the handler.
func (s *Sim) guard(pattern, scope string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.stats.Inc(pattern)
		fault, latency := s.faults.Draw()
		granted, e := s.authenticate(r)
		if e != nil {
			writeError(w, e)
			return
		}
		if scope != "" && granted != nil && !hasScope(granted, scope) {
			writeError(w, &apiError{401, "unauthorized", "Missing scope " + scope + " [unverified wording]"})
			return
		}
		path := strings.TrimPrefix(pattern, strings.SplitN(pattern, " ", 2)[0]+" ")
		if !s.limits.allow(w, path) {
			writeError(w, &apiError{429, "too_many_requests", "Too many requests [unverified wording]"})
			return
		}
		if e := s.paymentRequired(r.Method); e != nil {
			writeError(w, e)
			return
		}
		simkit.Sleep(r.Context().Done(), latency)
		switch fault {
		case simkit.FaultRateLimit:
			w.Header().Set("x-sib-ratelimit-reset", "1")
			writeError(w, &apiError{429, "too_many_requests", "Too many requests [unverified wording]"})
			return
		case simkit.FaultServerError:
			writeError(w, &apiError{500, "internal_error", "Internal server error [unverified wording]"})
			return
		}
		s.settleImports()
		h(w, r)
	}
}

func hasScope(granted []string, need string) bool {
	for _, g := range granted {
		if g == "all" || g == need {
			return true
		}
	}
	return false
}
