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

// echoTransport answers HubSpot's contact batch writes with a 400 whose
// message echoes the request's Authorization header, as a misbehaving
// gateway or vendor might.
type echoTransport struct {
	mu   sync.Mutex
	seen string
}

func (e *echoTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	auth := r.Header.Get("Authorization")
	if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/crm/objects/") && strings.Contains(r.URL.Path, "/contacts/batch/") && auth != "" {
		e.mu.Lock()
		e.seen = strings.TrimPrefix(auth, "Bearer ")
		e.mu.Unlock()
		if r.Body != nil {
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
		body, _ := json.Marshal(map[string]string{"status": "error", "category": "VALIDATION_ERROR",
			"message": "Invalid input JSON; request headers were Authorization: " + auth})
		return &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestVendorErrorEchoingTokenNotStored: README promises tokens never
// reach the data file, logs or error messages. A vendor error body that
// echoes the Authorization header must not carry the access token into
// the run's error, the log, the run's detail or the SQLite file.
func TestVendorErrorEchoingTokenNotStored(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 5, 6)
	et := &echoTransport{}
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
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	res, runErr := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	et.mu.Lock()
	tok := et.seen
	et.mu.Unlock()
	if len(tok) < 8 {
		t.Fatalf("the batch write was never sent (run: %v %+v)", runErr, res.Summary)
	}
	var leaks []string
	if runErr != nil && strings.Contains(runErr.Error(), tok) {
		leaks = append(leaks, "the run's error")
	}
	if b, _ := json.Marshal(res); bytes.Contains(b, []byte(tok)) {
		leaks = append(leaks, "the run's result")
	}
	runs, _ := a.Runs(ctx, "contacts", 10)
	for _, r := range runs {
		d, _ := a.RunDetail(ctx, r.Run.ID)
		if b, _ := json.Marshal(d); bytes.Contains(b, []byte(tok)) {
			leaks = append(leaks, "run detail (runs show --json, CSV)")
			break
		}
	}
	logMu.Lock()
	if strings.Contains(logBuf.String(), tok) {
		leaks = append(leaks, "the log")
	}
	logMu.Unlock()
	// The log file is among the data folder's files; it must hold the
	// failure, so the search below is not of an empty file.
	if log := logFileText(t, a); !strings.Contains(log, "records failed") || !strings.Contains(log, "Invalid input JSON") {
		t.Errorf("the log file lacks the run's failed records; it holds:\n%s", log)
	}
	files, _ := filepath.Glob(filepath.Join(home, "*"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(tok)) {
			leaks = append(leaks, "file "+filepath.Base(f))
		}
	}
	if len(leaks) > 0 {
		t.Errorf("the access token reached: %s (run error: %.160v)", strings.Join(leaks, ", "), runErr)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
