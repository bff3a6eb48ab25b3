package dynamics

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestDataverseDeletedTableIsNotRowsGone: an admin deletes a custom
// table while crmsync's schema still has it. Dataverse then answers every
// request naming its entity set 404 0x8006088a "Resource not found for the
// segment 'crmsync_projects'." (an unknown segment, not a missing row).
// The update and the delete of each row must fail naming the table,
// never come back as not found naming no field, which the engine holds as
// that row deleted.
func TestDataverseDeletedTableIsNotRowsGone(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 44})
	c := e.connect(t)
	a, err := e.sim.Create("crmsync_projects", map[string]any{"crmsync_name": "Alpha"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.sim.Create("crmsync_projects", map[string]any{"crmsync_name": "Beta"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Schema(t.Context(), "crmsync_projects"); err != nil {
		t.Fatalf("schema: %v", err)
	}
	if err := e.sim.DeleteTable("crmsync_projects"); err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "crmsync_projects", []connector.Op{{Kind: connector.OpUpdate, ID: a.ID, Fields: map[string]string{"crmsync_name": "Alpha 2"}}})
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	assertTableGoneNotRowGone(t, "update", res[0].Err)
	del, err := c.Delete(t.Context(), "crmsync_projects", []string{b.ID})
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	assertTableGoneNotRowGone(t, "delete", del[0].Err)
}

func assertTableGoneNotRowGone(t *testing.T, what string, err error) {
	t.Helper()
	var re *connector.RecordError
	if !errors.As(err, &re) {
		t.Fatalf("%s of a row of a deleted table: %v, want a record error", what, err)
	}
	if re.Category == connector.CatNotFound && re.Field == "" {
		t.Fatalf("%s of a row of a deleted table is read as the row gone: %+v", what, re)
	}
	if !strings.Contains(re.Message, "crmsync_projects") || re.Code != "0x8006088a" {
		t.Fatalf("%s: %+v, want Dataverse's 0x8006088a naming crmsync_projects", what, re)
	}
}
