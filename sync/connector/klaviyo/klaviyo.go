// Package klaviyo is the Klaviyo connector: the account's profiles, read
// by their updated time with JSON:API cursor paging (GET /api/profiles,
// 100 a page), created and updated through bulk profile import jobs (POST
// /api/profile-bulk-import-jobs, polled until complete, then read back
// for each created profile's id and each failed profile's error; an
// update that blanks a field by PATCH /api/profiles/{id}, patch.go), and
// described by the standard profile attributes plus the custom properties
// (properties.<name>) seen on the newest profiles.
//
// Email marketing consent (subscriptions.email.marketing.consent) is
// writable one way only: UNSUBSCRIBED goes through a bulk unsubscribe job
// once the profile is written; crmsync never subscribes anyone (consent.go).
//
// Profiles are not deleted: Klaviyo deletes a profile only through a data
// privacy deletion request (POST /api/data-privacy-deletion-jobs), which is
// an erasure, not an archive a sync could undo, so the connector offers no
// Deleter.
//
// Every request names the API revision (the revision header) and speaks
// JSON:API (application/vnd.api+json). The connector gets an *http.Client
// that already authenticates: an OAuth access token as "Authorization:
// Bearer", or a private API key as "Authorization: Klaviyo-API-Key <key>"
// (Info.OAuth.TokenScheme). Sources: Klaviyo's OpenAPI spec
// (github.com/klaviyo/openapi, openapi/stable, revision 2026-07-15) and its
// developer guides (OAuth, rate limits, filtering, pagination).
package klaviyo

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

const (
	vendor = "klaviyo"
	// Revision is the API revision every request names: the newest the
	// stored spec declares (info.version, and the revision header's
	// default).
	Revision = "2026-07-15"
	// mediaType is JSON:API's, which Klaviyo sends and takes.
	mediaType = "application/vnd.api+json"
	// BatchSize is the most profiles one bulk import job carries. The spec
	// allows 10,000 a job but 5 MB a payload: 1,000 profiles of a few KB
	// each stay well under it, and one failed job costs less to redo.
	BatchSize = 1000
	// PageSize is GET /api/profiles' largest page[size] ("Max: 100").
	PageSize = 100
	// unsubscribeBatch is the most profiles one bulk unsubscribe job takes
	// ("Maximum number of profiles per call: 100").
	unsubscribeBatch = 100
	maxBody          = 32 << 20
	// objProfiles is the one object: Klaviyo's people.
	objProfiles = "profiles"
)

// Scopes are what the connector's endpoints require (their
// x-klaviyo-scopes): accounts:read for GET /api/accounts; profiles:read
// for reads and the import job's profiles and errors; lists:read with it
// for GET /api/profile-bulk-import-jobs/{id}; profiles:write and
// lists:write for the import job; subscriptions:write with those for the
// bulk unsubscribe.
var Scopes = []string{"accounts:read", "profiles:read", "profiles:write", "lists:read", "lists:write", "subscriptions:write"}

// Info describes Klaviyo as data.
func Info() connector.Info {
	return connector.Info{
		Name:  vendor,
		Title: "Klaviyo",
		OAuth: connector.OAuthSpec{
			AuthURL: "https://www.klaviyo.com/oauth/authorize",
			// Token and revoke traffic must go to a.klaviyo.com: Klaviyo
			// blocks it through www.klaviyo.com since March 2025.
			TokenURL:  "https://a.klaviyo.com/oauth/token",
			RevokeURL: "https://a.klaviyo.com/oauth/revoke",
			Scopes:    Scopes,
			// Klaviyo's OAuth flow requires PKCE (S256), and its token
			// endpoint takes the client's credentials by HTTP Basic only.
			PKCE: true, ClientBasic: true,
			// A private API key (Settings > API keys) works too, sent as
			// "Authorization: Klaviyo-API-Key <key>".
			TokenRoute:  true,
			TokenScheme: "Klaviyo-API-Key",
			DocsURL:     "https://developers.klaviyo.com/en/docs/set_up_oauth",
		},
		BatchSize: BatchSize,
		PageSize:  PageSize,
		APIBase:   "https://a.klaviyo.com",
		Objects:   []string{objProfiles},
		Contacts:  objProfiles,
		New:       New,
		Discover:  discover,
		Verify:    verify,
	}
}

// options tune a Connector: the transport's (tests shorten the waits), the
// metadata cache, the sizes and the job polling's back-off.
type options struct {
	transport.Options
	meta      connector.MetaCache
	pageSize  int
	batchSize int
	// pollMin and pollMax bound the wait between two polls of a job; it
	// doubles from pollMin.
	pollMin, pollMax time.Duration
}

