package hubspot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const (
	schemasPath  = "/crm-object-schemas/2026-03/schemas"
	projectsFQN  = "p24681357_projects" // p{portal_id}_{name} with the default HubID
	projectsPath = "/crm/objects/2026-03/" + ProjectsObject
)

// asStrings reads a JSON array of strings.
func asStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// The schemas list names the sandbox portal's custom object Projects with
// the ObjectSchema fields, its properties (the custom ones, crmsync_key
// unique, and the hs_ system ones) and no records; GET of one schema takes
// the object type id, the fully qualified name or p_{name}, and refuses
// the base name.
func TestCustomObjectSchemas(t *testing.T) {
	e := newEnv(t, Options{})
	r, body := e.do("GET", schemasPath, nil)
	if r.StatusCode != 200 {
		t.Fatalf("list: %d %v", r.StatusCode, body)
	}
	results := body["results"].([]any)
	if len(results) != 1 {
		t.Fatalf("%d custom objects; want Projects alone", len(results))
	}
	p := results[0].(map[string]any)
	labels := p["labels"].(map[string]any)
	if p["objectTypeId"] != ProjectsObject || p["id"] != "7788991" || p["fullyQualifiedName"] != projectsFQN || p["name"] != "projects" ||
		labels["singular"] != "Project" || labels["plural"] != "Projects" || p["primaryDisplayProperty"] != "project_name" || p["archived"] != false {
		t.Fatalf("Projects schema: %v", p)
	}
	if got := asStrings(p["requiredProperties"]); !slices.Equal(got, []string{"project_name"}) {
		t.Fatalf("requiredProperties %v", got)
	}
	for _, k := range []string{"searchableProperties", "secondaryDisplayProperties", "associations", "createdAt", "updatedAt", "allowsSensitiveProperties"} {
		if _, ok := p[k]; !ok {
			t.Errorf("ObjectSchema without %s", k)
		}
	}
	props := map[string]map[string]any{}
	for _, x := range p["properties"].([]any) {
		m := x.(map[string]any)
		props[m["name"].(string)] = m
	}
	for name, typ := range map[string]string{"project_name": "string", "status": "enumeration", "budget": "number", "start_date": "date",
		"crmsync_key": "string", "hs_object_id": "number", "hs_createdate": "datetime", "hs_lastmodifieddate": "datetime"} {
		if props[name] == nil || props[name]["type"] != typ {
			t.Errorf("property %s: %v; want type %s", name, props[name], typ)
		}
	}
	if props["crmsync_key"]["hasUniqueValue"] != true || props["project_name"]["hasUniqueValue"] != false {
		t.Error("crmsync_key must be the unique property")
	}
	if _, ok := props["createdate"]; ok {
		t.Error("a custom object has hs_createdate, not createdate")
	}
	var opts []string
	for _, o := range props["status"]["options"].([]any) {
		opts = append(opts, o.(map[string]any)["value"].(string))
	}
	if !slices.Equal(opts, []string{"planned", "active", "done"}) {
		t.Errorf("status options %v", opts)
	}
	if e.sim.Count(ProjectsObject) != 0 {
		t.Error("the default sandbox seeds project records")
	}

	if _, body := e.do("GET", schemasPath+"?includePropertyDefinitions=false&includeAuditMetadata=false", nil); len(body["results"].([]any)[0].(map[string]any)["properties"].([]any)) != 0 {
		t.Error("includePropertyDefinitions=false still lists the properties")
	}
	if _, body := e.do("GET", schemasPath+"?archived=true", nil); len(body["results"].([]any)) != 0 {
		t.Error("archived=true lists a live schema")
	}
	for _, name := range []string{ProjectsObject, projectsFQN, "p_projects"} {
		r, body := e.do("GET", schemasPath+"/"+name, nil)
		if r.StatusCode != 200 || body["objectTypeId"] != ProjectsObject {
			t.Errorf("GET schema %s: %d %v", name, r.StatusCode, body["objectTypeId"])
		}
	}
	if r, _ := e.do("GET", schemasPath+"/projects", nil); r.StatusCode != 404 {
		t.Errorf("GET schema by its base name: %d; want 404", r.StatusCode)
	}
}

