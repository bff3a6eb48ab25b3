package brevo

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// Many creates for the same list go through one import, its polls and two
// pages of reads, not one POST each; every contact gets its id and
// attributes, an invalid email fails alone with Brevo's message, and an
// email Brevo already holds is a conflict naming that contact, not a
// duplicate nor an overwrite.
func TestBrevoBulkCreateImports(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 3})
	list := e.sim.CreateList("Newsletter")
	taken, err := e.sim.SeedContacts([]bvsim.ContactSeed{{Email: "taken@bulk.example", Attributes: map[string]any{"FIRSTNAME": "Kept"}}})
	if err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	const n, bad, dup = 60, 7, 13
	ops := make([]connector.Op, n)
	for i := range ops {
		ops[i] = connector.Op{Kind: connector.OpCreate, Fields: map[string]string{fEmail: fmt.Sprintf("p%02d@bulk.example", i),
			"FIRSTNAME": fmt.Sprintf("First %d", i), "CITY": "Lyon", fListIDs: fmt.Sprint(list)}}
	}
	ops[bad].Fields[fEmail] = "not-an-email"
	ops[dup].Fields[fEmail] = "taken@bulk.example"
	before := e.sim.Stats()
	res, err := c.Write(t.Context(), objContacts, ops)
	if err != nil {
		t.Fatal(err)
	}
	after := e.sim.Stats()
	calls := func(k string) int64 { return after[k] - before[k] }
	if got := calls("POST /v3/contacts"); got != 2 {
		t.Errorf("POST /v3/contacts: %d calls, want 2 (only the two contacts the import left out)", got)
	}
	if got := calls("POST /v3/contacts/import"); got != 1 {
		t.Errorf("POST /v3/contacts/import: %d calls, want 1", got)
	}
	if got := calls("GET /v3/contacts"); got != 2 {
		t.Errorf("GET /v3/contacts: %d calls, want 2 (the newest contacts before, one read-back page after)", got)
	}
	if got := calls("GET /v3/processes/{processId}"); got < 1 || got > 3 {
		t.Errorf("GET /v3/processes/{processId}: %d calls, want a few polls", got)
	}
	for i, r := range res {
		switch i {
		case bad:
			var re *connector.RecordError
			if !errors.As(r.Err, &re) || re.Code != "invalid_parameter" || !strings.Contains(re.Message, "Invalid email address") || re.Field != fEmail {
				t.Errorf("invalid email: %+v, want Brevo's invalid_parameter naming the email", r)
			}
		case dup:
			var re *connector.RecordError
			if !errors.As(r.Err, &re) || re.Category != connector.CatConflict || !slices.Equal(re.Duplicates, []string{fmt.Sprint(taken[0])}) {
				t.Errorf("taken email: %+v, want a conflict naming contact %d", r, taken[0])
			}
		default:
			if r.Err != nil || !r.Created || r.ID == "" {
				t.Errorf("op %d: %+v, want created with an id", i, r)
				continue
			}
			var cid int64
			fmt.Sscan(r.ID, &cid)
			got, ok := e.sim.Contact(cid)
			if !ok || got.Email != ops[i].Fields[fEmail] || got.Attributes["FIRSTNAME"] != ops[i].Fields["FIRSTNAME"] ||
				got.Attributes["CITY"] != "Lyon" || !slices.Equal(got.ListIDs, []int64{list}) {
				t.Errorf("op %d: contact %s in Brevo is %+v", i, r.ID, got)
			}
		}
	}
	if got := e.sim.Count(); got != n-1 {
		t.Errorf("%d contacts in Brevo, want %d (the seeded one and %d created)", got, n-1, n-2)
	}
	if kept, _ := e.sim.ContactByEmail("taken@bulk.example"); kept.Attributes["FIRSTNAME"] != "Kept" {
		t.Errorf("the existing contact was overwritten: %+v", kept.Attributes)
	}
}

// A contact created an instant before an import, by the previous batch,
// is not taken for one the import created: a second row for its email,
// in the next batch or in the same one, is a conflict naming it.
func TestBrevoBulkImportRepeatedEmail(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 4})
	list := e.sim.CreateList("Customers")
	c := e.connect(t)
	batch := func(from int, extra ...string) []connector.Op {
		var ops []connector.Op
		for i := from; i < from+ImportMin; i++ {
			ops = append(ops, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{fEmail: fmt.Sprintf("r%03d@bulk.example", i), fListIDs: fmt.Sprint(list)}})
		}
		for _, x := range extra {
			ops = append(ops, connector.Op{Kind: connector.OpCreate, Fields: map[string]string{fEmail: x, "FIRSTNAME": "Again", fListIDs: fmt.Sprint(list)}})
		}
		return ops
	}
	first, err := c.Write(t.Context(), objContacts, batch(0))
	if err != nil || first[0].Err != nil || !first[0].Created {
		t.Fatalf("first batch: %v %+v", err, first[0])
	}
	second, err := c.Write(t.Context(), objContacts, batch(100, fmt.Sprintf("r%03d@bulk.example", ImportMin-1), "r100@bulk.example"))
	if err != nil {
		t.Fatal(err)
	}
	conflict := func(r connector.Result, holder string) bool {
		var re *connector.RecordError
		return errors.As(r.Err, &re) && re.Category == connector.CatConflict && slices.Equal(re.Duplicates, []string{holder})
	}
	// The newest contact before the import, created in the read-back's
	// first instant.
	if r := second[ImportMin]; !conflict(r, first[ImportMin-1].ID) {
		t.Errorf("email of the previous batch: %+v, want a conflict naming %s", r, first[ImportMin-1].ID)
	}
	if r := second[ImportMin+1]; !conflict(r, second[0].ID) || second[0].Err != nil {
		t.Errorf("email twice in one batch: %+v (first %+v), want a conflict naming the first", r, second[0])
	}
	if got := e.sim.Count(); got != 2*ImportMin {
		t.Errorf("%d contacts in Brevo, want %d", got, 2*ImportMin)
	}
	if got, _ := e.sim.ContactByEmail(fmt.Sprintf("r%03d@bulk.example", ImportMin-1)); got.Attributes["FIRSTNAME"] != nil {
		t.Errorf("the existing contact was overwritten: %+v", got.Attributes)
	}
}
