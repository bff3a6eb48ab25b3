package zoho

import (
	"fmt"
	"strings"
	"testing"
	"time"

	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestLookupSeesFreshRecordsInFewCalls: a record created a moment
// ago is found although the search index has not caught it, and a lookup
// of 120 keys costs 3 queries (50 values each) and 2 reads by id, where
// the search took one call per key.
func TestLookupSeesFreshRecordsInFewCalls(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 91})
	e.sim.SetSearchIndexDelay(time.Hour)
	var keys []string
	for i := range 120 {
		k := fmt.Sprintf("fresh%03d@example.com", i)
		keys = append(keys, k)
		if _, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Fresh", "Email": k}); err != nil {
			t.Fatal(err)
		}
	}
	before := e.sim.Stats()
	hits, err := e.connect(t).Lookup(t.Context(), "Contacts", "Email", keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != len(keys) {
		t.Fatalf("lookup found %d of %d records created a moment ago", len(hits), len(keys))
	}
	if hits[0].Fields["Email"] == "" || hits[0].Fields["Last_Name"] != "Fresh" {
		t.Fatalf("a hit is not read whole: %v", hits[0].Fields)
	}
	after := e.sim.Stats()
	queries := after["POST /crm/v8/coql"] - before["POST /crm/v8/coql"]
	reads := after["GET /crm/v8/Contacts"] - before["GET /crm/v8/Contacts"]
	searches := after["GET /crm/v8/Contacts/search"] - before["GET /crm/v8/Contacts/search"]
	t.Logf("120 keys: %d queries, %d reads by id, %d searches", queries, reads, searches)
	if queries != 3 || reads != 2 || searches != 0 {
		t.Errorf("%d queries, %d reads by id, %d searches; want 3, 2 and 0", queries, reads, searches)
	}
}

// TestLookupOldGrantNamesCOQLScope: a connection made before crmsync
// asked for ZohoCRM.coql.READ is refused the query (401
// OAUTH_SCOPE_MISMATCH); the lookup fails naming the scope and the cure
// instead of searching the lagging index. Info asks for the scope.
func TestLookupOldGrantNamesCOQLScope(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 92})
	if _, err := e.sim.Create("Contacts", map[string]any{"Last_Name": "Old", "Email": "old@example.com"}); err != nil {
		t.Fatal(err)
	}
	c := narrowGrantConnector(t, e)
	hits, err := c.Lookup(t.Context(), "Contacts", "Email", []string{"old@example.com"})
	if err == nil || !strings.Contains(err.Error(), scopeCOQL) || !strings.Contains(err.Error(), "connect Zoho CRM again") {
		t.Fatalf("lookup with a grant lacking %s: %d hits, error %v; want one naming the scope and the cure", scopeCOQL, len(hits), err)
	}
	if !strings.Contains(err.Error(), "OAUTH_SCOPE_MISMATCH") {
		t.Errorf("error %q lacks Zoho's code", err)
	}
	if !strings.Contains(strings.Join(Info().OAuth.Scopes, ","), scopeCOQL) {
		t.Errorf("the COQL scope is not asked for: %v", Info().OAuth.Scopes)
	}
}
