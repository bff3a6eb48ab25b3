// Package hubspot is the HubSpot connector: the CRM objects API on the
// date-versioned 2026-03 paths (contacts, companies, deals, tasks), the properties
// API for the schema, search for incremental reads and the batch endpoints
// for writes. It gets an *http.Client that already adds the token.
package hubspot

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
	"golang.org/x/time/rate"
)

const (
	vendor = "hubspot"
	// apiVersion is the date-versioned API every path uses.
	apiVersion = "2026-03"
	batchSize  = 100 // inputs per batch call
	pageSize   = 200 // search results per page (the documented maximum)
	// searchCap is the most results one search query can page through;
	// paging past it returns 400, so a read restarts before it.
	searchCap = 10000
	// maxValueLen is HubSpot's limit for a string property value.
	maxValueLen = 65536
)

// Info describes HubSpot as data.
func Info() connector.Info {
	return connector.Info{
		Name:  vendor,
		Title: "HubSpot",
		OAuth: connector.OAuthSpec{
			AuthURL:   "https://app.hubspot.com/oauth/authorize",
			TokenURL:  "https://api.hubapi.com/oauth/2026-03/token",
			RevokeURL: "https://api.hubapi.com/oauth/2026-03/token/revoke",
			Scopes: []string{"oauth",
				"crm.objects.contacts.read", "crm.objects.contacts.write",
				"crm.objects.companies.read", "crm.objects.companies.write",
				"crm.objects.deals.read", "crm.objects.deals.write"},
			// Unsubscribing a contact from all email (hs_email_optout,
			// optout.go) needs communication_preferences.statuses.batch.write,
			// which only an account with Marketing Hub Enterprise can grant
			// (the v4 subscriptions guide). As a required scope it would keep
			// every other account from connecting at all, so it is asked for
			// as an optional scope: HubSpot grants it where the account has
			// the product and drops it elsewhere (developers.hubspot.com,
			// "App scope types"). The app must list it as optional in its
			// HubSpot settings. A connection made before crmsync asked for it
			// lacks it: its unsubscribes fail with MISSING_SCOPES, naming the
			// scope, until HubSpot is connected again.
			// The custom object scopes (objects.go) are optional for the same
			// reason: only an Enterprise portal has custom objects and can
			// grant them. HubSpot takes the optional scopes space-separated,
			// as it does scope.
			// Any account can grant communication_preferences.write, which
			// the single-contact unsubscribe needs (the fallback where the
			// batch scope is missing); it is optional too, so a HubSpot app
			// set up before crmsync asked for it still connects.
			AuthParams: map[string]string{"optional_scope": strings.Join(append([]string{scopeUnsubscribe, scopeUnsubscribeOne, scopeOwnersRead}, customScopes...), " ")},
			PKCE:       true,
			TokenRoute: true, // service keys, sent as Authorization: Bearer
			DocsURL:    "https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/oauth/oauth-quickstart-guide",
		},
		BatchSize: batchSize,
		PageSize:  pageSize,
		APIBase:   "https://api.hubapi.com",
		Objects:   []string{"contacts", "companies", "deals", "notes", "tasks", "meetings", "calls"},
		Contacts:  "contacts",
		New:       New,
		Verify:    verify,
	}
}

// options tune a Connector; tests shorten the waits.
type options struct {
	rate        rate.Limit // general requests per second
	burst       int
	searchRate  rate.Limit // search requests per second (HubSpot: 5)
	maxRetries  int
	minWait     time.Duration
	maxWait     time.Duration
	overlap     time.Duration // how far back an incremental read re-queries
	lookupLag   time.Duration // LookupLag's wait; 0 = overlap
	logger      *slog.Logger
	dailyBudget int64
	used        func() int64
	meta        connector.MetaCache // nil = no metadata cache
	limiters    *connector.Limiters // the connection's, shared by its sessions
	now         func() time.Time    // nil = time.Now; tests move it
	clock       func() time.Time    // the app's clock, for the daily sweep (sweep.go); nil = now
}

