package hubspot

import (
	"testing"
	"time"
)

// TestSearchIndexDelay: with Options.SearchIndexDelay, a company
// created or updated less than the delay ago is not found by search, as
// HubSpot's index lags writes, while a read by id finds it at once.
func TestSearchIndexDelay(t *testing.T) {
	e := newEnv(t, Options{SearchIndexDelay: 5 * time.Second})
	old, err := e.sim.Create("companies", map[string]string{"name": "Old Ltd", "domain": "old.example"})
	if err != nil {
		t.Fatal(err)
	}
	e.clk.add(time.Minute)
	fresh, err := e.sim.Create("companies", map[string]string{"name": "Fresh Ltd", "domain": "fresh.example"})
	if err != nil {
		t.Fatal(err)
	}
	found := func() map[string]bool {
		t.Helper()
		req := map[string]any{"filterGroups": []any{map[string]any{"filters": []any{map[string]any{
			"propertyName": "domain", "operator": "IN", "values": []string{"old.example", "fresh.example"}}}}}}
		r, body := e.do("POST", "/crm/objects/2026-03/companies/search", req)
		if r.StatusCode != 200 {
			t.Fatalf("search: %d %v", r.StatusCode, body)
		}
		ids := map[string]bool{}
		for _, o := range body["results"].([]any) {
			ids[o.(map[string]any)["id"].(string)] = true
		}
		return ids
	}
	if ids := found(); !ids[old.ID] || ids[fresh.ID] {
		t.Errorf("search right after a create found %v; want the old company %s only", ids, old.ID)
	}
	if r, _ := e.do("GET", "/crm/objects/2026-03/companies/"+fresh.ID, nil); r.StatusCode != 200 {
		t.Errorf("read by id of the fresh company: %d; want 200 (only search lags)", r.StatusCode)
	}
	if _, err := e.sim.Update("companies", old.ID, map[string]string{"name": "Old Renamed Ltd"}); err != nil {
		t.Fatal(err)
	}
	if ids := found(); ids[old.ID] {
		t.Errorf("search right after an update found %s; want it hidden until the index catches up", old.ID)
	}
	e.clk.add(5 * time.Second)
	if ids := found(); !ids[old.ID] || !ids[fresh.ID] {
		t.Errorf("search once the delay passed found %v; want both %s and %s", ids, old.ID, fresh.ID)
	}
}
