package zoho

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// A 200 answer of the users listing without "users" (a gateway's JSON;
// Zoho answers 204 for none) is not an organization without users: the
// schema must fail naming the endpoint rather than offer, and cache for a
// day, an Owner picklist of no users, which sends every owner to review.
func TestZohoUsersAnswerWithoutUsersIsAnError(t *testing.T) {
	var on atomic.Bool
	on.Store(true)
	odd := &conformance.OddAnswers{}
	e := newEnvRewriting(t, zsim.Options{Seed: 131}, "/users", odd, func(body map[string]any, _ *http.Request) any {
		delete(body, "users")
		return body
	})
	match := odd.Match
	odd.Match = func(r *http.Request) bool { return on.Load() && match(r) }
	e.sim.SeedUsers([]zsim.User{{FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example"}})
	_, meta := storetest.MetaCache(t, "zh", "zoho")
	connect := e.cachedConnector(t, meta)
	sc, err := connect().Schema(t.Context(), "Contacts")
	if err == nil {
		f, _ := sc.Field("Owner")
		t.Logf("Owner offered with %d users", len(f.Options))
	}
	on.Store(false)
	next, err2 := connect().Schema(t.Context(), "Contacts")
	if err2 != nil {
		t.Fatal(err2)
	}
	if f, _ := next.Field("Owner"); len(f.Options) == 0 {
		t.Errorf("the next run's Owner has no users: the odd answer was cached")
	}
	odd.CheckStopped(t, `Schema with a users answer without "users"`, err, "/users: HTTP 200", "users")
}
