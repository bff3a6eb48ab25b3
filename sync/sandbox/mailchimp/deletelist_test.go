package mailchimp

import "testing"

// TestDeleteListOverHTTP: DELETE /3.0/lists/{list_id} (Marketing
// API "Delete list") answers 204 No Content with no body; the audience and
// its members are then gone: GET /lists no longer lists it, its member
// paths and a second DELETE answer 404 Resource Not Found.
func TestDeleteListOverHTTP(t *testing.T) {
	e := newEnv(t, Options{})
	e.seed(2, e.clk.now())
	other := e.sim.CreateList("Partners")
	r := e.do("DELETE", "/3.0/lists/"+e.list, nil)
	if r.status != 204 || r.raw != "" {
		t.Fatalf("DELETE list: %d %q, want 204 and no body", r.status, r.raw)
	}
	wantProblem(t, e.do("GET", "/3.0/lists/"+e.list, nil), 404, "Resource Not Found")
	wantProblem(t, e.do("GET", e.memberPath("a0@acme-widgets.com"), nil), 404, "Resource Not Found")
	wantProblem(t, e.do("DELETE", "/3.0/lists/"+e.list, nil), 404, "Resource Not Found")
	lists := objects(t, e.do("GET", "/3.0/lists", nil), "lists")
	if len(lists) != 1 || lists[0]["id"] != other {
		t.Fatalf("lists after the delete: %v, want only %s", lists, other)
	}
	if n := e.sim.Stats()["DELETE /3.0/lists/{list_id}"]; n != 2 {
		t.Errorf("stats count %d deletes of a list, want 2", n)
	}
}
