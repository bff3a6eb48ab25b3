package zoho

import (
	"errors"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestDuplicateDataNamesHolder: with Contacts' Email set "Do not
// allow duplicate values", Zoho refuses a plain create of a taken email
// with DUPLICATE_DATA, its details naming the record that holds it. That
// record is the create's duplicate (a review item in the engine), not a
// validation failure sent again every run.
func TestDuplicateDataNamesHolder(t *testing.T) {
	e := newEnv(t, zsim.Options{UniqueFields: map[string][]string{"Contacts": {"Email"}}})
	c := e.connect(t)
	held, err := e.sim.Create("Contacts", map[string]any{"Email": "held@acme.com", "Last_Name": "Held"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "Contacts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"Email": "held@acme.com", "Last_Name": "Other"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Code != "DUPLICATE_DATA" || re.Field != "Email" || re.Category != connector.CatConflict ||
		len(re.Duplicates) != 1 || re.Duplicates[0] != held.ID {
		t.Fatalf("result %+v (%+v), want a DUPLICATE_DATA conflict on Email naming %s", res[0], re, held.ID)
	}
}
