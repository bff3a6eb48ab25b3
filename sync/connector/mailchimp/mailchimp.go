// Package mailchimp is the Mailchimp Marketing API (3.0) connector: the
// members of an audience (list), read by last_changed with count/offset
// paging, created and upserted through batch subscribe (POST
// /lists/{list_id}, 500 members a call), updated through batch subscribe
// too when that saves calls, or else one member per PATCH (and their tags
// through the member's tags endpoint), a few at once, archived
// by DELETE, and described by the audience's merge fields and interest
// categories (groups), each category a multi-select of its interests, and
// the member's tags a multi-select of names.
//
// Every Mailchimp account lives in one data center and answers at its own
// https://<dc>.api.mailchimp.com: the API base is not known until the
// account is connected (BaseFromAPIKey for an API key, Metadata after an
// OAuth sign-in). The connector gets an *http.Client that already
// authenticates: an OAuth access token as "Authorization: Bearer", as
// Mailchimp's own client libraries send it, or an API key by HTTP Basic
// auth (the app's token route, Info.OAuth.TokenBasic).
package mailchimp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

const (
	vendor = "mailchimp"
	// apiRoot is the Marketing API's version path under the API base.
	apiRoot = "/3.0"
	// BatchSize is the most members one batch subscribe takes ("Up to 500
	// members may be added or updated with each API call").
	BatchSize = 500
	// PageSize is the most members one list call returns (count's maximum).
	PageSize = 1000
	// workers is how many single-member calls (updates, archives, look-ups)
	// run at once: Mailchimp allows each user 10 simultaneous connections,
	// and another sync or the user's own tools may hold some.
	workers = 4
	// simultaneousConnections is Mailchimp's limit of calls in flight per
	// user ("each user account is permitted up to 10 simultaneous
	// connections", API limits).
	simultaneousConnections = 10
	maxBody                 = 32 << 20
)

// Info describes Mailchimp as data.
func Info() connector.Info {
	return connector.Info{
		Name:  vendor,
		Title: "Mailchimp",
		OAuth: connector.OAuthSpec{
			AuthURL:  "https://login.mailchimp.com/oauth2/authorize",
			TokenURL: "https://login.mailchimp.com/oauth2/token",
			// Mailchimp has no scopes: a token reaches everything the user
			// who granted it can. Its access tokens never expire and come
			// without a refresh token.
			// Mailchimp documents no PKCE; the client secret authenticates
			// the exchange. The loopback flow sends a challenge anyway, as
			// for every vendor: an authorization server ignores parameters
			// it does not know (RFC 6749 §3.1).
			PKCE: true,
			// An API key (Account > Extras > API keys) works too. Mailchimp
			// documents it by HTTP Basic auth, any user name with the key as
			// the password (Info.OAuth.TokenBasic), and the key's suffix names
			// the data center (BaseFromAPIKey).
			TokenRoute: true,
			TokenBasic: true, DiscoverScheme: MetadataAuthScheme,
			// Registered apps: Account > Extras > API keys > Register and
			// manage your apps (https://admin.mailchimp.com/account/oauth2/).
			DocsURL: "https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/",
		},
		BatchSize: BatchSize,
		PageSize:  PageSize,
		// Each account has its own https://<dc>.api.mailchimp.com, known
		// only once it is connected.
		APIBase:       "",
		Objects:       []string{objMembers},
		Contacts:      objMembers,
		New:           New,
		BaseFromToken: BaseFromAPIKey,
		Discover:      discover,
		Verify:        verify,
	}
}

// discover reads the OAuth metadata after the sign-in: the account's API
// base, id and name. client carries the new access token; Mailchimp's
// guide sends it to the metadata endpoint as "Authorization: OAuth
// <token>" (MetadataAuthScheme).
func discover(ctx context.Context, client *http.Client, tokenURL string) (connector.Discovery, error) {
	m, err := Metadata(ctx, client, MetadataURL(tokenURL))
	if err != nil {
		return connector.Discovery{}, err
	}
	return connector.Discovery{APIBase: m.APIBase(), AccountID: m.UserID, AccountName: m.AccountName}, nil
}

