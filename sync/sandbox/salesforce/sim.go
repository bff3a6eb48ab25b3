// Package salesforce is a wire-exact simulator of a Salesforce org's REST API
// (v67.0): OAuth web-server flow with PKCE and rotation, describe, SOQL query,
// sObject CRUD and upsert, sObject Collections and the daily API allocation.
// Its mount prefix is the org's instance_url.
package salesforce

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// APIVersion is the newest version served.
const APIVersion = "67.0"

// Options configures a Sim. Zero values give sensible defaults.
type Options struct {
	ClientID     string
	ClientSecret string
	AccessTTL    time.Duration // session lifetime; default 2h (not announced: no expires_in)
	// NoRotation keeps refresh tokens across refreshes (rotation is on by default).
	NoRotation bool
	DailyLimit int // DailyApiRequests Max; default 15000
	Seed       int64
	Faults     simkit.Faults
	// PathPrefix is where the handler is mounted (e.g. "/salesforce"); it makes instance_url.
	PathPrefix string
	OrgID      string
	UserID     string
	Now        func() time.Time
}

// Sim is the simulated org.
type Sim struct {
	opts    Options
	now     func() time.Time
	mu      sync.RWMutex
	stores  map[string]*objectStore // lower-cased object name
	auth    *simkit.AuthServer
	stats   *simkit.Stats
	faults  *simkit.FaultInjector
	usageMu sync.Mutex
	used    int
	cursors *cursorCache
	mux     *http.ServeMux
	// apiDisabled: the connected user lacks API Enabled (DisableAPI).
	apiDisabled atomic.Bool
	// writesDisabled: the same for every call but a GET (DisableAPIForWrites).
	writesDisabled atomic.Bool
	// zone is the Organization's TimeZoneSidKey (org.go).
	zone simkit.Zone
	// currency is the Organization's DefaultCurrencyIsoCode (org.go).
	currency simkit.Currency
	// orgRefused: the connected user may not query Organization
	// (RefuseOrganization, org.go).
	orgRefused atomic.Bool
	// refNoField: a refused reference names no field (refs.go).
	refNoField atomic.Bool
	// dupRuleSeq numbers the DuplicateRule records (duplicaterules.go).
	dupRuleSeq int64
	// locks are rows held by another transaction: id -> calls left (locks.go).
	locks map[string]int
	// storageFull and approvalLocks: orglimits.go.
	storageFull   atomic.Bool
	approvalLocks map[string]bool
}

// New builds an empty org.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClientID == "" {
		opts.ClientID = "3MVG9sandbox.crmsync.consumer.key"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "salesforce-sandbox-secret"
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = 2 * time.Hour
	}
	if opts.DailyLimit == 0 {
		opts.DailyLimit = 15000
	}
	if opts.OrgID == "" {
		opts.OrgID = "00D8d0000000001EAA"
	}
	if opts.UserID == "" {
		opts.UserID = makeID("005", 1)
	}
	s := &Sim{opts: opts, now: opts.Now, stores: map[string]*objectStore{}, stats: simkit.NewStats(),
		faults: simkit.NewFaultInjector(opts.Seed, opts.Faults), cursors: newCursorCache(200)}
	s.auth = simkit.NewAuthServer(simkit.OAuthConfig{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		AccessTTL: opts.AccessTTL, RotateRefresh: !opts.NoRotation, Scopes: []string{"api", "refresh_token"},
		TokenPrefix: opts.OrgID[:15] + "!", Now: opts.Now})
	for k, o := range objects() {
		s.stores[k] = newObjectStore(o)
	}
	s.defaultUsers()
	s.routes()
	return s
}

// Auth exposes the OAuth server (deny switch, force-expire, rotation).
func (s *Sim) Auth() *simkit.AuthServer { return s.auth }

// Faults exposes the fault injector.
func (s *Sim) Faults() *simkit.FaultInjector { return s.faults }

// Stats returns request counts per endpoint.
func (s *Sim) Stats() map[string]int64 { return s.stats.Snapshot() }

