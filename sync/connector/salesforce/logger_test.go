package salesforce

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// TestAccountLoggerSeesRetriedFailures: a connection cut mid-request is
// retried, and the account's logger says so, naming no token.
func TestAccountLoggerSeesRetriedFailures(t *testing.T) {
	f := &fakeOrg{t: t, routes: map[string]func(http.ResponseWriter, *http.Request){}}
	f.json("GET /sf/services/data/", 200, `[{"label":"Summer '26","url":"/services/data/v67.0","version":"67.0"}]`)
	f.json("GET /sf/services/data/v67.0/sobjects/Contact/describe", 200, describeContact)
	var cut atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cut.CompareAndSwap(false, true) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn}))
	client := &http.Client{Transport: tokenRT{next: http.DefaultTransport}}
	c, err := newConn(client, connector.Account{APIBase: srv.URL + "/sf", Logger: log},
		transport.Options{MinWait: time.Millisecond, MaxWait: time.Second, MaxRetries: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Schema(t.Context(), "Contact"); err != nil {
		t.Fatalf("schema after one cut connection: %v", err)
	}
	out := logged.String()
	if !strings.Contains(out, "request failed") || !strings.Contains(out, "/sf/services/data/") {
		t.Errorf("log after a cut connection = %q; want the failed request and its URL", out)
	}
	if strings.Contains(out, secretToken) {
		t.Errorf("log names the token: %q", out)
	}
}
