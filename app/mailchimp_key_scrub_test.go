package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// keyEchoTransport answers Mailchimp's batch subscribe with a 400 problem
// whose detail quotes the API key itself (the password of the request's
// Basic credential), as a gateway or an error page naming the key might.
type keyEchoTransport struct {
	mu   sync.Mutex
	seen string
}

func (e *keyEchoTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	_, key, ok := r.BasicAuth()
	if ok && r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/mailchimp/3.0/lists/") && strings.Count(strings.TrimSuffix(r.URL.Path, "/"), "/") == 4 {
		e.mu.Lock()
		e.seen = key
		e.mu.Unlock()
		if r.Body != nil {
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
		body, _ := json.Marshal(map[string]any{"type": "https://mailchimp.com/developer/marketing/docs/errors/",
			"title": "Invalid Resource", "status": 400, "detail": "The API key " + key + " cannot write to this audience.", "instance": "x"})
		return &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {"application/problem+json"}},
			Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestMailchimpKeyInErrorNotStored: a Mailchimp connection made with
// an API key sends it base64-encoded in Basic auth; vendor text quoting
// the key as the user pasted it must not reach the run's error, its
// detail, the log or any file of the data folder.
func TestMailchimpKeyInErrorNotStored(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 5, 6)
	et := &keyEchoTransport{}
	var logBuf bytes.Buffer
	var logMu sync.Mutex
	home := t.TempDir()
	a, err := app.Open(ctx, app.Options{Home: home, Secrets: secret.NewMemory(), Vendors: registry.Vendors(),
		OpenBrowser: browser, RedirectPort: freePort(t), HTTP: &http.Client{Transport: et},
		Logger: slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logBuf}, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.ConnectSandbox(ctx, srv, "hubspot", "hs"); err != nil {
		t.Fatal(err)
	}
	key := srv.Mailchimp().MintAPIKey()
	if _, err := a.Connect(ctx, app.ConnectRequest{Vendor: "mailchimp", Name: "mc", Token: key, APIBase: srv.URL() + "/mailchimp"}); err != nil {
		t.Fatalf("connect with an API key: %v", err)
	}
	saveSyncs(t, a, app.DemoMailchimpSync("audience", "hs", "mc"))
	res, runErr := a.Run(ctx, "audience", app.RunOptions{Confirm: true})
	et.mu.Lock()
	seen := et.seen
	et.mu.Unlock()
	if seen != key {
		t.Fatalf("the batch subscribe was never sent with the key (run: %v %+v)", runErr, res.Summary)
	}
	var leaks []string
	if runErr != nil && strings.Contains(runErr.Error(), key) {
		leaks = append(leaks, "the run's error")
	}
	if b, _ := json.Marshal(res); bytes.Contains(b, []byte(key)) {
		leaks = append(leaks, "the run's result")
	}
	runs, _ := a.Runs(ctx, "audience", 10)
	for _, r := range runs {
		d, _ := a.RunDetail(ctx, r.Run.ID)
		if b, _ := json.Marshal(d); bytes.Contains(b, []byte(key)) {
			leaks = append(leaks, "run detail (runs show --json, CSV)")
			break
		}
	}
	logMu.Lock()
	if strings.Contains(logBuf.String(), key) {
		leaks = append(leaks, "the log")
	}
	logMu.Unlock()
	files, _ := filepath.Glob(filepath.Join(home, "*"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(key)) {
			leaks = append(leaks, "file "+filepath.Base(f))
		}
	}
	if len(leaks) > 0 {
		t.Errorf("the Mailchimp API key reached: %s (run error: %.200v)", strings.Join(leaks, ", "), runErr)
	}
}