func defaultOptions() options {
	// The profile endpoints allow 75/s burst and 700/m steady; the import
	// job endpoints 10/s and 150/m; GET /api/accounts 1/s and 15/m. One
	// limiter serves the connection: 10 calls a second, and the jobs are
	// polled no more often than every second, so a 429 stays rare and its
	// Retry-After is honoured by the transport.
	return options{
		Options:  transport.Options{Vendor: vendor, Rate: 10, Burst: 5, MaxRetries: 6, MaxWait: 2 * time.Minute},
		pageSize: PageSize, batchSize: BatchSize, pollMin: time.Second, pollMax: 15 * time.Second,
	}
}

// Connector is one connected Klaviyo account.
type Connector struct {
	base string // API base: https://a.klaviyo.com
	http interface {
		Do(*http.Request) (*http.Response, error)
	}
	meta      *connector.Meta
	pageSize  int
	batchSize int
	pollMin   time.Duration
	pollMax   time.Duration
	log       *slog.Logger // warnings; nil = none

	mu     sync.Mutex
	schema *connector.Schema // the profiles schema, once read
}

var (
	_ connector.Connector = (*Connector)(nil)
	_ connector.Upserter  = (*Connector)(nil)
	_ connector.Searcher  = (*Connector)(nil)
)

// New returns a connector for acct; acct.APIBase is https://a.klaviyo.com
// unless a sandbox stands in for it.
func New(client *http.Client, acct connector.Account) (connector.Connector, error) {
	o := defaultOptions()
	o.DailyBudget, o.Used, o.Logger, o.meta, o.Limiters = acct.DailyBudget, acct.UsedToday, acct.Logger, acct.Meta, acct.Limiters
	if acct.RetryMinWait > 0 {
		o.MinWait = acct.RetryMinWait
	}
	base := acct.APIBase
	if base == "" {
		base = Info().APIBase
	}
	return newConnector(client, base, o)
}

func newConnector(client *http.Client, base string, o options) (*Connector, error) {
	if client == nil {
		return nil, fmt.Errorf("klaviyo: new connector: nil http client")
	}
	base = strings.TrimSuffix(strings.TrimRight(base, "/"), "/api")
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return nil, fmt.Errorf("klaviyo: new connector: API base %q is not an http(s) URL", base)
	}
	if o.pageSize <= 0 || o.pageSize > PageSize {
		o.pageSize = PageSize
	}
	if o.batchSize <= 0 || o.batchSize > 10000 {
		o.batchSize = BatchSize
	}
	if o.pollMin <= 0 {
		o.pollMin = time.Second
	}
	if o.pollMax < o.pollMin {
		o.pollMax = o.pollMin
	}
	o.Vendor = vendor
	if o.Describe == nil {
		o.Describe = describeError
	}
	o.Window, o.WindowKey = steadyWindow, endpointKey
	return &Connector{base: base, http: transport.New(client, o.Options), meta: &connector.Meta{Cache: o.meta},
		pageSize: o.pageSize, batchSize: o.batchSize, pollMin: o.pollMin, pollMax: o.pollMax, log: o.Logger}, nil
}

// steadyWindow reads the steady window's state every non-429 answer
// carries (RateLimit-Remaining, RateLimit-Reset in seconds: "Rate limits,
// status codes, and errors"), so a used-up window is waited out rather than
// met with a 429; Klaviyo counts it per endpoint and the quota may be shared
// with the account's other integrations.
func steadyWindow(resp *http.Response) (int, time.Duration, bool) {
	left, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("RateLimit-Remaining")))
	if err != nil {
		return 0, 0, false
	}
	reset, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("RateLimit-Reset")))
	if err != nil || reset < 0 {
		return 0, 0, false
	}
	return left, time.Duration(reset) * time.Second, true
}

// endpointKey is the endpoint a request counts against: its method and
// path, ids (the segments with digits) taken out.
func endpointKey(r *http.Request) string {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	for i, s := range segs {
		if strings.ContainsAny(s, "0123456789") {
			segs[i] = "{id}"
		}
	}
	return r.Method + " /" + strings.Join(segs, "/")
}

// response is a fully read HTTP response, with Klaviyo's error reading.
type response struct{ *transport.Response }

// describeError is the vendor's error in an answer the transport ends a call
// with (a wait longer than it waits).
func describeError(r *transport.Response) *connector.Error { return (&response{r}).apiError() }

