package zoho

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// Zoho's search answers equals with every record containing the value,
// newest first (crm-oas v8.0/module_search/mds/searchRecords.md), 200 a
// page: a lookup by key must read past the first page, or the record
// holding the key exactly goes unseen and a reconciled create is made twice.
func TestLookupReadsPastFirstSearchPage(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 11})
	exact, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "K-12"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range PageSize + 1 { // newer records whose names contain the key
		if _, err := e.sim.Create("Contacts", map[string]any{"Last_Name": fmt.Sprintf("K-12%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	before := e.sim.Stats()["GET /crm/v8/Contacts/search"]
	hits, err := e.connect(t).Lookup(t.Context(), "Contacts", "Last_Name", []string{"K-12"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hits {
		found = found || h.ID == exact.ID
	}
	if !found {
		t.Fatalf("lookup of K-12 returned %d records, not %s, which holds it exactly", len(hits), exact.ID)
	}
	if calls := e.sim.Stats()["GET /crm/v8/Contacts/search"] - before; calls != 2 {
		t.Fatalf("%d search calls for %d hits, want 2 (200 a page)", calls, PageSize+2)
	}
}

// A search reaching past the 2,000 records Zoho iterates answers 400
// LIMIT_REACHED "maximum response iteration limit reached" (crm-oas
// v8.0/module_search/mds/searchRecords.md): that is the lookup's own
// limit, not the organization's API credits spent, so it must not stop the
// run as a spent budget, and its error says what Zoho said.
func TestSearchLimitReachedIsNotCreditsSpent(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 12})
	e.sim.Faults().RefuseEndpoint("GET /crm/v8/Contacts/search", simkit.Refusal{Status: http.StatusBadRequest,
		Code: "LIMIT_REACHED", Message: "maximum response iteration limit reached"})
	_, err := e.connect(t).Lookup(t.Context(), "Contacts", "Last_Name", []string{"K"})
	if err == nil {
		t.Fatal("lookup succeeded past Zoho's search limit")
	}
	if cat := connector.CategoryOf(err); cat == connector.CatBudget {
		t.Fatalf("search limit read as credits spent (%s): %v", cat, err)
	}
	if !strings.Contains(err.Error(), "maximum response iteration limit reached") {
		t.Fatalf("error %q lacks Zoho's words", err)
	}
}

// Past the 2,000 records Zoho's search reaches, a lookup cannot know the
// exact match is not further on: it fails, saying so, rather than answer
// "not there" (which would have the engine create the record again).
func TestLookupPastSearchReachFails(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 13})
	for i := range maxSearchPages*PageSize + 1 {
		if _, err := e.sim.Create("Contacts", map[string]any{"Last_Name": fmt.Sprintf("Q-%04d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	hits, err := e.connect(t).Lookup(t.Context(), "Contacts", "Last_Name", []string{"Q-"})
	if err == nil || !strings.Contains(err.Error(), "2000 or more records match") {
		t.Fatalf("lookup past 2000 matches: %d hits, error %v", len(hits), err)
	}
	if calls := e.sim.Stats()["GET /crm/v8/Contacts/search"]; calls != maxSearchPages {
		t.Fatalf("%d search calls, want %d (every page Zoho serves, none past them)", calls, maxSearchPages)
	}
}
