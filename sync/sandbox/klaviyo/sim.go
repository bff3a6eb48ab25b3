// Package klaviyo simulates Klaviyo's REST API (revision 2026-07-15) for one account:
// profiles (JSON:API, cursor pages, filter, sort, sparse fieldsets and the subscriptions
// additional field), create, update and create-or-update, bulk profile import jobs with
// their profiles and import errors, bulk subscribe and unsubscribe jobs, the account,
// private API keys and OAuth with PKCE, per-endpoint burst and steady rate limits and
// injected faults.
//
// Sources: Klaviyo's OpenAPI spec (github.com/klaviyo/openapi, openapi/stable/apis,
// info.version 2026-07-15: get_profiles, get_profile, create_profile, update_profile,
// create_or_update_profile, bulk_import_profiles, get_bulk_import_profiles_job,
// get_profiles_for_bulk_import_profiles_job, get_profile_ids_for_bulk_import_profiles_job,
// get_errors_for_bulk_import_profiles_job, bulk_subscribe_profiles,
// bulk_unsubscribe_profiles, get_accounts), its x-klaviyo-ratelimit and
// x-klaviyo-scopes, and developers.klaviyo.com: "Make API calls using OAuth",
// "Troubleshoot OAuth errors", "Rate limits, status codes, and errors", "Authenticate"
// and the API overview (filtering, sorting, pagination, sparse fieldsets). Error
// wording not pinned down there comes from real answers quoted in Klaviyo's community
// forum and is marked [unverified] where it is a guess.
package klaviyo

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// Revision is the API revision the simulator speaks: the info.version of the
// stored spec.
const Revision = "2026-07-15"

// revisions are the stable revisions the simulator accepts in the revision header
// (Klaviyo's changelog); a later or unknown one is a 400.
var revisions = map[string]bool{"2023-02-22": true, "2023-06-15": true, "2023-07-15": true, "2023-08-15": true,
	"2023-09-15": true, "2023-10-15": true, "2023-12-15": true, "2024-02-15": true, "2024-05-15": true,
	"2024-06-15": true, "2024-07-15": true, "2024-10-15": true, "2025-01-15": true, "2025-04-15": true,
	"2025-07-15": true, "2025-10-15": true, "2026-01-15": true, "2026-04-15": true, Revision: true}

// Options configures a Sim.
type Options struct {
	ClientID, ClientSecret, RedirectURI, AccountName string
	// RateLimits turns on each endpoint's burst (per second) and steady (per
	// minute) fixed windows from the spec's x-klaviyo-ratelimit.
	RateLimits bool
	Seed       int64
	Faults     simkit.Faults
	// PathPrefix is where the handler is mounted (e.g. "/klaviyo"); links are
	// built from the request's Host and it.
	PathPrefix string
	Now        func() time.Time
}

// Sim is one simulated Klaviyo account with one registered OAuth app.
type Sim struct {
	opts      Options
	now       func() time.Time
	mu        sync.RWMutex // guards the profile store, jobs, the id source and the clock floor
	store     *store
	jobs      map[string]*importJob
	jobOrder  []string
	jobPolls  int
	rng       *rand.Rand
	idSeq     int64
	last      time.Time // the last write's updated, so the next is strictly later
	accountID string
	publicKey string
	keyMu     sync.Mutex
	apiKeys   map[string]bool
	scopes    map[string][]string // OAuth access token -> granted scopes
	auth      *simkit.AuthServer
	stats     *simkit.Stats
	faults    *simkit.FaultInjector
	limits    *limiter
	endpoints map[string]endpoint // each route's limits, by pattern
	mux       *http.ServeMux
}

// AllScopes are the scopes granted when an authorize request names none, and
// those of MintAccessToken.
var AllScopes = []string{"accounts:read", "profiles:read", "profiles:write", "subscriptions:read",
	"subscriptions:write", "lists:read", "lists:write"}

