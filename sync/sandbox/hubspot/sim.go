// Package hubspot is a wire-exact simulator of HubSpot's date-versioned (2026-03)
// CRM objects, search, properties and OAuth APIs, mounted under any prefix.
package hubspot

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// Options configures a Sim. Zero values give sensible defaults.
type Options struct {
	ClientID      string
	ClientSecret  string
	AccessTTL     time.Duration // default 30 min (expires_in 1800)
	RotateRefresh bool          // HubSpot keeps refresh tokens by default; turn on to test rotation
	RateLimits    bool          // 190 req / 10 s rolling and search 5 req/s
	BurstMax      int           // default 190
	SearchPerSec  int           // default 5
	DailyLimit    int           // 0 = unlimited; otherwise 429 DAILY after this many API calls a day, in the portal's zone
	Seed          int64
	Faults        simkit.Faults
	HubID         int
	UserID        int
	// PathPrefix is where the handler is mounted (e.g. "/hubspot"); used in paging links.
	PathPrefix string
	// EpochMillisDates renders createdate/lastmodifieddate as epoch-ms strings instead of
	// the ISO-8601 form HubSpot returns.
	EpochMillisDates bool
	Now              func() time.Time
	// NoCustomObjects leaves out the portal's custom object (Projects), as
	// in a portal without an Enterprise subscription.
	NoCustomObjects bool
	// NoMarketingEnterprise is a portal without Marketing Hub Enterprise:
	// it never grants the batch subscription scope, which the authorize
	// page drops from optional_scope and long-lived tokens do not hold.
	// The single-contact subscription endpoints still work.
	NoMarketingEnterprise bool
	// SearchIndexDelay hides records created or updated less than this long
	// ago from POST /crm/v3/objects/{type}/search, as HubSpot's search index
	// lags writes ("It may take a few moments for newly created or updated
	// objects to appear in search results", CRM search guide, Limitations);
	// default 0. Reads by id, list and batch/read are not delayed.
	SearchIndexDelay time.Duration
	// DailyWithoutRetryAfter answers the 429 DAILY with no Retry-After
	// header ([unverified] which HubSpot does); SetDailyWithoutRetryAfter
	// turns it on later.
	DailyWithoutRetryAfter bool
}

// Sim is the simulated HubSpot portal.
type Sim struct {
	opts      Options
	now       func() time.Time
	mu        sync.RWMutex
	stores    map[string]*objectStore
	auth      *simkit.AuthServer
	stats     *simkit.Stats
	faults    *simkit.FaultInjector
	burst     *simkit.SlidingWindow
	search    *simkit.SlidingWindow
	dailyMu   sync.Mutex
	dailyUsed int
	dailyDay  string // the portal's date dailyUsed counts; guarded by dailyMu
	mux       *http.ServeMux
	assocs    associations             // guarded by mu
	primaries map[recordEnd]int64      // each record's primary company; guarded by mu
	assocFrom map[recordEnd][]assocKey // s.assocs by the record they start from; guarded by mu
	scopes    tokenScopes              // each issued access token's scopes
	customs   []*customObject          // the portal's custom objects (custom.go)
	aliases   map[string]string        // a custom object's other names -> its object type id
	owners    []*Owner                 // the portal's owners in id order (owners.go); guarded by mu
	zone      simkit.Zone              // the portal's time zone (account.go)
	currency  simkit.Currency          // the portal's companyCurrency (account.go)
	ownerSeq  int64                    // the last owner id assigned; guarded by mu
	optedOut  map[string]bool          // addresses opted out of all email, lower case (subscriptions.go); guarded by mu
	late      map[*record]int64        // records search misses until this ms (IndexLate); guarded by mu
	// lockedUntil is when LockWrites' 423 Locked ends (locked.go); guarded by mu
	lockedUntil time.Time
	migrating   time.Duration // SetMigrating's Retry-After; guarded by mu
	// dailyNoRetryAfter is Options.DailyWithoutRetryAfter; guarded by mu
	dailyNoRetryAfter bool
}

