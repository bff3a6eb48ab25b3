package hubspot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
	"golang.org/x/time/rate"
)

// maxBody caps a response body: 200 records with every property fit well
// within it, and a runaway or hostile body cannot exhaust memory.
const maxBody = 64 << 20

// response is a fully read HTTP response (its body in a buffer from
// c.bodies; see release), with HubSpot's error reading.
type response struct {
	*transport.Response
	date time.Time // the server's Date header; zero when absent
}

// release hands the body's buffer back for the next call. Only a caller
// that has decoded everything it keeps out of body may call it.
func (c *Connector) release(r *response) {
	if r != nil {
		r.Release()
	}
}

// rawJSON is a request body already encoded (batchBody).
type rawJSON []byte

// call sends one request with a JSON body (nil = none; rawJSON is sent as
// is) and reads the whole response, bounded. Only transport-level failures
// return an error here; the caller decides which statuses are fine.
func (c *Connector) call(ctx context.Context, method, path string, in any) (*response, error) {
	ep := method + " " + path
	var raw []byte
	if in != nil {
		if rb, ok := in.(rawJSON); ok {
			raw = rb
		} else {
			var err error
			if raw, err = json.Marshal(in); err != nil {
				return nil, &connector.Error{Vendor: vendor, Endpoint: ep, Category: connector.CatValidation, Message: "encode request: " + err.Error()}
			}
		}
	}
	req, err := transport.JSONRequest(ctx, method, c.base+path, raw)
	if err != nil {
		return nil, fmt.Errorf("hubspot: %s: %w", ep, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, transport.CallError(ctx, vendor, ep, err)
	}
	tr, err := transport.ReadResponse(resp, transport.ReadOptions{Vendor: vendor, Endpoint: ep, Limit: maxBody,
		Bodies: c.bodies, LenientType: true, OnHeader: c.adaptRate})
	if err != nil {
		return nil, err
	}
	r := &response{Response: tr}
	if d, err := http.ParseTime(tr.Header.Get("Date")); err == nil {
		r.date = d
	}
	return r, nil
}

// adaptRate follows the rolling-window limit HubSpot reports for this
// account (X-HubSpot-RateLimit-Max per -Interval-Milliseconds), which ranges
// from 100 to 190 per 10 s by app type and subscription. The rate leaves
// two bursts of headroom so a token bucket never overruns the window.
func (c *Connector) adaptRate(h http.Header) {
	if c.limiter == nil {
		return
	}
	maxN, err1 := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Max"))
	ms, err2 := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Interval-Milliseconds"))
	if err1 != nil || err2 != nil || ms <= 0 || maxN <= 2*c.limiter.Burst() {
		return
	}
	want := rate.Limit(float64(maxN-2*c.limiter.Burst()) * 1000 / float64(ms))
	if want != c.limiter.Limit() {
		c.limiter.SetLimit(want)
	}
}

// hsError is HubSpot's Error / StandardError body, plus the 429 fields.
type hsError struct {
	Status        string              `json:"status"`
	Message       string              `json:"message"`
	Category      string              `json:"category"`
	SubCategory   any                 `json:"subCategory"`
	CorrelationID string              `json:"correlationId"`
	Context       map[string][]string `json:"context"`
	Errors        []hsErrorDetail     `json:"errors"`
	ID            string              `json:"id"`
	// 429 bodies.
	ErrorType  string `json:"errorType"`
	PolicyName string `json:"policyName"`
}

type hsErrorDetail struct {
	Message     string              `json:"message"`
	Code        string              `json:"code"`
	In          string              `json:"in"`
	SubCategory string              `json:"subCategory"`
	Context     map[string][]string `json:"context"`
}

// apiError turns a failed response into a categorized *connector.Error.
func (r *response) apiError() *connector.Error {
	e := &connector.Error{Vendor: vendor, Endpoint: r.Endpoint, Status: r.Status, Category: statusCategory(r.Status)}
	var he hsError
	if err := json.Unmarshal(r.Body, &he); err != nil {
		e.Message = fmt.Sprintf("unreadable error body (%d bytes)", len(r.Body))
		return e
	}
	e.Code, e.Message = he.Category, he.Message
	if ds := details(he.Message, he.Errors); len(ds) == 1 && ds[0].Code != "" {
		e.Code = ds[0].Code
	}
	if r.Status == statusMigrating {
		migrationStop(e, r.Header)
	}
	if r.Status == http.StatusLocked {
		// Still locked after the retries: a passing state, so the run
		// stops for later instead of failing each record as bad data.
		e.Category = connector.CatRateLimit
	}
	if r.Status == http.StatusTooManyRequests {
		e.Code = he.PolicyName
		if he.PolicyName == "DAILY" {
			e.Category = connector.CatBudget
		}
	}
	if he.Category == "MISSING_SCOPES" {
		e.Category = connector.CatAuth
		if scopes := requiredScopes(he); len(scopes) > 0 {
			e.Message += " (the connection lacks the scope " + strings.Join(scopes, " or ") +
				": reconnect HubSpot and approve it; a scope the account's plan does not include cannot be approved)"
		}
	}
	return e
}

// requiredScopes are the scopes a MISSING_SCOPES answer names, any one of
// which opens the call: errors[].context.requiredGranularScopes, or
// requiredScopes in older answers.
func requiredScopes(he hsError) []string {
	var out []string
	add := func(ctx map[string][]string) {
		for _, k := range []string{"requiredGranularScopes", "requiredScopes"} {
			for _, s := range ctx[k] {
				if !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
	}
	add(he.Context)
	for _, d := range he.Errors {
		add(d.Context)
	}
	return out
}

func statusCategory(status int) connector.Category { return connector.StatusCategory(status) }

// classify is HubSpot's retry policy for the shared transport: 429 waits for
// Retry-After or the rolling window, except the DAILY policy, which stops the
// run; 5xx and network failures back off; every other 4xx (validation, 401)
// is final.
//
// reset, when not nil, says when a DAILY 429 without Retry-After resets
// (Connector.dailyReset).
func classify(resp *http.Response, err error, reset func(*http.Response) (time.Time, time.Duration, bool)) transport.Verdict {
	if err != nil || resp == nil {
		return transport.DefaultClassify(resp, err)
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		he := peekError(resp)
		if he.PolicyName == "DAILY" {
			ep := ""
			if resp.Request != nil {
				ep = resp.Request.Method + " " + resp.Request.URL.Path
			}
			msg := he.Message
			if msg == "" {
				msg = "daily API limit reached"
			}
			// "The daily limits reset at midnight based on the time zone
			// setting of the HubSpot account" (API usage guidelines).
			e := &connector.Error{Vendor: vendor, Endpoint: ep, Status: s, Category: connector.CatBudget, Code: "DAILY"}
			when := "at midnight in the HubSpot account's time zone"
			if d, ok := transport.RetryAfter(resp, time.Now()); ok {
				e.RetryAfter = d
				when += ", in " + d.Round(time.Minute).String()
			} else if reset != nil {
				// No Retry-After: the portal's midnight, from its zone.
				if at, d, ok := reset(resp); ok {
					e.RetryAfter = d
					when += fmt.Sprintf(", %s: at %s, in %s", at.Location(), at.Format("2006-01-02 15:04 MST"), d.Round(time.Minute))
				}
			}
			e.Message = msg + " (the limit resets " + when + ")"
			return transport.Verdict{Stop: e}
		}
		if _, ok := transport.RetryAfter(resp, time.Now()); ok {
			return transport.Verdict{Retry: true} // the transport honours Retry-After
		}
		if searchLimited(resp) {
			// HubSpot's search 429 has no Retry-After: wait out the
			// one-second window a shorter back-off would land in again.
			return transport.Verdict{Retry: true, Wait: searchWindow}
		}
		if ms, err := strconv.Atoi(resp.Header.Get("X-HubSpot-RateLimit-Interval-Milliseconds")); err == nil && ms > 0 && ms <= 60000 {
			return transport.Verdict{Retry: true, Wait: time.Duration(ms) * time.Millisecond}
		}
		return transport.Verdict{Retry: true}
	case s == statusMigrating:
		// The account is moving between data centres for up to a day:
		// stop the run, saying when HubSpot asks to be called again.
		ep := ""
		if resp.Request != nil {
			ep = resp.Request.Method + " " + resp.Request.URL.Path
		}
		he := peekError(resp)
		e := &connector.Error{Vendor: vendor, Endpoint: ep, Status: s, Code: he.Category, Message: he.Message}
		migrationStop(e, resp.Header)
		return transport.Verdict{Stop: e}
	case s == http.StatusLocked:
		// A lock on a portal taking a burst of writes; it lasts 2 seconds
		// and the request changed nothing (Error handling, 423 Locked).
		wait, _ := transport.RetryAfter(resp, time.Now())
		return transport.Verdict{Retry: true, Wait: max(wait, lockWait)}
	case s >= 500 && s != http.StatusNotImplemented:
		return transport.Verdict{Retry: true}
	}
	return transport.Verdict{}
}

// statusMigrating is HubSpot's 477 Migration in Progress (Error handling).
const statusMigrating = 477

// migrationStop makes e, a 477, a wait that stops the run, saying for how
// long from its Retry-After.
func migrationStop(e *connector.Error, h http.Header) {
	e.Category = connector.CatRateLimit
	if e.Message == "" {
		e.Message = "Migration in Progress"
	}
	if d, ok := transport.RetryAfter(&http.Response{Header: h}, time.Now()); ok {
		e.RetryAfter = d
		e.Message += fmt.Sprintf(" (HubSpot asks to be called again after %s)", d.Round(time.Second))
	}
}

// lockWait is how long HubSpot's 423 Locked lasts: "include a delay of at
// least 2 seconds between your API requests".
const lockWait = 2 * time.Second

// searchWindow is the span of HubSpot's search limit (five a second).
const searchWindow = time.Second

// peekError reads a small error body and puts it back for the caller.
func peekError(resp *http.Response) hsError {
	var he hsError
	_ = json.Unmarshal(transport.PeekBody(resp), &he)
	return he
}
