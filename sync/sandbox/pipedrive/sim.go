// Package pipedrive is a wire-exact simulator of Pipedrive's API v2 for persons,
// organizations, deals and activities: cursor-paged lists, get, create, patch, delete,
// search (persons and organizations), the v2 fields metadata, the default pipeline's
// stages, and of API v1 for what v2 lacks: the activity types, the users (users.go) and notes (offset-paged
// list, get, add, update, delete; notes.go). It serves them behind Pipedrive's OAuth 2.0
// server (api_domain in the token response) or a personal API token in x-api-token, with
// the token-based daily budget and per-token burst limits. It is written from Pipedrive's
// API v2 and v1 specs, its generated clients and its developer docs, never from a
// connector. Mount it under any prefix: api_domain points back at the mount point.
package pipedrive

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// Plan names a Pipedrive subscription plan; it sets burst limits and the budget multiplier.
type Plan string

// The plans of the rate-limiting doc (pipedrive.readme.io/docs/core-api-concepts-rate-limiting).
const (
	PlanLite     Plan = "lite"
	PlanGrowth   Plan = "growth"
	PlanPremium  Plan = "premium"
	PlanUltimate Plan = "ultimate"
)

// Options configures a Sim. Zero values give sensible defaults.
type Options struct {
	ClientID     string
	ClientSecret string
	// RedirectURI is the app's registered OAuth callback URL; "" accepts any absolute URI.
	RedirectURI string
	AccessTTL   time.Duration // default 3599 s, the expires_in of Pipedrive's example
	// APIToken is the user's personal API token accepted in x-api-token.
	APIToken string
	// UserID is the user behind both the API token and OAuth grants; it owns new records.
	UserID int64
	// UserName and UserEmail are that user's; defaults "Sandbox User" and
	// user<UserID>@example.com. The user is an active admin.
	UserName, UserEmail string
	// CompanyID is the company's id, which users/me answers as company_id
	// and a domain rename keeps; default 5000000 + Seed, so sandboxes of
	// different seeds are different companies.
	CompanyID int64
	// OtherUserIDs are more active users of the company that may own records,
	// named "User <id>" (SeedUsers adds users with names and emails).
	OtherUserIDs []int64
	// Scopes are the OAuth app's scopes, set on the app in Pipedrive (not in
	// the authorize URL); default defaultScopes. The API token has them all.
	Scopes []string
	// Currency is the company's default currency, given to deals created without one;
	// default "USD".
	Currency string
	// ContactSync turns on the contact-sync person fields (im, postal_address,
	// notes, birthday, job_title), which exist only when a company set it up.
	ContactSync bool
	// RateLimits enforces the daily token budget and the burst limits.
	RateLimits bool
	Plan       Plan // default PlanGrowth
	Seats      int  // default 5; the daily budget is 30,000 × plan multiplier × seats
	// DailyTokenBudget overrides the computed daily budget when > 0.
	DailyTokenBudget int
	// BurstPenalty is how long a token stays refused after exceeding a burst limit;
	// default 10 s (Pipedrive staff, dev community: "x-ratelimit-reset is set to 10").
	BurstPenalty time.Duration
	// SearchIndexDelay hides persons and organizations created less than this long ago
	// from search, as Pipedrive's search index lags writes; default 0.
	SearchIndexDelay time.Duration
	// ClampLimit serves limit > 500 as 500 instead of refusing it with 400. The docs only
	// say "a maximum value of 500 is allowed"; which one Pipedrive does is unverified.
	ClampLimit bool
	Seed       int64
	Faults     simkit.Faults
	// PathPrefix is where the handler is mounted (e.g. "/pipedrive"); api_domain ends with it.
	PathPrefix string
	Now        func() time.Time
}

// Sim is one simulated Pipedrive company.
type Sim struct {
	opts       Options
	now        func() time.Time
	mu         sync.RWMutex // guards persons, orgs, deals, activities, notes
	persons    *store
	orgs       *store
	deals      *store
	activities *store
	notes      *store
	pfields    []fieldDef
	ofields    []fieldDef
	dfields    []fieldDef
	afields    []fieldDef
	catalog    catalog         // pipelines, stages and activity types, fixed at New
	users      map[int64]*User // guarded by mu
	auth       *simkit.AuthServer
	stats      *simkit.Stats
	faults     *simkit.FaultInjector
	limits     *limiter
	codesMu    sync.Mutex
	codes      map[string]time.Time // authorization code -> issue time (Pipedrive: valid 5 minutes)
	mux        *http.ServeMux
	domainMu   sync.RWMutex
	domain     string      // the company's domain (SetCompanyDomain); "" = api_domain is the mount point
	closed     atomic.Bool // the company account is not open (SetAccountClosed)
	// openDealsLimit is SetOpenDealsLimit's cap; guarded by mu
	openDealsLimit int
}

