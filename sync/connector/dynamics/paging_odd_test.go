package dynamics

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// contactsThrough has odd rewrite the GETs of the contacts collection.
func contactsThrough(odd *conformance.OddAnswers, edit func(body map[string]any, r *http.Request) any) *conformance.OddAnswers {
	odd.Match = conformance.GetsEndingIn(apiRoot + "/contacts")
	odd.Edit = edit
	odd.ContentType = "application/json; odata.metadata=minimal"
	return odd
}

func seedContacts(t *testing.T, e *env, n int) {
	t.Helper()
	for i := range n {
		if _, err := e.sim.Create("contacts", map[string]any{"lastname": fmt.Sprintf("Row %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// A 200 answer without the "value" list (a proxy's or gateway's JSON of
// another shape) is not an empty table: listing ids for delete detection
// must fail, naming the endpoint, rather than report every row gone.
func TestListIDsAnswerWithoutValueIsAnError(t *testing.T) {
	odd := contactsThrough(&conformance.OddAnswers{}, func(body map[string]any, _ *http.Request) any {
		delete(body, "value")
		return body
	})
	e := newEnvWrapped(t, dsim.Options{Seed: 71}, odd.Wrap)
	seedContacts(t, e, 3)
	c := e.connect(t)
	err := conformance.FirstError(c.ListIDs(t.Context(), "contacts"))
	odd.CheckStopped(t, `ListIDs of an answer without "value"`, err, "/api/data/v9.2/contacts: HTTP 200", "value")
	for recs, err2 := range c.Read(t.Context(), "contacts", "") {
		if err2 == nil {
			t.Fatalf("Read of an answer without \"value\" returned a page of %d records and no error", len(recs.Records))
		}
		break
	}
}

// An @odata.nextLink that names the page just read (a proxy answering
// every page alike, or a server fault) stops the read with an error after
// that page, instead of asking for it again until the daily limit is spent.
func TestRepeatedNextLinkStopsTheRead(t *testing.T) {
	var e *env
	odd := contactsThrough(&conformance.OddAnswers{Most: 5}, func(body map[string]any, r *http.Request) any {
		body["@odata.nextLink"] = e.srv.URL + r.URL.RequestURI()
		return body
	})
	ctx := odd.Context(t)
	e = newEnvWrapped(t, dsim.Options{Seed: 72}, odd.Wrap)
	seedContacts(t, e, 3)
	c := e.connect(t)
	err := conformance.FirstError(c.Read(ctx, "contacts", ""))
	odd.CheckStopped(t, "Read of a repeating @odata.nextLink", err, "/api/data/v9.2/contacts: HTTP 200", "nextLink")
	odd.Calls.Store(0)
	err = conformance.FirstError(c.ListIDs(ctx, "contacts"))
	odd.CheckStopped(t, "ListIDs of a repeating @odata.nextLink", err, "/api/data/v9.2/contacts: HTTP 200", "nextLink")
}
