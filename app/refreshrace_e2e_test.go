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
)

// refreshMeet holds the first refresh request to a token endpoint until a
// second one arrives (or a few seconds pass): two sessions of one
// connection refreshing at the same moment, deterministically.
type refreshMeet struct {
	next    http.RoundTripper
	suffix  string
	mu      sync.Mutex
	seen    int
	arrived chan struct{}
}

func newRefreshMeet(suffix string) *refreshMeet {
	return &refreshMeet{next: http.DefaultTransport, suffix: suffix, arrived: make(chan struct{})}
}

func (m *refreshMeet) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, m.suffix) || !isRefresh(r) {
		return m.next.RoundTrip(r)
	}
	m.mu.Lock()
	m.seen++
	n := m.seen
	m.mu.Unlock()
	switch n {
	case 1:
		select {
		case <-m.arrived:
			// Let the second request go first: it spends the refresh
			// token this one carries.
			time.Sleep(200 * time.Millisecond)
		case <-time.After(3 * time.Second):
		}
	case 2:
		close(m.arrived)
	}
	return m.next.RoundTrip(r)
}

// isRefresh reports whether r is a refresh_token grant, leaving its body
// readable.
func isRefresh(r *http.Request) bool {
	if r.GetBody == nil {
		return false
	}
	body, err := r.GetBody()
	if err != nil {
		return false
	}
	defer body.Close()
	b, _ := io.ReadAll(body)
	return strings.Contains(string(b), "grant_type=refresh_token")
}

// TestConcurrentRefreshWithRotationKeepsConnection: Salesforce rotates
// refresh tokens and invalidates the old one at once. A scheduled run and a
// button press use the same connection when its access token has expired:
// both sessions refresh. The connection must not end up "reconnect needed"
// (nothing is wrong with the grant) and both runs must finish.
func TestConcurrentRefreshWithRotationKeepsConnection(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 811, 6)
	meet := newRefreshMeet("/services/oauth2/token")
	a, err := app.Open(ctx, app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(),
		OpenBrowser: browser, RedirectPort: auth.AnyPort, HTTP: &http.Client{Transport: meet}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoCompaniesSync("companies", "hs", "sf"))
	srv.Salesforce().Auth().ExpireAllAccess()

	runs := []string{"contacts", "companies"}
	errs, status := runAtOnce(runs, func(i int, name string) (app.RunResult, error) {
		return a.Run(ctx, name, app.RunOptions{Confirm: true})
	})
	t.Logf("refresh requests: %d", meet.seen)
	for i, name := range runs {
		if errs[i] != nil || !strings.HasPrefix(status[i], "success") {
			t.Errorf("run of %s beside the other: %v %s", name, errs[i], status[i])
		}
	}
	c, err := a.DB().Connection(ctx, "sf")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status == "reconnect" {
		t.Errorf("connection sf marked %q (%s) after two sessions refreshed at once", c.Status, c.StatusDetail)
	}
	// The keyring still holds a sign-in the vendor accepts.
	srv.Salesforce().Auth().ExpireAllAccess()
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Errorf("a later run: %v %+v", err, res.Summary)
	}
}

// TestTwoProcessesRefreshAtOnceKeepConnection: the window and the CLI
// (two processes, one data folder, one keyring entry) both find the
// Salesforce access token expired and refresh with the same rotating
// refresh token. Salesforce honours one; the other process must take the
// rotated token the first stored instead of reporting "reconnect needed".
func TestTwoProcessesRefreshAtOnceKeepConnection(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 812, 6)
	meet := newRefreshMeet("/services/oauth2/token")
	client := &http.Client{Transport: meet}
	home, secrets := t.TempDir(), secret.NewMemory()
	window := openHome(t, home, secrets, client)
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := window.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	saveSyncs(t, window, app.DemoSync("contacts", "hs", "sf"), app.DemoCompaniesSync("companies", "hs", "sf"))
	cli := openHome(t, home, secrets, client)
	srv.Salesforce().Auth().ExpireAllAccess()

	procs := []*app.App{window, cli}
	runs := []string{"contacts", "companies"}
	errs, status := runAtOnce(runs, func(i int, name string) (app.RunResult, error) {
		return procs[i].Run(ctx, name, app.RunOptions{Confirm: true})
	})
	t.Logf("refresh requests: %d", meet.seen)
	for i, name := range runs {
		if errs[i] != nil || !strings.HasPrefix(status[i], "success") {
			t.Errorf("run of %s in process %d: %v %s", name, i, errs[i], status[i])
		}
	}
	c, err := window.DB().Connection(ctx, "sf")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status == "reconnect" {
		t.Errorf("connection sf marked %q (%s) after two processes refreshed at once", c.Status, c.StatusDetail)
	}
}

// runAtOnce runs run for each name at once and returns each one's error
// and "status: message".
func runAtOnce(names []string, run func(i int, name string) (app.RunResult, error)) ([]error, []string) {
	errs, status := make([]error, len(names)), make([]string, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			res, err := run(i, name)
			errs[i] = err
			if res.Summary != nil {
				status[i] = res.Summary.Status + ": " + res.Summary.Message
			}
		})
	}
	wg.Wait()
	return errs, status
}
