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

// A lookup by key matches whole values: Zoho's search answered equals with
// every record containing the value, newest first, so the one holding the
// key exactly could sit past the first page. Lookups now go through the
// Query API (coql.go), whose = is exact: one query finds the one record.
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
	before := e.sim.Stats()["POST /crm/v8/coql"]
	hits, err := e.connect(t).Lookup(t.Context(), "Contacts", "Last_Name", []string{"K-12"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].ID != exact.ID {
		t.Fatalf("lookup of K-12 returned %d records; want only %s, which holds it exactly", len(hits), exact.ID)
	}
	if calls := e.sim.Stats()["POST /crm/v8/coql"] - before; calls != 1 {
		t.Fatalf("%d queries for one exact hit, want 1", calls)
	}
}

// A query's own 400 LIMIT_EXCEEDED (more values or criteria than COQL
// takes) is the lookup's limit, not the organization's API credits spent,
// so it must not stop the run as a spent budget, and its error says what
// Zoho said.
func TestSearchLimitReachedIsNotCreditsSpent(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 12})
	e.sim.Faults().RefuseEndpoint("POST /crm/v8/coql", simkit.Refusal{Status: http.StatusBadRequest,
		Code: "LIMIT_EXCEEDED", Message: "in operator value limit exceeded"})
	_, err := e.connect(t).Lookup(t.Context(), "Contacts", "Last_Name", []string{"K"})
	if err == nil {
		t.Fatal("lookup succeeded past Zoho's query limit")
	}
	if cat := connector.CategoryOf(err); cat == connector.CatBudget {
		t.Fatalf("query limit read as credits spent (%s): %v", cat, err)
	}
	if !strings.Contains(err.Error(), "in operator value limit exceeded") {
		t.Fatalf("error %q lacks Zoho's words", err)
	}
}

// More exact matches than one page of the query (200) are all read: the
// lookup pages by offset until more_records is false. (Its reach is now
// COQL's 100,000, past which it fails as it did past the search's 2,000.)
func TestLookupPastSearchReachFails(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 13})
	for range coqlLimit + 1 {
		if _, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Q-Same"}); err != nil {
			t.Fatal(err)
		}
	}
	hits, err := e.connect(t).Lookup(t.Context(), "Contacts", "Last_Name", []string{"Q-Same"})
	if err != nil || len(hits) != coqlLimit+1 {
		t.Fatalf("lookup of %d exact matches: %d hits, error %v", coqlLimit+1, len(hits), err)
	}
	if calls := e.sim.Stats()["POST /crm/v8/coql"]; calls != 2 {
		t.Fatalf("%d queries, want 2 (200 a page)", calls)
	}
}
