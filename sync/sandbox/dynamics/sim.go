// Package dynamics is a wire-exact simulator of the Microsoft Dynamics 365 / Dataverse Web
// API v9.2 for the contacts, accounts, opportunities, leads (with the QualifyLead action:
// lead.go), tasks, phonecalls, appointments and annotations (notes) tables, with their owners (ownerid: users.go, the systemusers table
// read-only), OData queries ($select, $filter with the In, ContainValues
// and DoesNotContainValues query functions, $orderby, $top, $count, Prefer:
// odata.maxpagesize and $skiptoken paging cookies), single-row reads by id and by
// alternate key, create, upsert, update and delete with Dataverse's error bodies, $batch
// with change sets and odata.continue-on-error, service protection limits (429 with
// Retry-After), the EntityDefinitions metadata (with a custom multi-select choice column,
// contact.crmsync_interests), WhoAmI, change tracking (odata.track-changes), and the
// Microsoft identity platform's v2.0 authorization-code + PKCE endpoints at the same
// mount point.
//
// It is written from Microsoft's documentation on learn.microsoft.com (the Dataverse Web
// API articles and the Microsoft identity platform articles cited next to each
// behaviour), never from a connector. Behaviour the docs do not pin down is marked
// [unverified] where it is implemented.
package dynamics

import (
	crand "crypto/rand"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// Options configures a Sim. Zero values give sensible defaults.
type Options struct {
	// ClientID is the app registration's application (client) id.
	ClientID string
	// ClientSecret is accepted when sent; public clients (PKCE) need none.
	ClientSecret string
	// TenantID is the directory id (a GUID) in tokens and WWW-Authenticate.
	TenantID string
	// RedirectURIs are the registered redirect URIs; empty accepts any loopback URI.
	RedirectURIs []string
	// OrgURL is the resource whose scopes are granted ("{OrgURL}/user_impersonation");
	// "" means the simulator's own base URL as the request reaches it.
	OrgURL    string
	AccessTTL time.Duration // default 1 h
	// RateLimits enforces the service protection limits.
	RateLimits bool
	// ExecCost is the simulated execution time of one operation, counted against the
	// 1,200 s combined execution-time limit; default 20 ms.
	ExecCost time.Duration
	Seed     int64
	Faults   simkit.Faults
	// PathPrefix is where the handler is mounted (e.g. "/dynamics"); URLs in responses
	// include it.
	PathPrefix string
	Now        func() time.Time
}

// Sim is one simulated Dataverse environment: its tables, its users (the connected
// one and those SeedUsers adds) and owner teams.
type Sim struct {
	opts    Options
	now     func() time.Time
	mu      sync.RWMutex // guards tables, version and rng
	tables  map[string]*table
	byLogic map[string]*table
	version int64
	rng     *rand.Rand
	auth    *simkit.AuthServer
	idp     *identity
	stats   *simkit.Stats
	faults  *simkit.FaultInjector
	limits  *limiter
	userID  string
	buID    string
	orgID   string
	// currency is the organization's base currency (org.go).
	currency   simkit.Currency
	currencyID string
	// pricingPlaces is the organization's pricingdecimalprecision, the
	// places of money columns of PrecisionSource 1 (pricingprecision.go);
	// guarded by mu.
	pricingPlaces int
	// teams are the owner teams by id (SeedTeams); guarded by mu.
	teams map[string]string
	// secured are the columns under column-level security, with what the app user
	// may do with each (SecureColumn: security.go); guarded by mu.
	secured map[*attrDef]FieldPermission
	// denyUsers makes reads of systemusers a 403 (DenyUserRead).
	denyUsers atomic.Bool
	// deletedTables holds the entity sets of custom tables deleted while
	// the sandbox runs (DeleteTable); resolve reads it without s.mu.
	deletedTables sync.Map
	// noCreate are the tables whose create privilege the app user lacks
	// (DenyCreate: privileges.go); guarded by mu.
	noCreate map[*entityDef]bool
	// noVersions are the tables without optimistic concurrency (versions.go).
	noVersions map[*entityDef]bool
	// closes are the opportunityclose activities WinOpportunity and
	// LoseOpportunity recorded (opportunityclose.go); guarded by mu.
	closes []OpportunityClose
}

// New builds an environment with no rows.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClientID == "" {
		opts.ClientID = "51f81489-12ee-4a9e-aaae-a2591f45987d" // the Dataverse sample app id of Microsoft's docs
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "dynamics-sandbox-client-secret"
	}
	if opts.TenantID == "" {
		opts.TenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = time.Hour
	}
	if opts.ExecCost == 0 {
		opts.ExecCost = 20 * time.Millisecond
	}
	s := &Sim{opts: opts, now: opts.Now, tables: map[string]*table{}, byLogic: map[string]*table{},
		rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0xd365)), stats: simkit.NewStats(),
		faults: simkit.NewFaultInjector(opts.Seed, opts.Faults)}
	for set, def := range buildSchema() {
		t := newTable(def)
		s.tables[set] = t
		s.byLogic[def.logical] = t
	}
	s.version = 1_000_000
	s.userID, s.buID, s.orgID = s.newGUID(), s.newGUID(), s.newGUID()
	s.currencyID = s.newGUID()
	s.pricingPlaces = defaultPricingPlaces
	s.addCaller()
	s.addBaseCurrency()
	s.limits = newLimiter(opts)
	s.auth = simkit.NewAuthServer(simkit.OAuthConfig{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		AccessTTL: opts.AccessTTL, RotateRefresh: true, TokenPrefix: "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.", Now: opts.Now,
		// Entra's access tokens are signed JWTs of 1.5–3 KB, its refresh
		// tokens opaque strings of about 1 KB or more.
		AccessTokenLen: 2200, RefreshTokenLen: 1200})
	s.idp = newIdentity(s)
	return s
}