func defaultOptions() options {
	return options{
		// 110 requests per 10 s per installed account is the lowest burst
		// limit HubSpot documents for OAuth apps.
		rate: 11, burst: 10,
		// HubSpot allows 5 searches per second; a hair under it keeps
		// network jitter from landing a sixth request inside one second
		// (each such 429 costs a call and a wait).
		searchRate: 4.75, maxRetries: 6,
		maxWait: 2 * time.Minute, overlap: 5 * time.Second,
	}
}

// doer is what the connector needs from the HTTP layer.
type doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Connector is one connected HubSpot portal.
type Connector struct {
	base    string // API base without a trailing slash
	http    doer
	limiter *rate.Limiter // the transport's; nil in tests with a bare doer
	search  *rate.Limiter
	overlap time.Duration
	// lookupLag is LookupLag's wait (connector.Account.LookupLag); 0 = overlap.
	lookupLag time.Duration

	meta *connector.Meta // properties kept between runs

	bodies *transport.Bodies // response buffers, reused once decoded

	mu      sync.Mutex
	schemas map[string]connector.Schema
	// account is the portal's details as the last read had them, kept
	// for one currency read (account.go): one call answers both.
	account *accountDetails
	// zone is the portal's time zone as this session last read it
	// (account.go); "" = unread.
	zone  string
	now   func() time.Time
	clock func() time.Time // the app's clock: when a read sweeps (sweep.go)

	// owners are the active owners as owner options (owners.go).
	owners connector.Users

	// batchOptOutDenied is set once HubSpot refused the batch unsubscribe
	// for a missing scope: later unsubscribes go one call each.
	batchOptOutDenied atomic.Bool
}

var (
	_ connector.Connector      = (*Connector)(nil)
	_ connector.Upserter       = (*Connector)(nil)
	_ connector.Searcher       = (*Connector)(nil)
	_ connector.Deleter        = (*Connector)(nil)
	_ connector.DeletionLister = (*Connector)(nil)
	_ connector.Associator     = (*Connector)(nil)
	_ connector.ObjectLister   = (*Connector)(nil)
	_ connector.TimeZoner      = (*Connector)(nil)
	_ connector.Currencier     = (*Connector)(nil)
)

// New returns a connector for acct. client must add the token (app/auth);
// acct.APIBase overrides the production base (the sandbox sets it).
func New(client *http.Client, acct connector.Account) (connector.Connector, error) {
	o := defaultOptions()
	o.dailyBudget, o.used, o.meta, o.logger, o.limiters = acct.DailyBudget, acct.UsedToday, acct.Meta, acct.Logger, acct.Limiters
	if acct.RetryMinWait > 0 {
		o.minWait = acct.RetryMinWait
	}
	o.lookupLag, o.clock = acct.LookupLag, acct.Now
	return newConnector(client, acct.APIBase, o)
}

func newConnector(client *http.Client, base string, o options) (*Connector, error) {
	if client == nil {
		return nil, fmt.Errorf("hubspot: new connector: nil http client")
	}
	if base == "" {
		base = Info().APIBase
	}
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return nil, fmt.Errorf("hubspot: new connector: API base %q is not an http(s) URL", base)
	}
	search := o.limiters.Get("search", o.searchRate, 1)
	now := o.now
	if now == nil {
		now = time.Now
	}
	pace := &searchPace{limit: search, base: o.searchRate, changed: o.limiters.Mark("search-paced"), now: now, log: o.logger}
	next := client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	// A copy, so the caller's client is not changed under it.
	paced := *client
	paced.Transport = searchPacer{next: next, pace: pace}
	c := &Connector{
		base:      strings.TrimRight(base, "/"),
		search:    search,
		overlap:   o.overlap,
		lookupLag: o.lookupLag,
		meta:      &connector.Meta{Cache: o.meta},
		schemas:   map[string]connector.Schema{},
		bodies:    transport.NewBodies(2),
		now:       now,
		clock:     o.clock,
	}
	if c.clock == nil {
		c.clock = now
	}
	tc := transport.New(&paced, transport.Options{
		Vendor: vendor, Rate: o.rate, Burst: o.burst, MaxRetries: o.maxRetries,
		MinWait: o.minWait, MaxWait: o.maxWait,
		Classify: func(resp *http.Response, err error) transport.Verdict {
			if searchLimited(resp) {
				pace.slow()
			}
			return classify(resp, err, c.dailyReset)
		},
		DailyBudget: o.dailyBudget, Used: o.used, Logger: o.logger, Limiters: o.limiters,
		Describe: func(r *transport.Response) *connector.Error { return (&response{Response: r}).apiError() },
	})
	c.http, c.limiter = tc, tc.Limiter()
	if c.meta.Enabled() {
		c.http = schemaWatch{next: tc, meta: c.meta}
	}
	return c, nil
}

