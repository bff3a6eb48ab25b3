// Package mailchimp is a wire-exact simulator of the Mailchimp Marketing API 3.0 for
// audiences (lists) and their members: the API root and ping, lists, merge fields,
// interest categories and their interests (groups), list members (list with
// count/offset, status, since_last_changed and sorting, get, add, add-or-update,
// update, archive, delete-permanent; their interests; their tags, read and changed
// through /tags), batch subscribe with tags and sync_tags, the fields/exclude_fields
// partial responses, Problem Detail errors, the 10-simultaneous-connections limit, and
// Mailchimp's OAuth 2 login server (/oauth2/authorize, /oauth2/token,
// /oauth2/metadata, whose api_endpoint points back at the mount point). Requests
// authenticate with an OAuth access token or an API key, as Bearer, OAuth or HTTP
// Basic credentials.
//
// It is written from Mailchimp's marketing OpenAPI spec (3.0.55) and developer docs
// (errors, methods-parameters, OAuth 2 guide, release notes "Changes when using
// multiple authorization methods" and "Added ability to sync tags to existing
// members"), and from Mailchimp's answers as quoted in client
// libraries' issue threads, never from a connector. Behaviour those sources do not pin
// down is marked [unverified] where it is implemented.
package mailchimp

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// Options configures a Sim. Zero values give sensible defaults.
type Options struct {
	ClientID     string
	ClientSecret string
	// RedirectURI is the app's registered redirect URI; "" accepts any absolute URI.
	RedirectURI string
	// DataCenter is the account's data center, the suffix of its API keys; default "us1".
	DataCenter string
	// AccountName, LoginName and LoginEmail describe the account and its one user.
	AccountName string
	LoginName   string
	LoginEmail  string
	// RateLimits enforces the limit of simultaneous connections.
	RateLimits bool
	// Concurrency is that limit; default 10 ("each user account is permitted up to 10
	// simultaneous connections", API limits doc).
	Concurrency int
	// AcceptReservedDomains lets addresses at reserved domains (example.com, *.test...)
	// in; Mailchimp refuses them as fake ("fooboo@example.com looks fake or invalid",
	// JustFixNYC/tenants2 issue #1554).
	AcceptReservedDomains bool
	Seed                  int64
	Faults                simkit.Faults
	// PathPrefix is where the handler is mounted (e.g. "/mailchimp"); api_endpoint ends with it.
	PathPrefix string
	Now        func() time.Time
}

// Sim is one simulated Mailchimp account with one user and one registered OAuth app.
type Sim struct {
	opts      Options
	now       func() time.Time
	mu        sync.RWMutex // guards lists, the id source and seq
	lists     []*list
	listByID  map[string]*list
	defList   string
	rng       *rand.Rand
	seq       int64
	keyMu     sync.Mutex
	apiKeys   map[string]bool
	accountID string
	userID    int64
	created   time.Time
	auth      *simkit.AuthServer
	stats     *simkit.Stats
	faults    *simkit.FaultInjector
	limits    *limiter
	mux       *http.ServeMux
}

// New builds an account with one audience, "crmsync demo audience", holding the
// default merge fields and no members.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClientID == "" {
		opts.ClientID = "482351620743"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "5a0d8b1c6f3e49a7b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f2"
	}
	if opts.DataCenter == "" {
		opts.DataCenter = "us1"
	}
	if opts.AccountName == "" {
		opts.AccountName = "crmsync sandbox"
	}
	if opts.LoginName == "" {
		opts.LoginName = "freddie"
	}
	if opts.LoginEmail == "" {
		opts.LoginEmail = "freddie@crmsync-sandbox.net"
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 10
	}
	s := &Sim{opts: opts, now: opts.Now, listByID: map[string]*list{}, apiKeys: map[string]bool{},
		rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0x3a11c41f)), stats: simkit.NewStats(),
		faults: simkit.NewFaultInjector(opts.Seed, opts.Faults),
		limits: &limiter{enabled: opts.RateLimits, max: opts.Concurrency}}
	s.accountID = s.hexID(25)
	s.userID = 10000000 + s.rng.Int64N(89999999)
	s.created = s.nowSecond().AddDate(-3, 0, 0)
	s.defList = s.addList("crmsync demo audience", s.created)
	// Mailchimp tokens do not expire ("Tokens do not expire, so you do not need to use
	// refresh_token", OAuth 2 guide).
	s.auth = simkit.NewAuthServer(simkit.OAuthConfig{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret, Now: opts.Now})
	s.routes()
	return s
}

// nowSecond is the clock at the API's second precision.
func (s *Sim) nowSecond() time.Time { return s.now().UTC().Truncate(time.Second) }

// hexID draws n lowercase hex digits from the id source; callers hold s.mu or are
// constructing s.
func (s *Sim) hexID(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[s.rng.IntN(16)]
	}
	return string(b)
}

// Auth exposes the OAuth server (client id and secret, deny switch, revoke).
func (s *Sim) Auth() *simkit.AuthServer { return s.auth }

// Faults exposes the fault injector (latency, 429/5xx odds).
func (s *Sim) Faults() *simkit.FaultInjector { return s.faults }

// Stats returns request counts per endpoint ("METHOD /path/template").
func (s *Sim) Stats() map[string]int64 { return s.stats.Snapshot() }

