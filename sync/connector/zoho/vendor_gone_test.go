package zoho

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestDeleteOfDeletedRecordIsGone: Zoho answers the delete of a record
// already in the recycle bin with a per-record INVALID_DATA "record not
// deleted" naming the id (deleteRecords' 207 example, crm-oas v8 record.json
// API_Exception). The record is gone, which is what the delete wanted, so
// it is not found naming no field (the engine's notGone counts it done),
// never a validation failure; the live record of the same call is deleted.
func TestDeleteOfDeletedRecordIsGone(t *testing.T) {
	e := newEnv(t, zsim.Options{})
	c := e.connect(t)
	gone, err := e.sim.Create("Contacts", map[string]any{"Email": "gone@acme.com", "Last_Name": "Gone"})
	if err != nil {
		t.Fatal(err)
	}
	live, err := e.sim.Create("Contacts", map[string]any{"Email": "live@acme.com", "Last_Name": "Live"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Delete("Contacts", gone.ID); err != nil {
		t.Fatal(err)
	}
	res, err := c.Delete(t.Context(), "Contacts", []string{gone.ID, live.ID})
	if err != nil || len(res) != 2 {
		t.Fatalf("delete: %v %+v", err, res)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Category != connector.CatNotFound || re.Field != "" || re.RecordID != gone.ID ||
		!strings.Contains(re.Message, "record not deleted") {
		t.Fatalf("delete of the deleted contact: %+v (%v), want not found naming no field, with Zoho's message", re, res[0].Err)
	}
	if res[1].Err != nil {
		t.Fatalf("delete of the live contact: %v", res[1].Err)
	}
	if r, ok := e.sim.Get("Contacts", live.ID); !ok || !r.Deleted {
		t.Fatalf("live contact after delete: %+v, want deleted", r)
	}
}