// options tune a Connector: the transport's (tests shorten the waits), the
// metadata cache, the page size and, for tests only, a status for creates.
type options struct {
	transport.Options
	meta     connector.MetaCache
	pageSize int
	// createStatus stands in, in tests only, for the status default a
	// sync's mapping gives a create: the conformance suite's records carry
	// an email and two names, and Mailchimp adds no member without a
	// status. Production connectors leave it empty (New never sets it), so
	// a create without a status fails rather than subscribe anyone.
	createStatus string
}

func defaultOptions() options {
	// Mailchimp limits simultaneous connections (10 per user), not calls
	// per second: a steady 10 per second with a few calls at once, and no
	// more than 10 in flight over every session of the connection (three
	// syncs of one audience, each with its workers, would reach 12).
	return options{Options: transport.Options{Vendor: vendor, Rate: 10, Burst: workers, MaxRetries: 6, MaxWait: 2 * time.Minute,
		Concurrency: simultaneousConnections},
		pageSize: PageSize}
}

// Connector is one connected Mailchimp account.
type Connector struct {
	base string // API base without /3.0: https://us6.api.mailchimp.com
	http interface {
		Do(*http.Request) (*http.Response, error)
	}
	meta         *connector.Meta
	pageSize     int
	createStatus string
	log          *slog.Logger // warnings; nil = none

	mu      sync.Mutex
	dflt    *audience          // the audience "members" names, once resolved
	schemas map[string]*schema // by object name
	// warnedTags are the audience\x00tag names whose separator toRecord
	// has warned about: once each, not once per member.
	warnedTags map[string]bool
	// scans are the members of each audience (by id) read for batched
	// updates, once per session (batchupdate.go).
	scans map[string]map[string]scanned
	// goneAudiences are the audiences (by id) found deleted this session
	// (audiencegone.go), with Mailchimp's answer.
	goneAudiences map[string]*connector.Error
}

var (
	_ connector.Connector      = (*Connector)(nil)
	_ connector.Upserter       = (*Connector)(nil)
	_ connector.Searcher       = (*Connector)(nil)
	_ connector.Deleter        = (*Connector)(nil)
	_ connector.DeletionLister = (*Connector)(nil)
)

// New returns a connector for acct. acct.APIBase is the account's API
// base, https://<dc>.api.mailchimp.com without /3.0: the metadata's
// api_endpoint after an OAuth sign-in, BaseFromAPIKey for an API key.
func New(client *http.Client, acct connector.Account) (connector.Connector, error) {
	o := defaultOptions()
	o.DailyBudget, o.Used, o.Logger, o.meta, o.Limiters = acct.DailyBudget, acct.UsedToday, acct.Logger, acct.Meta, acct.Limiters
	if acct.RetryMinWait > 0 {
		o.MinWait = acct.RetryMinWait
	}
	return newConnector(client, acct.APIBase, o)
}

func newConnector(client *http.Client, base string, o options) (*Connector, error) {
	if client == nil {
		return nil, fmt.Errorf("mailchimp: new connector: nil http client")
	}
	base = strings.TrimSuffix(strings.TrimRight(base, "/"), apiRoot)
	if base == "" {
		return nil, fmt.Errorf("mailchimp: new connector: no API base: each Mailchimp account has its own https://<dc>.api.mailchimp.com, known from the API key's suffix or, after an OAuth sign-in, from the metadata's api_endpoint")
	}
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return nil, fmt.Errorf("mailchimp: new connector: API base %q is not an http(s) URL", base)
	}
	if o.pageSize <= 0 || o.pageSize > PageSize {
		o.pageSize = PageSize
	}
	o.Vendor = vendor
	if o.Describe == nil {
		o.Describe = describeError
	}
	tc := transport.New(client, o.Options)
	return &Connector{base: base, http: tc, meta: &connector.Meta{Cache: o.meta}, pageSize: o.pageSize,
		createStatus: o.createStatus, log: o.Logger, schemas: map[string]*schema{}}, nil
}

