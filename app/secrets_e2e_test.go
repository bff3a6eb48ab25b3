package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// echoTransport answers HubSpot's contact batch writes with a 400 whose
// message echoes the request's Authorization header, as a misbehaving
// gateway or vendor might.
type echoTransport struct{ echoedSecret }

func (e *echoTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	auth := r.Header.Get("Authorization")
	if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/crm/objects/") && strings.Contains(r.URL.Path, "/contacts/batch/") && auth != "" {
		e.note(strings.TrimPrefix(auth, "Bearer "))
		return vendorErrorAnswer(r, "application/json", map[string]string{"status": "error", "category": "VALIDATION_ERROR",
			"message": "Invalid input JSON; request headers were Authorization: " + auth}), nil
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
	a := openLoggedApp(t, et)
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatalf("connect %s: %v", v[0], err)
		}
	}
	saveSyncs(t, a.App, app.DemoSync("contacts", "hs", "sf"))
	res, runErr := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	tok := et.secret()
	if len(tok) < 8 {
		t.Fatalf("the batch write was never sent (run: %v %+v)", runErr, res.Summary)
	}
	// The log file is among the data folder's files; it must hold the
	// failure, so the search for the token in it is not of an empty file.
	if log := logFileText(t, a.App); !strings.Contains(log, "records failed") || !strings.Contains(log, "Invalid input JSON") {
		t.Errorf("the log file lacks the run's failed records; it holds:\n%s", log)
	}
	if leaks := a.secretLeaks("contacts", res, runErr, tok); len(leaks) > 0 {
		t.Errorf("the access token reached: %s (run error: %.160v)", strings.Join(leaks, ", "), runErr)
	}
}

// echoedSecret keeps the secret a vendor-error transport saw on a request
// and echoed back, for the test to search for afterwards.
type echoedSecret struct {
	mu   sync.Mutex
	seen string
}

func (e *echoedSecret) note(s string) { e.mu.Lock(); e.seen = s; e.mu.Unlock() }

func (e *echoedSecret) secret() string { e.mu.Lock(); defer e.mu.Unlock(); return e.seen }

// vendorErrorAnswer reads r's body away and answers it with a 400 of the
// given content type whose body is problem as JSON.
func vendorErrorAnswer(r *http.Request, contentType string, problem any) *http.Response {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	body, _ := json.Marshal(problem)
	return &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {contentType}},
		Body: io.NopCloser(bytes.NewReader(body)), Request: r}
}

// loggedApp is an app on a fresh data folder whose vendor calls go through
// a test's transport and whose debug log is also kept in memory, so a test
// can search all the app kept for a secret.
type loggedApp struct {
	*app.App
	logMu sync.Mutex
	log   bytes.Buffer
}

// openLoggedApp opens a loggedApp with no connection whose HTTP goes
// through rt; it closes when the test ends.
func openLoggedApp(t *testing.T, rt http.RoundTripper) *loggedApp {
	t.Helper()
	return openLoggedAppWith(t, rt, app.Options{})
}

// openLoggedAppWith is openLoggedApp with o's RetryMinWait and LookupLag
// (0: the connectors' own).
func openLoggedAppWith(t *testing.T, rt http.RoundTripper, o app.Options) *loggedApp {
	t.Helper()
	la := &loggedApp{}
	a, err := app.Open(context.Background(), app.Options{Home: t.TempDir(), Secrets: secret.NewMemory(), Vendors: registry.Vendors(),
		OpenBrowser: browser, RedirectPort: auth.AnyPort, HTTP: &http.Client{Transport: rt}, RetryMinWait: o.RetryMinWait, LookupLag: o.LookupLag,
		Logger: slog.New(slog.NewTextHandler(lockedWriter{&la.logMu, &la.log}, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	la.App = a
	return la
}

// secretLeaks lists the places that quote leaked after a run of syncName
// that returned res and runErr: the run's error and result, the stored runs'
// detail, the log and the files of the data folder.
func (la *loggedApp) secretLeaks(syncName string, res app.RunResult, runErr error, leaked string) []string {
	ctx := context.Background()
	var leaks []string
	if runErr != nil && strings.Contains(runErr.Error(), leaked) {
		leaks = append(leaks, "the run's error")
	}
	if b, _ := json.Marshal(res); bytes.Contains(b, []byte(leaked)) {
		leaks = append(leaks, "the run's result")
	}
	runs, _ := la.Runs(ctx, syncName, 10)
	for _, r := range runs {
		d, _ := la.RunDetail(ctx, r.Run.ID)
		if b, _ := json.Marshal(d); bytes.Contains(b, []byte(leaked)) {
			leaks = append(leaks, "run detail (runs show --json, CSV)")
			break
		}
	}
	la.logMu.Lock()
	if strings.Contains(la.log.String(), leaked) {
		leaks = append(leaks, "the log")
	}
	la.logMu.Unlock()
	// Every file of the data folder, in subfolders too (SQLite's -wal
	// and -shm, the log, anything written beside them).
	_ = filepath.WalkDir(la.Home(), func(f string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(leaked)) {
			rel, _ := filepath.Rel(la.Home(), f)
			leaks = append(leaks, "file "+rel)
		}
		return nil
	})
	return leaks
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
