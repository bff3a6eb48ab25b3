package klaviyo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// newEnvRewriting serves GETs of /api/profiles through edit, which gets the
// sandbox's answer and the request and returns the body to send.
func newEnvRewriting(t *testing.T, opts kvsim.Options, calls *atomic.Int64, edit func(body map[string]any, r *http.Request) any) *env {
	t.Helper()
	opts.PathPrefix = "/klaviyo"
	sim := kvsim.New(opts)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/api/profiles") && !strings.HasSuffix(r.URL.Path, "/api/profiles/") {
			sim.ServeHTTP(w, r)
			return
		}
		calls.Add(1)
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, r)
		var body map[string]any
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		w.Header().Set("Content-Type", "application/vnd.api+json")
		json.NewEncoder(w).Encode(edit(body, r))
	})
	return &env{sim: sim, base: conformance.Serve(t, "/klaviyo", h)}
}

func seedProfiles(t *testing.T, e *env, n int) {
	t.Helper()
	var rows []kvsim.ProfileSeed
	for i := range n {
		rows = append(rows, kvsim.ProfileSeed{Email: fmt.Sprintf("p%d@example.com", i)})
	}
	if _, err := e.sim.SeedProfiles(rows); err != nil {
		t.Fatal(err)
	}
}

// A 200 answer without "data" (a proxy's or gateway's JSON) is not an
// empty listing: a read must fail naming the endpoint, not end as if
// nothing changed, and a lookup must not find "no match".
func TestKlaviyoAnswerWithoutDataIsAnError(t *testing.T) {
	var calls atomic.Int64
	e := newEnvRewriting(t, kvsim.Options{Seed: 91}, &calls, func(body map[string]any, _ *http.Request) any {
		return map[string]any{"errors": "upstream timeout"}
	})
	seedProfiles(t, e, 3)
	c := e.connect(t)
	var err error
	n := 0
	for page, e := range c.Read(t.Context(), "profiles", "") {
		if e != nil {
			err = e
			break
		}
		n += len(page.Records)
	}
	if calls.Load() == 0 {
		t.Fatal("no profiles listing went through the proxy; the test proves nothing")
	}
	if err == nil {
		t.Fatalf("Read of an answer without \"data\" read %d profiles and no error", n)
	}
	if msg := err.Error(); !strings.Contains(msg, "/api/profiles: HTTP 200") || !strings.Contains(msg, "data") {
		t.Errorf("error %q does not name the endpoint and the missing \"data\"", msg)
	}
	hits, err := c.Lookup(t.Context(), "profiles", "email", []string{"p0@example.com"})
	if err == nil {
		t.Fatalf("Lookup of an answer without \"data\" found %d profiles and no error", len(hits))
	}
}

// A links.next naming the page just read stops the read with an error
// instead of asking for it again until the rate limits are spent.
func TestKlaviyoRepeatedNextLinkStopsTheRead(t *testing.T) {
	const most = 5
	var calls atomic.Int64
	var self atomic.Value
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e := newEnvRewriting(t, kvsim.Options{Seed: 92}, &calls, func(body map[string]any, r *http.Request) any {
		if calls.Load() > most {
			cancel() // the read would go on for ever: stop it
		}
		body["links"] = map[string]any{"self": self.Load().(string) + r.URL.RequestURI(), "next": self.Load().(string) + r.URL.RequestURI()}
		return body
	})
	self.Store(e.base)
	seedProfiles(t, e, 3)
	c := e.connect(t)
	var err error
	for _, e := range c.Read(ctx, "profiles", "") {
		if e != nil || calls.Load() > most {
			err = e
			break
		}
	}
	if n := calls.Load(); n > most {
		t.Fatalf("Read asked for the same page %d times", n)
	}
	if err == nil {
		t.Fatal("Read of a repeating links.next ended without an error")
	}
	if msg := err.Error(); !strings.Contains(msg, "/api/profiles: HTTP 200") || !strings.Contains(msg, "links.next") {
		t.Errorf("error %q does not name the endpoint and the repeated links.next", msg)
	}
}
