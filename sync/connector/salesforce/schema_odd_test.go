package salesforce

import (
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// A 200 answer of a SOQL query without its "records" (a gateway's JSON;
// Salesforce always lists them, [] for none) is neither an org without
// users nor a lookup without a match. The users read for OwnerId must fail
// naming the query rather than offer (and cache for a day) a picklist of
// no users, which sends every owner to review; a lookup before a create
// must fail rather than find nothing, which would create a duplicate.
func TestSalesforceQueryAnswerWithoutRecordsIsAnError(t *testing.T) {
	odd := &conformance.OddAnswers{Match: conformance.GetsEndingIn("/query"),
		ContentType: "application/json;charset=UTF-8",
		Edit: func(body map[string]any, _ *http.Request) any {
			delete(body, "records")
			return body
		}}
	o := newOrgWrapped(t, sfsim.Options{PathPrefix: mount, Seed: 131}, odd.Wrap)
	o.sim.SeedUsers([]sfsim.User{{FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example", Active: true}})
	if _, err := o.sim.Create("Contact", map[string]string{"LastName": "Hopper", "Email": "grace@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, meta := metaStore(t)
	sc, err := o.connectCached(t, meta).Schema(t.Context(), "Contact")
	if err == nil {
		f, _ := sc.Field("OwnerId")
		t.Logf("OwnerId offered with %d users", len(f.Options))
	}
	odd.CheckStopped(t, `Schema with a users query answer without "records"`, err, "/query", "records")

	odd.Calls.Store(0)
	plain := o.connectCached(t, nil)
	if _, err := plain.Schema(t.Context(), "Contact"); err != nil {
		t.Logf("schema without a cache: %v", err)
	}
	recs, err := plain.Lookup(t.Context(), "Contact", "Email", []string{"grace@example.com"})
	if err == nil {
		t.Logf("Lookup found %d records", len(recs))
	}
	odd.CheckStopped(t, `Lookup with a query answer without "records"`, err, "/query", "records")
}