// searchPacer holds every search attempt to the search limiter, retries
// included: the transport retries a 429 after its Retry-After, and a retry
// that skipped the limiter went out right before the next page's request,
// two in a few milliseconds, which brought the next 429 (found by
// TestSearchPacesDownUnderJitter).
type searchPacer struct {
	next http.RoundTripper
	pace *searchPace
}

func (p searchPacer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/search") {
		return p.next.RoundTrip(r)
	}
	if err := p.pace.limit.Wait(r.Context()); err != nil {
		return nil, fmt.Errorf("hubspot: waiting for the search limit: %w", err)
	}
	resp, err := p.next.RoundTrip(r)
	if err == nil && resp.StatusCode != http.StatusTooManyRequests {
		p.pace.recover()
	}
	return resp, err
}

// minSearchRate is as far as slowSearch paces search down.
const minSearchRate = 4

// searchRecoverAfter is how long search must go without a 429 before its
// pace wins back one step: a slowed pace must not outlast the jitter that
// caused it (it is the connection's, for every later run of the day), yet
// speeding up at once would meet the next 429 (at most one a minute now).
const searchRecoverAfter = time.Minute

// searchLimited reports a 429 on a search call.
func searchLimited(resp *http.Response) bool {
	return resp != nil && resp.StatusCode == http.StatusTooManyRequests && resp.Request != nil &&
		strings.HasSuffix(resp.Request.URL.Path, "/search")
}

// searchPace is the connection's search limiter with when its pace last
// changed (changed, Unix nanoseconds, shared by the connection's sessions).
type searchPace struct {
	limit   *rate.Limiter
	base    rate.Limit // the pace to return to
	changed *atomic.Int64
	now     func() time.Time
	log     *slog.Logger
}

// slow paces search slower after a 429 (slowSearch) and restarts the
// quiet stretch recover waits for.
func (p *searchPace) slow() {
	p.changed.Store(p.now().UnixNano())
	slowSearch(p.limit, p.log)
}

// recover, after a search without a 429, takes back one of slowSearch's
// steps once searchRecoverAfter has passed since the pace last changed.
func (p *searchPace) recover() {
	cur := p.limit.Limit()
	if cur >= p.base {
		return
	}
	now := p.now().UnixNano()
	last := p.changed.Load()
	if now-last < int64(searchRecoverAfter) || !p.changed.CompareAndSwap(last, now) {
		return
	}
	next := min(cur/0.95, p.base)
	if p.base-next < 0.01 {
		next = p.base
	}
	p.limit.SetLimit(next)
	if p.log != nil {
		p.log.Info("hubspot: no search 429 for a while; pacing search faster", "per_second", float64(next))
	}
}

// slowSearch paces search 5 % slower, down to minSearchRate, until
// searchPace.recover takes it back. HubSpot counts requests as they
// arrive, so when this machine or its network delays some requests more
// than others, a sixth can land inside one second even though they left
// 210 ms apart; each such 429 costs a call and a whole second of
// Retry-After. Seen in 2 of 17 bench runs at 100k: 58 and 66 extra
// searches, and 47 and 57 s of wall time (BENCHMARKS.md, fix 38).
func slowSearch(l *rate.Limiter, log *slog.Logger) {
	now := l.Limit()
	next := max(now*0.95, minSearchRate)
	if next >= now {
		return
	}
	l.SetLimit(next)
	if log != nil {
		log.Warn("hubspot: search answered 429; pacing search slower", "per_second", float64(next))
	}
}

// modifiedProp is the property search filters and sorts on: contacts keep
// the legacy name, every other object uses hs_lastmodifieddate, custom
// objects included.
func modifiedProp(object string) string {
	if object == "contacts" {
		return "lastmodifieddate"
	}
	return "hs_lastmodifieddate"
}

func objectsPath(object string) string {
	return "/crm/objects/" + apiVersion + "/" + url.PathEscape(object)
}
