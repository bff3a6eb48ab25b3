package dynamics

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestDeletedLookupTargetIsNotTheRecordGone: Dataverse answers 404
// ObjectDoesNotExist (0x80040217, -2147220969 in the SDK's
// ObjectNotFoundException) "<table> With Id = <id> Does Not Exist" both
// for a row that is gone and for a lookup bound to a row that is gone.
// Only the first is the record's delete (not found naming no field, which
// the engine holds as the delete); the second names the lookup, so the
// engine fails it with the field instead of marking a live contact
// deleted.
func TestDeletedLookupTargetIsNotTheRecordGone(t *testing.T) {
	e := newEnv(t, dsim.Options{})
	c := e.connect(t)
	acct, err := e.sim.Create("accounts", map[string]any{"name": "Gone Inc"})
	if err != nil {
		t.Fatal(err)
	}
	live, err := e.sim.Create("contacts", map[string]any{"lastname": "Live"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := e.sim.Create("contacts", map[string]any{"lastname": "Gone"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Delete("accounts", acct.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Delete("contacts", gone.ID); err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: live.ID, Fields: map[string]string{"parentcustomerid_account": acct.ID}},
		{Kind: connector.OpUpdate, ID: gone.ID, Fields: map[string]string{"lastname": "Edited"}},
	})
	if err != nil || len(res) != 2 {
		t.Fatalf("write: %+v %v", res, err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != "parentcustomerid_account" || !strings.Contains(re.Message, "Does Not Exist") {
		t.Fatalf("update of a live contact naming a deleted account: %+v (%v), want an error naming parentcustomerid_account", re, res[0].Err)
	}
	if !errors.As(res[1].Err, &re) || re.Category != connector.CatNotFound || re.Field != "" || re.Code != "0x80040217" {
		t.Fatalf("update of the deleted contact: %+v (%v), want not found naming no field", re, res[1].Err)
	}
}