// defaultScopes are granted to every OAuth app: Pipedrive sets scopes on the app, not the URL.
var defaultScopes = []string{"base", "activities:full", "contacts:full", "deals:full", "search:read", scopeUsersRead}

// New builds a company with no persons, organizations, deals, activities or notes, the
// default pipeline and the default activity types.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClientID == "" {
		opts.ClientID = "b4d083d9216986345b32"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "pipedrive-sandbox-client-secret-0123456789"
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = 3599 * time.Second
	}
	if opts.APIToken == "" {
		opts.APIToken = "659c9fddb16335e48cc67114694b52074e812e03"
	}
	if opts.UserID == 0 {
		opts.UserID = 13004321
	}
	if opts.CompanyID == 0 {
		opts.CompanyID = 5000000 + opts.Seed
	}
	if opts.Plan == "" {
		opts.Plan = PlanGrowth
	}
	if opts.Seats == 0 {
		opts.Seats = 5
	}
	if opts.BurstPenalty == 0 {
		opts.BurstPenalty = 10 * time.Second
	}
	if opts.Currency == "" {
		opts.Currency = "USD"
	}
	if opts.Scopes == nil {
		opts.Scopes = defaultScopes
	}
	opts.UserName = cmp.Or(opts.UserName, "Sandbox User")
	opts.UserEmail = cmp.Or(opts.UserEmail, fmt.Sprintf("user%d@example.com", opts.UserID))
	s := &Sim{opts: opts, now: opts.Now, persons: newStore(), orgs: newStore(), deals: newStore(), activities: newStore(), notes: newStore(),
		pfields: personFieldDefs(opts.ContactSync), ofields: orgFieldDefs(), dfields: dealFieldDefs(), afields: activityFieldDefs(),
		users: map[int64]*User{}, stats: simkit.NewStats(),
		faults: simkit.NewFaultInjector(opts.Seed, opts.Faults), codes: map[string]time.Time{}}
	s.catalog = defaultCatalog(s.nowSecond())
	s.addUserLocked(User{ID: opts.UserID, Name: opts.UserName, Email: opts.UserEmail, Active: true, IsAdmin: true})
	for _, u := range opts.OtherUserIDs {
		s.addUserLocked(User{ID: u, Email: fmt.Sprintf("user%d@example.com", u), Active: true})
	}
	s.limits = newLimiter(opts)
	// Pipedrive re-issues the same refresh token on refresh (marketplace-oauth-authorization, step 7).
	s.auth = simkit.NewAuthServer(simkit.OAuthConfig{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		AccessTTL: opts.AccessTTL, RotateRefresh: false, Scopes: opts.Scopes, TokenPrefix: "v1u:", Now: opts.Now})
	s.routes()
	return s
}

// Auth exposes the OAuth server (deny switch, force-expire, revoke, IssueLongLived).
func (s *Sim) Auth() *simkit.AuthServer { return s.auth }

// Faults exposes the fault injector (latency, 429/5xx odds, daily exhaustion).
func (s *Sim) Faults() *simkit.FaultInjector { return s.faults }

// Stats returns request counts per endpoint ("METHOD /path/template").
func (s *Sim) Stats() map[string]int64 { return s.stats.Snapshot() }

// SetRateLimits switches rate limiting on or off at runtime.
func (s *Sim) SetRateLimits(on bool) { s.limits.setEnabled(on) }

