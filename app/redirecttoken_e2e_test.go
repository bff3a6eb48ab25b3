package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
)

// redirectOnce answers the first request matching match with a 302 to
// elsewhere, as a gateway or CDN in front of the vendor can; the rest go to
// the sandbox.
type redirectOnce struct {
	next      http.RoundTripper
	match     func(*http.Request) bool
	elsewhere string
	once      sync.Once
}

func (t *redirectOnce) RoundTrip(r *http.Request) (*http.Response, error) {
	hit := false
	if t.match(r) {
		t.once.Do(func() { hit = true })
	}
	if !hit {
		return t.next.RoundTrip(r)
	}
	h := http.Header{}
	h.Set("Location", t.elsewhere+r.URL.RequestURI())
	return &http.Response{StatusCode: http.StatusFound, Header: h, Body: http.NoBody, Request: r}, nil
}

// TestRedirectDoesNotCarryTokenElsewhere: a Salesforce read is
// answered with a redirect to another host. The sign-in must not go
// there: Go drops Authorization on a cross-host redirect, but crmsync adds
// the token in its transport, on every hop.
func TestRedirectDoesNotCarryTokenElsewhere(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 814, 4)
	var leaked atomic.Value
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("Authorization"); v != "" {
			leaked.Store(v)
		}
		http.Error(w, "not here", http.StatusNotFound)
	}))
	t.Cleanup(foreign.Close)
	// Another host name than the sandbox's 127.0.0.1.
	elsewhere := strings.Replace(foreign.URL, "127.0.0.1", "localhost", 1)
	var armed atomic.Bool
	tr := &redirectOnce{next: http.DefaultTransport, elsewhere: elsewhere, match: func(r *http.Request) bool {
		return armed.Load() && r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/services/data/") && strings.Contains(r.URL.Path, "query")
	}}
	a := openHome(t, t.TempDir(), secret.NewMemory(), &http.Client{Transport: tr})
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	armed.Store(true)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("run: %v %+v", err, res.Summary)
	if err == nil || !strings.Contains(err.Error(), "another host") {
		t.Errorf("the run's error %v does not say the redirect went to another host", err)
	}
	if v, ok := leaked.Load().(string); ok {
		t.Errorf("the Salesforce sign-in went to %s on a redirect: Authorization %q", elsewhere, v[:min(len(v), 14)]+"…")
	}
}