// call sends one request to path (under the API base, query included;
// in: the JSON:API body, nil = none) and reads the whole response. Only
// transport failures are errors here; the caller judges the status.
func (c *Connector) call(ctx context.Context, method, path string, in any) (*response, error) {
	u := path
	if !strings.HasPrefix(path, "http://") && !strings.HasPrefix(path, "https://") {
		u = c.base + path
	}
	ep := method + " " + endpointOf(u)
	var raw []byte
	if in != nil {
		var err error
		if raw, err = json.Marshal(in); err != nil {
			return nil, &connector.Error{Vendor: vendor, Endpoint: ep, Category: connector.CatValidation, Message: "encode request: " + err.Error()}
		}
	}
	req, err := transport.JSONRequest(ctx, method, u, raw)
	if err != nil {
		return nil, fmt.Errorf("klaviyo: %s: %w", ep, err)
	}
	req.Header.Set("revision", Revision)
	req.Header.Set("Accept", mediaType)
	if raw != nil {
		req.Header.Set("Content-Type", mediaType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transport.CallError(ctx, vendor, ep, err)
	}
	r, err := transport.ReadResponse(resp, transport.ReadOptions{Vendor: vendor, Endpoint: ep, Limit: maxBody, SuccessOnly: true})
	if err != nil {
		return nil, err
	}
	return &response{r}, nil
}

// endpointOf is the path of u without its query and with the job's or
// the profile's id as a placeholder, so errors name the endpoint, not one
// job's or profile's URL.
func endpointOf(u string) string {
	p := u
	if pu, err := url.Parse(u); err == nil {
		p = pu.Path
	}
	if i := strings.Index(p, "/api/"); i >= 0 {
		p = p[i:]
	}
	parts := strings.Split(p, "/")
	for i := 1; i < len(parts); i++ {
		if parts[i-1] == "profile-bulk-import-jobs" || parts[i-1] == "profiles" && i == 3 {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

// apiErrors is Klaviyo's JSON:API error document.
type apiErrors struct {
	Errors []apiError `json:"errors"`
}

// apiError is one error object: id, status, code, title, detail and the
// pointer into the request body (or the query parameter) at fault.
type apiError struct {
	ID     string `json:"id"`
	Status any    `json:"status"` // a number in the spec's examples, a string in JSON:API [unverified]
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Source struct {
		Pointer   string `json:"pointer"`
		Parameter string `json:"parameter"`
	} `json:"source"`
	// Meta names the profile holding an identifier on a duplicate_profile
	// (409) [whether an import error carries it is unverified].
	Meta struct {
		DuplicateProfileID string `json:"duplicate_profile_id"`
	} `json:"meta"`
}

// message is the detail, or the title when there is none.
func (e apiError) message() string {
	if e.Detail != "" {
		return e.Detail
	}
	return e.Title
}

// errorsOf reads a failed response's error objects; nil when the body is
// not an error document.
func (r *response) errorsOf() []apiError {
	var d apiErrors
	if json.Unmarshal(r.Body, &d) != nil {
		return nil
	}
	return d.Errors
}

// endpointScopes are the scopes each endpoint requires (x-klaviyo-scopes),
// named in a 403's message.
var endpointScopes = map[string]string{
	"GET /api/accounts":                                    "accounts:read",
	"GET /api/profiles":                                    "profiles:read",
	"POST /api/profile-bulk-import-jobs":                   "profiles:write, lists:write",
	"PATCH /api/profiles/{id}":                             "profiles:write",
	"GET /api/profile-bulk-import-jobs/{id}":               "profiles:read, lists:read",
	"GET /api/profile-bulk-import-jobs/{id}/profiles":      "profiles:read",
	"GET /api/profile-bulk-import-jobs/{id}/import-errors": "profiles:read",
	"POST /api/profile-subscription-bulk-delete-jobs":      "profiles:write, lists:write, subscriptions:write",
}

// apiError turns a failed response into a categorized *connector.Error
// with Klaviyo's code and detail; a 403 names the scopes the endpoint
// needs, since a token or key without one of them is the usual cause.
func (r *response) apiError() *connector.Error {
	e := &connector.Error{Vendor: vendor, Endpoint: r.Endpoint, Status: r.Status, Category: connector.StatusCategory(r.Status)}
	errs := r.errorsOf()
	if len(errs) == 0 {
		e.Message = fmt.Sprintf("HTTP %d with an unreadable error body (%d bytes)", r.Status, len(r.Body))
	} else {
		e.Code = errs[0].Code
		msgs := make([]string, 0, len(errs))
		for _, x := range errs {
			m := x.message()
			if p := fieldOf(x.Source.Pointer); p != "" {
				m += " (" + p + ")"
			}
			msgs = append(msgs, m)
		}
		e.Message = strings.Join(msgs, "; ")
	}
	switch r.Status {
	case http.StatusUnauthorized:
		e.Message += ": the access token or API key was refused; reconnect the Klaviyo connection"
	case http.StatusForbidden:
		if s := endpointScopes[r.Endpoint]; s != "" {
			e.Message += fmt.Sprintf(": %s needs the scope(s) %s; reconnect granting them, or give the private API key those scopes", r.Endpoint, s)
		}
	}
	return e
}

// fieldOf turns a JSON pointer at a profile's attribute into the field
// name the schema uses: …/attributes/email → email,
// …/attributes/location/city → location.city, …/attributes/properties/Plan
// → properties.Plan. "" when the pointer names no attribute.
func fieldOf(pointer string) string {
	i := strings.LastIndex(pointer, "/attributes/")
	if i < 0 {
		return ""
	}
	rest := pointer[i+len("/attributes/"):]
	parts := strings.Split(rest, "/")
	for k, p := range parts {
		parts[k] = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
	}
	if parts[0] == "profiles" { // the job's own attribute, not a profile's
		return ""
	}
	return strings.Join(parts, ".")
}