// DefaultScopes are granted when the authorize request names none, and
// held by IssueLongLived tokens. The sandbox portal has Marketing Hub
// Enterprise, so it can grant the batch subscription scope and the custom
// object scopes.
var defaultScopes = []string{"oauth", "crm.objects.contacts.read", "crm.objects.contacts.write",
	"crm.objects.companies.read", "crm.objects.companies.write", "crm.objects.deals.read", "crm.objects.deals.write",
	scopeStatusesWrite, scopeStatusesBatchWrite, scopeSchemasCustomRead, scopeObjectsCustomRead, scopeObjectsCustomWrite,
	scopeOwnersRead}

// New builds a Sim with empty object stores.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClientID == "" {
		opts.ClientID = "hubspot-sandbox-client"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "hubspot-sandbox-secret"
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = 30 * time.Minute
	}
	if opts.BurstMax == 0 {
		opts.BurstMax = 190
	}
	if opts.SearchPerSec == 0 {
		opts.SearchPerSec = 5
	}
	if opts.HubID == 0 {
		opts.HubID = 24681357
	}
	if opts.UserID == 0 {
		opts.UserID = 1357911
	}
	s := &Sim{opts: opts, now: opts.Now, stores: map[string]*objectStore{}, stats: simkit.NewStats(), assocs: associations{}, primaries: map[recordEnd]int64{}, optedOut: map[string]bool{}, assocFrom: map[recordEnd][]assocKey{},
		faults: simkit.NewFaultInjector(opts.Seed, opts.Faults),
		burst:  simkit.NewSlidingWindow(opts.BurstMax, 10*time.Second, opts.Now),
		search: simkit.NewSlidingWindow(opts.SearchPerSec, time.Second, opts.Now),
	}
	granted := defaultScopes
	if opts.NoMarketingEnterprise {
		granted = slices.DeleteFunc(slices.Clone(defaultScopes), func(sc string) bool { return sc == scopeStatusesBatchWrite })
	}
	s.scopes.defaults = granted
	s.dailyNoRetryAfter = opts.DailyWithoutRetryAfter
	s.auth = simkit.NewAuthServer(simkit.OAuthConfig{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		AccessTTL: opts.AccessTTL, RotateRefresh: opts.RotateRefresh, Scopes: granted, TokenPrefix: "CiQ", Now: opts.Now})
	for name, sc := range schemas() {
		s.stores[name] = newObjectStore(sc)
	}
	s.addCustomObjects()
	s.routes()
	return s
}

// Auth exposes the OAuth server (deny switch, force-expire, rotation).
func (s *Sim) Auth() *simkit.AuthServer { return s.auth }

// Faults exposes the fault injector (latency, 429/5xx odds, daily exhaustion).
func (s *Sim) Faults() *simkit.FaultInjector { return s.faults }

// Stats returns request counts per endpoint ("METHOD /template").
func (s *Sim) Stats() map[string]int64 { return s.stats.Snapshot() }

// SetRateLimits switches rate limiting on or off at runtime.
func (s *Sim) SetRateLimits(on bool) { s.mu.Lock(); s.opts.RateLimits = on; s.mu.Unlock() }

