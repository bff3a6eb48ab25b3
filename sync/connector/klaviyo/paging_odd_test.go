package klaviyo

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// newEnvRewriting serves GETs of /api/profiles through edit, which gets the
// sandbox's answer and the request and returns the body to send.
func newEnvRewriting(t *testing.T, opts kvsim.Options, odd *conformance.OddAnswers, edit func(body map[string]any, r *http.Request) any) *env {
	t.Helper()
	odd.Match, odd.Edit = conformance.GetsEndingIn("/api/profiles", "/api/profiles/"), edit
	odd.ContentType = "application/vnd.api+json"
	opts.PathPrefix = "/klaviyo"
	sim := kvsim.New(opts)
	return &env{sim: sim, base: conformance.Serve(t, "/klaviyo", odd.Wrap(sim))}
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
	odd := &conformance.OddAnswers{}
	e := newEnvRewriting(t, kvsim.Options{Seed: 91}, odd, func(body map[string]any, _ *http.Request) any {
		return map[string]any{"errors": "upstream timeout"}
	})
	seedProfiles(t, e, 3)
	c := e.connect(t)
	err := conformance.FirstError(c.Read(t.Context(), "profiles", ""))
	odd.CheckStopped(t, `Read of an answer without "data"`, err, "/api/profiles: HTTP 200", "data")
	hits, err := c.Lookup(t.Context(), "profiles", "email", []string{"p0@example.com"})
	if err == nil {
		t.Fatalf("Lookup of an answer without \"data\" found %d profiles and no error", len(hits))
	}
}

// A links.next naming the page just read stops the read with an error
// instead of asking for it again until the rate limits are spent.
func TestKlaviyoRepeatedNextLinkStopsTheRead(t *testing.T) {
	var e *env
	odd := &conformance.OddAnswers{Most: 5}
	e = newEnvRewriting(t, kvsim.Options{Seed: 92}, odd, func(body map[string]any, r *http.Request) any {
		body["links"] = map[string]any{"self": e.base + r.URL.RequestURI(), "next": e.base + r.URL.RequestURI()}
		return body
	})
	ctx := odd.Context(t)
	seedProfiles(t, e, 3)
	err := conformance.FirstError(e.connect(t).Read(ctx, "profiles", ""))
	odd.CheckStopped(t, "Read of a repeating links.next", err, "/api/profiles: HTTP 200", "links.next")
}
