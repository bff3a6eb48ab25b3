package zoho

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// newEnvRewriting serves the sandbox through edit for GETs of the module's
// list (path ending in suffix); other calls pass through as they are. The
// sandbox is asked without page_token (it knows only its own tokens), so
// edit answers every page alike unless it says otherwise.
func newEnvRewriting(t *testing.T, opts zsim.Options, suffix string, odd *conformance.OddAnswers, edit func(body map[string]any, r *http.Request) any) *env {
	t.Helper()
	odd.Match, odd.Edit, odd.Drop = conformance.GetsEndingIn(suffix), edit, "page_token"
	opts.PathPrefix = "/zoho"
	sim := zsim.New(opts)
	return &env{sim: sim, base: conformance.Serve(t, "/zoho", odd.Wrap(sim))}
}

func seedNotes(t *testing.T, e *env, n int) {
	t.Helper()
	person, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	var seeds []zsim.NoteSeed
	for range n {
		seeds = append(seeds, zsim.NoteSeed{Content: "note", ParentID: person.ID})
	}
	if _, err := e.sim.SeedNotes(seeds); err != nil {
		t.Fatal(err)
	}
}

func withoutData(body map[string]any, _ *http.Request) any {
	delete(body, "data")
	return body
}

// A 200 answer without "data" (a proxy's or gateway's JSON) is not an
// empty module: Zoho answers 204 for none. Listing note ids for delete
// detection must fail, naming the endpoint, rather than report every
// indexed note deleted; a lookup must fail rather than find no match (and
// create a duplicate).
func TestZohoAnswerWithoutDataIsAnError(t *testing.T) {
	odd := &conformance.OddAnswers{}
	e := newEnvRewriting(t, zsim.Options{Seed: 81}, "/Notes", odd, withoutData)
	seedNotes(t, e, 3)
	c := e.connect(t)
	err := conformance.FirstError(c.ListIDs(t.Context(), "Notes"))
	odd.CheckStopped(t, `ListIDs of an answer without "data"`, err, "/crm/v8/Notes: HTTP 200", "data")
	for page, err := range c.Read(t.Context(), "Notes", "") {
		if err == nil {
			t.Fatalf("Read of an answer without \"data\" returned a page of %d records and no error", len(page.Records))
		}
		break
	}

	searches := &conformance.OddAnswers{}
	e2 := newEnvRewriting(t, zsim.Options{Seed: 82}, "/coql", searches, func(body map[string]any, _ *http.Request) any {
		return map[string]any{"error": "upstream timeout"}
	})
	// Lookups query by COQL (a POST), no longer by the search's GET.
	searches.Match = func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/coql")
	}
	if _, err := e2.sim.Create("Contacts", map[string]any{"Last_Name": "Lovelace", "Email": "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	hits, err := e2.connect(t).Lookup(t.Context(), "Contacts", "Email", []string{"ada@example.com"})
	if searches.Calls.Load() == 0 {
		t.Fatal("no query went through the proxy; the test proves nothing")
	}
	if err == nil {
		t.Fatalf("Lookup of a 200 answer without \"data\" found %d records and no error: the engine would create a duplicate", len(hits))
	}
}

// A next_page_token equal to the one just sent (a proxy answering every
// page alike) stops the read with an error instead of asking for the same
// page until the daily API credits are spent.
func TestZohoRepeatedPageTokenStopsTheRead(t *testing.T) {
	odd := &conformance.OddAnswers{Most: 5}
	e := newEnvRewriting(t, zsim.Options{Seed: 83}, "/Notes", odd, func(body map[string]any, r *http.Request) any {
		tok := r.URL.Query().Get("page_token")
		if tok == "" {
			tok = "tok-1"
		}
		body["info"] = map[string]any{"more_records": true, "next_page_token": tok, "per_page": 200}
		return body
	})
	ctx := odd.Context(t)
	seedNotes(t, e, 3)
	c := e.connect(t)
	err := conformance.FirstError(c.ListIDs(ctx, "Notes"))
	odd.CheckStopped(t, "ListIDs of a repeating next_page_token", err, "/crm/v8/Notes: HTTP 200", "next_page_token")
	odd.Calls.Store(0)
	err = conformance.FirstError(c.Read(ctx, "Notes", ""))
	odd.CheckStopped(t, "Read of a repeating next_page_token", err, "/crm/v8/Notes: HTTP 200", "next_page_token")
}

// A 200 answer of the deleted-records listing without "data" is not "none
// deleted" (Zoho answers 204 for none): the deletes would be lost without
// a word.
func TestZohoDeletedListingWithoutDataIsAnError(t *testing.T) {
	odd := &conformance.OddAnswers{}
	e := newEnvRewriting(t, zsim.Options{Seed: 84}, "/Contacts/deleted", odd, withoutData)
	rec, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Delete("Contacts", rec.ID); err != nil {
		t.Fatal(err)
	}
	err = conformance.FirstError(e.connect(t).ListDeleted(t.Context(), "Contacts", time.Time{}))
	odd.CheckStopped(t, `ListDeleted of an answer without "data" (the delete of `+rec.ID+` is lost)`, err,
		"/crm/v8/Contacts/deleted: HTTP 200", "data")
}
