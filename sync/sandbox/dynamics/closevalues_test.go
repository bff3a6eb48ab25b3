package dynamics

import (
	"testing"
	"time"
)

// TestCloseSetsActualDateAndRevenue: WinOpportunity and
// LoseOpportunity set the opportunity's Actual Close Date from the
// OpportunityClose's actualend (the date, else today) and its Actual
// Revenue (actualvalue) from actualrevenue; a close without actualrevenue
// leaves the opportunity no actual revenue.
func TestCloseSetsActualDateAndRevenue(t *testing.T) {
	e := newEnv(t, Options{})
	today := e.clk.now().UTC().Format(time.DateOnly)
	read := func(id string) (string, any) {
		t.Helper()
		got := e.must(e.do("GET", "opportunities("+id+")?$select=actualclosedate,actualvalue", nil), 200)
		d, _ := got.body["actualclosedate"].(string)
		return d, got.body["actualvalue"]
	}

	won := idFromEntityID(t, e.must(e.do("POST", "opportunities", map[string]any{"name": "Won with values", "estimatedvalue": 15000}), 204).header)
	body := closeBody(won, -1)
	oc := body["OpportunityClose"].(map[string]any)
	oc["actualend"], oc["actualrevenue"] = "2025-03-14T12:00:00Z", 12000
	e.must(e.do("POST", "WinOpportunity", body), 204)
	if d, v := read(won); d != "2025-03-14" || v != float64(12000) {
		t.Errorf("won with actualend 2025-03-14 and actualrevenue 12000: actualclosedate %q actualvalue %v, want 2025-03-14 and 12000", d, v)
	}

	lost := idFromEntityID(t, e.must(e.do("POST", "opportunities", map[string]any{"name": "Lost plainly", "estimatedvalue": 900}), 204).header)
	e.must(e.do("PATCH", "opportunities("+lost+")", map[string]any{"actualclosedate": "2025-01-02", "actualvalue": 800}), 204)
	e.must(e.do("POST", "LoseOpportunity", closeBody(lost, -1)), 204)
	if d, v := read(lost); d != today || v != nil {
		t.Errorf("lost without actualend or actualrevenue: actualclosedate %q actualvalue %v, want today (%s) and none", d, v, today)
	}

	bad := idFromEntityID(t, e.must(e.do("POST", "opportunities", map[string]any{"name": "Too much"}), 204).header)
	body = closeBody(bad, -1)
	body["OpportunityClose"].(map[string]any)["actualrevenue"] = 5e12
	if r := e.do("POST", "WinOpportunity", body); r.status != 400 {
		t.Errorf("actualrevenue 5e12, beyond actualvalue's range: %d %s, want 400", r.status, r.raw)
	}
	if st, _ := e.opportunityState(bad); st != 0 {
		t.Errorf("refused close left state %v, want 0 (Open)", st)
	}
}
