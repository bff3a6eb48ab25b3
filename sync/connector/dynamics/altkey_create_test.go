package dynamics

import (
	"errors"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// An organization with an alternate key crmsync does not upsert by (an
// account's name here, an ERP number elsewhere) refuses a create whose key
// values another row has: 412 DuplicateRecord, the same status as the
// If-None-Match: * refusal of a create sent again after a lost answer. The
// refused row must fail, naming Dataverse's message, not be reported
// created with an id no row has.
func TestCreateRefusedByAlternateKeyIsNotCreated(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 5})
	if err := e.sim.DefineAlternateKey("accounts", "account_name_key", "name"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Create("accounts", map[string]any{"name": "Acme"}); err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	res, err := c.Write(t.Context(), "accounts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Acme", "telephone1": "+1 555 0100"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"name": "Globex"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || res[0].Created || re.Code == "" || !strings.Contains(re.Message, "already exists") {
		t.Errorf("create refused by the alternate key: %+v (err %v), want a failure with Dataverse's code and message", res[0], res[0].Err)
	}
	if res[0].ID != "" {
		if _, ok := e.sim.Get("accounts", res[0].ID); !ok {
			t.Errorf("reported id %s names no row", res[0].ID)
		}
	}
	if res[1].Err != nil || !res[1].Created {
		t.Errorf("the other create: %+v", res[1])
	}
	if n := e.sim.Count("accounts"); n != 2 {
		t.Errorf("%d accounts, want 2 (Acme once, Globex)", n)
	}
}