// ServeHTTP makes Sim an http.Handler (paths relative to its mount prefix).
// The mount point itself is api.pipedrive.com; /domains/<name> is the
// company domain https://<name>.pipedrive.com (SetCompanyDomain).
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Date comes from the simulator's clock, the one that stamps records,
	// as a server's does: a frozen clock must not look settled by the wall's.
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	rest, ok := strings.CutPrefix(r.URL.Path, domainsPath)
	if !ok {
		s.mux.ServeHTTP(w, r)
		return
	}
	name, tail, _ := strings.Cut(rest, "/")
	if name == "" || name != s.companyDomain() || !strings.HasPrefix("/"+tail, "/api/") {
		// A domain no company has (renamed away): undocumented; a 404 in
		// the API's error shape [unverified]. OAuth stays on oauth.pipedrive.com.
		writeError(w, http.StatusNotFound, "Company domain "+name+" not found")
		return
	}
	inner := r.Clone(r.Context())
	inner.URL.Path = "/" + tail
	inner.URL.RawPath = ""
	if raw, ok := strings.CutPrefix(r.URL.RawPath, domainsPath+name); ok {
		inner.URL.RawPath = raw
	}
	s.mux.ServeHTTP(w, inner)
}

// SetAccountClosed makes every API call answer 402 Payment Required, as
// Pipedrive does when the "company account is not open (possible reason:
// trial expired, payment details not entered)" (core-api-concepts-http-status-codes).
// Sign-in and tokens are untouched: only paying opens it again.
func (s *Sim) SetAccountClosed(closed bool) { s.closed.Store(closed) }

// domainsPath is where company domains are served under the mount point.
const domainsPath = "/domains/"

// SetCompanyDomain renames the company's domain, as an admin can in
// Pipedrive: the token endpoint then answers api_domain
// <mount>/domains/<name> (every refresh carries the current one, per
// Pipedrive's changelog of 2020-02-21), and the former company domain
// answers 404. "" goes back to the mount point as api_domain. The mount
// point itself (api.pipedrive.com) keeps answering.
func (s *Sim) SetCompanyDomain(name string) {
	s.domainMu.Lock()
	s.domain = name
	s.domainMu.Unlock()
}

func (s *Sim) companyDomain() string {
	s.domainMu.RLock()
	defer s.domainMu.RUnlock()
	return s.domain
}

// endpoint describes one API route's token cost (x-token-cost in the v2 spec).
type endpoint struct {
	cost   int
	search bool
}

