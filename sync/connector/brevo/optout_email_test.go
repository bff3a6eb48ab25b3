package brevo

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// Brevo resubscribes a blocklisted contact whose email is changed
// (update-contact); crmsync never lifts an opt-out, so a synced email
// change must leave the contact blacklisted, and a contact that was not
// blacklisted must not become so.
func TestEmailChangeKeepsOptOut(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 7})
	c := e.connect(t)
	ids := seed(t, e, bvsim.ContactSeed{Email: "out@example.com", EmailBlacklisted: true}, bvsim.ContactSeed{Email: "in@example.com"})
	res, err := c.Write(t.Context(), objContacts, []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{fEmail: "out-new@example.com", "FIRSTNAME": "Moved"}},
		{Kind: connector.OpUpdate, ID: ids[1], Fields: map[string]string{fEmail: "in-new@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false} {
		if res[i].Err != nil {
			t.Fatalf("op %d: %v", i, res[i].Err)
		}
		ct, _ := e.sim.Contact(id64(t, ids[i]))
		if ct.EmailBlacklisted != want {
			t.Errorf("contact %s (%s): emailBlacklisted %v, want %v", ids[i], ct.Email, ct.EmailBlacklisted, want)
		}
	}
	if ct, _ := e.sim.Contact(id64(t, ids[0])); ct.Email != "out-new@example.com" || ct.Attributes["FIRSTNAME"] != "Moved" {
		t.Errorf("update not written: %+v", ct)
	}
}
