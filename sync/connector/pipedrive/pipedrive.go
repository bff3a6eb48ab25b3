// Package pipedrive is the Pipedrive connector: API v2 persons (contacts),
// organizations, deals and activities, read by update_time with cursor
// paging, written one
// record per call (Pipedrive has no batch or upsert endpoints), with the
// fields API for the schema. It gets an *http.Client that already adds the
// OAuth token, or the personal API token in x-api-token.
package pipedrive

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
	"golang.org/x/time/rate"
)

const (
	vendor = "pipedrive"
	// pageSize is the most records one list call returns (the v2 limit).
	pageSize = 500
	// maxBody caps a response body.
	maxBody = 32 << 20
)

// Info describes Pipedrive as data.
func Info() connector.Info {
	return connector.Info{
		Name:  vendor,
		Title: "Pipedrive",
		OAuth: connector.OAuthSpec{
			AuthURL:  "https://oauth.pipedrive.com/oauth/authorize",
			TokenURL: "https://oauth.pipedrive.com/oauth/token",
			// RFC 7009 revocation (app-uninstallation): revoking the
			// refresh token invalidates the grant.
			RevokeURL: "https://oauth.pipedrive.com/oauth/revoke",
			// The token and revoke endpoints take the client's id and
			// secret by HTTP Basic (marketplace-oauth-authorization,
			// app-uninstallation: the revoke "has to be" so authenticated).
			ClientBasic: true,
			// Scopes are set on the app in Pipedrive's Developer Hub, not
			// in the authorize URL.
			// Pipedrive documents no PKCE, and the client secret is what
			// authenticates the exchange; the loopback flow sends a
			// challenge anyway, as for every vendor: an authorization
			// server ignores what it does not know (RFC 6749 §3.1).
			PKCE:        true,
			TokenRoute:  true,
			TokenHeader: "x-api-token",
			DocsURL:     "https://pipedrive.readme.io/docs/marketplace-oauth-authorization",
			// api_domain is https://{company}.pipedrive.com.
			APIHosts: []string{"pipedrive.com"},
			// Persons and organizations need one of these; the token
			// answer's scope lists the app's ("base,deals:full,…").
			ContactScopes: []string{"contacts:full", "contacts:read"},
		},
		// Writes are one record per call, so the engine sends one per
		// Write: a create whose answer was lost then fails its own call,
		// and the engine looks that record up (connector.OutcomeUnknown).
		BatchSize:    1,
		PageSize:     pageSize,
		APIBase:      "https://api.pipedrive.com",
		Objects:      []string{"persons", "organizations", "deals", "activities", "notes"},
		ObjectLabels: map[string]string{"persons": "People", "activities": "Tasks, calls and meetings"},
		Contacts:     "persons",
		New:          New,
		Identify:     identify,
		Verify:       verify,
	}
}

// options tune a Connector; tests shorten the waits.
type options struct {
	rate, searchRate rate.Limit
	burst            int
	maxRetries       int
	minWait, maxWait time.Duration
	logger           *slog.Logger
	dailyBudget      int64
	used             func() int64
	meta             connector.MetaCache // nil = no metadata cache
	limiters         *connector.Limiters // the connection's, shared by its sessions
	reserve          int                 // percent of the company's daily tokens left to other integrations
	lookupLag        time.Duration       // LookupLag's wait; 0 = searchLag
	now              func() time.Time    // nil = time.Now; ages what a read saw (seen.go)
}

func defaultOptions() options {
	// The lowest burst limit Pipedrive documents is 20 requests per 2 s
	// (an API token on the Essential/Lite plan); search allows 10 per 2 s
	// on every plan. A token bucket lets burst + 2 × rate requests through
	// in 2 s: 4 + 15 stays under 20. adaptRate raises the pace to what the
	// account's x-ratelimit-limit says.
	return options{rate: 7.5, burst: 4, searchRate: 4.5, maxRetries: 6, maxWait: 2 * time.Minute}
}

// doer is what the connector needs from the HTTP layer.
type doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Connector is one connected Pipedrive company.
type Connector struct {
	base    string // API root without a trailing slash ({api_domain})
	http    doer
	limiter *rate.Limiter
	search  *rate.Limiter
	meta    *connector.Meta // fields kept between runs
	seen    *seenCache      // lists this run read, so an update need not read them again (seen.go)
	// lookupLag is LookupLag's wait (connector.Account.LookupLag); 0 = searchLag.
	lookupLag time.Duration

	mu      sync.Mutex
	schemas map[string]*schema
	// users are the active users offered as owner_id's options (users.go).
	users connector.Users

	reserve            int64        // percent of the daily token budget left to the company's other integrations
	tokensLeft, budget atomic.Int64 // from the last x-daily-ratelimit-token-* headers (reserve.go)
	writesLeft         atomic.Int64 // from the last x-daily-requests-left; -1 unknown (usage.go)
}