// response is a fully read HTTP response, with Mailchimp's error reading.
type response struct{ *transport.Response }

// describeError is the vendor's error in an answer the transport ends a call
// with (a wait longer than it waits).
func describeError(r *transport.Response) *connector.Error { return (&response{r}).apiError() }

// call sends one request to path under /3.0 (in: JSON body, nil = none)
// and reads the whole response, bounded. Only transport failures are
// errors here; the caller decides which statuses are fine.
func (c *Connector) call(ctx context.Context, method, path string, in any) (*response, error) {
	ep := method + " " + apiRoot + endpointOf(path)
	var raw []byte
	if in != nil {
		var err error
		if raw, err = json.Marshal(in); err != nil {
			return nil, &connector.Error{Vendor: vendor, Endpoint: ep, Category: connector.CatValidation, Message: "encode request: " + err.Error()}
		}
	}
	req, err := transport.JSONRequest(ctx, method, c.base+apiRoot+path, raw)
	if err != nil {
		return nil, fmt.Errorf("mailchimp: %s: %w", ep, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transport.CallError(ctx, vendor, ep, err)
	}
	r, err := transport.ReadResponse(resp, transport.ReadOptions{Vendor: vendor, Endpoint: ep, Limit: maxBody})
	if err != nil {
		return nil, err
	}
	return &response{r}, nil
}

// endpointOf drops the query and puts placeholders for the list, member
// and interest category ids, so errors name the endpoint, not one member's
// URL.
func endpointOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(path, "/")
	for i := 1; i < len(parts); i++ {
		switch parts[i-1] {
		case "lists":
			parts[i] = "{list_id}"
		case "members":
			parts[i] = "{subscriber_hash}"
		case "interest-categories":
			parts[i] = "{interest_category_id}"
		}
	}
	return strings.Join(parts, "/")
}

// problem is Mailchimp's error body, a problem detail document
// (application/problem+json): type, title, status, detail, instance, and
// for an invalid resource the fields at fault in errors.
type problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail"`
	Instance string         `json:"instance"`
	Errors   []problemField `json:"errors"`
}

// problemField is one field a 400 Invalid Resource names.
type problemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// message is the detail with each field's message after it.
func (p problem) message() string {
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	for _, e := range p.Errors {
		switch {
		case e.Field != "" && e.Message != "":
			msg += " (" + e.Field + ": " + e.Message + ")"
		case e.Message != "":
			msg += " (" + e.Message + ")"
		}
	}
	return msg
}

// memberExists is the title of the 400 Mailchimp answers when an email
// address is already a member of the audience.
const memberExists = "Member Exists"

// category sorts a failed response: by status, with an address already in
// the audience a conflict rather than bad data.
func (p problem) category(status int) connector.Category {
	if status == http.StatusBadRequest && p.Title == memberExists {
		return connector.CatConflict
	}
	return connector.StatusCategory(status)
}

// apiError turns a failed response into a categorized *connector.Error
// carrying Mailchimp's own title (as the code) and detail.
func (r *response) apiError() *connector.Error {
	e := &connector.Error{Vendor: vendor, Endpoint: r.Endpoint, Status: r.Status, Category: connector.StatusCategory(r.Status)}
	var p problem
	if err := json.Unmarshal(r.Body, &p); err != nil || (p.Title == "" && p.Detail == "") {
		e.Message = fmt.Sprintf("HTTP %d with an unreadable error body (%d bytes)", r.Status, len(r.Body))
		return e
	}
	e.Code, e.Message, e.Category = p.Title, p.message(), p.category(r.Status)
	return e
}

// problemOf reads a failed response's problem document; ok is false when
// the body is not one.
func (r *response) problemOf() (problem, bool) {
	var p problem
	if json.Unmarshal(r.Body, &p) != nil || (p.Title == "" && p.Detail == "") {
		return p, false
	}
	return p, true
}