// New builds an empty account.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClientID == "" {
		opts.ClientID = "6b1f3c0e-2d4a-4e8f-9a61-crmsync-kv"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "kvsecret-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	}
	if opts.AccountName == "" {
		opts.AccountName = "crmsync sandbox"
	}
	s := &Sim{opts: opts, now: opts.Now, store: newStore(), jobs: map[string]*importJob{}, jobPolls: 1,
		rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0x6b1a7140)), apiKeys: map[string]bool{},
		scopes: map[string][]string{}, stats: simkit.NewStats(),
		faults: simkit.NewFaultInjector(opts.Seed, opts.Faults), limits: newLimiter(opts.RateLimits, opts.Now)}
	s.publicKey = s.randomChars(6, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
	s.accountID = s.publicKey
	// Access tokens last an hour and refresh tokens are not rotated ("Make API
	// calls using OAuth") [rotation unverified].
	s.auth = simkit.NewAuthServer(simkit.OAuthConfig{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		AccessTTL: time.Hour, Scopes: AllScopes, Now: opts.Now})
	s.routes()
	return s
}

func (s *Sim) randomChars(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// Auth exposes the OAuth server (client id and secret, deny switch, revoke).
func (s *Sim) Auth() *simkit.AuthServer { return s.auth }

// Faults exposes the fault injector (latency, 429/5xx odds).
func (s *Sim) Faults() *simkit.FaultInjector { return s.faults }

// Stats returns request counts per endpoint ("METHOD /path/template").
func (s *Sim) Stats() map[string]int64 { return s.stats.Snapshot() }

// SpendSteady uses up the steady (per minute) window of pattern ("GET
// /api/profiles") in the account's quota, the one private keys share, but
// leave requests, as the account's other integrations may have, and turns
// the limits on.
func (s *Sim) SpendSteady(pattern string, leave int) {
	ep, ok := s.endpoints[pattern]
	if !ok {
		panic("klaviyo sandbox: SpendSteady: no endpoint " + pattern)
	}
	s.limits.spendSteady("account "+pattern, ep, leave)
}

// SetRateLimits switches the per-endpoint rate limits on or off.
func (s *Sim) SetRateLimits(on bool) { s.limits.setEnabled(on) }

// ServeHTTP makes Sim an http.Handler (paths relative to its mount prefix).
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Date comes from the simulator's clock, the one that stamps records,
	// as a server's does: a frozen clock must not look settled by the wall's.
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	s.mux.ServeHTTP(w, r)
}

// baseURL is the simulator's own base, standing for https://a.klaviyo.com.
func (s *Sim) baseURL(r *http.Request) string { return simkit.MountURL(r, s.opts.PathPrefix) }

// endpoint is one operation's rate limits and scopes, from the spec.
type endpoint struct {
	burst, steady int
	scopes        []string
	// predictive is the limit when additional-fields[profile] asks for
	// predictive_analytics (get_profiles: 10/s burst, 150/m steady), with
	// its own windows [whether they are shared is unverified]; nil: the same
	// as without.
	predictive *endpoint
}

var (
	rateL    = endpoint{burst: 75, steady: 700} // L: 75/s burst, 700/m steady (rate limits guide)
	rateM    = endpoint{burst: 10, steady: 150}
	rateXS   = endpoint{burst: 1, steady: 15}
	profRead = []string{"profiles:read"}
)

func (e endpoint) with(scopes ...string) endpoint { e.scopes = scopes; return e }

// orPredictive sets the limit a predictive_analytics read is held to.
func (e endpoint) orPredictive(p endpoint) endpoint { e.predictive = &p; return e }

// limitFor is the endpoint's limit for r and the window key it counts in.
func (e endpoint) limitFor(r *http.Request, key string) (endpoint, string) {
	if e.predictive != nil && slices.Contains(splitList(r.URL.Query().Get("additional-fields[profile]")), "predictive_analytics") {
		return *e.predictive, key + " predictive_analytics"
	}
	return e, key
}