var (
	_ connector.Connector     = (*Connector)(nil)
	_ connector.Searcher      = (*Connector)(nil)
	_ connector.Deleter       = (*Connector)(nil)
	_ connector.DeletesUnseen = (*Connector)(nil)
	_ connector.IDLister      = (*Connector)(nil)
)

// DeletesUnseen: v2 lists leave deleted records out, and no v2 endpoint
// lists them; webhooks would, but need a public URL a desktop app does
// not have. The engine finds them by comparing ids (ListIDs) instead.
func (c *Connector) DeletesUnseen(object string) string {
	return "Pipedrive's API lists no deleted " + object
}

// New returns a connector for acct. acct.APIBase is the api_domain the
// token response named (https://{company}.pipedrive.com); the sandbox sets
// its own.
func New(client *http.Client, acct connector.Account) (connector.Connector, error) {
	o := defaultOptions()
	o.dailyBudget, o.used, o.logger, o.meta, o.limiters = acct.DailyBudget, acct.UsedToday, acct.Logger, acct.Meta, acct.Limiters
	o.reserve = acct.ReservePercent
	if acct.RetryMinWait > 0 {
		o.minWait = acct.RetryMinWait
	}
	o.lookupLag = acct.LookupLag
	return newConnector(client, acct.APIBase, o)
}

func newConnector(client *http.Client, base string, o options) (*Connector, error) {
	if client == nil {
		return nil, fmt.Errorf("pipedrive: new connector: nil http client")
	}
	if base == "" {
		base = Info().APIBase
	}
	if !strings.HasPrefix(base, "https://") && !strings.HasPrefix(base, "http://") {
		return nil, fmt.Errorf("pipedrive: new connector: API base %q is not an http(s) URL", base)
	}
	c := &Connector{
		base:      strings.TrimRight(base, "/"),
		search:    o.limiters.Get("search", o.searchRate, 1),
		meta:      &connector.Meta{Cache: o.meta},
		seen:      newSeenCache(o.now),
		schemas:   map[string]*schema{},
		reserve:   int64(min(max(o.reserve, 0), 100)),
		lookupLag: o.lookupLag,
	}
	c.writesLeft.Store(-1)
	tc := transport.New(client, transport.Options{
		Vendor: vendor, Rate: o.rate, Burst: o.burst, MaxRetries: o.maxRetries,
		MinWait: o.minWait, MaxWait: o.maxWait, Classify: c.classify, Admit: c.admit,
		DailyBudget: o.dailyBudget, Used: o.used, Logger: o.logger, Limiters: o.limiters,
		Describe: func(r *transport.Response) *connector.Error { return (&response{r}).apiError() },
	})
	c.http, c.limiter = tc, tc.Limiter()
	return c, nil
}

// response is a fully read HTTP response, with Pipedrive's error reading.
type response struct{ *transport.Response }

// call sends one request (in: JSON body, nil = none) and reads the whole
// response, bounded. Only transport failures are errors here.
func (c *Connector) call(ctx context.Context, method, path string, in any) (*response, error) {
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
		return nil, fmt.Errorf("pipedrive: %s: %w", ep, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transport.CallError(ctx, vendor, ep, err)
	}
	r, err := transport.ReadResponse(resp, transport.ReadOptions{Vendor: vendor, Endpoint: ep, Limit: maxBody, OnHeader: c.adaptRate})
	if err != nil {
		return nil, err
	}
	return &response{r}, nil
}

