// Package transport is the HTTP layer every connector shares: a per-connection
// rate limiter (golang.org/x/time/rate) waited on before every attempt, a
// retrying loop (hashicorp/go-retryablehttp) steered by a per-vendor
// classifier, Retry-After handling and a daily API budget that stops a run
// cleanly instead of overrunning the customer's allocation.
package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	retryablehttp "github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Verdict is a classifier's decision about one attempt.
type Verdict struct {
	Retry bool
	// Wait before the next attempt; 0 = Retry-After if the response has one,
	// else exponential back-off with jitter.
	Wait time.Duration
	// Stop, when non-nil, ends the call now with this error (e.g. a
	// *connector.Error with CatBudget for Salesforce REQUEST_LIMIT_EXCEEDED).
	Stop error
}

// Options configures a Client.
type Options struct {
	Vendor     string
	Rate       rate.Limit // requests per second for this connection; 0 = unlimited
	Burst      int        // default 1
	MaxRetries int        // default 5
	MaxWait    time.Duration
	// MinWait is the first back-off step (default 500ms); it doubles per
	// retry up to MaxWait. Tests set it small.
	MinWait time.Duration
	// Classify decides per attempt; nil = DefaultClassify.
	Classify func(resp *http.Response, err error) Verdict
	// DailyBudget caps calls per day (0 = unlimited). The budget is spent
	// when Used() + Calls() reaches it; Used must not count this Client's own
	// calls (the app persists Calls() after a run). With Limiters, Used is
	// the calls stored today and the Limiters count every client's.
	DailyBudget int64
	Used        func() int64
	Logger      *slog.Logger
	// Limiters share the request limiter ("requests") among the
	// connection's clients; nil = this Client's own.
	Limiters *connector.Limiters
	// Concurrency caps the connection's calls in flight, from sending the
	// request until its body is closed, across its clients (Limiters);
	// 0 = no cap.
	Concurrency int
	// Describe reads a failed answer as the connector's own error (the
	// vendor's code and words), for a call the transport ends itself: a
	// wait asked for longer than MaxWait. nil = the transport's words only.
	Describe func(*Response) *connector.Error
	// Window reads the vendor's rate-limit window from an answer: the
	// requests left in it and the time until it resets (ok false: the
	// answer says nothing). When none are left, the next request to the
	// same window (WindowKey; nil = one window) waits for the reset rather
	// than drawing a 429, unless the reset is further off than MaxWait.
	// With Limiters, every session of the connection waits for it.
	Window    func(*http.Response) (remaining int, reset time.Duration, ok bool)
	WindowKey func(*http.Request) string
	// Admit, when set, may refuse an attempt before it is counted or sent
	// (Salesforce's org-wide reserve); its error, a *connector.Error of
	// CatBudget, ends the call like a spent DailyBudget. nil = admit all.
	Admit func(*http.Request) error
}

// Client sends requests for one connection.
type Client struct {
	base    *http.Client // the caller's client, transport wrapped by the limiter
	opts    Options
	limiter *rate.Limiter
	slots   chan struct{} // nil without Options.Concurrency
	calls   atomic.Int64

	// holds are the connection's used-up windows (Limiters' marks "window
	// <key>": the UnixNano of the reset), so every session waits for a
	// window one of them saw spent; a private set without Limiters.
	holds *connector.Limiters
}

// New wraps base (typically app/auth's token-adding client; nil = a zero
// http.Client). base's timeout, redirect policy and transport are kept.
func New(base *http.Client, opts Options) *Client {
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = 5
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 60 * time.Second
	}
	if opts.MinWait <= 0 {
		opts.MinWait = 500 * time.Millisecond
	}
	if opts.MinWait > opts.MaxWait {
		opts.MinWait = opts.MaxWait
	}
	if opts.Burst <= 0 {
		opts.Burst = 1
	}
	if opts.Rate <= 0 {
		opts.Rate = rate.Inf
	}
	if opts.Classify == nil {
		opts.Classify = DefaultClassify
	}
	if opts.Vendor == "" {
		opts.Vendor = "http"
	}
	c := &Client{opts: opts, limiter: opts.Limiters.Get("requests", opts.Rate, opts.Burst), holds: opts.Limiters}
	if c.holds == nil {
		c.holds = &connector.Limiters{}
	}
	if opts.Concurrency > 0 {
		c.slots = opts.Limiters.Slots("in-flight", opts.Concurrency)
	}
	hc := http.Client{}
	if base != nil {
		hc = *base
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = &gate{c: c, next: next}
	c.base = &hc
	return c
}

