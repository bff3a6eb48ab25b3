package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"golang.org/x/time/rate"
)

// script serves the given statuses in order, then 200; it records bodies and
// arrival times.
type script struct {
	mu       sync.Mutex
	statuses []int
	headers  []map[string]string
	bodies   []string
	lengths  []int64 // each request's Content-Length; -1 when sent chunked
	arrivals []time.Time
	hits     atomic.Int64
	arrived  chan struct{}
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	i := len(s.arrivals)
	s.arrivals = append(s.arrivals, time.Now())
	s.bodies = append(s.bodies, string(b))
	s.lengths = append(s.lengths, r.ContentLength)
	status := http.StatusOK
	if i < len(s.statuses) {
		status = s.statuses[i]
	}
	var hdr map[string]string
	if i < len(s.headers) {
		hdr = s.headers[i]
	}
	s.mu.Unlock()
	s.hits.Add(1)
	if s.arrived != nil {
		select {
		case s.arrived <- struct{}{}:
		default:
		}
	}
	for k, v := range hdr {
		w.Header().Set(k, v)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"n":`+strconv.Itoa(i)+`}`)
}

func fast(opts Options) Options {
	opts.Vendor = "test"
	opts.MinWait = time.Millisecond
	if opts.MaxWait == 0 {
		opts.MaxWait = 5 * time.Second
	}
	return opts
}

func get(t *testing.T, ctx context.Context, c *Client, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(req)
}

func TestRetryAfterHonouredOn429(t *testing.T) {
	s := &script{statuses: []int{429}, headers: []map[string]string{{"Retry-After": "1"}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := New(srv.Client(), fast(Options{}))
	resp, err := get(t, context.Background(), c, srv.URL+"/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || c.Calls() != 2 || s.hits.Load() != 2 {
		t.Fatalf("status %d calls %d hits %d", resp.StatusCode, c.Calls(), s.hits.Load())
	}
	// Back-off alone would be ~1ms; the gap proves Retry-After was used.
	if gap := s.arrivals[1].Sub(s.arrivals[0]); gap < 900*time.Millisecond {
		t.Fatalf("retried after %s, want >= 1s", gap)
	}
}

func TestRetryAfterBeyondCapIsRateLimitError(t *testing.T) {
	s := &script{statuses: []int{429}, headers: []map[string]string{{"Retry-After": "3600"}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := New(srv.Client(), fast(Options{MaxWait: time.Second}))
	_, err := get(t, context.Background(), c, srv.URL+"/x")
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Category != connector.CatRateLimit || ce.RetryAfter != time.Hour {
		t.Fatalf("err = %#v", err)
	}
	if !errors.Is(err, connector.ErrRateLimit) || s.hits.Load() != 1 {
		t.Fatalf("hits %d err %v", s.hits.Load(), err)
	}
}

func TestRetryAfterParsesHTTPDate(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	resp := &http.Response{Header: http.Header{"Retry-After": {now.Add(7 * time.Second).Format(http.TimeFormat)}}}
	if d, ok := RetryAfter(resp, now); !ok || d != 7*time.Second {
		t.Fatalf("got %s %v", d, ok)
	}
	resp.Header.Set("Retry-After", "garbage")
	if _, ok := RetryAfter(resp, now); ok {
		t.Fatal("garbage parsed")
	}
}

// TestServerErrorsBackOffThenSucceedReplayingBody: every attempt carries
// the whole body with its length, whether net/http can replay the body
// (GetBody) or the transport has to buffer it.
func TestServerErrorsBackOffThenSucceedReplayingBody(t *testing.T) {
	bodies := map[string]func() io.Reader{
		"in memory": func() io.Reader { return strings.NewReader(`{"a":1}`) },
		"a stream":  func() io.Reader { return io.MultiReader(strings.NewReader(`{"a"`), strings.NewReader(`:1}`)) },
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			s := &script{statuses: []int{503, 500}}
			srv := httptest.NewServer(s)
			defer srv.Close()
			c := New(srv.Client(), fast(Options{}))
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/w", body())
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || c.Calls() != 3 || len(s.bodies) != 3 {
				t.Fatalf("status %d calls %d attempts %d", resp.StatusCode, c.Calls(), len(s.bodies))
			}
			for i, b := range s.bodies {
				if b != `{"a":1}` || (name == "in memory" && s.lengths[i] != 7) {
					t.Fatalf("attempt %d body %q, Content-Length %d", i, b, s.lengths[i])
				}
			}
		})
	}
}

func TestServerErrorsExhaustedReturnLastResponse(t *testing.T) {
	s := &script{statuses: []int{502, 502, 502, 502, 502, 502, 502}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := New(srv.Client(), fast(Options{MaxRetries: 2}))
	resp, err := get(t, context.Background(), c, srv.URL+"/x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || s.hits.Load() != 3 || c.Calls() != 3 || !strings.Contains(string(body), `"n"`) {
		t.Fatalf("status %d hits %d calls %d body %q", resp.StatusCode, s.hits.Load(), c.Calls(), body)
	}
}

func TestValidationErrorNeverRetried(t *testing.T) {
	s := &script{statuses: []int{400, 400}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	// Even a classifier that wants to retry everything cannot retry a 400.
	c := New(srv.Client(), fast(Options{Classify: func(*http.Response, error) Verdict { return Verdict{Retry: true} }}))
	resp, err := get(t, context.Background(), c, srv.URL+"/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || s.hits.Load() != 1 {
		t.Fatalf("status %d hits %d", resp.StatusCode, s.hits.Load())
	}
}

func TestStopVerdictEndsCall(t *testing.T) {
	s := &script{statuses: []int{403, 403}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	stop := &connector.Error{Vendor: "test", Category: connector.CatBudget, Code: "REQUEST_LIMIT_EXCEEDED"}
	c := New(srv.Client(), fast(Options{Classify: func(r *http.Response, err error) Verdict {
		if r != nil && r.StatusCode == 403 {
			return Verdict{Stop: stop}
		}
		return DefaultClassify(r, err)
	}}))
	_, err := get(t, context.Background(), c, srv.URL+"/x")
	if !errors.Is(err, connector.ErrBudget) || s.hits.Load() != 1 {
		t.Fatalf("err %v hits %d", err, s.hits.Load())
	}
}

func TestDailyBudgetStopsBeforeSending(t *testing.T) {
	s := &script{}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := New(srv.Client(), fast(Options{DailyBudget: 3, Used: func() int64 { return 1 }}))
	for i := 0; i < 2; i++ {
		resp, err := get(t, context.Background(), c, srv.URL+"/x")
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		resp.Body.Close()
	}
	_, err := get(t, context.Background(), c, srv.URL+"/x")
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Category != connector.CatBudget || ce.Endpoint != "GET /x" {
		t.Fatalf("err = %v", err)
	}
	if s.hits.Load() != 2 || c.Calls() != 2 {
		t.Fatalf("hits %d calls %d", s.hits.Load(), c.Calls())
	}
}

func TestDailyBudgetStopsRetryStorm(t *testing.T) {
	s := &script{statuses: []int{503, 503, 503, 503, 503, 503}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := New(srv.Client(), fast(Options{DailyBudget: 2}))
	_, err := get(t, context.Background(), c, srv.URL+"/x")
	if !errors.Is(err, connector.ErrBudget) || s.hits.Load() != 2 {
		t.Fatalf("err %v hits %d", err, s.hits.Load())
	}
}

func TestCancelDuringRetryWait(t *testing.T) {
	s := &script{statuses: []int{429}, headers: []map[string]string{{"Retry-After": "30"}}, arrived: make(chan struct{}, 1)}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := New(srv.Client(), fast(Options{MaxWait: time.Minute}))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-s.arrived; cancel() }()
	_, err := get(t, ctx, c, srv.URL+"/x")
	if !errors.Is(err, context.Canceled) || s.hits.Load() != 1 {
		t.Fatalf("err %v hits %d", err, s.hits.Load())
	}
}

func TestCancelDuringLimiterWait(t *testing.T) {
	s := &script{arrived: make(chan struct{}, 1)}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := New(srv.Client(), fast(Options{Rate: rate.Every(time.Hour), Burst: 1}))
	resp, err := get(t, context.Background(), c, srv.URL+"/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := get(t, ctx, c, srv.URL+"/x")
		done <- err
	}()
	cancel()
	if err := <-done; err == nil || s.hits.Load() != 1 || c.Calls() != 1 {
		t.Fatalf("err %v hits %d calls %d", err, s.hits.Load(), c.Calls())
	}
	if c.Limiter() == nil || c.Limiter().Limit() != rate.Every(time.Hour) {
		t.Fatal("limiter not exposed")
	}
}

func TestNetworkErrorRetriedThenReported(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // connection refused from now on
	c := New(nil, fast(Options{MaxRetries: 2}))
	_, err := get(t, context.Background(), c, url+"/x")
	if err == nil || c.Calls() != 3 || !strings.HasPrefix(err.Error(), "test: GET /x") {
		t.Fatalf("err %v calls %d", err, c.Calls())
	}
}

type failingRT struct{ n atomic.Int64 }

func (f *failingRT) RoundTrip(*http.Request) (*http.Response, error) {
	f.n.Add(1)
	return nil, errors.New("sign-in expired: reconnect needed")
}

// An error from the caller's RoundTripper (e.g. app/auth failing to refresh)
// is not a network failure and must not be retried.
func TestRoundTripperErrorNotRetried(t *testing.T) {
	rt := &failingRT{}
	c := New(&http.Client{Transport: rt}, fast(Options{}))
	_, err := get(t, context.Background(), c, "http://127.0.0.1:1/x")
	if err == nil || !strings.Contains(err.Error(), "reconnect needed") || rt.n.Load() != 1 {
		t.Fatalf("err %v attempts %d", err, rt.n.Load())
	}
}

// TestNoReplayCreateIsSentOnce: a request marked NoReplay (a create with no
// idempotency key) is not sent again after a 5xx, whose outcome is unknown,
// but is after a 429, which says it was not carried out; an unmarked one
// is retried after both.
func TestNoReplayCreateIsSentOnce(t *testing.T) {
	post := func(ctx context.Context, statuses ...int) (int, int64) {
		t.Helper()
		s := &script{statuses: statuses}
		srv := httptest.NewServer(s)
		defer srv.Close()
		c := New(srv.Client(), fast(Options{MaxRetries: 3}))
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/create", strings.NewReader(`{"name":"x"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, s.hits.Load()
	}
	ctx := context.Background()
	if status, hits := post(NoReplay(ctx), 502); status != 502 || hits != 1 {
		t.Errorf("NoReplay after a 502: status %d after %d requests; want the 502 after one", status, hits)
	}
	if status, hits := post(NoReplay(ctx), 429); status != 200 || hits != 2 {
		t.Errorf("NoReplay after a 429: status %d after %d requests; want 200 after two", status, hits)
	}
	if status, hits := post(ctx, 502); status != 200 || hits != 2 {
		t.Errorf("unmarked after a 502: status %d after %d requests; want 200 after two", status, hits)
	}
}