// ServeHTTP makes Sim an http.Handler (paths relative to its mount prefix).
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The portal's clock, as HubSpot's Date is its own: a test that moves
	// the sandbox's clock sees the connector date its index by it.
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	s.mux.ServeHTTP(w, r)
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
	open("POST /oauth/2026-03/token", s.handleToken)
	open("POST /oauth/v3/token", s.handleToken)
	open("POST /oauth/2026-03/token/revoke", s.handleRevoke)

	api := func(pattern string, search bool, h http.HandlerFunc) {
		m.HandleFunc(pattern, s.guard(pattern, search, h))
	}
	const o = "/crm/objects/2026-03/{object}"
	// A custom object's records need its scopes (custom.go), contacts
	// theirs (contactscopes.go); the other standard objects' pass unchecked.
	read := func(h http.HandlerFunc) http.HandlerFunc {
		return s.customScoped(customReadScopes, s.contactsScoped(scopeContactsRead, h))
	}
	write := func(h http.HandlerFunc) http.HandlerFunc {
		return s.customScoped(customWriteScopes, s.contactsScoped(scopeContactsWrite, s.lockable(h)))
	}
	api("GET /crm/properties/2026-03/{object}", false, s.customScoped(customPropsScopes, s.handleProperties))
	api("GET "+o, false, read(s.handleList))
	api("POST "+o, false, write(s.handleCreate))
	api("GET "+o+"/{id}", false, read(s.handleGet))
	api("PATCH "+o+"/{id}", false, write(s.handleUpdate))
	api("DELETE "+o+"/{id}", false, write(s.handleArchive))
	api("POST "+o+"/search", true, read(s.handleSearch))
	api("POST "+o+"/batch/create", false, write(s.handleBatchCreate))
	api("POST "+o+"/batch/update", false, write(s.handleBatchUpdate))
	api("POST "+o+"/batch/upsert", false, write(s.handleBatchUpsert))
	api("POST "+o+"/batch/read", false, read(s.handleBatchRead))
	api("POST "+o+"/batch/archive", false, write(s.handleBatchArchive))
	api("POST "+o+"/merge", false, write(s.handleMerge))
	api("GET /crm-object-schemas/2026-03/schemas", false, s.scopedAny(customSchemaScopes, s.handleSchemas))
	api("GET /crm-object-schemas/2026-03/schemas/{objectType}", false, s.scopedAny(customSchemaScopes, s.handleSchema))
	api("PUT "+o+"/{id}/associations/default/{toObject}/{toId}", false, s.handleAssociateDefault)
	api("POST /crm/associations/2026-03/{object}/{toObject}/batch/create", false, s.handleAssociationBatchCreate)
	api("POST /crm/associations/2026-03/{object}/{toObject}/batch/read", false, s.handleAssociationBatchRead)
	api("POST /crm/associations/2026-03/{object}/{toObject}/batch/archive", false, s.handleAssociationBatchArchive)
	api("GET "+ownersPath, false, s.scopedAny(ownersScopes, s.handleOwners))
	api("GET "+ownersPath+"/{ownerId}", false, s.scopedAny(ownersScopes, s.handleOwner))
	api("POST "+unsubscribeAllPath, false, s.scoped(scopeStatusesBatchWrite, s.handleUnsubscribeAll))
	api("POST "+unsubscribeOnePath, false, s.scopedAny(statusesWriteScopes, s.handleUnsubscribeOne))
	api("GET /account-info/2026-03/details", false, s.handleAccountDetails)
	api("GET /account-info/v3/details", false, s.handleAccountDetails)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "OBJECT_NOT_FOUND", "Resource not found: "+r.Method+" "+r.URL.Path, nil)
	})
	s.mux = m
}

