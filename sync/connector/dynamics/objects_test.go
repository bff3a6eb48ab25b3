package dynamics

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// withExtraDefinitions adds definitions to the sandbox's EntityDefinitions
// listings, as an organization with a custom activity table and a custom
// many-to-many link would list them.
func withExtraDefinitions(extra ...map[string]any) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, apiRoot+"/EntityDefinitions") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var body map[string]any
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
				w.WriteHeader(rec.Code)
				_, _ = io.Copy(w, rec.Body)
				return
			}
			vals, _ := body["value"].([]any)
			for _, x := range extra {
				vals = append(vals, x)
			}
			body["value"] = vals
			b, _ := json.Marshal(body)
			w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
			w.WriteHeader(http.StatusOK)
			_, _ = io.Copy(w, bytes.NewReader(b))
		})
	}
}

func customDef(logical, set string, activity, intersect bool) map[string]any {
	return map[string]any{"LogicalName": logical, "EntitySetName": set, "PrimaryIdAttribute": logical + "id", "IsCustomEntity": true,
		"IsActivity": activity, "IsIntersect": intersect, "IsPrivate": false,
		"DisplayCollectionName": map[string]any{"UserLocalizedLabel": map[string]any{"Label": logical}}}
}

// The editor is offered the custom table by its entity set name, and no
// standard table, custom activity table or intersect table.
func TestListObjectsOffersCustomTables(t *testing.T) {
	e := newEnvWrapped(t, dsim.Options{Seed: 41}, withExtraDefinitions(
		customDef("crmsync_visit", "crmsync_visits", true, false),
		customDef("crmsync_project_contact", "crmsync_project_contactset", false, true)))
	got, err := e.connect(t).ListObjects(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []connector.ObjectChoice{{Name: "crmsync_projects", Label: `Custom table "Projects" (crmsync_projects)`}}
	if len(got) != len(want) || got[0] != want[0] {
		t.Fatalf("ListObjects = %+v, want %+v", got, want)
	}
}

// A custom table's schema comes from its definition, found by its entity
// set name; a name that is no table's is refused.
func TestCustomTableSchema(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 42})
	c := e.connect(t)
	sc, err := c.Schema(t.Context(), "crmsync_projects")
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]connector.FieldType{"crmsync_name": connector.TypeString, "crmsync_status": connector.TypeEnum,
		"crmsync_budget": connector.TypeNumber, "crmsync_startdate": connector.TypeDate, "crmsync_projectid": connector.TypeID,
		"modifiedon": connector.TypeDateTime, "statecode": connector.TypeEnum}
	for name, typ := range checks {
		if f, ok := sc.Field(name); !ok || f.Type != typ {
			t.Errorf("%s: %+v (found %v), want type %v", name, f, ok, typ)
		}
	}
	if f, _ := sc.Field("crmsync_projectid"); !f.ReadOnly {
		t.Error("the primary key is writable")
	}
	if f, _ := sc.Field("crmsync_name"); !f.Required || f.MaxLen != 100 {
		t.Errorf("crmsync_name: %+v", f)
	}
	f, _ := sc.Field("crmsync_status")
	if len(f.Options) != 3 || f.Options[0] != (connector.Option{Value: "100000000", Label: "Planned"}) || f.Options[2].Label != "Done" {
		t.Errorf("crmsync_status options %+v", f.Options)
	}
	if key, err := c.UpsertKey(t.Context(), "crmsync_projects"); err != nil || key != "" {
		t.Errorf("UpsertKey = %q, %v; want none", key, err)
	}
	_, err = c.Schema(t.Context(), "crmsync_nothings")
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Category != connector.CatValidation {
		t.Fatalf("an unknown table: %v", err)
	}
}

// steppedClock is a sandbox clock that stands still until tick moves it
// three seconds on, so modified times (to the second) tell writes apart.
func steppedClock() (clock func() time.Time, tick func()) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	clock = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	tick = func() { mu.Lock(); now = now.Add(3 * time.Second); mu.Unlock() }
	return clock, tick
}

// Rows of a custom table are created, read incrementally, updated and
// deleted through the same endpoints as a contact's; a choice value the
// column lacks fails its row alone with Dataverse's code and message.
func TestCustomTableRoundTrip(t *testing.T) {
	clock, tick := steppedClock()
	e := newEnv(t, dsim.Options{Seed: 43, Now: clock})
	c := e.connect(t)
	ctx := t.Context()

	res, err := c.Write(ctx, "crmsync_projects", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"crmsync_name": "Apollo", "crmsync_status": "100000000", "crmsync_budget": "1250.5", "crmsync_startdate": "2026-12-01"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"crmsync_name": "Broken", "crmsync_status": "100000009"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"crmsync_name": "Gemini", "crmsync_status": "100000001"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Err != nil || res[2].Err != nil || !res[0].Created || res[0].ID == "" {
		t.Fatalf("creates: %+v", res)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || !strings.EqualFold(re.Code, "0x8004431a") || !strings.Contains(re.Message, "crmsync_status") {
		t.Fatalf("the bad choice: %v", res[1].Err)
	}
	if row, ok := e.sim.Get("crmsync_projects", res[0].ID); !ok || row.Fields["crmsync_name"] != "Apollo" {
		t.Fatalf("the sandbox holds %+v (%v)", row, ok)
	}

	read := func(since connector.Cursor) (map[string]connector.Record, connector.Cursor) {
		t.Helper()
		recs, cur := conformance.ReadAll(t, c, "crmsync_projects", since)
		return conformance.ByID(recs), cur
	}
	got, cur := read("")
	if len(got) != 2 {
		t.Fatalf("read %d rows, want 2: %+v", len(got), got)
	}
	a := got[res[0].ID].Fields
	if a["crmsync_name"] != "Apollo" || a["crmsync_status"] != "100000000" || a["crmsync_startdate"] != "2026-12-01" || !strings.HasPrefix(a["crmsync_budget"], "1250.5") {
		t.Fatalf("Apollo reads as %+v", a)
	}

	tick()
	res, err = c.Write(ctx, "crmsync_projects", []connector.Op{{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{"crmsync_status": "100000002"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("update: %+v %v", res, err)
	}
	got, _ = read(cur)
	if len(got) != 1 || got[res[0].ID].Fields["crmsync_status"] != "100000002" {
		t.Fatalf("the incremental read gives %+v, want Apollo alone, Done", got)
	}

	del, err := c.Delete(ctx, "crmsync_projects", []string{res[0].ID})
	if err != nil || del[0].Err != nil {
		t.Fatalf("delete: %+v %v", del, err)
	}
	if _, ok := e.sim.Get("crmsync_projects", res[0].ID); ok {
		t.Fatal("the deleted row is still there")
	}
}
