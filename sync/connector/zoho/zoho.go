// Package zoho is the Zoho CRM connector: the REST API v8 records API for
// Contacts, Accounts, Deals, Leads, and Tasks, Calls, Events (meetings) and Notes,
// and the organization's custom modules (objects.go) (Get Records with If-Modified-Since and page
// tokens, Insert, Update and Upsert of up to 100 records with a result per
// record, Delete, Search, and the fields metadata). API calls carry the
// access token as "Zoho-oauthtoken", and go to the api_domain the token
// response names.
package zoho

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

const (
	vendor = "zoho"
	// apiRoot is the records API's version path.
	apiRoot = "/crm/v8"
	// BatchSize is the most records one insert, update, upsert or delete takes.
	BatchSize = 100
	// PageSize is the most records one Get Records call returns (per_page).
	PageSize = 200
	maxBody  = 32 << 20
)

// notes is the module the notes spec (crm-oas notes.yaml) serves apart
// from the records API: its list takes no If-Modified-Since (Read goes
// newest first), and it has no search (Lookup) and no deleted list
// (DeletesUnseen).
const notes = "Notes"

// leads is the module of the prospects not yet converted. Get Records and
// search list only unconverted leads (converted=false is Zoho's default), so
// a lead converted into a contact drops out of Read and Lookup, and Zoho
// refuses to update it (ID_ALREADY_CONVERTED). A conversion deletes nothing:
// ListDeleted does not report it.
const leads = "Leads"

// Info describes Zoho CRM as data.
func Info() connector.Info {
	return connector.Info{
		Name:  vendor,
		Title: "Zoho CRM",
		OAuth: connector.OAuthSpec{
			AuthURL:   "https://accounts.zoho.com/oauth/v2/auth",
			TokenURL:  "https://accounts.zoho.com/oauth/v2/token",
			RevokeURL: "https://accounts.zoho.com/oauth/v2/token/revoke",
			// Zoho separates scopes with commas.
			Scopes: []string{"ZohoCRM.modules.contacts.ALL,ZohoCRM.modules.accounts.ALL,ZohoCRM.modules.leads.ALL,ZohoCRM.modules.deals.ALL,ZohoCRM.modules.tasks.ALL,ZohoCRM.modules.calls.ALL,ZohoCRM.modules.events.ALL,ZohoCRM.modules.notes.ALL,ZohoCRM.settings.fields.READ," +
				// Custom modules (objects.go): their records, and the modules list.
				scopeCustom + "," + scopeModulesRead +
				// The active users, which owner fields list (users.go).
				"," + scopeUsersRead +
				// The organization's time zone, which the sync editor
				// proposes for datetimes as dates (zone.go).
				"," + scopeOrgRead +
				// A multi-currency organization's active currencies (currencies.go).
				"," + scopeCurrenciesRead +
				// Lookups by key (coql.go): the Query API sees a record
				// created a moment ago, which the search index may not.
				"," + scopeCOQL},
			PKCE:       true,
			AuthScheme: "Zoho-oauthtoken",
			// A refresh token comes only with access_type=offline, and
			// again on a later sign-in only with prompt=consent.
			AuthParams: map[string]string{"access_type": "offline", "prompt": "consent"},
			// The sign-in starts at accounts.zoho.com and answers with the
			// organization's own data centre (multi-DC client authorization).
			AccountsServers: []string{"accounts.zoho.com", "accounts.zoho.eu", "accounts.zoho.in", "accounts.zoho.com.au",
				"accounts.zoho.jp", "accounts.zohocloud.ca", "accounts.zoho.sa", "accounts.zoho.uk", "accounts.zoho.com.cn"},
			// A connection made before crmsync asked for a scope is
			// answered 401 OAUTH_SCOPE_MISMATCH, which no refresh cures.
			ScopeRefusals: []string{"OAUTH_SCOPE_MISMATCH"},
			// api_domain is the data centre's www.zohoapis.<dc> (Multi DC).
			APIHosts: []string{"zohoapis.com", "zohoapis.eu", "zohoapis.in", "zohoapis.com.au", "zohoapis.jp",
				"zohoapis.ca", "zohoapis.sa", "zohoapis.uk", "zohoapis.com.cn"},
			DocsURL: "https://www.zoho.com/crm/developer/docs/api/v8/register-client.html",
		},
		BatchSize:    BatchSize,
		PageSize:     PageSize,
		APIBase:      "https://www.zohoapis.com",
		Objects:      []string{"Contacts", "Accounts", "Deals", leads, "Tasks", "Calls", "Events", notes},
		ObjectLabels: map[string]string{"Events": "Meetings"},
		Contacts:     "Contacts",
		New:          New,
	}
}