// The schemas API needs crm.schemas.custom.read or crm.objects.custom.read
// (the spec's alternatives); a custom object's records need the custom
// object scopes, reads .read or .write, writes .write; the same token
// still reads the standard objects.
func TestCustomObjectScopes(t *testing.T) {
	e := newEnv(t, Options{})
	e.token = e.authorize("oauth crm.objects.contacts.read crm.objects.contacts.write", "")["access_token"].(string)
	r, body := e.do("GET", schemasPath, nil)
	if r.StatusCode != 403 || body["category"] != "MISSING_SCOPES" || !strings.Contains(fmt.Sprint(body["errors"]), scopeSchemasCustomRead) {
		t.Fatalf("schemas without the scope: %d %v", r.StatusCode, body)
	}
	if r, body := e.do("POST", projectsPath+"/search", map[string]any{"limit": 10}); r.StatusCode != 403 || body["category"] != "MISSING_SCOPES" {
		t.Fatalf("search projects without the scope: %d %v", r.StatusCode, body)
	}
	if r, _ := e.do("GET", "/crm/properties/2026-03/"+ProjectsObject, nil); r.StatusCode != 403 {
		t.Fatalf("project properties without the scope: %d", r.StatusCode)
	}
	if r, _ := e.do("POST", "/crm/objects/2026-03/contacts/search", map[string]any{"limit": 10}); r.StatusCode != 200 {
		t.Fatalf("the same token on contacts: %d", r.StatusCode)
	}

	e.token = e.authorize("oauth "+scopeObjectsCustomRead, "")["access_token"].(string)
	if r, _ := e.do("GET", schemasPath, nil); r.StatusCode != 200 {
		t.Fatalf("schemas with crm.objects.custom.read: %d", r.StatusCode)
	}
	if r, _ := e.do("POST", projectsPath+"/search", map[string]any{"limit": 10}); r.StatusCode != 200 {
		t.Fatalf("search projects with crm.objects.custom.read: %d", r.StatusCode)
	}
	create := map[string]any{"inputs": []any{map[string]any{"properties": map[string]any{"project_name": "Nope"}}}}
	if r, body := e.do("POST", projectsPath+"/batch/create", create); r.StatusCode != 403 ||
		!strings.Contains(fmt.Sprint(body["errors"]), scopeObjectsCustomWrite) {
		t.Fatalf("create a project with the read scope: %d %v", r.StatusCode, body)
	}
	if e.sim.Count(ProjectsObject) != 0 {
		t.Fatal("a refused create wrote a project")
	}

	// Asked for as optional scopes, the sandbox portal (Enterprise)
	// grants them, as it does to long-lived tokens.
	tok := e.authorize("oauth crm.objects.contacts.read", scopeSchemasCustomRead+" "+scopeObjectsCustomRead+" "+scopeObjectsCustomWrite)
	if granted := asStrings(tok["scopes"]); !slices.Contains(granted, scopeSchemasCustomRead) || !slices.Contains(granted, scopeObjectsCustomWrite) {
		t.Fatalf("optional custom object scopes not granted: %v", granted)
	}
	e.token = tok["access_token"].(string)
	if r, body := e.do("POST", projectsPath+"/batch/create", create); r.StatusCode != 201 {
		t.Fatalf("create a project with the optional scopes: %d %v", r.StatusCode, body)
	}
}

// props reads a record's properties from a response body.
func props(body map[string]any) map[string]any { return body["properties"].(map[string]any) }

