package pipedrive

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// newEnvRewritingPersons serves the sandbox with GET /api/v2/persons
// answers passed through edit (the request and the sandbox's body in,
// the body to send out) and always from the first page; everything else
// as it is.
func newEnvRewritingPersons(t *testing.T, calls *atomic.Int64, edit func(body map[string]any, r *http.Request) any) *env {
	t.Helper()
	sim := pdsim.New(pdsim.Options{PathPrefix: "/pipedrive", Seed: 81})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/api/v2/persons" {
			sim.ServeHTTP(w, r)
			return
		}
		calls.Add(1)
		// The sandbox answers from the first page, as a proxy that
		// ignores the query would: the cursor is edit's to judge.
		fwd := r.Clone(r.Context())
		q := fwd.URL.Query()
		q.Del("cursor")
		fwd.URL.RawQuery = q.Encode()
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, fwd)
		var body map[string]any
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(edit(body, r))
	})
	e := &env{sim: sim, base: conformance.Serve(t, "/pipedrive", h)}
	if _, err := sim.SeedPersons([]pdsim.PersonSeed{{Name: "Ada One"}, {Name: "Bo Two"}, {Name: "Cy Three"}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// A 200 answer of another shape ({"success": false, ...} from a gateway,
// or an object without "data") is not an empty list: listing the ids that
// delete detection compares must fail, naming the endpoint, rather than
// report every person deleted.
func TestListIDsAnswerWithoutDataIsAnError(t *testing.T) {
	var calls atomic.Int64
	e := newEnvRewritingPersons(t, &calls, func(map[string]any, *http.Request) any {
		return map[string]any{"success": false, "error": "Gateway maintenance"}
	})
	c := e.connect(t)
	got := 0
	var err error
	for ids, e := range c.ListIDs(t.Context(), "persons") {
		if e != nil {
			err = e
			break
		}
		got += len(ids)
	}
	if calls.Load() == 0 {
		t.Fatal("no persons listing went through the proxy; the test proves nothing")
	}
	if err == nil {
		t.Fatalf("ListIDs of a {\"success\": false} answer listed %d ids and no error: every indexed person would be taken as deleted", got)
	}
	if msg := err.Error(); !strings.Contains(msg, "/api/v2/persons") {
		t.Errorf("error %q does not name the endpoint", msg)
	}
}

// A next_cursor equal to the one just sent stops the read with an error
// instead of asking for the same page until the daily budget is spent.
func TestRepeatedNextCursorStopsTheRead(t *testing.T) {
	const most = 5
	var calls atomic.Int64
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e := newEnvRewritingPersons(t, &calls, func(body map[string]any, r *http.Request) any {
		if calls.Load() > most {
			cancel() // the read would go on for ever: stop it
		}
		cur := r.URL.Query().Get("cursor")
		if cur == "" {
			cur = "c3R1Y2s" // the first page's answer names the cursor every later one repeats
		}
		body["additional_data"] = map[string]any{"next_cursor": cur}
		return body
	})
	c := e.connect(t)
	check := func(what string, err error) {
		t.Helper()
		if n := calls.Load(); n > most {
			t.Fatalf("%s asked for the same page %d times", what, n)
		}
		if err == nil {
			t.Fatalf("%s of a repeating next_cursor ended without an error", what)
		}
		if msg := err.Error(); !strings.Contains(msg, "/api/v2/persons") || !strings.Contains(msg, "next_cursor") {
			t.Errorf("%s: error %q does not name the endpoint and the repeated next_cursor", what, msg)
		}
	}
	var err error
	for _, e := range c.Read(ctx, "persons", "") {
		if e != nil {
			err = e
			break
		}
	}
	check("Read", err)
	calls.Store(0)
	err = nil
	for _, e := range c.ListIDs(ctx, "persons") {
		if e != nil || calls.Load() > most {
			err = e
			break
		}
	}
	check("ListIDs", err)
}