func (s *Sim) routes() {
	m := http.NewServeMux()
	open := func(pattern string, h http.HandlerFunc) {
		m.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			s.stats.Inc(pattern)
			h(w, r)
		})
	}
	open("GET /oauth/authorize", s.handleAuthorize)
	open("POST /oauth/token", s.handleToken)
	open("POST /oauth/token/", s.handleToken) // the v1 spec documents refresh at /oauth/token/
	open("POST /oauth/revoke", s.handleRevoke)

	api := func(pattern string, e endpoint, h http.HandlerFunc) { m.HandleFunc(pattern, s.guard(pattern, e, h)) }
	const p, o = "/api/v2/persons", "/api/v2/organizations"
	api("GET "+p, endpoint{cost: 10}, s.handleList(kindPerson))
	api("POST "+p, endpoint{cost: 5}, s.handleCreate(kindPerson))
	api("GET "+p+"/search", endpoint{cost: 20, search: true}, s.handleSearch(kindPerson))
	api("GET "+p+"/{id}", endpoint{cost: 1}, s.handleGet(kindPerson))
	api("PATCH "+p+"/{id}", endpoint{cost: 5}, s.handlePatch(kindPerson))
	api("DELETE "+p+"/{id}", endpoint{cost: 3}, s.handleDelete(kindPerson))
	api("GET "+o, endpoint{cost: 10}, s.handleList(kindOrg))
	api("POST "+o, endpoint{cost: 5}, s.handleCreate(kindOrg))
	api("GET "+o+"/search", endpoint{cost: 20, search: true}, s.handleSearch(kindOrg))
	api("GET "+o+"/{id}", endpoint{cost: 1}, s.handleGet(kindOrg))
	api("PATCH "+o+"/{id}", endpoint{cost: 5}, s.handlePatch(kindOrg))
	api("DELETE "+o+"/{id}", endpoint{cost: 3}, s.handleDelete(kindOrg))
	const d = "/api/v2/deals"
	api("GET "+d, endpoint{cost: 10}, s.handleList(kindDeal))
	api("GET "+d+"/archived", endpoint{cost: 20}, s.handleList(kindDeal))
	api("POST "+d, endpoint{cost: 5}, s.handleCreate(kindDeal))
	api("GET "+d+"/{id}", endpoint{cost: 1}, s.handleGet(kindDeal))
	api("PATCH "+d+"/{id}", endpoint{cost: 5}, s.handlePatch(kindDeal))
	api("DELETE "+d+"/{id}", endpoint{cost: 3}, s.handleDelete(kindDeal))
	const a = "/api/v2/activities"
	api("GET "+a, endpoint{cost: 10}, s.handleList(kindActivity))
	api("POST "+a, endpoint{cost: 5}, s.handleCreate(kindActivity))
	api("GET "+a+"/{id}", endpoint{cost: 1}, s.handleGet(kindActivity))
	api("PATCH "+a+"/{id}", endpoint{cost: 5}, s.handlePatch(kindActivity))
	api("DELETE "+a+"/{id}", endpoint{cost: 3}, s.handleDelete(kindActivity))
	// Activity types have no v2 endpoint; v1's costs 20 and is served on both v1 prefixes.
	api("GET /v1/activityTypes", endpoint{cost: 20}, s.handleActivityTypes)
	api("GET /api/v1/activityTypes", endpoint{cost: 20}, s.handleActivityTypes)
	// Notes exist only in v1 (the v2 spec has no /notes); x-token-cost of getNotes,
	// addNote, getNote, updateNote and deleteNote in the v1 spec.
	for _, n := range []string{"/v1/notes", "/api/v1/notes"} {
		api("GET "+n, endpoint{cost: 20}, s.handleNotes)
		api("POST "+n, endpoint{cost: 10}, s.handleAddNote)
		api("GET "+n+"/{id}", endpoint{cost: 2}, s.handleNote)
		api("PUT "+n+"/{id}", endpoint{cost: 10}, s.handleUpdateNote)
		api("DELETE "+n+"/{id}", endpoint{cost: 6}, s.handleDelete(kindNote))
	}
	// The users list exists only in v1 (users.go); x-token-cost 20.
	api("GET /v1/users", endpoint{cost: 20}, s.scoped(scopeUsersRead, s.handleUsers))
	api("GET /api/v1/users", endpoint{cost: 20}, s.scoped(scopeUsersRead, s.handleUsers))
	// The connected user (users.go), scope base; x-token-cost 2 [unverified].
	api("GET /v1/users/me", endpoint{cost: 2}, s.handleMe)
	api("GET /api/v1/users/me", endpoint{cost: 2}, s.handleMe)
	api("GET /api/v2/pipelines", endpoint{cost: 5}, s.handlePipelines)
	api("GET /api/v2/pipelines/{id}", endpoint{cost: 1}, s.handlePipeline)
	api("GET /api/v2/stages", endpoint{cost: 5}, s.handleStages)
	api("GET /api/v2/stages/{id}", endpoint{cost: 1}, s.handleStage)
	// The fields endpoints cost 10 (list) and 1 (one field) in the v2 spec.
	api("GET /api/v2/personFields", endpoint{cost: 10}, s.handleFields(kindPerson))
	api("GET /api/v2/personFields/{field_code}", endpoint{cost: 1}, s.handleField(kindPerson))
	api("GET /api/v2/organizationFields", endpoint{cost: 10}, s.handleFields(kindOrg))
	api("GET /api/v2/organizationFields/{field_code}", endpoint{cost: 1}, s.handleField(kindOrg))
	api("GET /api/v2/dealFields", endpoint{cost: 10}, s.handleFields(kindDeal))
	api("GET /api/v2/dealFields/{field_code}", endpoint{cost: 1}, s.handleField(kindDeal))
	api("GET /api/v2/activityFields", endpoint{cost: 10}, s.handleFields(kindActivity))
	api("GET /api/v2/activityFields/{field_code}", endpoint{cost: 1}, s.handleField(kindActivity))

	// The v1 person, organization, deal and activity endpoints are out of support since 2026-08-01.
	for _, v1 := range []string{"/v1/persons", "/api/v1/persons", "/v1/organizations", "/api/v1/organizations",
		"/v1/deals", "/api/v1/deals", "/v1/activities", "/api/v1/activities"} {
		open(v1, s.handleGone)
		open(v1+"/", s.handleGone)
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Unknown method: "+r.Method+" "+r.URL.Path)
	})
	s.mux = m
}

func (s *Sim) handleGone(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusGone, "This endpoint is deprecated and out of support. Use the API v2 endpoint instead.")
}

// CompanyID is the company's id (users/me's company_id).
func (s *Sim) CompanyID() int64 { return s.opts.CompanyID }
