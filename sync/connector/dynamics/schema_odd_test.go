package dynamics

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// A 200 answer of a metadata collection without its "value" list (a
// gateway's JSON; the Web API always lists it, [] for none) is not a table
// without choice columns' options, secured columns or users: the schema
// must fail naming the endpoint, and nothing is cached. Taken for none,
// the users listing offered (and cached for a day) an ownerid picklist of
// no users, and a choice column had no options.
func TestDynamicsMetadataAnswerWithoutValueIsAnError(t *testing.T) {
	for _, tc := range []struct{ name, suffix, endpoint string }{
		{"users", "/systemusers", "/systemusers: HTTP 200"},
		{"picklists", "/Microsoft.Dynamics.CRM.PicklistAttributeMetadata", "PicklistAttributeMetadata: HTTP 200"},
		{"keys", "/Keys", "/Keys: HTTP 200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var on atomic.Bool
			on.Store(true)
			match := conformance.GetsEndingIn(tc.suffix)
			odd := &conformance.OddAnswers{Match: func(r *http.Request) bool { return on.Load() && match(r) },
				ContentType: "application/json; odata.metadata=minimal",
				Edit: func(body map[string]any, _ *http.Request) any {
					delete(body, "value")
					return body
				}}
			e := newEnvWrapped(t, dsim.Options{Seed: 131}, odd.Wrap)
			e.sim.SeedUsers([]dsim.User{{FullName: "Ada Lovelace", Email: "ada@acme.example"}})
			_, meta := storetest.MetaCache(t, "dv", "dynamics")
			client := e.oauthClient(t)
			sc, err := e.connectCached(t, client, meta).Schema(t.Context(), "contacts")
			if err == nil {
				f, _ := sc.Field("ownerid")
				t.Logf("schema read: ownerid with %d users", len(f.Options))
			}
			on.Store(false)
			f := ownerOf(t, e.connectCached(t, client, meta), "contacts")
			if len(f.Options) == 0 {
				t.Errorf("the next run's ownerid has no users: the odd answer was cached")
			}
			odd.CheckStopped(t, `Schema with a `+tc.suffix+` answer without "value"`, err, tc.endpoint, "value")
		})
	}
}
