package hubspot

import (
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// A 200 answer of the owners listing without "results" (a gateway's JSON;
// HubSpot lists them, [] for none) is neither a connection without the
// owners scope nor a portal without owners: the schema must fail naming
// the endpoint rather than offer hubspot_owner_id with no users, which
// sends every owner to review and blames a missing scope.
func TestHubSpotOwnersAnswerWithoutResultsIsAnError(t *testing.T) {
	odd := &conformance.OddAnswers{Match: conformance.GetsEndingIn(ownersPath),
		Edit: func(body map[string]any, _ *http.Request) any {
			delete(body, "results")
			return body
		}}
	sim := hssim.New(hssim.Options{PathPrefix: "/hubspot", Seed: 131})
	e := &env{sim: sim, base: conformance.Serve(t, "/hubspot", odd.Wrap(sim))}
	e.sim.SeedOwners([]hssim.Owner{{Email: "ada@acme.example", FirstName: "Ada", LastName: "Lovelace"}})
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := c.Schema(t.Context(), "contacts")
	if err == nil {
		f, _ := sc.Field("hubspot_owner_id")
		t.Logf("hubspot_owner_id offered with %d users", len(f.Options))
	}
	odd.CheckStopped(t, `Schema with an owners answer without "results"`, err, "/owners", "results")
}
