package dynamics

import (
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// A column under column-level security reads null when the app user may
// not read it, and Dataverse's null "can't be distinguished" from an empty
// value (Microsoft Learn, "Column-level security with code"): its null is
// not read (the field is absent), never a blank, while an unsecured
// column's null still reads blank and a secured value the user may read
// reads as it is. The connection's cached definition, loaded before the
// column was secured, does not hide it: the next connector learns it.
func TestSecuredColumnNullIsNotRead(t *testing.T) {
	e := newEnv(t, dsim.Options{})
	ctx := t.Context()
	withPhone, err := e.sim.Create("contacts", map[string]any{"lastname": "Ng", "telephone1": "+1 206 555 0100"})
	if err != nil {
		t.Fatal(err)
	}
	noPhone, err := e.sim.Create("contacts", map[string]any{"lastname": "Okafor"})
	if err != nil {
		t.Fatal(err)
	}
	_, meta := storetest.MetaCache(t, "dv", "dynamics")
	client := e.oauthClient(t)
	before := readAll(ctx, t, e.connectCached(t, client, meta), "contacts") // caches the definition
	if got := before[withPhone.ID].Fields["telephone1"]; got != "+1 206 555 0100" {
		t.Fatalf("before securing: telephone1 %q", got)
	}

	if err := e.sim.SecureColumn("contacts", "telephone1", dsim.FieldPermission{}); err != nil {
		t.Fatal(err)
	}
	hidden := readAll(ctx, t, e.connectCached(t, client, meta), "contacts")
	for _, id := range []string{withPhone.ID, noPhone.ID} {
		rec := hidden[id]
		if v, read := rec.Fields["telephone1"]; read {
			t.Errorf("contact %s: secured telephone1 read as %q; want it not read", id, v)
		}
		if v, read := rec.Fields["jobtitle"]; !read || v != "" {
			t.Errorf("contact %s: unsecured empty jobtitle %q (read %v); want a blank", id, v, read)
		}
		if rec.Fields["lastname"] == "" {
			t.Errorf("contact %s: lastname not read: %v", id, rec.Fields)
		}
	}

	if err := e.sim.SecureColumn("contacts", "telephone1", dsim.FieldPermission{Read: true}); err != nil {
		t.Fatal(err)
	}
	shown := readAll(ctx, t, e.connectCached(t, client, meta), "contacts")
	if got := shown[withPhone.ID].Fields["telephone1"]; got != "+1 206 555 0100" {
		t.Errorf("with read permission: telephone1 %q", got)
	}
	if v, read := shown[noPhone.ID].Fields["telephone1"]; read {
		t.Errorf("a secured null read as %q; it cannot be told from a hidden value", v)
	}
}
