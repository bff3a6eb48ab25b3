package klaviyo

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	kvsim "github.com/crmsync/crmsync/sync/sandbox/klaviyo"
)

// A 200 answer of the profile-property sampling read (GET /api/profiles,
// fields[profile]=properties) without "data" (a gateway's JSON; a JSON:API
// listing always has "data", [] for none) is not an account whose
// profiles carry no custom property: the schema must fail naming the
// endpoint rather than cache "no properties" for a day, during which
// every sync mapping properties.<name> is refused as naming a field that
// does not exist.
func TestKlaviyoPropertySampleWithoutDataIsAnError(t *testing.T) {
	var on atomic.Bool
	on.Store(true)
	odd := &conformance.OddAnswers{}
	e := newEnvRewriting(t, kvsim.Options{Seed: 141}, odd, func(body map[string]any, _ *http.Request) any {
		delete(body, "data")
		return body
	})
	match := odd.Match
	odd.Match = func(r *http.Request) bool { return on.Load() && match(r) }
	if _, err := e.sim.SeedProfiles([]kvsim.ProfileSeed{{Email: "ada@example.com", Properties: map[string]any{"Plan": "Pro", "Seats": 12}}}); err != nil {
		t.Fatal(err)
	}
	_, cache := storetest.MetaCache(t, "kv", "klaviyo")
	connect := func() *Connector { return e.connect(t, func(o *options) { o.meta = cache }) }
	sc, err := connect().Schema(t.Context(), objProfiles)
	if err == nil {
		_, ok := sc.Field(propertiesPrefix + "Plan")
		t.Logf("schema offered with %d fields (properties.Plan: %v)", len(sc.Fields), ok)
	}
	on.Store(false)
	next, err2 := connect().Schema(t.Context(), objProfiles)
	if err2 != nil {
		t.Fatal(err2)
	}
	if _, ok := next.Field(propertiesPrefix + "Plan"); !ok {
		t.Errorf("the next run's schema has no properties.Plan: the odd answer was cached")
	}
	odd.CheckStopped(t, `Schema with a property sample without "data"`, err, "/api/profiles: HTTP 200", "data")
}