// SetRateLimits switches the simultaneous-connections limit on or off.
func (s *Sim) SetRateLimits(on bool) { s.limits.setEnabled(on) }

// DataCenter is the account's data center (the suffix of its API keys).
func (s *Sim) DataCenter() string { return s.opts.DataCenter }

// ServeHTTP makes Sim an http.Handler (paths relative to its mount prefix). A POST
// may carry X-HTTP-Method-Override for PATCH, PUT or DELETE (methods-parameters doc:
// "The override will not work with any method other than POST").
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if o := r.Header.Get("X-HTTP-Method-Override"); o != "" {
		o = strings.ToUpper(strings.TrimSpace(o))
		if r.Method != http.MethodPost || (o != http.MethodPatch && o != http.MethodPut && o != http.MethodDelete) {
			// "you will receive an error" [status and wording unverified]
			writeProblem(w, newProblem(http.StatusBadRequest, "Bad Request",
				"X-HTTP-Method-Override works only on POST, for PATCH, PUT or DELETE."))
			return
		}
		r = r.Clone(r.Context())
		r.Method = o
	}
	s.mux.ServeHTTP(w, r)
}

// baseURL is the simulator's own base: the api_endpoint and login server.
func (s *Sim) baseURL(r *http.Request) string { return simkit.MountURL(r, s.opts.PathPrefix) }

const api = "/3.0"

func (s *Sim) routes() {
	m := http.NewServeMux()
	open := func(pattern string, h http.HandlerFunc) {
		m.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			s.stats.Inc(pattern)
			h(w, r)
		})
	}
	open("GET /oauth2/authorize", s.handleAuthorize)
	open("POST /oauth2/token", s.handleToken)
	open("GET /oauth2/metadata", s.handleMetadata)

	allow := map[string][]string{}
	var paths []string
	route := func(method, path string, h http.HandlerFunc) {
		pattern := method + " " + path
		m.HandleFunc(pattern, s.guard(pattern, h))
		if allow[path] == nil {
			paths = append(paths, path)
		}
		allow[path] = append(allow[path], method)
	}
	const lists, member = api + "/lists", api + "/lists/{list_id}/members/{subscriber_hash}"
	route("GET", api+"/{$}", s.handleRoot)
	route("GET", api+"/ping", s.handlePing)
	route("GET", lists, s.handleLists)
	route("GET", lists+"/{list_id}", s.handleList)
	route("POST", lists+"/{list_id}", s.handleBatch)
	route("DELETE", lists+"/{list_id}", s.handleDeleteList)
	route("GET", lists+"/{list_id}/merge-fields", s.handleMergeFields)
	const category = lists + "/{list_id}/interest-categories/{interest_category_id}"
	route("GET", lists+"/{list_id}/interest-categories", s.handleCategories)
	route("GET", category, s.handleCategory)
	route("GET", category+"/interests", s.handleInterests)
	route("GET", category+"/interests/{interest_id}", s.handleInterest)
	route("GET", lists+"/{list_id}/members", s.handleMembers)
	route("POST", lists+"/{list_id}/members", s.handleAdd)
	route("GET", member, s.handleMember)
	route("PUT", member, s.handleUpsert)
	route("PATCH", member, s.handlePatch)
	route("DELETE", member, s.handleArchive)
	route("POST", member+"/actions/delete-permanent", s.handleDeletePermanent)
	route("GET", member+"/tags", s.handleMemberTagList)
	route("POST", member+"/tags", s.handleMemberTags)
	for _, p := range paths {
		methods := strings.Join(allow[p], ", ")
		m.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", methods)
			writeProblem(w, newProblem(http.StatusMethodNotAllowed, "Method Not Allowed", detailMethod))
		})
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeProblem(w, errNotFound()) })
	s.mux = m
}

// guard applies, in order: stats, authentication, a connection slot, injected latency
// and injected faults, then the handler.
func (s *Sim) guard(pattern string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.stats.Inc(pattern)
		fault, latency := s.faults.Draw()
		if p := s.authenticate(r); p != nil {
			writeProblem(w, p)
			return
		}
		if !s.limits.acquire() {
			writeProblem(w, errTooMany())
			return
		}
		defer s.limits.release()
		simkit.Sleep(r.Context().Done(), latency)
		switch fault {
		case simkit.FaultRateLimit:
			writeProblem(w, errTooMany())
			return
		case simkit.FaultServerError:
			writeProblem(w, newProblem(http.StatusInternalServerError, "Internal Server Error",
				"An unexpected internal error has occurred. Please contact Support for more information."))
			return
		}
		h(w, r)
	}
}

// errTooMany is the glossary's TooManyRequests [detail wording unverified].
func errTooMany() *problem {
	return newProblem(http.StatusTooManyRequests, "Too Many Requests", detailConcurrency)
}

// limiter counts the account's requests in flight. Every credential of the sandbox
// belongs to its one user, and the limit is per user account.
type limiter struct {
	mu       sync.Mutex
	enabled  bool
	max      int
	inFlight int
}

func (l *limiter) setEnabled(on bool) { l.mu.Lock(); l.enabled = on; l.mu.Unlock() }

func (l *limiter) acquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.enabled && l.inFlight >= l.max {
		return false
	}
	l.inFlight++
	return true
}

func (l *limiter) release() { l.mu.Lock(); l.inFlight--; l.mu.Unlock() }
