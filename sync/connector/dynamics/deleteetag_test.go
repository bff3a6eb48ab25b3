package dynamics

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestDeleteKeepsEditMadeAfterRead: the run reads two contacts, a
// person then changes one's title in Dynamics 365, and the run deletes
// both. The delete is conditional on the version read, so the edited row
// survives with the person's title and fails alone as a conflict; the
// untouched one is deleted.
func TestDeleteKeepsEditMadeAfterRead(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 41})
	c := e.connect(t)
	ctx := t.Context()
	edited, calm := twoBuyers(t, e)
	readAll(ctx, t, c, "contacts")
	if _, err := e.sim.Update("contacts", edited.ID, map[string]any{"jobtitle": "Person's title"}); err != nil {
		t.Fatal(err)
	}
	res, err := c.Delete(ctx, "contacts", []string{edited.ID, calm.ID})
	if err != nil || len(res) != 2 {
		t.Fatalf("delete: %v %+v", err, res)
	}
	row, ok := e.sim.Get("contacts", edited.ID)
	if !ok || fmt.Sprint(row.Fields["jobtitle"]) != "Person's title" {
		t.Errorf("contact %s edited after the read: present %v, title %v; want it kept with the person's title", edited.ID, ok, row.Fields["jobtitle"])
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Category != connector.CatConflict || re.RecordID != edited.ID ||
		!strings.Contains(re.Message, "changed in Dynamics 365 after it was read; not deleted") {
		t.Errorf("delete of the contact edited after the read: %#v, want a conflict naming it that says it was not deleted", res[0].Err)
	}
	if res[1].Err != nil {
		t.Errorf("delete of untouched contact %s: %v", calm.ID, res[1].Err)
	}
	if _, ok := e.sim.Get("contacts", calm.ID); ok {
		t.Errorf("untouched contact %s still there, want it deleted", calm.ID)
	}
}

// TestDeleteInTableWithoutVersions: a table without optimistic
// concurrency refuses a row version; the delete goes again with no
// version and the row is deleted.
func TestDeleteInTableWithoutVersions(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 42})
	c := e.connect(t)
	ctx := t.Context()
	if err := e.sim.DisableOptimisticConcurrency("contacts"); err != nil {
		t.Fatal(err)
	}
	one, err := e.sim.Create("contacts", map[string]any{"lastname": "One"})
	if err != nil {
		t.Fatal(err)
	}
	readAll(ctx, t, c, "contacts")
	res, err := c.Delete(ctx, "contacts", []string{one.ID})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("delete in a table without optimistic concurrency: %v %+v", err, res)
	}
	if _, ok := e.sim.Get("contacts", one.ID); ok {
		t.Errorf("contact %s still there, want it deleted", one.ID)
	}
}