// Calls returns the number of requests actually sent, retries included.
func (c *Client) Calls() int64 { return c.calls.Load() }

// Limiter returns the connection's limiter, e.g. to slow it down when the
// vendor's window headers say so.
func (c *Client) Limiter() *rate.Limiter { return c.limiter }

// Do sends req with the context from req, waiting on the limiter before
// every attempt and retrying as the classifier says. Each attempt replays
// the body through req.GetBody, which net/http sets for an in-memory body;
// any other body is buffered first. On a final failing status the last
// response is returned with a nil error for the connector to interpret; a
// budget stop, a Stop verdict, a context end or a network failure return an
// error.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	rreq, err := retryable(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %s %s: %w", c.opts.Vendor, req.Method, req.URL.Path, err)
	}
	var last Verdict // the verdict of the attempt just made, read by Backoff
	rc := &retryablehttp.Client{
		HTTPClient:   c.base,
		RetryWaitMin: c.opts.MinWait,
		RetryWaitMax: c.opts.MaxWait,
		RetryMax:     c.opts.MaxRetries,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			last = Verdict{}
			connector.RecordAttempt(ctx, ctx.Err() != nil || outcomeUnknown(resp, err) || resp != nil && resp.StatusCode < 400) // < 400: may have written
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			var ce *connector.Error
			if errors.As(err, &ce) && ce.Category == connector.CatBudget {
				return false, ce
			}
			var le *limiterError
			if errors.As(err, &le) {
				return false, le // the context cannot cover the wait
			}
			if noReplay(ctx) && outcomeUnknown(resp, err) {
				// The vendor may have carried the request out before its
				// answer was lost: sent again, a create would make the
				// records twice. The caller settles it (a lookup, the
				// engine's journal).
				return false, nil
			}
			v := c.opts.Classify(resp, err)
			if v.Stop != nil {
				return false, v.Stop
			}
			if !v.Retry || isValidation(resp) {
				return false, nil
			}
			if v.Wait <= 0 {
				if ra, ok := RetryAfter(resp, time.Now()); ok {
					v.Wait = ra
				}
			}
			if v.Wait > c.opts.MaxWait {
				// Waiting less than the vendor asked would only earn another
				// refusal; report it so the engine can reschedule.
				return false, c.overCap(req, resp, v.Wait)
			}
			last = v
			return true, nil
		},
		Backoff: func(minWait, maxWait time.Duration, attempt int, _ *http.Response) time.Duration {
			if last.Wait > 0 {
				return last.Wait
			}
			return jitterBackoff(minWait, maxWait, attempt)
		},
	}
	if c.opts.Logger != nil {
		rc.Logger = c.opts.Logger // *slog.Logger satisfies retryablehttp.LeveledLogger
	}
	resp, err := rc.Do(rreq)
	if err != nil {
		if resp != nil {
			drain(resp.Body)
		}
		var ce *connector.Error
		if errors.As(err, &ce) {
			return nil, ce
		}
		if ctxErr := req.Context().Err(); ctxErr != nil {
			err = ctxErr
		}
		return nil, &callError{vendor: c.opts.Vendor, ep: endpoint(req), err: withoutURL(err)}
	}
	return resp, nil
}

// overCap is the stop of a call whose vendor asked to wait longer than
// MaxWait: the vendor's own error when Describe reads one, with the wait
// for the scheduler.
func (c *Client) overCap(req *http.Request, resp *http.Response, wait time.Duration) *connector.Error {
	note := fmt.Sprintf("vendor asked to wait %s, more than the %s cap", wait, c.opts.MaxWait)
	e := &connector.Error{Vendor: c.opts.Vendor, Endpoint: endpoint(req), Status: statusOf(resp),
		Category: connector.CatRateLimit, Message: note, RetryAfter: wait}
	if c.opts.Describe == nil || resp == nil {
		return e
	}
	r := &Response{Vendor: c.opts.Vendor, Endpoint: e.Endpoint, Status: resp.StatusCode, Header: resp.Header, Body: PeekBody(resp)}
	ve := c.opts.Describe(r)
	if ve == nil || (ve.Code == "" && ve.Message == "") {
		return e
	}
	if ve.Category != connector.CatBudget && ve.Category != connector.CatAccount {
		ve.Category = connector.CatRateLimit
	}
	if ve.RetryAfter <= 0 {
		ve.RetryAfter = wait
	}
	ve.Message += " (" + note + ")"
	return ve
}

