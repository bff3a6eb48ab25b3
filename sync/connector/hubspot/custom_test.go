package hubspot

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

const statSchemas = "GET /crm-object-schemas/2026-03/schemas"

// projects is the sandbox's custom object, by its object type id.
const projects = hssim.ProjectsObject

// The connector asks for the custom object scopes as optional scopes,
// beside the unsubscribe scope, space-separated.
func TestCustomObjectScopesAreOptional(t *testing.T) {
	info := Info()
	opt := strings.Fields(info.OAuth.AuthParams["optional_scope"])
	for _, s := range []string{scopeUnsubscribe, "crm.schemas.custom.read", "crm.objects.custom.read", "crm.objects.custom.write"} {
		if !slices.Contains(opt, s) {
			t.Errorf("optional_scope %q lacks %s", info.OAuth.AuthParams["optional_scope"], s)
		}
		if slices.Contains(info.OAuth.Scopes, s) {
			t.Errorf("%s is a required scope; only an Enterprise portal can grant it", s)
		}
	}
}

// ListObjects offers the portal's custom object by its object type id,
// labelled with its plural label, from one schemas call.
func TestListObjectsOffersCustomObjects(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 21})
	c := oauthConnector(t, e)
	got, err := c.ListObjects(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []connector.ObjectChoice{{Name: "2-7788991", Label: `Custom object "Projects" (2-7788991)`}}
	if !slices.Equal(got, want) {
		t.Fatalf("ListObjects = %v; want %v", got, want)
	}
	if n := e.sim.Stats()[statSchemas]; n != 1 {
		t.Fatalf("%d schemas calls; want 1", n)
	}
}

// Without the schema scope (a portal without Enterprise, or a connection
// made before crmsync asked for it) HubSpot answers 403 MISSING_SCOPES:
// no custom objects, and no error. A portal with none lists none. Any
// other failure is an error.
func TestListObjectsWithoutCustomObjects(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 22})
	got, err := scopedConnector(t, e).ListObjects(t.Context())
	if err != nil || len(got) != 0 {
		t.Fatalf("without the schema scope: %v, %v; want none and no error", got, err)
	}
	if n := e.sim.Stats()[statSchemas]; n != 1 {
		t.Fatalf("%d schemas calls; want 1 (a 403 is not retried)", n)
	}

	none := newEnv(t, hssim.Options{Seed: 23, NoCustomObjects: true})
	if got, err := oauthConnector(t, none).ListObjects(t.Context()); err != nil || len(got) != 0 {
		t.Fatalf("portal without custom objects: %v, %v", got, err)
	}

	bad := &http.Client{Transport: bearer{"not-a-token"}}
	c, err := newConnector(bad, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListObjects(t.Context()); err == nil || !errors.Is(err, connector.ErrAuth) {
		t.Fatalf("ListObjects with a refused token: %v; want an auth error", err)
	}
}

// bearer sends a fixed token.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// The custom object's schema comes from the properties API, with its
// schema's requiredProperties marked required, and its upsert key is the
// unique crmsync_key; the fully qualified name and p_{name} work alike.
func TestCustomObjectSchema(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 24})
	c := oauthConnector(t, e)
	sc, err := c.Schema(t.Context(), projects)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]connector.Field{}
	for _, f := range sc.Fields {
		fields[f.Name] = f
	}
	want := map[string]connector.FieldType{"project_name": connector.TypeString, "status": connector.TypeEnum, "budget": connector.TypeNumber,
		"start_date": connector.TypeDate, "crmsync_key": connector.TypeString, "hs_object_id": connector.TypeID,
		"hs_createdate": connector.TypeDateTime, "hs_lastmodifieddate": connector.TypeDateTime}
	for name, typ := range want {
		if f, ok := fields[name]; !ok || f.Type != typ {
			t.Errorf("field %s: %+v; want type %v", name, f, typ)
		}
	}
	if !fields["project_name"].Required || fields["status"].Required {
		t.Error("project_name must be required (requiredProperties), status not")
	}
	if !fields["crmsync_key"].Unique || len(fields["status"].Options) != 3 {
		t.Errorf("crmsync_key %+v, status options %v", fields["crmsync_key"], fields["status"].Options)
	}
	if k, err := c.UpsertKey(t.Context(), projects); err != nil || k != "crmsync_key" {
		t.Fatalf("UpsertKey = %q, %v; want crmsync_key", k, err)
	}
	for _, name := range []string{"p24681357_projects", "p_projects"} {
		if sc, err := c.Schema(t.Context(), name); err != nil || len(sc.Fields) != len(fields) {
			t.Errorf("schema of %s: %d fields, %v", name, len(sc.Fields), err)
		}
	}
	if isCustom("projects") || isCustom("contacts") || isCustom("p_") || !isCustom("p_projects") || !isCustom("2-1") {
		t.Error("isCustom misreads a name")
	}
}

