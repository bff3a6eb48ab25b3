package brevo

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// A 200 answer of GET /v3/contacts/attributes without "attributes" (a
// gateway's JSON; Brevo's reference marks the list required, and every
// account has FIRSTNAME, LASTNAME, SMS…) is not an account without
// attributes: the schema must fail naming the endpoint, not be kept for
// the connector's life without a single attribute, so that every sync
// mapping FIRSTNAME is refused as naming a field that does not exist.
func TestBrevoAttributesAnswerWithoutListIsAnError(t *testing.T) {
	var on atomic.Bool
	on.Store(true)
	attrs := conformance.GetsEndingIn("/v3/contacts/attributes")
	odd := &conformance.OddAnswers{
		Match: func(r *http.Request) bool { return on.Load() && attrs(r) },
		Edit: func(body map[string]any, _ *http.Request) any {
			delete(body, "attributes")
			return body
		},
	}
	sim := bvsim.New(bvsim.Options{PathPrefix: "/brevo", Seed: 141})
	e := &env{sim: sim, base: conformance.Serve(t, "/brevo", odd.Wrap(sim))}
	_, cache := storetest.MetaCache(t, "bv", vendor)
	c := e.connect(t, func(o *options) { o.meta = cache })
	sc, err := c.Schema(t.Context(), objContacts)
	if err == nil {
		_, ok := sc.Field(bvsim.AttrFirstName)
		t.Logf("schema offered with %d fields (FIRSTNAME: %v)", len(sc.Fields), ok)
	}
	on.Store(false)
	next, err2 := c.Schema(t.Context(), objContacts)
	if err2 != nil {
		t.Fatal(err2)
	}
	if _, ok := next.Field(bvsim.AttrFirstName); !ok {
		t.Errorf("the next schema of the same connector has no FIRSTNAME: the odd answer was kept")
	}
	odd.CheckStopped(t, `Schema with an attributes answer without "attributes"`, err, "/v3/contacts/attributes: HTTP 200", "attributes")
}