// callError is a call of Do that failed with no answer to read: the
// network after the retries, the context's end, a failure of the caller's
// RoundTripper (app/auth's reconnect needed). It names the vendor and the
// endpoint once, which CallError replaces with the connector's own.
type callError struct {
	vendor, ep string
	err        error
}

func (e *callError) Error() string { return e.vendor + ": " + e.ep + ": " + e.err.Error() }
func (e *callError) Unwrap() error { return e.err }

// withoutURL drops the *url.Error net/http wraps a failure in: it prints
// the whole URL, whose query runs to kilobytes (a SOQL statement, a
// filter) and can hold a searched email; the endpoint says where.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// retryable wraps req for retryablehttp. Given the body itself,
// retryablehttp copies it into a buffer of its own; a batch body is 20 to
// 100 KB, 75 MB over a 100k first sync, so an in-memory body is replayed
// from req.GetBody instead.
func retryable(req *http.Request) (*retryablehttp.Request, error) {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody == nil {
		return retryablehttp.FromRequest(req)
	}
	bare := *req
	bare.Body, bare.GetBody = nil, nil
	rreq, err := retryablehttp.FromRequest(&bare)
	if err != nil {
		return nil, err
	}
	getBody := req.GetBody
	if err := rreq.SetBody(retryablehttp.ReaderFunc(func() (io.Reader, error) { return getBody() })); err != nil {
		return nil, err
	}
	rreq.ContentLength = req.ContentLength // SetBody cannot see through GetBody's io.NopCloser
	return rreq, nil
}

// gate runs inside http.Client for every attempt: budget first, then the
// limiter, then the count.
type gate struct {
	c    *Client
	next http.RoundTripper
}

func (g *gate) RoundTrip(req *http.Request) (*http.Response, error) {
	c := g.c
	if c.opts.Admit != nil {
		if err := c.opts.Admit(req); err != nil {
			closeReqBody(req)
			return nil, err
		}
	}
	if err := c.reserve(req); err != nil {
		closeReqBody(req)
		return nil, err
	}
	if err := c.waitWindow(req); err != nil {
		c.unreserve()
		closeReqBody(req)
		return nil, &limiterError{err}
	}
	if err := c.limiter.Wait(req.Context()); err != nil {
		c.unreserve() // not sent after all
		closeReqBody(req)
		return nil, &limiterError{err}
	}
	if c.slots == nil {
		resp, err := g.next.RoundTrip(req)
		c.noteWindow(req, resp, err)
		return resp, err
	}
	select {
	case c.slots <- struct{}{}:
	case <-req.Context().Done():
		c.unreserve()
		closeReqBody(req)
		return nil, &limiterError{req.Context().Err()}
	}
	resp, err := g.next.RoundTrip(req)
	c.noteWindow(req, resp, err)
	if err != nil {
		<-c.slots
		return resp, err
	}
	// The connection is the vendor's to count until the body is read.
	resp.Body = &slotBody{ReadCloser: resp.Body, release: sync.OnceFunc(func() { <-c.slots })}
	return resp, nil
}

// slotBody gives its call's slot back when the body is closed.
type slotBody struct {
	io.ReadCloser
	release func()
}

