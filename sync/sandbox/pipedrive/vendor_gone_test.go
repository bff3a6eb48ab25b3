package pipedrive

import (
	"fmt"
	"testing"
	"time"
)

// TestDeletedPersonAnswersByAge: a deleted person is "marked as
// deleted" and "after 30 days … permanently deleted" (deletePerson, v2
// spec); within those 30 days GET /api/v2/persons/{id} still answers it
// with is_deleted true, and "after an entity has been permanently deleted,
// it won't be possible to retrieve it via any API request" (changelog,
// Permanent deletion logic for 6 core entities). The sandbox answered a
// person deleted long ago as if it were deleted yesterday. PATCH and
// DELETE of a deleted person answer 404 either way.
func TestDeletedPersonAnswersByAge(t *testing.T) {
	e := newEnv(t, Options{})
	p, err := e.sim.CreatePerson(map[string]any{"name": "Gone Person"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.DeletePerson(p.ID); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v2/persons/%d", p.ID)
	r := e.do("GET", path, nil)
	if r.status != 200 || data(t, r)["is_deleted"] != true {
		t.Fatalf("GET of a person deleted today: %d %s, want 200 with is_deleted true", r.status, r.raw)
	}
	if r := e.do("PATCH", path, map[string]any{"name": "Edited"}); r.status != 404 {
		t.Errorf("PATCH of a deleted person: %d %s, want 404", r.status, r.raw)
	}
	if r := e.do("DELETE", path, nil); r.status != 404 {
		t.Errorf("DELETE of a deleted person: %d %s, want 404", r.status, r.raw)
	}
	e.clk.add(31 * 24 * time.Hour)
	if r := e.do("GET", path, nil); r.status != 404 {
		t.Errorf("GET of a person deleted 31 days ago: %d %s, want 404 (permanently deleted)", r.status, r.raw)
	}
}
