// Package salesforce is the Salesforce REST API connector: describe for the
// schema, SOQL on SystemModstamp for incremental reads, sObject Collections
// for batched writes and upserts by External ID. The REST base is the org's
// instance_url from the token response; the API version is discovered from
// GET /services/data/.
package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
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
	vendor = "salesforce"
	// MaxVersion is the newest API version this connector was written for.
	MaxVersion = "67.0"
	// maxBody bounds any response we read (a 2,000-record page of wide
	// records stays far below it).
	maxBody = 64 << 20
	// maxValue bounds one field value; Salesforce's largest text field holds
	// 131,072 characters, so anything near this is a broken response.
	maxValue = 1 << 20
)

// Conn is one connected Salesforce org.
type Conn struct {
	http       *transport.Client
	base       *url.URL // instance_url
	maxVersion string

	// meta persists the version and describes between runs (nil cache =
	// none); keys are versionKey and describeKey.
	meta *connector.Meta

	mu             sync.Mutex
	version        string                     // e.g. "v67.0", discovered once
	versionCached  bool                       // version came from meta, not this run
	schemas        map[string]*describeResult // describe cache per object
	personType     string                     // the person-account record type's id (personcreate.go)
	personTypeRead bool                       // personType was read

	users connector.Users // active standard users as OwnerId's options (users.go)

	used, max atomic.Int64 // from Sforce-Limit-Info
	reserve   int64        // percent of max left to the org's other integrations

	bodies *transport.Bodies // response buffers, reused once decoded

	lockWait time.Duration // first wait before resending locked rows (write.go)
}

var (
	_ connector.Connector  = (*Conn)(nil)
	_ connector.Upserter   = (*Conn)(nil)
	_ connector.Searcher   = (*Conn)(nil)
	_ connector.Deleter    = (*Conn)(nil)
	_ connector.Associator = (*Conn)(nil)
	// Custom objects (Project__c) depend on the org.
	_ connector.ObjectLister = (*Conn)(nil)
)

// New connects to the org at acct.APIBase (the token response's
// instance_url) through client, which adds the token (app/auth).
func New(client *http.Client, acct connector.Account) (*Conn, error) {
	return newConn(client, acct, transport.Options{MinWait: acct.RetryMinWait})
}