func (b *slotBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

// limiterError is a limiter wait that could not finish within the context.
type limiterError struct{ err error }

func (e *limiterError) Error() string { return "rate limiter: " + e.err.Error() }
func (e *limiterError) Unwrap() error { return e.err }

// reserve counts one call, refusing it when the daily budget is spent.
// With the connection's Limiters the count is theirs, across every client
// of the connection (Used is then the calls stored today); without, it is
// this client's on top of Used.
func (c *Client) reserve(req *http.Request) error {
	n := c.calls.Add(1)
	if c.opts.DailyBudget <= 0 {
		return nil
	}
	var ok bool
	if c.opts.Limiters != nil {
		ok = c.opts.Limiters.Spend(c.opts.DailyBudget, c.opts.Used)
	} else {
		var used int64
		if c.opts.Used != nil {
			used = c.opts.Used()
		}
		ok = used+n <= c.opts.DailyBudget
	}
	if !ok {
		c.calls.Add(-1)
		return &connector.Error{Vendor: c.opts.Vendor, Endpoint: endpoint(req), Category: connector.CatBudget,
			Message: fmt.Sprintf("daily API budget of %d calls reached", c.opts.DailyBudget)}
	}
	return nil
}

// unreserve gives back a call reserve counted that was not sent.
func (c *Client) unreserve() {
	c.calls.Add(-1)
	if c.opts.DailyBudget > 0 {
		c.opts.Limiters.Unspend()
	}
}

type noReplayKey struct{}

// NoReplay marks the requests sent with ctx as unsafe to send twice: a
// create with no idempotency key. The transport still retries an answer
// that says the request was not carried out (429, a refused connection),
// but not a 5xx or a broken connection, whose outcome is unknown.
func NoReplay(ctx context.Context) context.Context {
	return context.WithValue(ctx, noReplayKey{}, true)
}

func noReplay(ctx context.Context) bool {
	v, _ := ctx.Value(noReplayKey{}).(bool)
	return v
}

// outcomeUnknown reports an attempt the vendor may have acted on.
func outcomeUnknown(resp *http.Response, err error) bool {
	if err != nil {
		return !errors.Is(err, syscall.ECONNREFUSED)
	}
	return resp != nil && resp.StatusCode >= 500
}

// DefaultClassify retries connection failures (not a context end), 429 and
// 5xx other than 501; it never retries other 4xx.
func DefaultClassify(resp *http.Response, err error) Verdict {
	if err != nil {
		return Verdict{Retry: isNetworkError(err)}
	}
	if resp == nil {
		return Verdict{}
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		return Verdict{Retry: true}
	case s >= 500 && s != http.StatusNotImplemented:
		return Verdict{Retry: true}
	}
	return Verdict{}
}

// isNetworkError reports a failure of the connection itself (refused,
// reset, timed out, cut short), worth retrying. Other errors from a
// RoundTripper, such as app/auth failing to refresh a token, are not.
func isNetworkError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ue *url.Error // itself a net.Error whatever it wraps: look inside
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// RetryAfter parses a Retry-After header given in seconds or as an HTTP date.
func RetryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 && secs < 1e6 {
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// isValidation reports a 4xx that says the request itself is wrong; no
// classifier may retry it.
func isValidation(resp *http.Response) bool {
	if resp == nil {
		return false
	}
	switch resp.StatusCode {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict,
		http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// jitterBackoff is exponential back-off with "equal jitter": half the step
// fixed, half random, capped at maxWait.
func jitterBackoff(minWait, maxWait time.Duration, attempt int) time.Duration {
	step := minWait
	for i := 0; i < attempt && step < maxWait; i++ {
		step *= 2
	}
	if step > maxWait {
		step = maxWait
	}
	half := step / 2
	if half <= 0 {
		return step
	}
	return half + rand.N(half+1)
}

func endpoint(req *http.Request) string { return req.Method + " " + req.URL.Path }

func statusOf(resp *http.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}

func drain(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

func closeReqBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// CallError is what a connector returns when Do failed for one of its
// calls to endpoint ep: a *connector.Error as it came; the cancellation,
// wrapped; a lost sign-in (anything that is a connector.ErrAuth, such as
// app/auth's ErrReconnectNeeded), wrapped with its chain intact, so the app
// can ask for a reconnect; any other failure (the network, after the
// retries) as a server error naming it.
func CallError(ctx context.Context, vendor, ep string, err error) error {
	var ce *connector.Error
	if errors.As(err, &ce) {
		return err
	}
	var de *callError
	if errors.As(err, &de) {
		err = de.err // named once, by the connector's endpoint
	}
	if ctx.Err() != nil || errors.Is(err, connector.ErrAuth) {
		return fmt.Errorf("%s: %s: %w", vendor, ep, err)
	}
	return &connector.Error{Vendor: vendor, Endpoint: ep, Category: connector.CatServer, Message: err.Error(), Cause: err}
}

// JSONRequest builds a request that sends raw as its JSON body (nil = no
// body) and accepts JSON. GetBody is set, so a retry or a refreshed token
// can send the body again.
func JSONRequest(ctx context.Context, method, url string, raw []byte) (*http.Request, error) {
	var body io.Reader
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, err
	}
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// PeekBody reads up to 64 KiB of resp's body, for a Classify to look into
// an error, and puts it back for the caller.
func PeekBody(resp *http.Response) []byte {
	if resp == nil || resp.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return b
}