// options tune a Connector: the transport's (tests shorten the waits)
// and the metadata cache.
type options struct {
	transport.Options
	meta connector.MetaCache
}

func defaultOptions() options {
	// Zoho limits concurrency (10 calls at once on the Standard edition)
	// and credits per day, not calls per second; a steady 5 per second
	// stays well inside both for one sync.
	return options{Options: transport.Options{Vendor: vendor, Rate: 5, Burst: 2, MaxRetries: 6, MaxWait: 2 * time.Minute, Classify: classify}}
}

// Connector is one connected Zoho CRM organization.
type Connector struct {
	base string // {api_domain}
	http interface {
		Do(*http.Request) (*http.Response, error)
	}
	meta *connector.Meta

	mu      sync.Mutex
	schemas map[string]*schema
	// users are the active users as owner options (users.go).
	users connector.Users
}

var (
	_ connector.Connector      = (*Connector)(nil)
	_ connector.Upserter       = (*Connector)(nil)
	_ connector.Searcher       = (*Connector)(nil)
	_ connector.Deleter        = (*Connector)(nil)
	_ connector.DeletionLister = (*Connector)(nil)
	_ connector.ObjectLister   = (*Connector)(nil)
)

// New returns a connector for acct; acct.APIBase is the api_domain of the
// token response (https://www.zohoapis.eu for an EU organization).
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
		return nil, fmt.Errorf("zoho: new connector: nil http client")
	}
	if base == "" {
		base = Info().APIBase
	}
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return nil, fmt.Errorf("zoho: new connector: API base %q is not an http(s) URL", base)
	}
	if o.Describe == nil {
		o.Describe = describeError
	}
	tc := transport.New(client, o.Options)
	return &Connector{base: strings.TrimRight(base, "/"), http: tc, meta: &connector.Meta{Cache: o.meta}, schemas: map[string]*schema{}}, nil
}

// response is a fully read HTTP response, with Zoho's error reading.
type response struct{ *transport.Response }

// describeError is the vendor's error in an answer the transport ends a call
// with (a wait longer than it waits).
func describeError(r *transport.Response) *connector.Error { return (&response{r}).apiError() }

