package brevo

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// A plus-addressed email ("jane+news@...") is an identifier in the path of
// GET /v3/contacts/{identifier}, which the reference wants urlencoded: the
// contact holding it is found by a look-up, and an upsert from another CRM
// updates it rather than failing as if another contact held its identifier.
func TestPlusAddressedEmailLookupAndUpsert(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 41})
	ids := seed(t, e, bvsim.ContactSeed{Email: "jane+news@example.com", Attributes: map[string]any{"LASTNAME": "Old"}})
	c := e.connect(t)

	found, err := c.Lookup(t.Context(), objContacts, fEmail, []string{"jane+news@example.com"})
	if err != nil || len(found) != 1 || found[0].ID != ids[0] {
		t.Errorf("lookup by email: %+v, %v; want contact %s", found, err, ids[0])
	}

	res, err := c.Upsert(t.Context(), objContacts, fEmail, []connector.Op{{Kind: connector.OpUpsert,
		Fields: map[string]string{fEmail: "jane+news@example.com", "LASTNAME": "New"}}})
	if err != nil || res[0].Err != nil || res[0].ID != ids[0] {
		t.Fatalf("upsert: %+v, %v; want contact %s updated", res, err, ids[0])
	}
	if ct, _ := e.sim.Contact(id64(t, ids[0])); ct.Attributes["LASTNAME"] != "New" {
		t.Errorf("contact after upsert: %+v", ct.Attributes)
	}
	if n := e.sim.Count(); n != 1 {
		t.Errorf("sandbox holds %d contacts, want 1", n)
	}
}