// guard applies, in order: stats, latency, auth, daily limit, rolling limits, injected faults.
func (s *Sim) guard(pattern string, search bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		endpoint := simkit.EndpointKey(r, pattern, "object")
		s.stats.Inc(endpoint)
		fault, latency := s.faults.Draw()
		simkit.Sleep(r.Context().Done(), latency)
		switch s.auth.Check(simkit.BearerToken(r)) {
		case simkit.TokenInvalid:
			writeJSON(w, http.StatusUnauthorized, map[string]any{"status": "error",
				"message":       "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
				"correlationId": correlationID(), "category": "INVALID_AUTHENTICATION"})
			return
		case simkit.TokenExpired:
			writeJSON(w, http.StatusUnauthorized, map[string]any{"status": "error",
				"message":       "The OAuth token used to make this call expired 0 second(s) ago.",
				"correlationId": correlationID(), "category": "EXPIRED_AUTHENTICATION", "context": map[string]any{}})
			return
		}
		if s.migrationRefused(w) {
			return
		}
		if s.dailyExceeded() {
			s.writeDailyLimited(w)
			return
		}
		s.mu.RLock()
		limits := s.opts.RateLimits
		s.mu.RUnlock()
		if limits && search {
			if ok, _, _ := s.search.Allow(); !ok {
				// HubSpot's search 429 names no policy and sends no Retry-After.
				writeJSON(w, http.StatusTooManyRequests, map[string]any{"status": "error",
					"message": "You have reached your secondly limit.", "correlationId": correlationID(), "category": "RATE_LIMITS"})
				return
			}
		} else if limits {
			ok, remaining, retry := s.burst.Allow()
			w.Header().Set("X-HubSpot-RateLimit-Interval-Milliseconds", strconv.Itoa(int(s.burst.Window()/time.Millisecond)))
			w.Header().Set("X-HubSpot-RateLimit-Max", strconv.Itoa(s.burst.Max()))
			w.Header().Set("X-HubSpot-RateLimit-Remaining", strconv.Itoa(remaining))
			if !ok {
				writeRateLimited(w, "TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit.", retry)
				return
			}
		}
		if rf, ok := s.faults.Refused(endpoint); ok {
			writeJSON(w, rf.Status, map[string]any{"status": "error", "message": rf.Message, "correlationId": correlationID(), "category": rf.Code})
			return
		}
		switch fault {
		case simkit.FaultRateLimit:
			writeRateLimited(w, "TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit.", time.Second)
			return
		case simkit.FaultServerError:
			writeJSON(w, http.StatusBadGateway, map[string]any{"status": "error", "message": "internal error",
				"correlationId": correlationID(), "category": "INTERNAL_ERROR"})
			return
		}
		h(w, r)
	}
}

func (s *Sim) dailyExceeded() bool {
	if s.faults.DailyExhausted() {
		return true
	}
	if s.opts.DailyLimit <= 0 {
		return false
	}
	day := s.now().In(s.zone.Location()).Format(time.DateOnly)
	s.dailyMu.Lock()
	defer s.dailyMu.Unlock()
	if day != s.dailyDay { // a new day in the portal's zone: the count starts again
		s.dailyDay, s.dailyUsed = day, 0
	}
	s.dailyUsed++
	return s.dailyUsed > s.opts.DailyLimit
}

// untilPortalMidnight is how long until the daily limit resets: "The daily
// limits reset at midnight based on the time zone setting of the HubSpot
// account" (developers.hubspot.com/apisbytier). [unverified] that HubSpot
// sends it as Retry-After with the DAILY policy.
func (s *Sim) untilPortalMidnight() time.Duration {
	now := s.now()
	local := now.In(s.zone.Location())
	y, m, d := local.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, local.Location()).Sub(now)
}

// SetDailyWithoutRetryAfter turns Options.DailyWithoutRetryAfter on or off.
func (s *Sim) SetDailyWithoutRetryAfter(on bool) {
	s.mu.Lock()
	s.dailyNoRetryAfter = on
	s.mu.Unlock()
}

// writeDailyLimited answers the 429 DAILY. Its Date is the portal's clock,
// the one its midnight is reckoned on, so a client can find that midnight
// without Retry-After (the sandbox's clock may be a test's).
func (s *Sim) writeDailyLimited(w http.ResponseWriter) {
	s.mu.RLock()
	bare := s.dailyNoRetryAfter
	s.mu.RUnlock()
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	if bare {
		writeRateLimitBody(w, "DAILY", "You have reached your daily limit.")
		return
	}
	writeRateLimited(w, "DAILY", "You have reached your daily limit.", s.untilPortalMidnight())
}

func (s *Sim) store(w http.ResponseWriter, r *http.Request) *objectStore {
	st, ok := s.storeNamed(r.PathValue("object"))
	if !ok {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Unable to infer object type from: "+r.PathValue("object"), nil)
		return nil
	}
	return st
}
