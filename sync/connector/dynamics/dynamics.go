// Package dynamics is the Microsoft Dynamics 365 (Dataverse Web API v9.2)
// connector for contacts, accounts, opportunities, leads, and tasks, phone calls,
// appointments and notes (annotations), and the organization's custom
// tables by their entity set names (objects.go): reads by modifiedon with OData
// paging (@odata.nextLink, up to 5,000 rows a page), writes through $batch
// with odata.continue-on-error (a status per operation), creates made
// idempotent by an id chosen here, the table definitions for the schema,
// and an upsert by alternate key where the organization defined one on
// the email. API calls go to the organization URL the user gives
// (https://{org}.crm.dynamics.com).
package dynamics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

const (
	vendor = "dynamics"
	// apiRoot is the Web API's version path under the organization URL.
	apiRoot = "/api/data/v9.2"
	// BatchSize is how many operations one $batch carries. Dataverse takes
	// up to 1,000, but every operation counts against the 20 minutes of
	// execution time per 5 minutes, and a request must finish within 2
	// minutes; 100 keeps one batch to seconds.
	BatchSize = 100
	// PageSize is the most rows one query page returns (odata.maxpagesize).
	PageSize = 5000
	maxBody  = 64 << 20
)

// Info describes Dynamics 365 as data. Its OAuth scope names the
// organization, so Scopes hold "{api_base}", which the app replaces with
// the organization URL the user gives.
func Info() connector.Info {
	return connector.Info{
		Name:  vendor,
		Title: "Dynamics 365",
		OAuth: connector.OAuthSpec{
			AuthURL:  "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize",
			TokenURL: "https://login.microsoftonline.com/organizations/oauth2/v2.0/token",
			// Dataverse has one delegated scope; security roles decide
			// which tables the user may touch. offline_access brings the
			// refresh token.
			Scopes:  []string{"{api_base}/user_impersonation", "offline_access"},
			PKCE:    true,
			DocsURL: "https://learn.microsoft.com/en-us/entra/identity-platform/scenario-desktop-app-registration",
		},
		BatchSize:    BatchSize,
		PageSize:     PageSize,
		Objects:      []string{"contacts", "accounts", "opportunities", "leads", "tasks", "phonecalls", "appointments", "annotations"},
		ObjectLabels: map[string]string{"phonecalls": "Phone calls", "annotations": "Notes"},
		Contacts:     "contacts",
		New:          New,
	}
}

// table is what the connector knows of a table without asking: its entity
// set (the object name), logical name and primary key.
type table struct{ set, logical, id string }

var tables = map[string]table{
	"contacts":      {"contacts", "contact", "contactid"},
	"accounts":      {"accounts", "account", "accountid"},
	"opportunities": {"opportunities", "opportunity", "opportunityid"},
	// A lead stays a lead once qualified: statecode 1, statuscode 3 (Qualified).
	"leads": {"leads", "lead", "leadid"},
	// An activity's key is activityid, whatever its table.
	"tasks":        {"tasks", "task", "activityid"},
	"phonecalls":   {"phonecalls", "phonecall", "activityid"},
	"appointments": {"appointments", "appointment", "activityid"},
	// A note is an annotation, not an activity.
	"annotations": {"annotations", "annotation", "annotationid"},
}

func tableOf(object string) (table, error) {
	t, ok := tables[object]
	if !ok {
		return t, &connector.Error{Vendor: vendor, Category: connector.CatValidation,
			Message: "unknown table " + object + " (known: " + joinObjects() + ")"}
	}
	return t, nil
}

func joinObjects() string { return strings.Join(Info().Objects, ", ") }

// options tune a Connector: the transport's (tests shorten the waits)
// and the metadata cache.
type options struct {
	transport.Options
	meta connector.MetaCache
}

func defaultOptions() options {
	// Service protection allows 6,000 requests per user per 5 minutes
	// (20 a second) and 52 at once; 10 a second leaves room for the
	// user's other apps.
	// Service protection's 429 waits for its Retry-After; 5xx and network
	// failures back off; any other 4xx is final: the default classifier.
	return options{Options: transport.Options{Vendor: vendor, Rate: 10, Burst: 2, MaxRetries: 6, MaxWait: 5 * time.Minute}}
}

// Connector is one connected Dataverse organization.
type Connector struct {
	base string // the organization URL
	http interface {
		Do(*http.Request) (*http.Response, error)
	}
	meta *connector.Meta

	mu      sync.Mutex
	schemas map[string]*schema
	custom  map[string]table // custom tables by entity set name
	// users are the owner options (users.go).
	users connector.Users
	// curs are the active transaction currencies (currencies.go).
	curs connector.Users
	// versions are the row versions this run read (etag.go).
	versions versions
}

var (
	_ connector.Connector     = (*Connector)(nil)
	_ connector.Upserter      = (*Connector)(nil)
	_ connector.Searcher      = (*Connector)(nil)
	_ connector.Deleter       = (*Connector)(nil)
	_ connector.DeletesUnseen = (*Connector)(nil)
	_ connector.IDLister      = (*Connector)(nil)
)

