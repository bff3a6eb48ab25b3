package pipedrive

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// retiredMsg is the 410 body the sandbox gives for a v1 endpoint Pipedrive
// retired after the v2 migration (its own catch-all for /v1/persons etc.).
const retiredMsg = "This endpoint is deprecated and out of support. Use the API v2 endpoint instead."

// TestPipedriveRetiredEndpointIsNotRecordsGone: Pipedrive answers 410
// Gone both for a purged record and for a v1 endpoint it retired (changelog
// "Deprecated API v1 endpoints are now out of support", 2026-08-01). When
// the v1 notes endpoints answer the retirement, the update and the delete
// of every note must fail naming the endpoint and Pipedrive's words, never
// come back as "not found" (which the engine holds as that note deleted).
// The failure is the whole call's (connector.CatTarget, a stop): every
// other note's call would meet the same answer.
func TestPipedriveRetiredEndpointIsNotRecordsGone(t *testing.T) {
	e := newEnv(t, pdsim.Options{})
	c := e.connect(t)
	ids := seedNotes(t, e, 2)
	for _, ep := range []string{"PUT /api/v1/notes/{id}", "DELETE /api/v1/notes/{id}", "GET /api/v1/notes/{id}"} {
		e.sim.Faults().RefuseEndpoint(ep, simkit.Refusal{Status: http.StatusGone, Message: retiredMsg})
	}
	first, second := strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10)
	_, err := c.Write(t.Context(), "notes", []connector.Op{{Kind: connector.OpUpdate, ID: first, Fields: map[string]string{"content": "edited"}}})
	assertRetiredNotGone(t, "update", err, "PUT /api/v1/notes/{id}")
	_, err = c.Delete(t.Context(), "notes", []string{second})
	assertRetiredNotGone(t, "delete", err, "DELETE /api/v1/notes/{id}")
}

// TestPipedriveCollection404IsNotRecordGone: a 404 on a collection
// path (an endpoint, not a record) is not a record gone; a 404 on the
// record's own path still is.
func TestPipedriveCollection404IsNotRecordGone(t *testing.T) {
	for _, tc := range []struct {
		endpoint string
		gone     bool
	}{
		{"PUT /api/v1/notes/{id}", true},
		{"PUT /api/v1/notes", false},
		{"GET /api/v1/notes", false},
	} {
		r := &response{&transport.Response{Endpoint: tc.endpoint, Status: http.StatusNotFound, Body: []byte(`{"success":false,"error":"Not found"}`)}}
		if got := r.apiError().Category == connector.CatNotFound; got != tc.gone {
			t.Errorf("404 on %s: not found = %v, want %v", tc.endpoint, got, tc.gone)
		}
	}
}

func assertRetiredNotGone(t *testing.T, what string, err error, endpoint string) {
	t.Helper()
	if c := connector.CategoryOf(err); c != connector.CatTarget || !connector.Stops(t.Context(), err) {
		t.Fatalf("%s through a retired endpoint: %v (category %s), want the endpoint refused as a whole", what, err, c)
	}
	if !strings.Contains(err.Error(), endpoint) || !strings.Contains(err.Error(), retiredMsg) {
		t.Fatalf("%s: %v, want it to name %s and quote Pipedrive", what, err, endpoint)
	}
}