// call sends one request (in: JSON body, nil = none; header: extra
// headers) and reads the whole response, bounded. Only transport failures
// are errors here.
func (c *Connector) call(ctx context.Context, method, path string, in any, header http.Header) (*response, error) {
	ep := method + " " + endpointOf(path)
	var raw []byte
	if in != nil {
		var err error
		if raw, err = json.Marshal(in); err != nil {
			return nil, &connector.Error{Vendor: vendor, Endpoint: ep, Category: connector.CatValidation, Message: "encode request: " + err.Error()}
		}
	}
	req, err := transport.JSONRequest(ctx, method, c.base+path, raw)
	if err != nil {
		return nil, fmt.Errorf("zoho: %s: %w", ep, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
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

// endpointOf drops the query and puts {id} for a record id, so errors name
// the endpoint, not one record's URL.
func endpointOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

// zohoError is Zoho's error body, for a whole request or one record.
type zohoError struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Status  string          `json:"status"`
	Details json.RawMessage `json:"details"`
}

// permissionsHint says who can give the profile permissions a
// NO_PERMISSION names (details.permissions).
func (e zohoError) permissionsHint() string {
	var d struct {
		Permissions []string `json:"permissions"`
	}
	_ = json.Unmarshal(e.Details, &d)
	s := "the Zoho user crmsync signs in as lacks a permission of its profile"
	if len(d.Permissions) > 0 {
		s += ": " + strings.Join(d.Permissions, ", ")
	}
	return s + "; an administrator grants it in the user's profile, and connecting again does not"
}

// apiName is the field a record's error names (details.api_name).
func (e zohoError) apiName() string {
	var d struct {
		APIName   string `json:"api_name"`
		ParamName string `json:"param_name"`
	}
	_ = json.Unmarshal(e.Details, &d)
	if d.APIName != "" {
		return d.APIName
	}
	return d.ParamName
}

// supportedValues are the values a record's error lists for its field
// (details.supported_values): Zoho's refusal of a picklist value the field
// does not offer.
func (e zohoError) supportedValues() []string {
	var d struct {
		Values []string `json:"supported_values"`
	}
	_ = json.Unmarshal(e.Details, &d)
	return d.Values
}

// maximumLength is the longest value a record's error says its field
// takes (details.maximum_length), 0 when it says none.
func (e zohoError) maximumLength() int {
	var d struct {
		Max int `json:"maximum_length"`
	}
	_ = json.Unmarshal(e.Details, &d)
	return d.Max
}

// apiError turns a failed response into a categorized *connector.Error
// carrying Zoho's own code and message.
func (r *response) apiError() *connector.Error {
	e := &connector.Error{Vendor: vendor, Endpoint: r.Endpoint, Status: r.Status, Category: connector.StatusCategory(r.Status)}
	var ze zohoError
	if err := json.Unmarshal(r.Body, &ze); err != nil || (ze.Code == "" && ze.Message == "") {
		// A refusal of the whole request may come as one error wrapped in
		// data[] (crm-oas v8.0 createRecords example
		// response-400-authorizationfailed, upsertRecords invalidmodule).
		var wrapped struct {
			Data []zohoError `json:"data"`
		}
		if json.Unmarshal(r.Body, &wrapped) != nil || len(wrapped.Data) != 1 || wrapped.Data[0].Code == "" && wrapped.Data[0].Message == "" {
			e.Message = fmt.Sprintf("HTTP %d with an unreadable error body (%d bytes)", r.Status, len(r.Body))
			return e
		}
		ze = wrapped.Data[0]
	}
	e.Code, e.Message = ze.Code, ze.Message
	if f := ze.apiName(); f != "" {
		e.Message += " (" + f + ")"
	}
	switch ze.Code {
	case "INVALID_TOKEN", "AUTHENTICATION_FAILURE", "OAUTH_SCOPE_MISMATCH":
		e.Category = connector.CatAuth
	case "NO_PERMISSION":
		// The user's profile lacks a permission (details.permissions); the
		// grant's scope is fine, so connecting again cannot help.
		e.Category = connector.CatValidation
		e.Message += " (" + ze.permissionsHint() + ")"
	case "LIMIT_REACHED", "LIMIT_EXCEEDED":
		if r.Status == http.StatusTooManyRequests || ze.Code == "LIMIT_REACHED" && !queryLimitReached(r.Endpoint, r.Status) {
			e.Category = connector.CatBudget
		}
	case "INVALID_URL_PATTERN":
		// 404 for a URL Zoho does not serve: about the call, never a
		// record (a record Zoho lacks is answered per record in data[]),
		// so it must not read as every record of the call deleted, and
		// every later call to it fails alike.
		e.Category = connector.CatTarget
	}
	return e
}

// creditsWait is how long the scheduler waits after the credits are
// spent: Zoho sends no Retry-After, and the window is a rolling 24 h that
// frees as a day-old call ages out; an hour lets some free without a
// refused call every few minutes.
const creditsWait = time.Hour

// classify is Zoho's retry policy: the organization's concurrency limit
// (429 TOO_MANY_REQUESTS) waits and retries; spent API credits stop the
// run; 5xx and network failures back off; every other 4xx is final.
func classify(resp *http.Response, err error) transport.Verdict {
	if err != nil || resp == nil {
		return transport.DefaultClassify(resp, err)
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		// Zoho answers 429 both when the day's credits are spent and when
		// too many calls run at once; only the first says no credits
		// remain, and only it must stop the run.
		if ze := peekError(resp); ze.Code == "LIMIT_REACHED" || resp.Header.Get("X-API-CREDITS-REMAINING") == "0" {
			ep := ""
			if resp.Request != nil {
				ep = resp.Request.Method + " " + endpointOf(resp.Request.URL.Path)
			}
			msg := "the organization's API credits for the last 24 hours are spent"
			if ze.Message != "" {
				msg = ze.Message + " (" + msg + ")"
			}
			return transport.Verdict{Stop: &connector.Error{Vendor: vendor, Endpoint: ep, Status: s, Category: connector.CatBudget,
				Code: ze.Code, Message: msg, RetryAfter: creditsWait}}
		}
		return transport.Verdict{Retry: true}
	case s >= 500 && s != http.StatusNotImplemented:
		return transport.Verdict{Retry: true}
	}
	return transport.Verdict{}
}

// peekError reads an error body and puts it back for the caller.
func peekError(resp *http.Response) zohoError {
	var ze zohoError
	_ = json.Unmarshal(transport.PeekBody(resp), &ze)
	return ze
}
