// Package zoho is a wire-exact simulator of Zoho CRM's REST API v8 for the Contacts,
// Accounts, Deals, Leads, Tasks, Calls, Events (Meetings) and Notes modules, with Convert
// Lead (leads.go: POST /Leads/{id}/actions/convert, ConvertLead), the org's custom
// module Projects and a linking module Projects_X_Contacts (schema.go): Get Records
// (fields, per_page, page, page_token, sort_by, sort_order, If-Modified-Since, 204 when
// empty), Get Record, Insert, Update, Upsert (with duplicate_check_fields; not for Tasks,
// Calls, Events or Notes) and Delete Records with per-record results and 201/200/207/400,
// the Notes API (GET/POST/PUT/DELETE /Notes and a record's /{module}/{id}/Notes; no
// search, upsert or deleted list),
// Get Deleted Records (recycle bin and permanent), Search Records (criteria, email, phone,
// word), the fields and modules metadata, Get Users (users.go: an Owner must be an active
// user), and Zoho Accounts' OAuth 2.0 server
// (/oauth/v2/auth, /oauth/v2/token, /oauth/v2/token/revoke) whose api_domain and
// accounts-server point back at the mount point. Requests authenticate with
// "Authorization: Zoho-oauthtoken <token>" and, with Options.RateLimits, spend API credits
// from a rolling 24-hour budget and hold one of the org's concurrency slots.
//
// It is written from Zoho's official OpenAPI specs and examples (github.com/zoho/crm-oas,
// v8.0: record.json, fields.json, modules.json, common.json, notes.yaml and the
// per-operation example files), Zoho's developer docs (crm/developer/docs/api/v8: insert,
// upsert, api-limits; create-notes; accounts/protocol/oauth), Zoho's help (Standard
// Fields in Deals), Zoho's Kaizen posts #8 (Events) and #38 (Calls) and Zoho's own SDKs,
// never from a connector. Behaviour
// those sources do not pin down is marked [unverified] where it is implemented.
package zoho

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// Edition names a Zoho CRM edition; it sets the credit budget and concurrency limit.
type Edition string

// The editions of the API limits doc (crm/developer/docs/api/v8/api-limits.html).
const (
	EditionFree         Edition = "free"
	EditionStandard     Edition = "standard"
	EditionProfessional Edition = "professional"
	EditionEnterprise   Edition = "enterprise"
	EditionUltimate     Edition = "ultimate"
)

// UserSpec is a further CRM user who may own records (Options.OtherUsers).
type UserSpec struct {
	Name  string
	Email string
}

// Options configures a Sim. Zero values give sensible defaults.
type Options struct {
	ClientID     string
	ClientSecret string
	// RedirectURI is the client's registered redirect URI; "" accepts any absolute URI.
	RedirectURI string
	AccessTTL   time.Duration // default 3600 s (expires_in of the docs)
	// Location is the data centre reported in the authorize redirect; default "us".
	Location string
	// AccountsServer is the accounts server of the organization's data centre
	// (https://accounts.zoho.eu), which the authorize redirect names as
	// accounts-server. The token and revoke endpoints then answer only requests
	// that reach its host: another data centre knows neither the codes nor the
	// tokens of this one (multi-DC). "" = the mount point, which answers all.
	AccountsServer string
	// UserName and UserEmail describe the authorizing user, who owns new records.
	UserName   string
	UserEmail  string
	OtherUsers []UserSpec
	// CustomFields adds custom fields per module ("Contacts", "Accounts", "Deals", "Tasks",
	// "Calls", "Events"; Notes take none).
	CustomFields map[string][]CustomField
	// UniqueFields marks standard or custom fields "Do not allow duplicate values"; such
	// fields refuse duplicates on insert and update and take part in upsert matching.
	UniqueFields map[string][]string
	// NoCreate lists modules the user's profile may view but not create records in:
	// an insert there is refused whole with AUTHORIZATION_FAILED wrapped in data[]
	// (crm-oas v8.0/record/operations/createRecords/examples/response-400-authorizationfailed).
	NoCreate []string
	// IgnoreUnknownFields drops unknown field API names in writes instead of refusing them
	// with INVALID_DATA (the spec's 207 example refuses them; live behaviour [unverified]).
	IgnoreUnknownFields bool
	// SearchIndexDelay hides records written less than this long ago from search; default 0.
	SearchIndexDelay time.Duration
	// RateLimits enforces the credit budget and the concurrency limit.
	RateLimits bool
	Edition    Edition // default EditionStandard
	Users      int     // user licenses; default 5
	// DailyCredits overrides the edition's credits per rolling 24 hours when > 0.
	DailyCredits int
	// Concurrency overrides the edition's concurrent-request limit when > 0.
	Concurrency int
	Seed        int64
	Faults      simkit.Faults
	// PathPrefix is where the handler is mounted (e.g. "/zoho"); api_domain ends with it.
	PathPrefix string
	Now        func() time.Time
}

