package dynamics

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// rawInterests reads contact.crmsync_interests as the Web API returns it,
// with a plain GET and a token of the sandbox's own: nil when null.
func (e *env) rawInterests(t *testing.T, id string) any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.base+apiRoot+"/contacts("+id+")?$select=crmsync_interests", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.sim.MintAccessToken())
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var row map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&row); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET contacts(%s): %d %v", id, resp.StatusCode, err)
	}
	v, ok := row["crmsync_interests"]
	if !ok {
		t.Fatalf("GET contacts(%s) has no crmsync_interests: %v", id, row)
	}
	return v
}

// The custom multi-select choice column is offered as TypeMulti, with its
// options as option values and labels, like a picklist's.
func TestSchemaReportsMultiSelect(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 21})
	sc, err := e.connect(t).Schema(t.Context(), "contacts")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field("crmsync_interests")
	if !ok || f.Type != connector.TypeMulti || f.Label != "Interests" || f.ReadOnly || f.Required {
		t.Fatalf("crmsync_interests: %+v (found %v)", f, ok)
	}
	want := []connector.Option{{Value: "100000000", Label: "Product updates"}, {Value: "100000001", Label: "Webinars"},
		{Value: "100000002", Label: "Events"}, {Value: "100000003", Label: "Partnerships"}, {Value: "100000004", Label: "Pricing"}}
	if len(f.Options) != len(want) {
		t.Fatalf("options %+v, want %+v", f.Options, want)
	}
	for i := range want {
		if f.Options[i] != want[i] {
			t.Errorf("option %d: %+v, want %+v", i, f.Options[i], want[i])
		}
	}
	// The virtual name column beside a lookup stays out.
	if _, ok := sc.Field("parentcustomeridname"); ok {
		t.Error("parentcustomeridname is offered")
	}
}

// A row with two choices reads as "v1;v2", in Dataverse's order; a row with
// none reads as a blank.
func TestReadMultiSelect(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 22})
	two, err := e.sim.Create("contacts", map[string]any{"lastname": "Two", "crmsync_interests": "100000002,100000000"})
	if err != nil {
		t.Fatal(err)
	}
	none, err := e.sim.Create("contacts", map[string]any{"lastname": "None"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]connector.Record{}
	for p, err := range e.connect(t).Read(t.Context(), "contacts", "") {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			got[r.ID] = r
		}
	}
	if v := got[two.ID].Fields["crmsync_interests"]; v != "100000002;100000000" {
		t.Errorf("two choices read as %q, want 100000002;100000000", v)
	}
	if v, ok := got[none.ID].Fields["crmsync_interests"]; !ok || v != "" {
		t.Errorf("no choices read as %q (present %v), want a blank", v, ok)
	}
}

// Writing "v1;v3" stores "v1,v3" in Dataverse; a blank clears the column;
// a create carries the choices too.
func TestWriteMultiSelect(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 23})
	c := e.connect(t)
	row, err := e.sim.Create("contacts", map[string]any{"lastname": "Writer", "crmsync_interests": "100000004"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: row.ID, Fields: map[string]string{"crmsync_interests": "100000000;100000002"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "New", "crmsync_interests": "100000003; 100000001"}},
	})
	if err != nil || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("write: %+v %v", res, err)
	}
	if v := e.rawInterests(t, row.ID); v != "100000000,100000002" {
		t.Fatalf("the Web API returns %#v after the update, want \"100000000,100000002\"", v)
	}
	if rec, _ := e.sim.Get("contacts", row.ID); rec.Fields["crmsync_interests"] != "100000000,100000002" {
		t.Fatalf("the sandbox holds %#v", rec.Fields["crmsync_interests"])
	}
	if v := e.rawInterests(t, res[1].ID); v != "100000003,100000001" {
		t.Fatalf("the created row holds %#v", v)
	}

	res, err = c.Write(t.Context(), "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: row.ID, Fields: map[string]string{"crmsync_interests": ""}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("clear: %+v %v", res, err)
	}
	if v := e.rawInterests(t, row.ID); v != nil {
		t.Fatalf("after clearing the Web API returns %#v, want null", v)
	}
}

// An option the column lacks fails that one row with Dataverse's own code
// and message, naming the column; the other rows of the $batch are
// written. A value that is no option value at all is refused before
// sending.
func TestWriteUnknownChoiceFailsOnlyItsRow(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 24})
	c := e.connect(t)
	var ids []string
	for _, name := range []string{"Ok1", "Bad", "Ok2"} {
		rec, err := e.sim.Create("contacts", map[string]any{"lastname": name, "crmsync_interests": "100000004"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.ID)
	}
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{"crmsync_interests": "100000001"}},
		{Kind: connector.OpUpdate, ID: ids[1], Fields: map[string]string{"crmsync_interests": "100000001;100000099"}},
		{Kind: connector.OpUpdate, ID: ids[2], Fields: map[string]string{"crmsync_interests": "100000002;100000003"}},
		{Kind: connector.OpUpdate, ID: ids[2], Fields: map[string]string{"crmsync_interests": "Webinars"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.sim.Stats()["POST /api/data/v9.2/$batch"]; n != 1 {
		t.Fatalf("%d $batch calls, want the three rows in one", n)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.RecordID != ids[1] || re.Field != "crmsync_interests" || re.Category != connector.CatValidation ||
		re.Code != "0x8004431a" || re.Message != "A validation error occurred. The value 100000099 of 'crmsync_interests' on record of type 'contact' is outside the valid range." {
		t.Fatalf("the unknown option: %+v", res[1].Err)
	}
	if !errors.As(res[3].Err, &re) || re.Field != "crmsync_interests" || re.Code != "INVALID_VALUE" {
		t.Fatalf("a label for a value: %+v", res[3].Err)
	}
	for i, want := range map[int]string{0: "100000001", 1: "100000004", 2: "100000002,100000003"} {
		if i != 1 && res[i].Err != nil {
			t.Errorf("row %d failed: %v", i, res[i].Err)
		}
		if v := e.rawInterests(t, ids[i]); v != want {
			t.Errorf("row %d holds %#v, want %q", i, v, want)
		}
	}
}

func TestChoicesWireForm(t *testing.T) {
	for in, want := range map[string]string{"1,9": "1;9", "1, 9": "1;9", "": "", "100000000": "100000000", ",2,": "2"} {
		if got := fromChoices(in); got != want {
			t.Errorf("fromChoices(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"1;9": "1,9", " 1 ; 9 ;": "1,9", ";": "", "100000002": "100000002"} {
		if got, err := toChoices("contacts", "", "x", in); err != nil || got != want {
			t.Errorf("toChoices(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := toChoices("contacts", "", "x", "1;two"); err == nil || err.Code != "INVALID_VALUE" || err.Field != "x" {
		t.Errorf("toChoices of a word: %+v", err)
	}
}