// APIUsage returns (used, max) of the daily allocation.
func (s *Sim) APIUsage() (int, int) {
	s.usageMu.Lock()
	defer s.usageMu.Unlock()
	return s.used, s.opts.DailyLimit
}

// SetAPIUsage sets the used count (e.g. to start a test near the limit).
func (s *Sim) SetAPIUsage(n int) { s.usageMu.Lock(); s.used = n; s.usageMu.Unlock() }

// ServeHTTP makes Sim an http.Handler (paths relative to the instance_url).
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if requestHeadTooLarge(w, r) {
		return
	}
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
	open("GET /services/oauth2/authorize", s.auth.HandleAuthorize)
	open("POST /services/oauth2/token", s.handleToken)
	open("POST /services/oauth2/revoke", s.handleRevoke)
	open("GET /services/oauth2/revoke", s.handleRevoke)
	open("GET /services/data/{$}", s.handleVersions)

	api := func(pattern string, h http.HandlerFunc) { m.HandleFunc(pattern, s.guard(pattern, h)) }
	const d = "/services/data/{version}"
	api("GET "+d+"/limits", s.handleLimits)
	api("GET "+d+"/sobjects", s.handleGlobalDescribe)
	api("GET "+d+"/sobjects/{$}", s.handleGlobalDescribe) // the URI the docs give
	api("GET "+d+"/sobjects/{object}/describe", s.handleDescribe)
	api("POST "+d+"/sobjects/{object}", s.handleCreate)
	api("GET "+d+"/sobjects/{object}/{id}", s.handleGet)
	api("PATCH "+d+"/sobjects/{object}/{id}", s.handleUpdate)
	api("DELETE "+d+"/sobjects/{object}/{id}", s.handleDelete)
	api("PATCH "+d+"/sobjects/{object}/{field}/{value}", s.handleUpsert)
	api("GET "+d+"/query", s.handleQuery)
	api("GET "+d+"/queryAll", s.handleQuery)
	api("GET "+d+"/query/{locator}", s.handleQueryMore)
	api("GET "+d+"/queryAll/{locator}", s.handleQueryMore)
	api("POST "+d+"/composite/sobjects", s.handleCollectionCreate)
	api("PATCH "+d+"/composite/sobjects", s.handleCollectionUpdate)
	api("DELETE "+d+"/composite/sobjects", s.handleCollectionDelete)
	api("GET "+d+"/composite/sobjects/{object}", s.handleCollectionRead)
	api("PATCH "+d+"/composite/sobjects/{object}/{field}", s.handleCollectionUpsert)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErrors(w, http.StatusNotFound, sfError{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"})
	})
	s.mux = m
}