// endpointOf drops the query and puts {id} for a numeric path segment, so
// errors name the endpoint, not one record's URL.
func endpointOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if _, err := strconv.ParseInt(p, 10, 64); err == nil && p != "" && parts[max(i-1, 0)] != "v2" {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

// adaptRate follows the burst limit Pipedrive reports for this token
// (x-ratelimit-limit requests per 2-second window), leaving one request of
// headroom per window besides the limiter's burst, which a window can
// spend on top of its pace.
func (c *Connector) adaptRate(h http.Header) {
	if c.limiter == nil {
		return
	}
	n, err := strconv.Atoi(h.Get("x-ratelimit-limit"))
	if err != nil || n-1-c.limiter.Burst() <= 0 {
		return
	}
	if want := rate.Limit(float64(n-1-c.limiter.Burst()) / 2); want > c.limiter.Limit() {
		c.limiter.SetLimit(want)
	}
}

// envelope is every v2 response: success, data, additional_data.
type envelope struct {
	Success        bool            `json:"success"`
	Data           json.RawMessage `json:"data"`
	AdditionalData struct {
		NextCursor *string   `json:"next_cursor"`
		Pagination *struct { // v1
			More      bool         `json:"more_items_in_collection"`
			NextStart *json.Number `json:"next_start"`
		} `json:"pagination"`
	} `json:"additional_data"`
}

// pdError is Pipedrive's error body.
type pdError struct {
	Success   bool   `json:"success"`
	Error     string `json:"error"`
	ErrorInfo string `json:"error_info"`
	ErrorCode any    `json:"errorCode"`
	// Code names a refusal some endpoints explain, e.g.
	// feature_capping_deals_limit.
	Code string `json:"code"`
}

// apiError turns a failed response into a categorized *connector.Error
// carrying Pipedrive's own message.
func (r *response) apiError() *connector.Error {
	e := &connector.Error{Vendor: vendor, Endpoint: r.Endpoint, Status: r.Status, Category: statusCategory(r.Status)}
	var pe pdError
	if err := json.Unmarshal(r.Body, &pe); err != nil || pe.Error == "" {
		e.Message = fmt.Sprintf("HTTP %d with an unreadable error body (%d bytes)", r.Status, len(r.Body))
		notRecordGone(e, "")
		return e
	}
	e.Message = pe.Error
	defer notRecordGone(e, pe.Error) // after the codes below, which it may replace
	// errorCode often only repeats the status (a refused token's 401,
	// v1 spec UnathorizedResponse): kept as a code it read "HTTP 401 401".
	if code := fmt.Sprint(pe.ErrorCode); pe.ErrorCode != nil && code != strconv.Itoa(r.Status) {
		e.Code = code
	}
	if pe.Code != "" {
		e.Code = pe.Code
	}
	if r.Status == http.StatusForbidden && pe.Error != msgScopeMismatch {
		// A permission set's refusal ("You do not have permission to
		// change the owner.", a user who may not edit others' deals): the
		// sign-in is fine, and connecting again grants nothing; an admin
		// must. Only a scope the app lacks is fixed by a reconnect.
		e.Category = connector.CatValidation
	}
	if r.Status == http.StatusForbidden && strings.HasPrefix(pe.Code, "feature_capping_") {
		// The plan's cap on open deals or custom fields ("Open deals
		// limit reached", changelog 2022-03-30): every further create is
		// refused alike until the account's owner upgrades.
		e.Category = connector.CatAccount
	}
	if r.Status == http.StatusPaymentRequired {
		// "Company account is not open" (trial expired, no payment
		// details; core-api-concepts-http-status-codes): every later call
		// is refused too, so it stops the run; only the account's owner
		// can fix it, not a reconnect.
		e.Category = connector.CatAccount
	}
	return e
}

// msgScopeMismatch is Pipedrive's 403 for a call outside the scopes the
// app was granted: connecting again, with the scope, fixes it.
const msgScopeMismatch = "Scope and URL mismatch"

// dailyBudgetError is the stop for a spent daily token budget: Pipedrive's
// words, and when the budget resets ("at the start of the next day", Rate
// limiting), from Retry-After when it is sent.
func dailyBudgetError(ep string, resp *http.Response) *connector.Error {
	e := &connector.Error{Vendor: vendor, Endpoint: ep, Status: resp.StatusCode, Category: connector.CatBudget, Code: "DAILY_TOKEN_BUDGET"}
	var pe pdError
	_ = json.Unmarshal(transport.PeekBody(resp), &pe)
	budget := "the company's daily API token budget"
	if n := resp.Header.Get("x-daily-ratelimit-token-limit"); n != "" {
		budget += " of " + n + " tokens"
	}
	when := "at the start of the next day"
	if d, ok := transport.RetryAfter(resp, time.Now()); ok {
		e.RetryAfter = d
		when += ", in " + d.Round(time.Minute).String()
	}
	e.Message = budget + " is spent; it resets " + when
	if pe.Error != "" {
		e.Message = pe.Error + " (" + e.Message + ")"
	}
	return e
}

// classify is Pipedrive's retry policy: a 429 waits for Retry-After or the
// x-ratelimit-reset seconds; 5xx and network failures back off; every other
// 4xx is final.
func classify(resp *http.Response, err error) transport.Verdict {
	if err != nil || resp == nil {
		return transport.DefaultClassify(resp, err)
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests && resp.Header.Get("x-daily-ratelimit-token-remaining") == "0":
		// The company's daily token budget is spent (it resets at the
		// server's midnight): stop the run rather than wait for hours.
		ep := ""
		if resp.Request != nil {
			ep = resp.Request.Method + " " + endpointOf(resp.Request.URL.Path)
		}
		return transport.Verdict{Stop: dailyBudgetError(ep, resp)}
	case s == http.StatusTooManyRequests:
		if _, ok := transport.RetryAfter(resp, time.Now()); ok {
			return transport.Verdict{Retry: true}
		}
		if secs, err := strconv.Atoi(resp.Header.Get("x-ratelimit-reset")); err == nil && secs >= 0 && secs <= 60 {
			return transport.Verdict{Retry: true, Wait: time.Duration(max(secs, 1)) * time.Second}
		}
		return transport.Verdict{Retry: true}
	case s >= 500 && s != http.StatusNotImplemented:
		return transport.Verdict{Retry: true}
	}
	return transport.Verdict{}
}
