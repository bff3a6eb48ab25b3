package salesforce

import (
	"errors"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
)

// TestUpdateOfDeletedOrPurgedContactIsNotFound: over the sandbox's
// HTTP, an update of a Contact in the Recycle Bin (ENTITY_IS_DELETED) and
// of one purged from it (INVALID_CROSS_REFERENCE_KEY, a well-formed id the
// org no longer holds) both come back not found naming no field, which the
// engine takes for the record gone; so does a delete of the purged one,
// which the engine counts as done. The purged one came back MALFORMED_ID,
// a validation error, failing on every run.
func TestUpdateOfDeletedOrPurgedContactIsNotFound(t *testing.T) {
	o := newOrg(t)
	ids := createContacts(t, o, 3)
	live, binned, purged := ids[0], ids[1], ids[2]
	if !o.sim.Delete("Contact", binned) || !o.sim.Purge("Contact", purged) {
		t.Fatal("sandbox delete or purge failed")
	}
	c := o.connect(t, 0)
	var ops []connector.Op
	for _, id := range ids {
		ops = append(ops, connector.Op{Kind: connector.OpUpdate, ID: id, Fields: map[string]string{"Title": "Audited"}})
	}
	res, err := c.Write(bg, "Contact", ops)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil {
		t.Fatalf("update of live %s: %v", live, res[0].Err)
	}
	gone := func(what, id string, r connector.Result) {
		t.Helper()
		var re *connector.RecordError
		if !errors.As(r.Err, &re) || re.Category != connector.CatNotFound || re.Field != "" {
			t.Errorf("%s %s: %#v, want not found naming no field", what, id, r.Err)
		}
	}
	gone("update of binned", binned, res[1])
	gone("update of purged", purged, res[2])
	del, err := c.Delete(bg, "Contact", []string{purged})
	if err != nil {
		t.Fatal(err)
	}
	gone("delete of purged", purged, del[0])
}
