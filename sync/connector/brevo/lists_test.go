package brevo

import (
	"fmt"
	"slices"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
)

// listIds is a multi-select of the account's lists, paged from GET
// /v3/contacts/lists and labelled by name; a create joins the lists it
// names, an update makes the contact's lists exactly the ones it names
// (listIds and unlinkListIds), and a read gives them back.
func TestListIDs(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 9})
	var ids []int64
	for i := range bvsim.MaxListsPage + 3 { // more than one page of lists
		ids = append(ids, e.sim.CreateList(fmt.Sprintf("List %02d", i)))
	}
	c := e.connect(t)
	ctx := t.Context()
	sc, err := c.Schema(ctx, objContacts)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field(fListIDs)
	if !ok || f.Type != connector.TypeMulti || len(f.Options) != len(ids) || f.Options[len(ids)-1].Label != fmt.Sprintf("List %02d", len(ids)-1) {
		t.Fatalf("listIds field %+v (found %v), want a multi-select of %d lists labelled by name", f, ok, len(ids))
	}
	first, last := fmt.Sprint(ids[0]), fmt.Sprint(ids[len(ids)-1])
	res, err := c.Write(ctx, objContacts, []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "lists@example.com", fListIDs: first + ";" + last}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("create: %v %+v", err, res)
	}
	if got, _ := e.sim.ContactByEmail("lists@example.com"); !slices.Equal(got.ListIDs, []int64{ids[0], ids[len(ids)-1]}) {
		t.Fatalf("created contact's lists %v", got.ListIDs)
	}
	second := fmt.Sprint(ids[1])
	if res, err := c.Write(ctx, objContacts, []connector.Op{{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{fListIDs: second + ";" + last}}}); err != nil || res[0].Err != nil {
		t.Fatalf("update: %v %+v", err, res)
	}
	got, _ := e.sim.ContactByEmail("lists@example.com")
	if slices.Sort(got.ListIDs); !slices.Equal(got.ListIDs, []int64{ids[1], ids[len(ids)-1]}) {
		t.Fatalf("updated contact's lists %v, want %d and %d", got.ListIDs, ids[1], ids[len(ids)-1])
	}
	recs, _ := conformance.ReadAll(t, c, objContacts, "")
	read := connector.SplitMulti(conformance.ByID(recs)[res[0].ID].Fields[fListIDs])
	if slices.Sort(read); !slices.Equal(read, []string{second, last}) && !slices.Equal(read, []string{last, second}) {
		t.Fatalf("read back lists %q, want %s and %s", read, second, last)
	}
}
