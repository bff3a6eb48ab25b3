// Package brevo is the Brevo (formerly Sendinblue) connector: the
// account's contacts, read by their modification time with limit/offset
// paging (GET /v3/contacts, 1,000 a page), created one call each (POST
// /v3/contacts, a few at once) or, many for the same lists, through an
// import (POST /v3/contacts/import, GET /v3/processes/{id}), upserted by email (the same call with
// updateEnabled), updated in batches by id (POST /v3/contacts/batch, split
// until a bad contact fails alone), and described by the account's contact
// attributes (GET /v3/contacts/attributes) and lists (GET
// /v3/contacts/lists), cached through the metadata cache.
//
// Consent: emailBlacklisted and smsBlacklisted are the contact's opt-outs.
// true is written like any field; crmsync never lifts an opt-out, so
// false fails an update before anything of it is written, and is simply
// not sent on a create (write.go).
//
// Contacts are not deleted: DELETE /v3/contacts/{identifier} erases the
// contact and its history for good, where the engine's Deleter expects an
// archive a person can undo (Mailchimp archives members; Klaviyo offers no
// Deleter for the same reason). GET /v3/contacts lists no deleted
// contacts either, so the connector says so through DeletesUnseen and a
// sync that propagates deletes warns instead of staying silent.
//
// The connector gets an *http.Client that already authenticates: an OAuth
// access token as "Authorization: Bearer", or an API key in the "api-key"
// header (Info.OAuth.TokenHeader). Sources: Brevo's API reference
// (developers.brevo.com/reference: get-contacts, create-contact,
// update-batch-contacts, import-contacts, get-process, get-attributes, get-lists, get-account), its guides
// (OAuth integration guide, OAuth scopes, rate limits, rate limit headers)
// and the request and response types of getbrevo/brevo-php, generated from
// Brevo's OpenAPI spec.
package brevo

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
	vendor = "brevo"
	// BatchSize is the most contacts one POST /v3/contacts/batch carries.
	// [unverified: the reference names no limit; 100 keeps a refused batch
	// cheap to split and well inside any body limit.]
	BatchSize = 100
	// PageSize is GET /v3/contacts' largest limit ("maximum 1000").
	PageSize = 1000
	// listsPage is GET /v3/contacts/lists' largest limit [unverified: 50].
	listsPage = 50
	// workers is how many single-contact calls (creates, upserts, look-ups)
	// run at once, under the connection's limiter.
	workers = 4
	maxBody = 32 << 20
	// objContacts is the one object: Brevo's people.
	objContacts = "contacts"
)

// Scopes are what the connector's endpoints need: contacts:read for GET
// /v3/contacts/..., contacts:write for POST to it (":write does not imply
// :read"), account:read for GET /v3/account after the sign-in
// [unverified: account:read is named by third parties, not the stored
// catalog excerpt].
var Scopes = []string{"contacts:read", "contacts:write", "account:read"}

// Info describes Brevo as data.
func Info() connector.Info {
	return connector.Info{
		Name:  vendor,
		Title: "Brevo",
		OAuth: connector.OAuthSpec{
			// Brevo's partner realm (Keycloak) serves the authorization code
			// flow: access tokens live an hour, refresh tokens 30 days.
			AuthURL:  "https://oauth.brevo.com/realms/partner/oauth/authorize",
			TokenURL: "https://oauth.brevo.com/realms/partner/oauth/token",
			// No RevokeURL: Brevo's OAuth guide documents no revoke
			// endpoint, so a disconnect sends nothing; the user removes
			// crmsync's access in Brevo.
			Scopes: Scopes,
			// The guide sends no PKCE challenge; the realm accepts S256
			// [unverified], and the loopback flow sends one regardless. The
			// client's credentials go in the token request's form, as the
			// guide's example posts them.
			PKCE: true,
			// An API key (Settings > SMTP & API > API keys) works too, sent
			// in the api-key header.
			TokenRoute:  true,
			TokenHeader: "api-key",
			DocsURL:     "https://developers.brevo.com/docs/oauth-integration-guide",
		},
		BatchSize: BatchSize,
		PageSize:  PageSize,
		APIBase:   "https://api.brevo.com",
		Objects:   []string{objContacts},
		Contacts:  objContacts,
		New:       New,
		Discover:  discover,
		Verify:    verify,
	}
}

