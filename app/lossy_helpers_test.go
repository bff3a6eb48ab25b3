package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// lossyTransport forwards every request to the sandbox, but for requests
// that match (and while lose > 0) it throws the vendor's answer away after
// the vendor has acted on the request and answers 502 instead: the
// "response lost after the create happened" case (a proxy or load balancer
// failing, a connection reset while the answer travels).
type lossyTransport struct {
	next  http.RoundTripper
	mu    sync.Mutex
	match func(*http.Request) bool
	lose  int
	lost  []string
	// kill, when set, is called on a hit instead of answering 502, and
	// the call fails with context.Canceled: the process dying after the
	// vendor acted and before crmsync heard back.
	kill func()
	// corrupt, when set, answers the vendor's own status and headers with
	// the first half of its body: a malformed JSON page.
	corrupt bool
	// hook, when set, sees every request before it is sent.
	hook func(*http.Request)
}

func (t *lossyTransport) setHook(fn func(*http.Request)) { t.mu.Lock(); t.hook = fn; t.mu.Unlock() }

func (t *lossyTransport) arm(n int, match func(*http.Request) bool) {
	t.mu.Lock()
	t.lose, t.match = n, match
	t.mu.Unlock()
}

func (t *lossyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	hook := t.hook
	t.mu.Unlock()
	if hook != nil {
		hook(r)
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	t.mu.Lock()
	hit := t.lose > 0 && t.match != nil && t.match(r)
	if hit {
		t.lose--
		t.lost = append(t.lost, r.Method+" "+r.URL.Path)
	}
	t.mu.Unlock()
	if !hit {
		return resp, nil
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if t.corrupt {
		resp.Body = io.NopCloser(strings.NewReader(string(body[:len(body)/2])))
		resp.ContentLength = int64(len(body) / 2)
		resp.Header.Del("Content-Length")
		return resp, nil
	}
	if t.kill != nil {
		t.kill()
		return nil, context.Canceled
	}
	return &http.Response{StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"text/plain"}}, Body: io.NopCloser(strings.NewReader("bad gateway")), Request: r}, nil
}

func (t *lossyTransport) lostCalls() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.lost...)
}

// lossyApp is connectedSandbox with the app's HTTP client going through a
// lossyTransport, and the given vendors connected.
func lossyApp(t *testing.T, seed int64, contacts int, vendors ...[2]string) (*app.App, *sandbox.Server, *lossyTransport) {
	t.Helper()
	return lossyAppWith(t, seed, contacts, app.Options{}, vendors...)
}

// lossyAppWith is lossyApp with o's RetryMinWait, LookupLag and PollFirst.
func lossyAppWith(t *testing.T, seed int64, contacts int, o app.Options, vendors ...[2]string) (*app.App, *sandbox.Server, *lossyTransport) {
	t.Helper()
	srv := startSandbox(t, seed, contacts)
	tr := &lossyTransport{next: http.DefaultTransport}
	return appThroughWith(t, srv, &http.Client{Transport: tr}, o, vendors...), srv, tr
}

// appThrough opens an app over srv whose HTTP client is client, with the
// given vendors connected (vendor, connection name).
func appThrough(t *testing.T, srv *sandbox.Server, client *http.Client, vendors ...[2]string) *app.App {
	t.Helper()
	return appThroughRetrying(t, srv, client, 0, vendors...)
}

// appThroughRetrying is appThrough with the vendors' first retry back-off
// step minWait (app.Options.RetryMinWait; 0 = the connectors' own).
func appThroughRetrying(t *testing.T, srv *sandbox.Server, client *http.Client, minWait time.Duration, vendors ...[2]string) *app.App {
	t.Helper()
	return appThroughWith(t, srv, client, app.Options{RetryMinWait: minWait}, vendors...)
}

// appThroughWith is appThrough with o's RetryMinWait, LookupLag and
// PollFirst (0: the connectors' own).
func appThroughWith(t *testing.T, srv *sandbox.Server, client *http.Client, o app.Options, vendors ...[2]string) *app.App {
	t.Helper()
	ctx := context.Background()
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), OpenBrowser: browser,
		RedirectPort: auth.AnyPort, HTTP: client, RetryMinWait: o.RetryMinWait, LookupLag: o.LookupLag, PollFirst: o.PollFirst})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, v := range vendors {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	return a
}

// killedRun runs sync name and kills it (its context cancelled, as a
// process killed) once the first call match picks has gone out, its answer
// lost; the test fails unless exactly that call was lost.
func killedRun(t *testing.T, a *app.App, tr *lossyTransport, name string, match func(*http.Request) bool) app.RunResult {
	t.Helper()
	ctx, kill := context.WithCancel(context.Background())
	defer kill()
	tr.kill = kill
	tr.arm(1, match)
	res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
	tr.kill = nil
	t.Logf("killed run: %v %+v lost=%v", err, res.Summary, tr.lostCalls())
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("the run of %s was not killed at the call armed: %v", name, tr.lostCalls())
	}
	return res
}

func postTo(suffix string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, suffix)
	}
}

// lossyClockedApp is an app connected to HubSpot and Salesforce through a
// lossyTransport, with the app and the sandbox (seed, contacts per vendor;
// 0 for the default) on a stepClock.
func lossyClockedApp(t *testing.T, seed int64, contacts int) (*app.App, *sandbox.Server, *lossyTransport, *stepClock) {
	t.Helper()
	ctx := context.Background()
	clock := &stepClock{at: time.Now().UTC().Truncate(time.Second)}
	srv, err := sandbox.Start(ctx, "127.0.0.1:0", sandbox.Options{Seed: seed, Contacts: contacts, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	tr := &lossyTransport{next: http.DefaultTransport}
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(), OpenBrowser: browser,
		RedirectPort: auth.AnyPort, HTTP: &http.Client{Transport: tr}, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, c := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, c[0], c[1]); err != nil {
			t.Fatalf("connect %s: %v", c[0], err)
		}
	}
	return a, srv, tr, clock
}