func (s *Sim) routes() {
	m := http.NewServeMux()
	open := func(pattern string, h http.HandlerFunc) {
		m.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.stats.Inc(pattern); h(w, r) })
	}
	open("GET /oauth/authorize", s.handleAuthorize)
	open("POST /oauth/token", s.handleToken)
	open("POST /oauth/revoke", s.handleRevoke)

	s.endpoints = map[string]endpoint{}
	route := func(method, path string, ep endpoint, h http.HandlerFunc) {
		pattern := method + " " + path
		s.endpoints[pattern] = ep
		g := s.guard(pattern, ep, h)
		m.HandleFunc(pattern, g)
		m.HandleFunc(pattern+"/", g) // Klaviyo's own links end with a slash
	}
	const jobs = "/api/profile-bulk-import-jobs"
	route("GET", "/api/accounts", rateXS.with("accounts:read"), s.handleAccounts)
	route("GET", "/api/profiles", rateL.with(profRead...).orPredictive(rateM), s.handleProfiles)
	route("POST", "/api/profiles", rateL.with("profiles:write"), s.handleCreate)
	route("GET", "/api/profiles/{id}", rateL.with(profRead...), s.handleProfile)
	route("PATCH", "/api/profiles/{id}", rateL.with("profiles:write"), s.handlePatch)
	route("POST", "/api/profile-import", rateL.with("profiles:write"), s.handleUpsert)
	route("POST", jobs, rateM.with("lists:write", "profiles:write"), s.handleBulkImport)
	route("GET", jobs+"/{id}", rateM.with("lists:read", "profiles:read"), s.handleJob)
	route("GET", jobs+"/{id}/profiles", rateM.with(profRead...), s.handleJobProfiles)
	route("GET", jobs+"/{id}/relationships/profiles", rateM.with(profRead...), s.handleJobProfileIDs)
	route("GET", jobs+"/{id}/import-errors", rateM.with(profRead...), s.handleJobErrors)
	route("POST", "/api/profile-subscription-bulk-create-jobs", rateL.with("lists:write", "profiles:write", "subscriptions:write"), s.handleBulkSubscribe)
	route("POST", "/api/profile-subscription-bulk-delete-jobs", rateL.with("lists:write", "profiles:write", "subscriptions:write"), s.handleBulkUnsubscribe)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErrors(w, errNotFound("The requested resource could not be found. [unverified wording]"))
	})
	s.mux = m
}

// guard applies, in order: stats, authentication (401), the revision header (400),
// scopes (403), rate limits (429 with Retry-After), injected latency and faults,
// then the handler [order of the checks unverified].
func (s *Sim) guard(pattern string, ep endpoint, h http.HandlerFunc) http.HandlerFunc {
	key := strings.TrimSuffix(pattern, "/")
	return func(w http.ResponseWriter, r *http.Request) {
		s.stats.Inc(key)
		fault, latency := s.faults.Draw()
		granted, bucket, e := s.authenticate(r)
		if e != nil {
			writeErrors(w, e)
			return
		}
		if e := checkRevision(r); e != nil {
			writeErrors(w, e)
			return
		}
		if missing := missingScopes(granted, ep.scopes); len(missing) > 0 {
			writeErrors(w, errPermission(missing))
			return
		}
		lim, window := ep.limitFor(r, key)
		if ok, wait, limit, remaining, reset := s.limits.allow(bucket+" "+window, lim); !ok {
			w.Header().Set("Retry-After", itoa(wait))
			writeErrors(w, errThrottled(wait))
			return
		} else if limit > 0 {
			// Non-429 answers carry the steady window's state (rate limits guide).
			w.Header().Set("RateLimit-Limit", itoa(limit))
			w.Header().Set("RateLimit-Remaining", itoa(remaining))
			w.Header().Set("RateLimit-Reset", itoa(reset))
		}
		simkit.Sleep(r.Context().Done(), latency)
		switch fault {
		case simkit.FaultRateLimit:
			w.Header().Set("Retry-After", "1")
			writeErrors(w, errThrottled(1))
			return
		case simkit.FaultServerError:
			writeErrors(w, errServer())
			return
		}
		h(w, r)
	}
}

// checkRevision requires the revision header ("revisionHeader required" on every
// operation of the spec) and one the simulator knows, with an optional ".suffix".
func checkRevision(r *http.Request) *apiError {
	rev := strings.TrimSpace(r.Header.Get("revision"))
	if rev == "" {
		// [unverified wording]
		return errParam("Missing required header 'revision'. Please provide a revision, e.g. "+Revision+".", "revision")
	}
	date, _, _ := strings.Cut(rev, ".")
	if !revisions[date] {
		return errParam("Invalid revision '"+rev+"'. [unverified wording]", "revision")
	}
	return nil
}

func missingScopes(granted, need []string) []string {
	if granted == nil { // a private key of the sandbox has full access
		return nil
	}
	var out []string
	for _, n := range need {
		found := false
		for _, g := range granted {
			if g == n {
				found = true
				break
			}
		}
		if !found {
			out = append(out, n)
		}
	}
	return out
}