// Sim is one simulated Zoho CRM org with its users (users.go) and one OAuth client.
type Sim struct {
	opts    Options
	now     func() time.Time
	mu      sync.RWMutex // guards the modules' stores and the id sequence
	modules map[string]*moduleDef
	users   []*user
	userBy  map[int64]*user
	prefix  int64 // the org's id prefix: ids are prefix*10^12 + a sequence
	seq     int64
	rng     *rand.Rand
	auth    *simkit.AuthServer
	oauth   *oauthState
	stats   *simkit.Stats
	faults  *simkit.FaultInjector
	limits  *limiter
	pages   *pageTokens
	mux     *http.ServeMux
	// zone is the org's time_zone (org.go).
	zone simkit.Zone
	// currency is the org's home currency, iso_code (org.go).
	currency simkit.Currency
	// multiCurrency are the active currencies, the home one first, when
	// multi-currency is on (currencies.go); guarded by mu.
	multiCurrency []string
	// noCreate are the modules the connected user's profile may not
	// create records in (DenyCreate); guarded by mu.
	noCreate map[string]bool
	// locked are the records under a record lock or awaiting approval, by
	// lockKey and its suffix (locks.go);
	// guarded by mu.
	locked map[string]bool
	// blueprint are the records in a Blueprint's process, by lockKey, to
	// the field the process owns (blueprint.go); guarded by mu.
	blueprint map[string]string
	// dependencies are the dependent picklists by module name
	// (dependent.go); guarded by mu.
	dependencies map[string][]dependency
	// storageFull refuses new records from the API (storage.go); guarded
	// by mu.
	storageFull bool
}

// defaultScopes are granted when an authorize request names none.
var defaultScopes = []string{"ZohoCRM.modules.ALL", "ZohoCRM.settings.ALL", "ZohoCRM.users.READ", "ZohoCRM.org.READ", "ZohoCRM.coql.READ"}

// New builds an org with no records. It panics on invalid CustomFields or UniqueFields,
// which are programming errors of the caller.
func New(opts Options) *Sim {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ClientID == "" {
		opts.ClientID = "1000.SANDBOX0ZOHO0CLIENT0ID00000000"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = "zoho0sandbox0client0secret0000000000000000"
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = time.Hour
	}
	if opts.Location == "" {
		opts.Location = "us"
	}
	if opts.UserName == "" {
		opts.UserName = "Patricia Boyle"
	}
	if opts.UserEmail == "" {
		opts.UserEmail = "patricia.boyle@example.com"
	}
	if opts.Edition == "" {
		opts.Edition = EditionStandard
	}
	if opts.Users == 0 {
		opts.Users = 5
	}
	s := &Sim{opts: opts, now: opts.Now, userBy: map[int64]*user{}, stats: simkit.NewStats(),
		faults: simkit.NewFaultInjector(opts.Seed, opts.Faults), pages: newPageTokens(),
		rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0x20c0))}
	s.prefix = 5725767 // the org prefix of Zoho's examples ("5725767000000524157")
	if opts.Seed != 0 {
		s.prefix = 1000000 + int64(uint64(opts.Seed)%8999999)
	}
	s.seq = 400000
	s.addUser(opts.UserName, opts.UserEmail, true)
	for _, u := range opts.OtherUsers {
		s.addUser(u.Name, u.Email, false)
	}
	s.seq = 500000
	// The custom and linking modules' metadata ids sit far above the record sequence
	// [unverified: Zoho's id ranges].
	mods, err := buildModules(opts, s.nextID, s.prefix*1_000_000_000_000+900_000_000)
	if err != nil {
		panic("zoho sim: " + err.Error())
	}
	s.modules = mods
	s.limits = newLimiter(opts)
	s.auth = simkit.NewAuthServer(simkit.OAuthConfig{ClientID: opts.ClientID, ClientSecret: opts.ClientSecret,
		AccessTTL: opts.AccessTTL, Scopes: defaultScopes, TokenPrefix: "1000.", Now: opts.Now})
	s.oauth = newOAuthState(opts.Now)
	s.routes()
	return s
}

