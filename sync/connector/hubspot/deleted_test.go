package hubspot

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// Contacts archived through the REST API are listed by ListDeleted, across
// the list endpoint's pages of 100, with their archive time; a since after
// those archives lists none of them, and live contacts are never listed.
func TestListDeletedPagesArchivedContacts(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 5})
	recs := make([]map[string]string, 130)
	for i := range recs {
		recs[i] = map[string]string{"email": fmt.Sprintf("gone%03d@example.com", i), "firstname": "Gone"}
	}
	ids := e.seed(t, "contacts", recs)
	archived := map[string]bool{}
	for _, id := range ids[:120] {
		if st := e.direct(t, "DELETE", "/crm/objects/2026-03/contacts/"+id, nil, nil); st != 204 {
			t.Fatalf("archive %s: status %d", id, st)
		}
		archived[id] = true
	}
	c, err := newConnector(e.oauthClient(t), e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	list := func(since time.Time) ([]connector.Record, int64) {
		before := e.sim.Stats()["GET /crm/objects/2026-03/contacts"]
		var out []connector.Record
		for recs, err := range c.ListDeleted(t.Context(), "contacts", since) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, recs...)
		}
		return out, e.sim.Stats()["GET /crm/objects/2026-03/contacts"] - before
	}
	all, calls := list(time.Time{})
	if len(all) != 120 || calls != 2 {
		t.Fatalf("listed %d archived contacts in %d calls, want 120 in 2", len(all), calls)
	}
	var newest time.Time
	for _, r := range all {
		if !archived[r.ID] || !r.Deleted || r.Modified.IsZero() {
			t.Fatalf("listed %+v: not one of the archived contacts, or without Deleted and its archive time", r)
		}
		if r.Modified.After(newest) {
			newest = r.Modified
		}
	}
	if later, _ := list(newest); len(later) != 0 {
		t.Fatalf("since the newest archive (%v) listed %d contacts, want none", newest, len(later))
	}
}
