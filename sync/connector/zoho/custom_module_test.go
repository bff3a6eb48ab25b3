package zoho

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

// TestListObjectsCustomModules: the editor is offered the organization's custom module
// Projects by its api_name, with Zoho's plural label, and neither a standard module nor
// the linking module Projects_X_Contacts, which GET /settings/modules lists too. The
// grant Info asks for covers the modules list and the custom module's records.
func TestListObjectsCustomModules(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 21})
	c := e.connect(t)
	got, err := c.ListObjects(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := connector.ObjectChoice{Name: "Projects", Label: `Custom module "Projects" (Projects)`}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("ListObjects = %+v, want only %+v", got, want)
	}
	if _, err := c.Schema(t.Context(), "Projects"); err != nil {
		t.Fatalf("schema of a listed module: %v", err)
	}
	for _, bad := range []string{"", "../Contacts", "Projects?x=1", "Pro jects"} {
		if _, err := c.Schema(t.Context(), bad); !errors.Is(err, connector.ErrValidation) {
			t.Fatalf("Schema(%q): %v, want a validation error", bad, err)
		}
	}
}

// TestCustomModuleRoundTrip: a sync of Projects, a module Info does not name, reads its
// fields, creates records (an invalid picklist value failing its record alone with
// Zoho's INVALID_DATA naming Status), reads them, reads only the updated one from the
// cursor after an update, finds one by Name, and deletes it.
func TestCustomModuleRoundTrip(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 22})
	c := e.connect(t)
	ctx := t.Context()
	const object = "Projects"

	sc, err := c.Schema(ctx, object)
	if err != nil {
		t.Fatal(err)
	}
	for name, typ := range map[string]connector.FieldType{"Name": connector.TypeString, "Status": connector.TypeEnum,
		"Budget": connector.TypeNumber, "Start_Date": connector.TypeDate, "Owner": connector.TypeEnum, "Modified_Time": connector.TypeDateTime} {
		if f, ok := sc.Field(name); !ok || f.Type != typ {
			t.Fatalf("field %s: %+v (found %v), want %s", name, f, ok, typ)
		}
	}
	if f, _ := sc.Field("Name"); !f.Required || f.ReadOnly {
		t.Fatalf("Name: %+v, want required and writable", f)
	}
	if f, _ := sc.Field("Modified_Time"); !f.ReadOnly {
		t.Fatalf("Modified_Time: %+v, want read only", f)
	}

	res, err := c.Write(ctx, object, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"Name": "Apollo", "Status": "Planned", "Budget": "1250.5", "Start_Date": "2026-12-01"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"Name": "Gemini", "Status": "Someday"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"Name": "Mercury", "Status": "Done"}},
	})
	if err != nil || len(res) != 3 {
		t.Fatalf("create: %v %+v", err, res)
	}
	if res[0].Err != nil || res[2].Err != nil || !res[0].Created || res[0].ID == "" {
		t.Fatalf("create: %+v", res)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != "Status" || re.Code != "INVALID_DATA" || re.Message != "invalid data (supported values: Planned, Active, Done)" ||
		!errors.Is(res[1].Err, connector.ErrValidation) {
		t.Fatalf("an unlisted Status: %#v, want Zoho's INVALID_DATA on Status", res[1].Err)
	}
	apollo, mercury := res[0].ID, res[2].ID

	read := func(since connector.Cursor) (map[string]connector.Record, connector.Cursor) {
		t.Helper()
		recs, cur := conformance.ReadAll(t, c, object, since)
		return conformance.ByID(recs), cur
	}
	all, cur := read("")
	if len(all) != 2 {
		t.Fatalf("read %d records, want 2: %+v", len(all), all)
	}
	if f := all[apollo].Fields; f["Name"] != "Apollo" || f["Status"] != "Planned" || f["Budget"] != "1250.5" ||
		f["Start_Date"] != "2026-12-01" || f["Owner"] != e.sim.UserID() {
		t.Fatalf("Apollo reads %v", f)
	}

	time.Sleep(1100 * time.Millisecond) // Modified_Time has one-second resolution
	res, err = c.Write(ctx, object, []connector.Op{{Kind: connector.OpUpdate, ID: mercury, Fields: map[string]string{"Status": "Active", "Budget": "99"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("update: %v %+v", err, res)
	}
	changed, _ := read(cur)
	if len(changed) != 1 || changed[mercury].Fields["Status"] != "Active" || changed[mercury].Fields["Budget"] != "99" {
		t.Fatalf("incremental read: %+v, want only Mercury, Active", changed)
	}

	found, err := c.Lookup(ctx, object, "Name", []string{"Apollo"})
	if err != nil || len(found) != 1 || found[0].ID != apollo {
		t.Fatalf("lookup by Name: %v %+v", err, found)
	}
	if del, err := c.Delete(ctx, object, []string{apollo}); err != nil || del[0].Err != nil {
		t.Fatalf("delete: %v %+v", err, del)
	}
	if r, ok := e.sim.Get(object, apollo); ok && !r.Deleted {
		t.Fatalf("Apollo still live: %+v", r)
	}
	if z, _ := e.sim.Get(object, mercury); z.Fields["Status"] != "Active" || !strings.EqualFold(z.Fields["Name"], "Mercury") {
		t.Fatalf("Zoho holds Mercury as %v", z.Fields)
	}
}

// headerTransport sends a fixed access token with Zoho's scheme.
type headerTransport string

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Zoho-oauthtoken "+string(h))
	return http.DefaultTransport.RoundTrip(r)
}

// TestListObjectsOldGrant: a connection made before crmsync asked for the modules scope
// is refused the modules list with OAUTH_SCOPE_MISMATCH, and is offered no custom
// module, without an error.
func TestListObjectsOldGrant(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 23})
	c := narrowGrantConnector(t, e)
	if got, err := c.ListObjects(t.Context()); err != nil || len(got) != 0 {
		t.Fatalf("ListObjects with an old grant = %+v, %v; want none and no error", got, err)
	}
}