// options tune a Connector: the transport's (tests shorten the waits), the
// metadata cache and the sizes.
type options struct {
	transport.Options
	meta      connector.MetaCache
	pageSize  int
	batchSize int
	// margin is how far before the first page's Date a read's next cursor
	// starts (read.go).
	margin time.Duration
	// importMin, pollFirst, pollMax and importWait tune imports (imports.go).
	importMin                      int
	pollFirst, pollMax, importWait time.Duration
}

func defaultOptions() options {
	// Every endpoint under /v3/contacts allows 10 requests a second and
	// 36,000 an hour on the general tier; the connection keeps under the
	// first (a token bucket lets burst + rate through in a second: 2 + 7),
	// and a 429 waits for x-sib-ratelimit-reset (classify).
	return options{
		Options:  transport.Options{Vendor: vendor, Rate: 7, Burst: 2, MaxRetries: 6, MaxWait: 2 * time.Minute, Classify: classify},
		pageSize: PageSize, batchSize: BatchSize, margin: readMargin,
		importMin: ImportMin, pollFirst: pollFirst, pollMax: pollMax, importWait: importWait,
	}
}

// Connector is one connected Brevo account.
type Connector struct {
	base string // API base: https://api.brevo.com
	http interface {
		Do(*http.Request) (*http.Response, error)
	}
	meta      *connector.Meta
	pageSize  int
	batchSize int
	margin    time.Duration
	log       *slog.Logger // warnings; nil = none

	importMin                      int
	pollFirst, pollMax, importWait time.Duration

	mu     sync.Mutex
	schema *schemaData // attributes and lists, once read
}

var (
	_ connector.Connector     = (*Connector)(nil)
	_ connector.Upserter      = (*Connector)(nil)
	_ connector.Searcher      = (*Connector)(nil)
	_ connector.DeletesUnseen = (*Connector)(nil)
)

// New returns a connector for acct; acct.APIBase is https://api.brevo.com
// unless a sandbox stands in for it.
func New(client *http.Client, acct connector.Account) (connector.Connector, error) {
	o := defaultOptions()
	o.DailyBudget, o.Used, o.Logger, o.meta, o.Limiters = acct.DailyBudget, acct.UsedToday, acct.Logger, acct.Meta, acct.Limiters
	if acct.RetryMinWait > 0 {
		o.MinWait = acct.RetryMinWait
	}
	if acct.PollFirst > 0 {
		o.pollFirst = acct.PollFirst
	}
	base := acct.APIBase
	if base == "" {
		base = Info().APIBase
	}
	return newConnector(client, base, o)
}

func newConnector(client *http.Client, base string, o options) (*Connector, error) {
	if client == nil {
		return nil, fmt.Errorf("brevo: new connector: nil http client")
	}
	base = strings.TrimSuffix(strings.TrimRight(base, "/"), "/v3")
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return nil, fmt.Errorf("brevo: new connector: API base %q is not an http(s) URL", base)
	}
	if o.pageSize <= 0 || o.pageSize > PageSize {
		o.pageSize = PageSize
	}
	if o.batchSize <= 0 || o.batchSize > BatchSize {
		o.batchSize = BatchSize
	}
	if o.margin < 0 {
		o.margin = readMargin
	}
	if o.importMin <= 0 {
		o.importMin = ImportMin
	}
	if o.pollFirst <= 0 {
		o.pollFirst = pollFirst
	}
	if o.pollMax < o.pollFirst {
		o.pollMax = max(o.pollFirst, pollMax)
	}
	if o.importWait <= 0 {
		o.importWait = importWait
	}
	o.Vendor = vendor
	if o.Classify == nil {
		o.Classify = classify
	}
	if o.Describe == nil {
		o.Describe = describe
	}
	o.Window, o.WindowKey = limitWindow, limitBucket
	return &Connector{base: base, http: transport.New(client, o.Options), meta: &connector.Meta{Cache: o.meta},
		pageSize: o.pageSize, batchSize: o.batchSize, margin: o.margin, log: o.Logger,
		importMin: o.importMin, pollFirst: o.pollFirst, pollMax: o.pollMax, importWait: o.importWait}, nil
}

// DeletesUnseen: GET /v3/contacts lists live contacts only, and Brevo has
// no endpoint that lists deleted ones.
func (c *Connector) DeletesUnseen(object string) string {
	if object != objContacts {
		return ""
	}
	return "Brevo lists no deleted contacts, so a contact deleted in Brevo is never seen as deleted"
}