// A full round trip on the custom object: create, read back and read
// incrementally, update, upsert by crmsync_key without duplicating, an
// invalid option failing its record alone with HubSpot's message, lookup,
// and delete.
func TestCustomObjectRoundTrip(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 25})
	c := oauthConnector(t, e)
	ctx := t.Context()

	res, err := c.Write(ctx, projects, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"project_name": "Apollo", "status": "planned", "budget": "1200", "start_date": "2026-12-01", "crmsync_key": "k-apollo"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"project_name": "Gemini", "status": "active", "crmsync_key": "k-gemini"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.ID == "" {
			t.Fatalf("create %d: %+v", i, r)
		}
	}
	apollo, gemini := res[0].ID, res[1].ID
	if n := e.sim.Stats()["POST /crm/objects/2026-03/2-7788991/batch/create"]; n != 1 {
		t.Fatalf("%d batch creates; want 1", n)
	}

	recs, cur := conformance.ReadAll(t, c, projects, "")
	byID := map[string]connector.Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	if len(recs) != 2 || byID[apollo].Fields["start_date"] != "2026-12-01" || byID[apollo].Fields["status"] != "planned" ||
		byID[gemini].Fields["project_name"] != "Gemini" || byID[apollo].Modified.IsZero() {
		t.Fatalf("first read: %+v", recs)
	}

	time.Sleep(10 * time.Millisecond) // a later modified time
	res, err = c.Write(ctx, projects, []connector.Op{{Kind: connector.OpUpdate, ID: gemini, Fields: map[string]string{"status": "done", "budget": "50"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("update: %v %+v", err, res)
	}
	recs, _ = conformance.ReadAll(t, c, projects, cur)
	if len(recs) != 1 || recs[0].ID != gemini || recs[0].Fields["status"] != "done" || recs[0].Fields["budget"] != "50" {
		t.Fatalf("incremental read after the update: %+v; want Gemini alone", recs)
	}

	// Upsert by crmsync_key: one existing key updates, one new key creates.
	key, err := c.UpsertKey(ctx, projects)
	if err != nil {
		t.Fatal(err)
	}
	up := []connector.Op{
		{Kind: connector.OpUpsert, Fields: map[string]string{"crmsync_key": "k-apollo", "project_name": "Apollo", "status": "active"}},
		{Kind: connector.OpUpsert, Fields: map[string]string{"crmsync_key": "k-mercury", "project_name": "Mercury"}},
	}
	res, err = c.Upsert(ctx, projects, key, up)
	if err != nil || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("upsert: %v %+v", err, res)
	}
	if res[0].ID != apollo || res[1].ID == "" || res[1].ID == apollo {
		t.Fatalf("upsert ids %s, %s; want Apollo's %s kept and a new one", res[0].ID, res[1].ID, apollo)
	}
	if res, err = c.Upsert(ctx, projects, key, up); err != nil || res[0].ID != apollo { // sent again
		t.Fatalf("upsert again: %v %+v", err, res)
	}
	if n := e.sim.Count(projects); n != 3 {
		t.Fatalf("%d projects after upserting twice; want 3 (no duplicate)", n)
	}
	if got, _ := e.sim.Get(projects, apollo); got.Properties["status"] != "active" {
		t.Fatalf("Apollo's status %q after the upsert", got.Properties["status"])
	}

	// An invalid option fails that record alone, with HubSpot's message.
	res, err = c.Write(ctx, projects, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"project_name": "Vostok", "status": "someday", "crmsync_key": "k-vostok"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"project_name": "Soyuz", "status": "planned", "crmsync_key": "k-soyuz"}},
		{Kind: connector.OpUpdate, ID: apollo, Fields: map[string]string{"status": "never"}},
		{Kind: connector.OpUpdate, ID: gemini, Fields: map[string]string{"budget": "75"}},
	})
	if err != nil {
		t.Fatalf("write with an invalid option: %v; want it to fail its records alone", err)
	}
	for i, bad := range []string{"someday", "never"} {
		var re *connector.RecordError
		r := res[2*i]
		if !errors.As(r.Err, &re) || re.Code != "INVALID_OPTION" || re.Field != "status" ||
			!strings.Contains(re.Message, bad+" was not one of the allowed options: [planned, active, done]") {
			t.Fatalf("op %d: %v; want INVALID_OPTION on status with HubSpot's message", 2*i, r.Err)
		}
		if ok := res[2*i+1]; ok.Err != nil || ok.ID == "" {
			t.Fatalf("op %d failed beside the bad one: %+v", 2*i+1, ok)
		}
	}
	if got, _ := e.sim.Get(projects, apollo); got.Properties["status"] != "active" {
		t.Fatal("a refused update changed Apollo")
	}
	if got, _ := e.sim.Get(projects, gemini); got.Properties["budget"] != "75" {
		t.Fatal("the good update beside a bad one was not written")
	}

	// Lookup by the key, and delete (archive) through either name.
	found, err := c.Lookup(ctx, "p_projects", "crmsync_key", []string{"K-Soyuz", "k-mercury"})
	if err != nil || len(found) != 2 {
		t.Fatalf("lookup by crmsync_key: %d records, %v", len(found), err)
	}
	if _, err := c.Delete(ctx, projects, []string{gemini}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.sim.Get(projects, gemini); !got.Archived {
		t.Fatal("Gemini not archived")
	}
	var deleted []string
	for recs, err := range c.ListDeleted(ctx, projects, time.Time{}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			deleted = append(deleted, r.ID)
		}
	}
	if !slices.Equal(deleted, []string{gemini}) {
		t.Fatalf("deleted %v; want Gemini", deleted)
	}
}

// A connection without the custom object scopes cannot touch the records:
// reading fails as an auth error naming MISSING_SCOPES, not as a server
// error or an empty object.
func TestCustomObjectWithoutScopes(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 26})
	_, err := scopedConnector(t, e).Schema(t.Context(), projects)
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Code != "MISSING_SCOPES" || !errors.Is(err, connector.ErrAuth) {
		t.Fatalf("schema without the scopes: %v; want MISSING_SCOPES", err)
	}
}