// addUser adds a user of Options (the connected user first, an administrator) at the
// next id of the users' range.
func (s *Sim) addUser(name, email string, admin bool) {
	first, last := splitName(name)
	u := User{FirstName: first, LastName: last, Email: email}
	if admin {
		u.Role, u.Profile = "CEO", profileAdmin
	}
	s.putUser(u, s.prefix*1_000_000_000_000+s.seq+1001)
	s.seq += 1000
}

// nextID allocates the next org-wide id (records and metadata share one sequence, and
// ids grow with time as Zoho's do). Callers hold s.mu or are constructing s.
func (s *Sim) nextID() int64 {
	s.seq += 1 + s.rng.Int64N(4)
	return s.prefix*1_000_000_000_000 + s.seq
}

// nowSecond is the clock at the API's second precision.
func (s *Sim) nowSecond() time.Time { return s.now().UTC().Truncate(time.Second) }

// Auth exposes the OAuth server (deny switch, force-expire, revoke, client id and secret).
func (s *Sim) Auth() *simkit.AuthServer { return s.auth }

// Faults exposes the fault injector (latency, 429/5xx odds, daily exhaustion).
func (s *Sim) Faults() *simkit.FaultInjector { return s.faults }

// Stats returns request counts per endpoint ("METHOD /path/template", with the module
// substituted, e.g. "GET /crm/v8/Contacts").
func (s *Sim) Stats() map[string]int64 { return s.stats.Snapshot() }

// SetRateLimits switches the credit budget and the concurrency limit on or off.
func (s *Sim) SetRateLimits(on bool) { s.limits.setEnabled(on) }

// ServeHTTP makes Sim an http.Handler (paths relative to its mount prefix).
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Date comes from the simulator's clock, the one that stamps records,
	// as a server's does: a frozen clock must not look settled by the wall's.
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
	s.mux.ServeHTTP(w, r)
}

// baseURL is the simulator's own base URL: api_domain and accounts-server.
func (s *Sim) baseURL(r *http.Request) string { return simkit.MountURL(r, s.opts.PathPrefix) }