// classify is the transport's default, with a 429's wait taken from
// x-sib-ratelimit-reset (seconds until the window resets) when the answer
// has no Retry-After: Brevo's rate limit headers.
func classify(resp *http.Response, err error) transport.Verdict {
	v := transport.DefaultClassify(resp, err)
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
		if s, perr := strconv.ParseFloat(strings.TrimSpace(resp.Header.Get("x-sib-ratelimit-reset")), 64); perr == nil && s >= 0 && s < 1e6 {
			v.Wait = time.Duration(s*float64(time.Second)) + 100*time.Millisecond
		}
	}
	return v
}

// limitWindow reads x-sib-ratelimit-remaining and -reset (seconds until
// the window resets: "Rate limit headers"), so a used-up window, spent by
// the account's other integrations too, is waited out rather than met with
// a 429.
func limitWindow(resp *http.Response) (int, time.Duration, bool) {
	left, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("x-sib-ratelimit-remaining")))
	if err != nil {
		return 0, 0, false
	}
	reset, err := strconv.ParseFloat(strings.TrimSpace(resp.Header.Get("x-sib-ratelimit-reset")), 64)
	if err != nil || reset < 0 || reset >= 1e6 {
		return 0, 0, false
	}
	return left, time.Duration(reset * float64(time.Second)), true
}

// limitBucket is the limit a request counts against: the /v3/contacts
// endpoints share one, the others ("all other endpoints") another.
func limitBucket(r *http.Request) string {
	if strings.Contains(r.URL.Path, "/v3/contacts") {
		return "contacts"
	}
	return "other"
}

// describe is Brevo's error in an answer the transport ends a call with.
func describe(r *transport.Response) *connector.Error { return (&response{r}).apiError() }

// response is a fully read HTTP response, with Brevo's error reading.
type response struct{ *transport.Response }

// call sends one request to path (under the API base, query included; in:
// the JSON body, nil = none) and reads the whole response. Only transport
// failures are errors here; the caller judges the status.
func (c *Connector) call(ctx context.Context, method, path string, in any) (*response, error) {
	u := c.base + path
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
		return nil, fmt.Errorf("brevo: %s: %w", ep, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transport.CallError(ctx, vendor, ep, err)
	}
	r, err := transport.ReadResponse(resp, transport.ReadOptions{Vendor: vendor, Endpoint: ep, Limit: maxBody, SuccessOnly: true, LenientType: true})
	if err != nil {
		return nil, err
	}
	return &response{r}, nil
}

// endpointOf is the path of u from /v3 on, without its query and with a
// contact's identifier as a placeholder, so errors name the endpoint, not
// one contact's URL (which may hold an email address).
func endpointOf(u string) string {
	p := u
	if pu, err := url.Parse(u); err == nil {
		p = pu.EscapedPath()
	}
	if i := strings.Index(p, "/v3/"); i >= 0 {
		p = p[i:]
	}
	parts := strings.Split(p, "/")
	if len(parts) == 4 && parts[2] == "contacts" {
		switch parts[3] {
		case "batch", "attributes", "lists":
		default:
			parts[3] = "{identifier}"
		}
	}
	return strings.Join(parts, "/")
}

// apiError is Brevo's error body: a code (invalid_parameter,
// missing_parameter, duplicate_parameter, document_not_found,
// unauthorized, permission_denied, not_enough_credits, ...) and a message.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// errorBody reads a failed response's code and message; zero when the
// body is not one.
func (r *response) errorBody() apiError {
	var e apiError
	_ = json.Unmarshal(r.Body, &e)
	return e
}

// apiError turns a failed response into a categorized *connector.Error
// with Brevo's code and message. 401 asks for a reconnect; 403 (a
// permission, a scope, an unlisted IP) is filed under auth too, since no
// later call of the run can succeed either. 402 is the account itself
// ("Key concepts": not activated, or short of credits): it stops the run,
// and only the account's owner can fix it.
func (r *response) apiError() *connector.Error {
	e := &connector.Error{Vendor: vendor, Endpoint: r.Endpoint, Status: r.Status, Category: connector.StatusCategory(r.Status)}
	b := r.errorBody()
	e.Code, e.Message = b.Code, b.Message
	if e.Code == "" && e.Message == "" {
		e.Message = fmt.Sprintf("HTTP %d with an unreadable error body (%d bytes)", r.Status, len(r.Body))
	}
	switch r.Status {
	case http.StatusUnauthorized:
		e.Message += ": the access token or API key was refused; reconnect the Brevo connection"
	case http.StatusPaymentRequired:
		e.Category = connector.CatAccount
	case http.StatusForbidden:
		e.Message += ": the connection may not do this; an OAuth sign-in needs the scopes " + strings.Join(Scopes, ", ") +
			", and an API key may be limited to authorised IP addresses"
	}
	return e
}
