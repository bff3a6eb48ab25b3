package dynamics

import (
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestCallsMeetingsAndNotes: phone calls and appointments regard their
// contact through regardingobjectid_contact_<table>, a note (annotation)
// hangs on its contact through objectid_contact; each is written through
// the connector, lands in the sandbox with its columns (a Boolean, a
// whole number, instants), and reads back the same. A note's isdocument
// is SystemRequired but has a default, so it is not required on create.
func TestCallsMeetingsAndNotes(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 12})
	c := e.connect(t)
	ctx := t.Context()
	person, err := e.sim.Create("contacts", map[string]any{"lastname": "Lovelace"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		set, nav, lookup string
		fields           map[string]string
	}{
		{"phonecalls", "regardingobjectid_contact_phonecall", "_regardingobjectid_value",
			map[string]string{"subject": "Renewal call", "directioncode": "false", "actualdurationminutes": "25", "scheduledend": "2027-01-15T10:30:00Z"}},
		{"appointments", "regardingobjectid_contact_appointment", "_regardingobjectid_value",
			map[string]string{"subject": "Quarterly review", "location": "Room 4", "scheduledstart": "2027-01-20T09:00:00Z", "scheduledend": "2027-01-20T10:00:00Z"}},
		{"annotations", "objectid_contact", "_objectid_value",
			map[string]string{"subject": "Met at the fair", "notetext": "Wants a quote for 40 seats."}},
	}
	for _, tc := range cases {
		sc, err := c.Schema(ctx, tc.set)
		if err != nil {
			t.Fatalf("%s schema: %v", tc.set, err)
		}
		if f, ok := sc.Field(tc.nav); !ok || f.ReadOnly || f.Type != connector.TypeID {
			t.Fatalf("%s: %s in the schema: %+v %v", tc.set, tc.nav, f, ok)
		}
		if f, ok := sc.Field("isdocument"); ok && f.Required {
			t.Errorf("%s: isdocument is required on create; Dataverse defaults it", tc.set)
		}
		fields := map[string]string{tc.nav: person.ID}
		for k, v := range tc.fields {
			fields[k] = v
		}
		res, err := c.Write(ctx, tc.set, []connector.Op{{Kind: connector.OpCreate, Fields: fields}})
		if err != nil || len(res) != 1 || res[0].Err != nil {
			t.Fatalf("create in %s: %v %+v", tc.set, err, res)
		}
		row, ok := e.sim.Get(tc.set, res[0].ID)
		if !ok || row.Fields[tc.lookup] != person.ID || row.Fields["subject"] != tc.fields["subject"] {
			t.Fatalf("%s row %s in the sandbox: %+v", tc.set, res[0].ID, row.Fields)
		}
		var got map[string]string
		for page, err := range c.Read(ctx, tc.set, "") {
			if err != nil {
				t.Fatalf("read %s: %v", tc.set, err)
			}
			for _, r := range page.Records {
				if r.ID == res[0].ID {
					got = r.Fields
				}
			}
		}
		if got[tc.nav] != person.ID {
			t.Errorf("%s read back: %s = %q, want %s", tc.set, tc.nav, got[tc.nav], person.ID)
		}
		for k, v := range tc.fields {
			if got[k] != v {
				t.Errorf("%s read back: %s = %q, want %q", tc.set, k, got[k], v)
			}
		}
	}
}
