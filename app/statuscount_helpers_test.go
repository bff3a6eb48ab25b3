package app_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// statusCounter counts the answers the sandbox sent, by vendor (the path's
// first segment) and status.
type statusCounter struct {
	mu   sync.Mutex
	seen map[string]int
	next http.RoundTripper
}

func (c *statusCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		vendor := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]
		c.mu.Lock()
		c.seen[vendor+" "+http.StatusText(resp.StatusCode)]++
		c.mu.Unlock()
	}
	return resp, err
}

func (c *statusCounter) count(vendor string, status int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen[vendor+" "+http.StatusText(status)]
}

// statusApp starts a sandbox with opts and an app whose HTTP goes through a
// status counter, connected to each vendor as name.
func statusApp(t *testing.T, opts sandbox.Options, conns ...[2]string) (*app.App, *sandbox.Server, *statusCounter) {
	t.Helper()
	ctx := context.Background()
	srv, err := sandbox.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	st := &statusCounter{seen: map[string]int{}, next: http.DefaultTransport}
	return appThrough(t, srv, &http.Client{Transport: st, Timeout: time.Minute}, conns...), srv, st
}