// New returns a connector for acct; acct.APIBase is the organization URL.
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
		return nil, fmt.Errorf("dynamics: new connector: nil http client")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("dynamics: new connector: the organization URL %q is not an http(s) URL such as https://contoso.crm.dynamics.com", base)
	}
	// Dataverse writes its next links with the host in lower case (.NET's
	// System.Uri), so "https://Contoso.crm.dynamics.com" is kept as
	// "https://contoso.crm.dynamics.com": a next link must match it.
	u.Host = strings.ToLower(u.Host)
	if o.Describe == nil {
		o.Describe = describeError
	}
	tc := transport.New(client, o.Options)
	return &Connector{base: strings.TrimRight(u.String(), "/"), http: tc, meta: &connector.Meta{Cache: o.meta}, schemas: map[string]*schema{}, custom: map[string]table{}}, nil
}

// response is a fully read HTTP response, with Dataverse's error reading.
type response struct{ *transport.Response }

// describeError is the vendor's error in an answer the transport ends a call
// with (a wait longer than it waits).
func describeError(r *transport.Response) *connector.Error { return (&response{r}).apiError() }

// get sends one GET of the Web API (path below apiRoot, or an absolute
// next link on the organization's own host) and reads the answer.
func (c *Connector) get(ctx context.Context, path string, header http.Header) (*response, error) {
	target := c.base + apiRoot + path
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		// A next link is absolute. The token goes only to the
		// organization the user connected.
		if !strings.HasPrefix(path, c.base+apiRoot+"/") {
			return nil, &connector.Error{Vendor: vendor, Endpoint: "GET " + endpointOf(path), Category: connector.CatServer,
				Message: "a next link points outside the organization " + c.base}
		}
		target = path
	}
	req, err := transport.JSONRequest(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("dynamics: GET %s: %w", endpointOf(path), err)
	}
	odataHeaders(req.Header)
	for k, vs := range header {
		req.Header[k] = vs
	}
	return c.do(ctx, req, "application/json")
}

// odataHeaders are what every Web API request sends.
func odataHeaders(h http.Header) {
	h.Set("OData-MaxVersion", "4.0")
	h.Set("OData-Version", "4.0")
}

// do sends req and reads the whole response, bounded, checking its media
// type. Only transport failures are errors here.
func (c *Connector) do(ctx context.Context, req *http.Request, wantType string) (*response, error) {
	ep := req.Method + " " + endpointOf(req.URL.Path)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transport.CallError(ctx, vendor, ep, err)
	}
	r, err := transport.ReadResponse(resp, transport.ReadOptions{Vendor: vendor, Endpoint: ep, Limit: maxBody, Type: wantType, SuccessOnly: true})
	if err != nil {
		return nil, err
	}
	return &response{r}, nil
}

// guidInPath matches a record key in a path: contacts(<guid>) or
// contacts(emailaddress1='…').
var guidInPath = regexp.MustCompile(`\([^)]*\)`)

// endpointOf drops the query and the record key, so errors name the
// endpoint, not one record's URL.
func endpointOf(path string) string {
	if u, err := url.Parse(path); err == nil && u.Path != "" {
		path = u.Path
	}
	path, _, _ = strings.Cut(path, "?")
	return guidInPath.ReplaceAllString(path, "({id})")
}

// odataError is Dataverse's error body: {"error":{"code","message"}}.
type odataError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// apiError turns a failed response into a categorized *connector.Error
// carrying Dataverse's own code and message.
func (r *response) apiError() *connector.Error {
	return errorOf(r.Endpoint, r.Status, r.Body)
}

func errorOf(endpoint string, status int, body []byte) *connector.Error {
	e := &connector.Error{Vendor: vendor, Endpoint: endpoint, Status: status, Category: connector.StatusCategory(status)}
	var oe odataError
	if err := json.Unmarshal(body, &oe); err != nil || (oe.Error.Code == "" && oe.Error.Message == "") {
		e.Message = fmt.Sprintf("HTTP %d with an unreadable error body (%d bytes)", status, len(body))
		return e
	}
	e.Code, e.Message = oe.Error.Code, oe.Error.Message
	if status == http.StatusPreconditionFailed {
		e.Category = connector.CatConflict
	}
	if strings.EqualFold(e.Code, codePrivilegeDenied) {
		// A security role without the privilege ("is missing
		// prvCreateContact privilege"): the sign-in is fine, and
		// connecting again grants nothing; an administrator must.
		e.Category = connector.CatValidation
	}
	if strings.EqualFold(e.Code, codeSegmentNotFound) {
		e.Category = connector.CatValidation
		if status == http.StatusNotFound {
			// The table itself is missing: every row's call would fail alike.
			e.Category = connector.CatTarget
		}
		e.Message += tableGoneHint
	}
	return e
}

// codePrivilegeDenied is Dataverse's PrivilegeDenied (web service error
// codes), answered with 403.
const codePrivilegeDenied = "0x80040220"
