package zoho

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// newEnvRewriting serves the sandbox through edit for GETs of the module's
// list (path ending in suffix); other calls pass through as they are. The
// sandbox is asked without page_token (it knows only its own tokens), so
// edit answers every page alike unless it says otherwise.
func newEnvRewriting(t *testing.T, opts zsim.Options, suffix string, calls *atomic.Int64, edit func(body map[string]any, r *http.Request) any) *env {
	t.Helper()
	opts.PathPrefix = "/zoho"
	sim := zsim.New(opts)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, suffix) {
			sim.ServeHTTP(w, r)
			return
		}
		calls.Add(1)
		rec := httptest.NewRecorder()
		in := r.Clone(r.Context())
		q := in.URL.Query()
		q.Del("page_token")
		in.URL.RawQuery = q.Encode()
		sim.ServeHTTP(rec, in)
		var body map[string]any
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(edit(body, r))
	})
	return &env{sim: sim, base: conformance.Serve(t, "/zoho", h)}
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

// A 200 answer without "data" (a proxy's or gateway's JSON) is not an
// empty module: Zoho answers 204 for none. Listing note ids for delete
// detection must fail, naming the endpoint, rather than report every
// indexed note deleted; a lookup must fail rather than find no match (and
// create a duplicate).
func TestZohoAnswerWithoutDataIsAnError(t *testing.T) {
	var calls atomic.Int64
	e := newEnvRewriting(t, zsim.Options{Seed: 81}, "/Notes", &calls, func(body map[string]any, _ *http.Request) any {
		delete(body, "data")
		return body
	})
	seedNotes(t, e, 3)
	c := e.connect(t)
	got := 0
	var err error
	for ids, e := range c.ListIDs(t.Context(), "Notes") {
		if e != nil {
			err = e
			break
		}
		got += len(ids)
	}
	if calls.Load() == 0 {
		t.Fatal("no notes listing went through the proxy; the test proves nothing")
	}
	if err == nil {
		t.Fatalf("ListIDs of an answer without \"data\" listed %d ids and no error: every indexed note would be taken as deleted", got)
	}
	if msg := err.Error(); !strings.Contains(msg, "/crm/v8/Notes: HTTP 200") || !strings.Contains(msg, "data") {
		t.Errorf("error %q does not name the endpoint and the missing \"data\"", msg)
	}
	for page, err := range c.Read(t.Context(), "Notes", "") {
		if err == nil {
			t.Fatalf("Read of an answer without \"data\" returned a page of %d records and no error", len(page.Records))
		}
		break
	}

	var searches atomic.Int64
	e2 := newEnvRewriting(t, zsim.Options{Seed: 82}, "/Contacts/search", &searches, func(body map[string]any, _ *http.Request) any {
		return map[string]any{"error": "upstream timeout"}
	})
	if _, err := e2.sim.Create("Contacts", map[string]any{"Last_Name": "Lovelace", "Email": "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	hits, err := e2.connect(t).Lookup(t.Context(), "Contacts", "Email", []string{"ada@example.com"})
	if searches.Load() == 0 {
		t.Fatal("no search went through the proxy; the test proves nothing")
	}
	if err == nil {
		t.Fatalf("Lookup of a 200 answer without \"data\" found %d records and no error: the engine would create a duplicate", len(hits))
	}
}

// A next_page_token equal to the one just sent (a proxy answering every
// page alike) stops the read with an error instead of asking for the same
// page until the daily API credits are spent.
func TestZohoRepeatedPageTokenStopsTheRead(t *testing.T) {
	const most = 5
	var calls atomic.Int64
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e := newEnvRewriting(t, zsim.Options{Seed: 83}, "/Notes", &calls, func(body map[string]any, r *http.Request) any {
		if calls.Load() > most {
			cancel() // the read would go on for ever: stop it
		}
		tok := r.URL.Query().Get("page_token")
		if tok == "" {
			tok = "tok-1"
		}
		body["info"] = map[string]any{"more_records": true, "next_page_token": tok, "per_page": 200}
		return body
	})
	seedNotes(t, e, 3)
	c := e.connect(t)
	check := func(what string, err error) {
		t.Helper()
		if n := calls.Load(); n > most {
			t.Fatalf("%s asked for the same page %d times", what, n)
		}
		if err == nil {
			t.Fatalf("%s of a repeating next_page_token ended without an error", what)
		}
		if msg := err.Error(); !strings.Contains(msg, "/crm/v8/Notes: HTTP 200") || !strings.Contains(msg, "next_page_token") {
			t.Errorf("%s: error %q does not name the endpoint and the repeated next_page_token", what, msg)
		}
	}
	var err error
	for _, e := range c.ListIDs(ctx, "Notes") {
		if e != nil || calls.Load() > most {
			err = e
			break
		}
	}
	check("ListIDs", err)
	calls.Store(0)
	err = nil
	for _, e := range c.Read(ctx, "Notes", "") {
		if e != nil {
			err = e
			break
		}
	}
	check("Read", err)
}

// A 200 answer of the deleted-records listing without "data" is not "none
// deleted" (Zoho answers 204 for none): the deletes would be lost without
// a word.
func TestZohoDeletedListingWithoutDataIsAnError(t *testing.T) {
	var calls atomic.Int64
	e := newEnvRewriting(t, zsim.Options{Seed: 84}, "/Contacts/deleted", &calls, func(body map[string]any, _ *http.Request) any {
		delete(body, "data")
		return body
	})
	rec, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Delete("Contacts", rec.ID); err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	var gotErr error
	n := 0
	for recs, err := range c.ListDeleted(t.Context(), "Contacts", time.Time{}) {
		if err != nil {
			gotErr = err
			break
		}
		n += len(recs)
	}
	if calls.Load() == 0 {
		t.Fatal("no deleted listing went through the proxy; the test proves nothing")
	}
	if gotErr == nil {
		t.Fatalf("ListDeleted of an answer without \"data\" listed %d deletes and no error: the delete of %s is lost", n, rec.ID)
	}
	if msg := gotErr.Error(); !strings.Contains(msg, "/crm/v8/Contacts/deleted: HTTP 200") || !strings.Contains(msg, "data") {
		t.Errorf("error %q does not name the endpoint and the missing \"data\"", msg)
	}
}
