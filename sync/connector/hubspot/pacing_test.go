package hubspot

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// jitter holds back every sixth search request for a moment after the
// limiter released it, as a busy machine does, and counts the 429s search
// gets back.
type jitter struct {
	next     http.RoundTripper
	searches atomic.Int64
	limited  atomic.Int64
}

func (j *jitter) RoundTrip(r *http.Request) (*http.Response, error) {
	search := strings.HasSuffix(r.URL.Path, "/search")
	if search && j.searches.Add(1)%6 == 0 {
		time.Sleep(150 * time.Millisecond)
	}
	resp, err := j.next.RoundTrip(r)
	if search && err == nil && resp.StatusCode == http.StatusTooManyRequests {
		j.limited.Add(1)
	}
	return resp, err
}

// TestSearchPacesDownUnderJitter: against the sandbox's own limit of five
// searches a second, requests that leave 210 ms apart but some of them
// late land six in a second. The connector slows search down after the
// first 429s instead of meeting one every sixth request.
func TestSearchPacesDownUnderJitter(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 30 pages at HubSpot's search rate")
	}
	e := newEnv(t, hssim.Options{Seed: 5})
	const n = 30 * pageSize
	recs := make([]map[string]string, n)
	for i := range recs {
		recs[i] = map[string]string{"email": fmt.Sprintf("paced%05d@example.com", i), "firstname": "Paced"}
	}
	e.seed(t, "contacts", recs)
	e.sim.SetRateLimits(true)
	client := e.oauthClient(t)
	j := &jitter{next: client.Transport}
	if j.next == nil {
		j.next = http.DefaultTransport
	}
	client.Transport = j
	c, err := newConnector(client, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	start, began := c.search.Limit(), time.Now()
	seen := map[string]bool{}
	for p, err := range c.Read(t.Context(), "contacts", "") {
		if err != nil {
			t.Fatalf("read after %d records: %v", len(seen), err)
		}
		for _, r := range p.Records {
			seen[r.ID] = true
		}
	}
	if len(seen) != n {
		t.Fatalf("read %d records, want %d", len(seen), n)
	}
	t.Logf("%d of %d searches answered 429; search paced at %v/s at the end", j.limited.Load(), j.searches.Load(), c.search.Limit())
	if j.limited.Load() == 0 {
		// Pages are read one after another: on a machine too busy to
		// answer a page in 210 ms, searches never reach five a second
		// and the pace has nothing to answer (two loaded CI runs).
		t.Skipf("no search reached the sandbox's limit in %d (%v for the read): the machine answered slower than the pace", j.searches.Load(), time.Since(began).Round(time.Millisecond))
	}
	if got := j.limited.Load(); got > 3 {
		t.Errorf("%d searches answered 429 in %d; want at most 3 before the pace settles (pace now %v)", got, j.searches.Load(), c.search.Limit())
	}
	if c.search.Limit() >= start || c.search.Limit() < minSearchRate {
		t.Errorf("search paced at %v after the 429s (started at %v); want slower, and at least %v", c.search.Limit(), start, minSearchRate)
	}
}

// TestNewLogsSlowerSearch: the account's logger reaches the connector, so
// a slowed search pace is a warning in the app's log, naming no token.
func TestNewLogsSlowerSearch(t *testing.T) {
	var searches atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/search") {
			writeBody(w, 200, "application/json", propsJSON)
			return
		}
		if searches.Add(1) == 1 {
			w.Header().Set("X-HubSpot-RateLimit-Interval-Milliseconds", "20")
			writeBody(w, 429, "application/json", `{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","policyName":"SECONDLY"}`)
			return
		}
		writeBody(w, 200, "application/json", `{"total":1,"results":[{"id":"1","properties":{"email":"p1@example.com","lastmodifieddate":"2026-11-24T10:00:00.000Z"}}]}`)
	}))
	t.Cleanup(srv.Close)
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := New(auth.StaticClient(nil, "Authorization", "Bearer ", secretToken), connector.Account{APIBase: srv.URL, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range c.Read(t.Context(), "contacts", "") {
		if err != nil {
			t.Fatal(err)
		}
	}
	out := logged.String()
	if !strings.Contains(out, "pacing search slower") || !strings.Contains(out, "per_second=4.51") {
		t.Errorf("log after a search 429 = %q; want the slower pace, 4.51/s", out)
	}
	if strings.Contains(out, secretToken) {
		t.Errorf("log names the token: %q", out)
	}
}