// Records of Projects go through the objects, search, batch and
// properties endpoints, named by object type id, fully qualified name or
// p_{name} alike; the base name is refused. Upsert by crmsync_key
// updates rather than duplicates, a bad option fails its input alone, a
// create without project_name is refused, and dates read back as days.
func TestCustomObjectRecords(t *testing.T) {
	e := newEnv(t, Options{})
	r, body := e.do("POST", "/crm/objects/2026-03/"+ProjectsObject, map[string]any{"properties": map[string]any{
		"project_name": "Apollo", "status": "planned", "budget": "1200.5", "start_date": "2026-12-01", "crmsync_key": "k-1"}})
	if r.StatusCode != 201 {
		t.Fatalf("create: %d %v", r.StatusCode, body)
	}
	id := body["id"].(string)
	if p := props(body); p["start_date"] != "2026-12-01" || p["hs_createdate"] == nil || p["hs_lastmodifieddate"] == nil || p["hs_object_id"] != id {
		t.Fatalf("created project: %v", p)
	}
	for _, name := range []string{ProjectsObject, projectsFQN, "p_projects"} {
		r, body := e.do("GET", "/crm/objects/2026-03/"+name+"/"+id+"?properties=project_name,budget", nil)
		if r.StatusCode != 200 || props(body)["project_name"] != "Apollo" || props(body)["budget"] != "1200.5" {
			t.Errorf("GET through %s: %d %v", name, r.StatusCode, body)
		}
	}
	if r, body := e.do("GET", "/crm/objects/2026-03/projects/"+id, nil); r.StatusCode != 400 || body["category"] != "VALIDATION_ERROR" {
		t.Errorf("GET through the base name: %d %v; want 400", r.StatusCode, body)
	}
	if r, body := e.do("GET", "/crm/properties/2026-03/p_projects", nil); r.StatusCode != 200 || len(body["results"].([]any)) != 8 {
		t.Errorf("properties through p_projects: %d %d", r.StatusCode, len(body["results"].([]any)))
	}

	// Search by the modified time, as an incremental read does.
	search := map[string]any{"filterGroups": []any{map[string]any{"filters": []any{map[string]any{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "0"}}}},
		"sorts": []any{map[string]any{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}}, "properties": []string{"project_name", "status"}, "limit": 200, "after": "0"}
	if r, body := e.do("POST", "/crm/objects/2026-03/"+projectsFQN+"/search", search); r.StatusCode != 200 || body["total"].(float64) != 1 {
		t.Fatalf("search: %d %v", r.StatusCode, body)
	}

	// Upsert by crmsync_key: the existing one is updated, a new key creates.
	upsert := map[string]any{"inputs": []any{
		map[string]any{"idProperty": "crmsync_key", "id": "k-1", "properties": map[string]any{"status": "active"}},
		map[string]any{"idProperty": "crmsync_key", "id": "k-2", "properties": map[string]any{"project_name": "Gemini"}},
	}}
	r, body = e.do("POST", projectsPath+"/batch/upsert", upsert)
	if r.StatusCode != 200 {
		t.Fatalf("upsert: %d %v", r.StatusCode, body)
	}
	news := map[string]bool{}
	for _, x := range body["results"].([]any) {
		m := x.(map[string]any)
		news[m["id"].(string)] = m["new"].(bool)
	}
	if len(news) != 2 || news[id] {
		t.Fatalf("upsert results %v; want the existing project updated and one new", news)
	}
	if e.sim.Count(ProjectsObject) != 2 {
		t.Fatalf("%d projects after the upsert; want 2", e.sim.Count(ProjectsObject))
	}
	if got, _ := e.sim.Get(ProjectsObject, id); got.Properties["status"] != "active" {
		t.Fatalf("upserted status %q", got.Properties["status"])
	}

	// A bad option and a missing required property fail their inputs alone.
	create := map[string]any{"inputs": []any{
		map[string]any{"properties": map[string]any{"project_name": "Bad", "status": "someday"}},
		map[string]any{"properties": map[string]any{"status": "done"}},
		map[string]any{"properties": map[string]any{"project_name": "Late", "start_date": "2026-12-01T10:00:00Z"}},
		map[string]any{"properties": map[string]any{"project_name": "Good", "status": "done"}},
	}}
	r, body = e.do("POST", "/crm/objects/2026-03/p_projects/batch/create", create)
	if r.StatusCode != 207 || body["numErrors"].(float64) != 3 || len(body["results"].([]any)) != 1 {
		t.Fatalf("batch create with bad inputs: %d %v", r.StatusCode, body)
	}
	errs := fmt.Sprint(body["errors"])
	for _, want := range []string{"someday was not one of the allowed options: [planned, active, done]", "INVALID_OPTION",
		"project_name is a required property", "INVALID_DATE"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors %s; want %q", errs, want)
		}
	}

	// Batch update, batch read by the unique key, archive.
	upd := map[string]any{"inputs": []any{map[string]any{"id": id, "properties": map[string]any{"budget": "99"}}}}
	if r, body := e.do("POST", projectsPath+"/batch/update", upd); r.StatusCode != 200 {
		t.Fatalf("batch update: %d %v", r.StatusCode, body)
	}
	read := map[string]any{"idProperty": "crmsync_key", "properties": []string{"budget"}, "propertiesWithHistory": []string{}, "inputs": []any{map[string]any{"id": "k-1"}}}
	if r, body := e.do("POST", projectsPath+"/batch/read", read); r.StatusCode != 200 || props(body["results"].([]any)[0].(map[string]any))["budget"] != "99" {
		t.Fatalf("batch read by crmsync_key: %d %v", r.StatusCode, body)
	}
	if r, _ := e.do("POST", projectsPath+"/batch/archive", map[string]any{"inputs": []any{map[string]any{"id": id}}}); r.StatusCode != 204 {
		t.Fatalf("archive: %d", r.StatusCode)
	}
	if r, body := e.do("GET", projectsPath+"?archived=true", nil); r.StatusCode != 200 || len(body["results"].([]any)) != 1 {
		t.Fatalf("archived projects: %d %v", r.StatusCode, body)
	}
	if e.sim.Stats()["POST /crm/objects/2026-03/p_projects/batch/create"] != 1 {
		t.Errorf("stats: %v", e.sim.Stats())
	}
}

// A portal without custom objects lists none and knows no Projects.
func TestNoCustomObjects(t *testing.T) {
	e := newEnv(t, Options{NoCustomObjects: true})
	if r, body := e.do("GET", schemasPath, nil); r.StatusCode != 200 || len(body["results"].([]any)) != 0 {
		t.Fatalf("schemas: %d %v", r.StatusCode, body)
	}
	if r, _ := e.do("POST", projectsPath+"/search", map[string]any{"limit": 10}); r.StatusCode != 400 {
		t.Fatalf("search an unknown object: %d; want 400", r.StatusCode)
	}
}