// newGUID returns a lower-case GUID; callers hold s.mu or are constructing s.
func (s *Sim) newGUID() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(s.rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatGUID(b[:])
}

func formatGUID(b []byte) string {
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&15])
	}
	return string(out)
}

func randomGUID() string {
	var b [16]byte
	_, _ = io.ReadFull(crand.Reader, b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatGUID(b[:])
}

func (s *Sim) nowSecond() time.Time { return s.now().UTC().Truncate(time.Second) }

// nextVersion allocates a row version (the etag); callers hold s.mu.
func (s *Sim) nextVersion() int64 { s.version++; return s.version }

// Auth exposes the token store (deny switch, ExpireAllAccess, Revoke, client id).
func (s *Sim) Auth() *simkit.AuthServer { return s.auth }

// Faults exposes the fault injector.
func (s *Sim) Faults() *simkit.FaultInjector { return s.faults }

// Stats returns request counts per "METHOD /template" (e.g. "GET /api/data/v9.2/contacts");
// operations inside a $batch count under "BATCH METHOD /template" as well.
func (s *Sim) Stats() map[string]int64 { return s.stats.Snapshot() }

// baseURL is the organization URL as Dataverse writes it in next links and
// context URLs: built from .NET's System.Uri, whose scheme and host are
// canonical lower case ("The Host property ... is lowercase", Uri class
// remarks), whatever case the client's Host header had [inference].
func (s *Sim) baseURL(r *http.Request) string {
	u := simkit.MountURL(r, "")
	return strings.ToLower(u) + s.opts.PathPrefix
}

// orgURL is the resource URL of scopes and WWW-Authenticate.
func (s *Sim) orgURL(r *http.Request) string {
	if s.opts.OrgURL != "" {
		return strings.TrimRight(s.opts.OrgURL, "/")
	}
	return s.baseURL(r)
}

// ServeHTTP makes Sim an http.Handler (paths relative to its mount prefix).
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Date comes from the simulator's clock, the one that stamps records,
	// as a server's does: a frozen clock must not look settled by the wall's.
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	p := r.URL.Path
	if strings.Contains(p, "/oauth2/") {
		s.idp.serve(w, r)
		return
	}
	if p == "/api/data/v9.2" || strings.HasPrefix(p, apiPath) {
		s.serveAPI(w, r)
		return
	}
	// Unknown path outside the API [unverified body].
	s.stats.Inc(r.Method + " (unknown)")
	errResult(newErr(http.StatusNotFound, "", "No HTTP resource was found that matches the request URI '%s'.", s.baseURL(r)+r.URL.Path)).write(w)
}