// guard applies stats, latency, auth, the daily allocation (with Sforce-Limit-Info) and injected faults.
func (s *Sim) guard(pattern string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		endpoint := simkit.EndpointKey(r, pattern, "version", "object", "field")
		s.stats.Inc(endpoint)
		fault, latency := s.faults.Draw()
		simkit.Sleep(r.Context().Done(), latency)
		if s.auth.Check(simkit.BearerToken(r)) != simkit.TokenValid {
			w.Header().Set("WWW-Authenticate", `Token`)
			writeErrors(w, http.StatusUnauthorized, sfError{Message: "Session expired or invalid", ErrorCode: "INVALID_SESSION_ID"})
			return
		}
		if v := r.PathValue("version"); !validVersion(v) {
			writeErrors(w, http.StatusNotFound, sfError{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"})
			return
		}
		if s.apiDisabled.Load() || s.writesDisabled.Load() && r.Method != http.MethodGet {
			writeAPIDisabled(w)
			return
		}
		s.usageMu.Lock()
		exhausted := s.faults.DailyExhausted() || s.used >= s.opts.DailyLimit
		if exhausted {
			s.used = max(s.used, s.opts.DailyLimit)
		} else {
			s.used++
		}
		w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", s.used, s.opts.DailyLimit))
		s.usageMu.Unlock()
		if exhausted {
			writeErrors(w, http.StatusForbidden, sfError{Message: "TotalRequests Limit exceeded.", ErrorCode: "REQUEST_LIMIT_EXCEEDED"})
			return
		}
		if rf, ok := s.faults.Refused(endpoint); ok {
			writeErrors(w, rf.Status, sfError{Message: rf.Message, ErrorCode: rf.Code})
			return
		}
		switch fault {
		case simkit.FaultRateLimit: // Salesforce throttles concurrent long requests with 403, not 429
			writeErrors(w, http.StatusForbidden, sfError{Message: "ConcurrentPerOrgLongTxn Limit exceeded.", ErrorCode: "REQUEST_LIMIT_EXCEEDED"})
			return
		case simkit.FaultServerError:
			writeErrors(w, http.StatusServiceUnavailable, sfError{Message: "Server temporarily unavailable", ErrorCode: "SERVER_UNAVAILABLE"})
			return
		}
		h(w, r)
	}
}

func validVersion(v string) bool {
	var major, minor int
	if _, err := fmt.Sscanf(v, "v%d.%d", &major, &minor); err != nil {
		return false
	}
	return major >= 20 && major <= 67 && fmt.Sprintf("v%d.%d", major, minor) == v
}

// sfError is the REST error item; inside collection results the code key is statusCode.
type sfError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields,omitempty"`
}

type recError struct {
	StatusCode string   `json:"statusCode"`
	Message    string   `json:"message"`
	Fields     []string `json:"fields"`
	// DuplicateResult: a DuplicateError's (duplicaterules.go).
	DuplicateResult map[string]any `json:"duplicateResult,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErrors(w http.ResponseWriter, status int, errs ...sfError) { writeJSON(w, status, errs) }

func toSFErrors(errs []recError) []sfError {
	out := make([]sfError, len(errs))
	for i, e := range errs {
		out[i] = sfError{Message: e.Message, ErrorCode: e.StatusCode, Fields: e.Fields}
	}
	return out
}

func (s *Sim) store(w http.ResponseWriter, name string) *objectStore {
	st, ok := s.stores[strings.ToLower(name)]
	if !ok {
		writeErrors(w, http.StatusNotFound, sfError{Message: "The requested resource does not exist", ErrorCode: "NOT_FOUND"})
		return nil
	}
	return st
}

// nowMs is the time a write stamps, in epoch ms: whole seconds, as
// Salesforce's SystemModstamp shows (".000"; SOQL compares it to the
// second), so a record written twice in one second keeps its stamp.
func (s *Sim) nowMs() int64 { return wholeSecondMs(s.now()) }

// wholeSecondMs is t in epoch ms, rounded down to its second.
func wholeSecondMs(t time.Time) int64 { return t.Truncate(time.Second).UnixMilli() }

func (s *Sim) handleVersions(w http.ResponseWriter, r *http.Request) {
	type ver struct {
		Label   string `json:"label"`
		URL     string `json:"url"`
		Version string `json:"version"`
	}
	labels := map[int]string{62: "Winter '25", 63: "Spring '25", 64: "Summer '25", 65: "Winter '26", 66: "Spring '26", 67: "Summer '26"}
	var out []ver
	for v := 62; v <= 67; v++ {
		out = append(out, ver{Label: labels[v], URL: fmt.Sprintf("/services/data/v%d.0", v), Version: fmt.Sprintf("%d.0", v)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Sim) handleLimits(w http.ResponseWriter, r *http.Request) {
	used, maxN := s.APIUsage()
	writeJSON(w, http.StatusOK, map[string]any{
		"DailyApiRequests":     map[string]int{"Max": maxN, "Remaining": max(0, maxN-used)},
		"DailyBulkV2QueryJobs": map[string]int{"Max": 10000, "Remaining": 10000},
		"DataStorageMB":        map[string]int{"Max": 5, "Remaining": 5},
	})
}