// newConn lets tests shorten back-off waits.
func newConn(client *http.Client, acct connector.Account, topts transport.Options) (*Conn, error) {
	if acct.APIBase == "" {
		return nil, &connector.Error{Vendor: vendor, Endpoint: "connect", Category: connector.CatAuth,
			Message: "no instance_url for this account; reconnect"}
	}
	base, err := url.Parse(strings.TrimRight(acct.APIBase, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, &connector.Error{Vendor: vendor, Endpoint: "connect", Category: connector.CatAuth,
			Message: "instance_url is not an http(s) URL; reconnect"}
	}
	c := &Conn{base: base, maxVersion: MaxVersion, schemas: map[string]*describeResult{}, bodies: transport.NewBodies(2),
		meta: &connector.Meta{Cache: acct.Meta}, reserve: int64(min(max(acct.ReservePercent, 0), 100))}
	c.lockWait = time.Second
	if topts.MinWait > 0 {
		c.lockWait = topts.MinWait // tests
	}
	topts.Vendor = vendor
	if topts.Rate == 0 {
		// Salesforce has no per-second limit, only a daily allocation and
		// 25 concurrent long requests; stay polite anyway.
		topts.Rate, topts.Burst = rate.Limit(20), 10
	}
	topts.Classify = c.classify
	topts.Admit = c.admit
	topts.DailyBudget, topts.Used, topts.Logger, topts.Limiters = acct.DailyBudget, acct.UsedToday, acct.Logger, acct.Limiters
	topts.Describe = func(r *transport.Response) *connector.Error {
		return statusError(r.Endpoint, &http.Response{StatusCode: r.Status, Header: r.Header}, r.Body)
	}
	c.http = transport.New(client, topts)
	return c, nil
}

// Usage reports the org's daily API usage from the last Sforce-Limit-Info
// header seen (0, 0 before any call).
func (c *Conn) Usage() (used, max int64) { return c.used.Load(), c.max.Load() }

// reserveWait is how long the scheduler waits after a reserve stop: the
// allocation is a rolling 24 h, so it frees as the calls of a day ago age
// out; an hour lets some free without spending a call to look every few
// minutes.
const reserveWait = time.Hour

// admit refuses a call once the org's usage, from the last
// Sforce-Limit-Info, has reached the stop that leaves the reserve to the
// org's other integrations (the allocation is per org, not per app).
func (c *Conn) admit(req *http.Request) error {
	used, mx := c.Usage()
	if c.reserve == 0 || mx == 0 {
		return nil // no reserve, or no header seen yet
	}
	stopAt := mx - mx*c.reserve/100
	if used < stopAt {
		return nil
	}
	return &connector.Error{Vendor: vendor, Endpoint: endpointOf(req), Category: connector.CatBudget,
		RetryAfter: reserveWait, Cause: connector.ErrOrgReserve,
		Message: fmt.Sprintf("Salesforce org has used %s of %s API calls in the last 24 hours; crmsync stops at %s to leave the rest to your other integrations",
			connector.Thousands(used), connector.Thousands(mx), connector.Thousands(stopAt))}
}

// Calls reports how many requests this connection has sent.
func (c *Conn) Calls() int64 { return c.http.Calls() }

// classify is the transport's per-attempt verdict for Salesforce.
func (c *Conn) classify(resp *http.Response, err error) transport.Verdict {
	if err != nil || resp == nil {
		return transport.DefaultClassify(resp, err)
	}
	c.readLimitInfo(resp.Header.Get("Sforce-Limit-Info"))
	if resp.StatusCode != http.StatusForbidden {
		return transport.DefaultClassify(resp, nil)
	}
	// Peek at the error body, then put it back for the caller.
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	items := parseErrorItems(b)
	if len(items) == 0 || items[0].ErrorCode != "REQUEST_LIMIT_EXCEEDED" {
		return transport.Verdict{}
	}
	if strings.HasPrefix(items[0].Message, "Concurrent") {
		// Too many long-running requests at once: a short-lived throttle.
		return transport.Verdict{Retry: true}
	}
	// TotalRequests (the rolling 24 h allocation): retrying only burns
	// more calls, so stop the run cleanly; Salesforce sends no
	// Retry-After, so the scheduler waits as for the reserve.
	return transport.Verdict{Stop: &connector.Error{Vendor: vendor, Endpoint: endpointOf(resp.Request),
		Status: resp.StatusCode, Category: connector.CatBudget, Code: items[0].ErrorCode, Message: items[0].Message,
		RetryAfter: reserveWait}}
}

// readLimitInfo parses "api-usage=10018/100000; api-bursts=1/750".
func (c *Conn) readLimitInfo(h string) {
	for part := range strings.SplitSeq(h, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || k != "api-usage" {
			continue
		}
		u, m, ok := strings.Cut(v, "/")
		if !ok {
			return
		}
		un, err1 := strconv.ParseInt(u, 10, 64)
		mn, err2 := strconv.ParseInt(m, 10, 64)
		if err1 == nil && err2 == nil && un >= 0 && mn >= 0 {
			c.used.Store(un)
			c.max.Store(mn)
		}
	}
}

// versionKey is the cache key of the discovered version. It names the
// connector's maxVersion, so a build that speaks a newer API rediscovers.
func (c *Conn) versionKey() string { return "salesforce/version/max" + c.maxVersion }

// versionFormat is what a cached version must look like before it goes
// into a URL.
var versionFormat = regexp.MustCompile(`^v[0-9]{1,3}\.[0-9]{1,2}$`)

// apiVersion discovers the newest version <= maxVersion once, or takes it
// from the metadata cache while that is fresh.
func (c *Conn) apiVersion(ctx context.Context) (string, error) {
	c.mu.Lock()
	v := c.version
	c.mu.Unlock()
	if v != "" {
		return v, nil
	}
	cached, ok, cacheErr := c.meta.Lookup(ctx, c.versionKey())
	if ok && versionFormat.Match(cached) {
		c.mu.Lock()
		if c.version == "" {
			c.version, c.versionCached = string(cached), true
		}
		v = c.version
		c.mu.Unlock()
		return v, nil
	}
	var versions []struct {
		Version string `json:"version"`
		URL     string `json:"url"`
	}
	if err := c.call(ctx, http.MethodGet, c.abs("/services/data/"), nil, &versions, ""); err != nil {
		return "", withCacheErr(err, cacheErr)
	}
	best, bestN := "", 0.0
	limit, _ := strconv.ParseFloat(c.maxVersion, 64)
	for _, v := range versions {
		n, err := strconv.ParseFloat(v.Version, 64)
		if err != nil || n > limit || n <= bestN {
			continue
		}
		best, bestN = v.Version, n
	}
	if best == "" {
		return "", &connector.Error{Vendor: vendor, Endpoint: "GET /services/data/", Category: connector.CatServer,
			Message: fmt.Sprintf("the org offers no API version at or below v%s", c.maxVersion)}
	}
	c.mu.Lock()
	c.version, c.versionCached = "v"+best, false
	c.mu.Unlock()
	// A failed Put is logged by the cache's owner; the run goes on.
	_ = c.meta.Store(ctx, c.versionKey(), []byte("v"+best))
	return "v" + best, nil
}

// withCacheErr adds a metadata-cache failure to a fetch failure; on its
// own a cache failure never fails a call (the fetch replaces it).
func withCacheErr(err, cacheErr error) error {
	if cacheErr == nil {
		return err
	}
	return fmt.Errorf("%w (metadata cache: %w)", err, cacheErr)
}

// abs joins an instance-root path such as a nextRecordsUrl (which may carry
// a query, and may already carry the base's mount prefix) to the base.
func (c *Conn) abs(path string) string {
	p, q, _ := strings.Cut(path, "?")
	bp := strings.TrimRight(c.base.Path, "/")
	if bp != "" && strings.HasPrefix(p, bp+"/") {
		p = strings.TrimPrefix(p, bp)
	}
	u := *c.base
	u.Path, u.RawPath, u.RawQuery = bp+p, "", q
	return u.String()
}

// dataURL builds {base}/services/data/{version}{path}?{query}.
func (c *Conn) dataURL(ctx context.Context, path string, query url.Values) (string, error) {
	v, err := c.apiVersion(ctx)
	if err != nil {
		return "", err
	}
	s := c.abs("/services/data/" + v + path)
	if len(query) > 0 {
		s += "?" + query.Encode()
	}
	return s, nil
}

// call sends one request and decodes a 2xx JSON body into out (may be nil).
// queryOpts, when set, goes into Sforce-Query-Options.
func (c *Conn) call(ctx context.Context, method, rawURL string, body, out any, queryOpts string) error {
	_, err := c.callHeader(ctx, method, rawURL, body, out, queryOpts)
	return err
}

// rawJSON is a request body already encoded (collectionBody).
type rawJSON []byte

// callHeader is call that also returns the 2xx response's headers (the
// incremental read needs the server's Date).
func (c *Conn) callHeader(ctx context.Context, method, rawURL string, body, out any, queryOpts string) (http.Header, error) {
	var rd io.Reader
	if rb, ok := body.(rawJSON); ok {
		rd = bytes.NewReader(rb)
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("salesforce: encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, fmt.Errorf("salesforce: build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if queryOpts != "" {
		req.Header.Set("Sforce-Query-Options", queryOpts)
	}
	if h := duplicateRuleHeader(ctx); h != "" {
		req.Header.Set("Sforce-Duplicate-Rule-Header", h)
	}
	ep := endpointOf(req)
	resp, err := c.http.Do(req)
	if err != nil {
		// Keeps the chain: app/auth's "reconnect needed" stays visible.
		return nil, transport.CallError(ctx, vendor, ep, err)
	}
	defer resp.Body.Close()
	buf, err := c.bodies.Read(resp.Body, maxBody+1)
	// Every error below copies what it keeps of the body, and decoding
	// copies into out (json.RawMessage included), so the buffer goes back;
	// unless a query page was read in place, which then holds it.
	defer func() {
		if qr, ok := out.(*queryResult); ok && qr.inPlace {
			qr.body = buf
			return
		}
		c.bodies.Put(buf)
	}()
	if err != nil {
		return nil, &connector.Error{Vendor: vendor, Endpoint: ep, Status: resp.StatusCode, Category: connector.CatServer,
			Message: "reading response: " + err.Error()}
	}
	b := buf.Bytes()
	if len(b) > maxBody {
		return nil, &connector.Error{Vendor: vendor, Endpoint: ep, Status: resp.StatusCode, Category: connector.CatServer,
			Message: fmt.Sprintf("response larger than %d MiB", maxBody>>20)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.noteCallError(ctx, statusError(ep, resp, b))
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return resp.Header, nil
	}
	return resp.Header, c.noteDecoded(ctx, decode(ep, resp, b, out), out)
}

// decode parses a JSON body, turning any surprise into a server error that
// names the endpoint (never echoing the body: it could hold anything).
func decode(ep string, resp *http.Response, b []byte, out any) error {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct != "" && ct != "application/json" {
		return &connector.Error{Vendor: vendor, Endpoint: ep, Status: resp.StatusCode, Category: connector.CatServer,
			Message: fmt.Sprintf("unexpected %s response instead of JSON", ct)}
	}
	qr, isQuery := out.(*queryResult)
	if !isQuery || !qr.decodeInPlace(b) {
		// Unmarshal, not a Decoder: a Decoder copies the body into a buffer of
		// its own first (0.4 GB over the four 100k bench runs). No response
		// type decodes into an interface, so UseNumber changed nothing.
		if err := json.Unmarshal(b, out); err != nil {
			return &connector.Error{Vendor: vendor, Endpoint: ep, Status: resp.StatusCode, Category: connector.CatServer,
				Message: "malformed JSON response: " + err.Error()}
		}
	}
	if isQuery && qr.Records == nil {
		// Salesforce lists "records", [] for none: an answer without them
		// (a gateway's JSON) is not a query matching nothing, which would
		// offer (and cache) no users for OwnerId, or miss a lookup's match
		// and create a duplicate.
		return &connector.Error{Vendor: vendor, Endpoint: ep, Status: resp.StatusCode, Category: connector.CatServer,
			Message: `answer has no "records" list`}
	}
	return nil
}

// errorItem is one element of a REST error body.
type errorItem struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

func parseErrorItems(b []byte) []errorItem {
	var items []errorItem
	if json.Unmarshal(b, &items) == nil {
		return items
	}
	var one errorItem // some endpoints (OAuth, proxies) answer with an object
	if json.Unmarshal(b, &one) == nil && one.ErrorCode != "" {
		return []errorItem{one}
	}
	return nil
}

// statusError turns a non-2xx response into a categorized *connector.Error.
func statusError(ep string, resp *http.Response, b []byte) *connector.Error {
	e := &connector.Error{Vendor: vendor, Endpoint: ep, Status: resp.StatusCode}
	if items := parseErrorItems(b); len(items) > 0 {
		e.Code, e.Message = items[0].ErrorCode, items[0].Message
		for _, it := range items[1:] {
			e.Message += "; " + it.Message
		}
		if len(e.Message) > 2000 {
			e.Message = e.Message[:2000] + "…"
		}
	} else {
		ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		e.Message = fmt.Sprintf("unreadable error response (%s)", orDefault(ct, "no content type"))
	}
	switch s := resp.StatusCode; {
	case s == http.StatusUnauthorized:
		e.Category = connector.CatAuth
	case s == http.StatusForbidden && e.Code == "REQUEST_LIMIT_EXCEEDED":
		if strings.HasPrefix(e.Message, "Concurrent") {
			e.Category = connector.CatRateLimit
		} else {
			e.Category = connector.CatBudget
		}
	case s == http.StatusForbidden && e.Code == "INVALID_SESSION_ID":
		e.Category = connector.CatAuth
	case s == http.StatusForbidden && permissionHints[e.Code] != "":
		// The user's or the org's API access is gone: every later call is
		// refused alike, so the run stops (a batch split in halves would
		// spend 2n calls on it), and connecting again grants nothing.
		e.Category = connector.CatAccount
		e.Message += " (" + permissionHints[e.Code] + ")"
	case s == http.StatusForbidden:
		// "Verify that the logged-in user has appropriate permissions"
		// (REST API, Status Codes): the sign-in is fine, and connecting
		// again grants no permission; an administrator must.
		e.Category = connector.CatValidation
	case s == http.StatusNotFound:
		e.Category = connector.CatNotFound
	case s == http.StatusMultipleChoices || s == http.StatusConflict:
		e.Category = connector.CatConflict
	case s == http.StatusTooManyRequests:
		e.Category = connector.CatRateLimit
		if d, ok := transport.RetryAfter(resp, time.Now()); ok {
			e.RetryAfter = d
		}
	case s >= 400 && s < 500:
		e.Category = connector.CatValidation
	default:
		e.Category = connector.CatServer
	}
	return e
}

// permissionHints say what to do about a 403 that names a permission the
// org or the user lacks, which connecting again does not give.
var permissionHints = map[string]string{
	"API_CURRENTLY_DISABLED": "the Salesforce user crmsync signs in as lacks the API Enabled permission; an administrator grants it in the user's profile or a permission set, and connecting again does not",
	"API_DISABLED_FOR_ORG":   "this Salesforce org's edition has no API access; connecting again does not give it",
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func endpointOf(req *http.Request) string {
	if req == nil || req.URL == nil {
		return "request"
	}
	return req.Method + " " + req.URL.Path
}
