package dynamics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// rewriteContacts serves GETs of the contacts collection through edit,
// which gets the sandbox's answer and the request's URL and returns the
// body to send; other calls pass through as they are.
func rewriteContacts(calls *atomic.Int64, edit func(body map[string]any, r *http.Request) any) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, apiRoot+"/contacts") {
				next.ServeHTTP(w, r)
				return
			}
			calls.Add(1)
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
				w.WriteHeader(rec.Code)
				w.Write(rec.Body.Bytes())
				return
			}
			w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
			json.NewEncoder(w).Encode(edit(body, r))
		})
	}
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
	var calls atomic.Int64
	e := newEnvWrapped(t, dsim.Options{Seed: 71}, rewriteContacts(&calls, func(body map[string]any, _ *http.Request) any {
		delete(body, "value")
		return body
	}))
	seedContacts(t, e, 3)
	c := e.connect(t)
	got := 0
	var err error
	for ids, e := range c.ListIDs(t.Context(), "contacts") {
		if e != nil {
			err = e
			break
		}
		got += len(ids)
	}
	if calls.Load() == 0 {
		t.Fatal("no contacts listing went through the proxy; the test proves nothing")
	}
	if err == nil {
		t.Fatalf("ListIDs of an answer without \"value\" listed %d ids and no error: every indexed row would be taken as deleted", got)
	}
	if msg := err.Error(); !strings.Contains(msg, "/api/data/v9.2/contacts: HTTP 200") || !strings.Contains(msg, "value") {
		t.Errorf("error %q does not name the endpoint and the missing \"value\"", msg)
	}
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
	const most = 5
	var calls atomic.Int64
	var self atomic.Value
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e := newEnvWrapped(t, dsim.Options{Seed: 72}, rewriteContacts(&calls, func(body map[string]any, r *http.Request) any {
		if calls.Load() > most {
			cancel() // the read would go on for ever: stop it
		}
		body["@odata.nextLink"] = self.Load().(string) + r.URL.RequestURI()
		return body
	}))
	self.Store(e.srv.URL)
	seedContacts(t, e, 3)
	c := e.connect(t)
	check := func(what string, err error) {
		t.Helper()
		if n := calls.Load(); n > most {
			t.Fatalf("%s asked for the same page %d times", what, n)
		}
		if err == nil {
			t.Fatalf("%s of a repeating @odata.nextLink ended without an error", what)
		}
		if msg := err.Error(); !strings.Contains(msg, "/api/data/v9.2/contacts: HTTP 200") || !strings.Contains(msg, "nextLink") {
			t.Errorf("%s: error %q does not name the endpoint and the repeated @odata.nextLink", what, msg)
		}
	}
	var err error
	for _, e := range c.Read(ctx, "contacts", "") {
		if e != nil {
			err = e
			break
		}
	}
	check("Read", err)
	calls.Store(0)
	err = nil
	for _, e := range c.ListIDs(ctx, "contacts") {
		if e != nil || calls.Load() > most {
			err = e
			break
		}
	}
	check("ListIDs", err)
}
