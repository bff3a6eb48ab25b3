package pipedrive

import (
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/sync/connector/conformance"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

// newEnvRewritingPersons serves the sandbox with GET /api/v2/persons
// answers passed through edit (the request and the sandbox's body in,
// the body to send out) and always from the first page, as a proxy that
// ignores the query would: the cursor is edit's to judge.
func newEnvRewritingPersons(t *testing.T, odd *conformance.OddAnswers, edit func(body map[string]any, r *http.Request) any) *env {
	t.Helper()
	odd.Match, odd.Edit, odd.Drop = conformance.GetsEndingIn("/api/v2/persons"), edit, "cursor"
	sim := pdsim.New(pdsim.Options{PathPrefix: "/pipedrive", Seed: 81})
	e := &env{sim: sim, base: conformance.Serve(t, "/pipedrive", odd.Wrap(sim))}
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
	odd := &conformance.OddAnswers{}
	e := newEnvRewritingPersons(t, odd, func(map[string]any, *http.Request) any {
		return map[string]any{"success": false, "error": "Gateway maintenance"}
	})
	err := conformance.FirstError(e.connect(t).ListIDs(t.Context(), "persons"))
	odd.CheckStopped(t, `ListIDs of a {"success": false} answer`, err, "/api/v2/persons")
}

// A next_cursor equal to the one just sent stops the read with an error
// instead of asking for the same page until the daily budget is spent.
func TestRepeatedNextCursorStopsTheRead(t *testing.T) {
	odd := &conformance.OddAnswers{Most: 5}
	e := newEnvRewritingPersons(t, odd, func(body map[string]any, r *http.Request) any {
		cur := r.URL.Query().Get("cursor")
		if cur == "" {
			cur = "c3R1Y2s" // the first page's answer names the cursor every later one repeats
		}
		body["additional_data"] = map[string]any{"next_cursor": cur}
		return body
	})
	ctx := odd.Context(t)
	c := e.connect(t)
	err := conformance.FirstError(c.Read(ctx, "persons", ""))
	odd.CheckStopped(t, "Read of a repeating next_cursor", err, "/api/v2/persons", "next_cursor")
	odd.Calls.Store(0)
	err = conformance.FirstError(c.ListIDs(ctx, "persons"))
	odd.CheckStopped(t, "ListIDs of a repeating next_cursor", err, "/api/v2/persons", "next_cursor")
}