func (s *Sim) routes() {
	m := http.NewServeMux()
	open := func(pattern string, h http.HandlerFunc) {
		m.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			s.stats.Inc(pattern)
			h(w, r)
		})
	}
	open("GET /oauth/v2/auth", s.handleAuthorize)
	open("POST /oauth/v2/token", s.handleToken)
	open("POST /oauth/v2/token/revoke", s.handleRevoke)

	api := func(pattern string, e endpoint, h moduleHandler) { m.HandleFunc(pattern, s.guard(pattern, e, h)) }
	settings := func(h http.HandlerFunc) moduleHandler {
		return func(w http.ResponseWriter, r *http.Request, _ *moduleDef) { h(w, r) }
	}
	const v = "/crm/v8"
	api("GET "+v+"/settings/fields", endpoint{need: need{area: "settings", sub: "fields"}}, settings(s.handleFields))
	api("GET "+v+"/settings/fields/{field}", endpoint{need: need{area: "settings", sub: "fields"}}, settings(s.handleField))
	api("GET "+v+"/settings/modules", endpoint{need: need{area: "settings", sub: "modules"}}, settings(s.handleModules))
	api("GET "+v+"/settings/modules/{module}", endpoint{need: need{area: "settings", sub: "modules"}}, settings(s.handleModule))

	// getUsers (users.go); the literal path wins over /{module}. GET /users/{user_id} is
	// not served: it would clash with /{module}/deleted.
	api("GET "+v+"/users", endpoint{need: need{area: "users"}}, settings(s.handleUsers))
	// getOrganization (org.go); the literal path wins over /{module}.
	api("GET "+v+"/org", endpoint{need: need{area: "org"}}, settings(s.handleOrg))
	// getCurrencies (currencies.go): scope ZohoCRM.settings.currencies.READ.
	api("GET "+v+"/org/currencies", endpoint{need: need{area: "settings", sub: "currencies"}}, settings(s.handleCurrencies))

	read, del := need{area: "modules", op: opRead}, need{area: "modules", op: opDelete}
	create, update := need{area: "modules", op: opCreate}, need{area: "modules", op: opUpdate}
	api("GET "+v+"/{module}", endpoint{need: read, module: true}, s.handleList)
	api("POST "+v+"/{module}", endpoint{need: create, module: true, perTen: true}, s.handleInsert)
	api("PUT "+v+"/{module}", endpoint{need: update, module: true, perTen: true}, s.handleUpdate)
	api("DELETE "+v+"/{module}", endpoint{need: del, module: true}, s.handleDeleteMany)
	// The upsert operation's scope in the spec is ZohoCRM.modules.CREATE.
	api("POST "+v+"/{module}/upsert", endpoint{need: create, module: true, perTen: true}, s.handleUpsert)
	api("GET "+v+"/{module}/deleted", endpoint{need: read, module: true}, s.handleDeleted)
	api("GET "+v+"/{module}/search", endpoint{need: read, module: true}, s.handleSearch)
	// The Query API (coql.go): scope ZohoCRM.coql.READ, and the queried
	// module's READ, which the handler checks once it has read the module.
	api("POST "+v+"/coql", endpoint{need: need{area: "coql"}, price: coqlCredits}, s.handleCOQL)
	// A record's notes need the module's scope and the notes scope (create-notes doc:
	// "ZohoCRM.modules.{module_name}.{operation_type} (and)
	// ZohoCRM.modules.notes.{operation_type}"). The last segment is a wildcard only
	// because a literal "Notes" would clash with /settings/fields/{field}; Notes is the
	// only related list served.
	api("GET "+v+"/{module}/{id}/{related}", endpoint{need: read, module: true, notes: true}, s.handleRelatedNotes)
	api("POST "+v+"/{module}/{id}/{related}", endpoint{need: create, module: true, notes: true, perTen: true}, s.handleCreateRelatedNotes)
	// Convert Lead (leads.go): scope ZohoCRM.modules.leads.CREATE or ALL (convert-lead doc, v8).
	api("POST "+v+"/{module}/{id}/actions/convert", endpoint{need: create, module: true, credits: convertCredits}, s.handleConvert)
	api("GET "+v+"/{module}/{id}", endpoint{need: read, module: true}, s.handleGet)
	api("PUT "+v+"/{module}/{id}", endpoint{need: update, module: true, perTen: true}, s.handleUpdateOne)
	api("DELETE "+v+"/{module}/{id}", endpoint{need: del, module: true}, s.handleDeleteOne)

	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// A known shape with another method is INVALID_REQUEST_METHOD; anything else 404.
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		if len(parts) >= 3 && len(parts) <= 4 && parts[0] == "crm" && parts[1] == "v8" {
			writeErr(w, errInvalidMethod())
			return
		}
		writeErr(w, errInvalidURL())
	})
	s.mux = m
}
