package salesforce

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDescribeGlobal: GET sobjects/ lists every object the org serves,
// standard and custom, in the shape of the REST API Developer Guide's
// example, and each entry's describe URL describes that object.
func TestDescribeGlobal(t *testing.T) {
	e := newEnv(t, Options{})
	type entry struct {
		Name          string            `json:"name"`
		Label         string            `json:"label"`
		LabelPlural   string            `json:"labelPlural"`
		KeyPrefix     string            `json:"keyPrefix"`
		Custom        bool              `json:"custom"`
		CustomSetting bool              `json:"customSetting"`
		Queryable     bool              `json:"queryable"`
		Retrieveable  bool              `json:"retrieveable"`
		Createable    bool              `json:"createable"`
		Updateable    bool              `json:"updateable"`
		Deletable     bool              `json:"deletable"`
		Mergeable     bool              `json:"mergeable"`
		Searchable    bool              `json:"searchable"`
		URLs          map[string]string `json:"urls"`
	}
	type global struct {
		Encoding     string  `json:"encoding"`
		MaxBatchSize int     `json:"maxBatchSize"`
		SObjects     []entry `json:"sobjects"`
	}
	var g global
	for _, path := range []string{v + "/sobjects/", v + "/sobjects"} {
		r, raw := e.do("GET", path, nil)
		if r.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, r.StatusCode, raw)
		}
		g = decode[global](t, raw)
		for _, member := range []string{`"activateable":false`, `"layoutable":`, `"mruEnabled":`, `"replicateable":`, `"triggerable":`, `"undeletable":`, `"deprecatedAndHidden":false`, `"feedEnabled":`} {
			if !strings.Contains(string(raw), member) {
				t.Fatalf("GET %s: no %s in %.300s", path, member, raw)
			}
		}
	}
	if g.Encoding != "UTF-8" || g.MaxBatchSize != 200 {
		t.Fatalf("encoding %q, maxBatchSize %d", g.Encoding, g.MaxBatchSize)
	}
	var names []string
	byName := map[string]entry{}
	for _, o := range g.SObjects {
		names = append(names, o.Name)
		byName[o.Name] = o
	}
	want := []string{"Account", "Contact", "Event", "Integration_Settings__c", "Lead", "Note", "Opportunity", "Project__c", "Task", "User"}
	if !slices.Equal(names, want) {
		t.Fatalf("sobjects %v, want %v", names, want)
	}
	p := byName["Project__c"]
	if !p.Custom || p.CustomSetting || p.Label != "Project" || p.LabelPlural != "Projects" || p.KeyPrefix != "a01" ||
		!p.Queryable || !p.Retrieveable || !p.Createable || !p.Updateable || !p.Deletable || p.Mergeable ||
		p.URLs["describe"] != v+"/sobjects/Project__c/describe" || p.URLs["rowTemplate"] != v+"/sobjects/Project__c/{ID}" || p.URLs["sobject"] != v+"/sobjects/Project__c" {
		t.Fatalf("Project__c entry %+v", p)
	}
	if s := byName["Integration_Settings__c"]; !s.Custom || !s.CustomSetting || s.Searchable {
		t.Fatalf("custom setting entry %+v", s)
	}
	if c := byName["Contact"]; c.Custom || c.CustomSetting || c.KeyPrefix != "003" || !c.Mergeable {
		t.Fatalf("Contact entry %+v", c)
	}
	for _, o := range g.SObjects {
		r, raw := e.do("GET", o.URLs["describe"], nil)
		d := decode[map[string]any](t, raw)
		if r.StatusCode != 200 || d["name"] != o.Name || d["custom"] != o.Custom || d["customSetting"] != o.CustomSetting || d["keyPrefix"] != o.KeyPrefix {
			t.Fatalf("describe %s: %d %.300s", o.Name, r.StatusCode, raw)
		}
	}
}

// TestProjectCustomObject: Project__c is described, written through sObject
// Collections (its restricted picklist, lookup and External ID checked as
// on any object), upserted by Crmsync_Key__c, read with SOQL (queryAll and
// SystemModstamp filters as the connector sends them) and deleted. A
// record created without a Name is named by its id. A default org holds
// no Project__c.
func TestProjectCustomObject(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	now := t0
	e := newEnv(t, Options{Now: func() time.Time { return now }})
	if n := e.sim.Count("Project__c"); n != 0 || len(e.sim.Records("Project__c")) != 0 {
		t.Fatalf("a default org holds %d Project__c", n)
	}

	_, raw := e.do("GET", v+"/sobjects/Project__c/describe", nil)
	d := decode[map[string]any](t, raw)
	fields := map[string]map[string]any{}
	for _, f := range d["fields"].([]any) {
		fm := f.(map[string]any)
		fields[fm["name"].(string)] = fm
	}
	if d["custom"] != true || d["label"] != "Project" {
		t.Fatalf("describe: custom %v, label %v", d["custom"], d["label"])
	}
	for _, sys := range []string{"Id", "IsDeleted", "CreatedDate", "LastModifiedDate", "SystemModstamp", "OwnerId"} {
		if fields[sys] == nil || fields[sys]["custom"] != false {
			t.Errorf("system field %s: %v", sys, fields[sys])
		}
	}
	if n := fields["Name"]; n["label"] != "Project Name" || n["type"] != "string" || n["nillable"] != false || n["defaultedOnCreate"] != true || n["custom"] != false {
		t.Errorf("Name: %v", n)
	}
	if s := fields["Status__c"]; s["type"] != "picklist" || s["restrictedPicklist"] != true || s["custom"] != true || len(s["picklistValues"].([]any)) != 3 {
		t.Errorf("Status__c: %v", s)
	}
	if b := fields["Budget__c"]; b["type"] != "currency" || b["soapType"] != "xsd:double" {
		t.Errorf("Budget__c: %v", b)
	}
	if s := fields["Start_Date__c"]; s["type"] != "date" {
		t.Errorf("Start_Date__c: %v", s)
	}
	if c := fields["Contact__c"]; c["type"] != "reference" || c["referenceTo"].([]any)[0] != "Contact" {
		t.Errorf("Contact__c: %v", c)
	}
	if k := fields["Crmsync_Key__c"]; k["externalId"] != true || k["unique"] != true {
		t.Errorf("Crmsync_Key__c: %v", k)
	}

	contact, _ := e.sim.Create("Contact", map[string]string{"LastName": "Client"})
	account, _ := e.sim.Create("Account", map[string]string{"Name": "Acme"})
	rec := func(fields map[string]any) map[string]any {
		fields["attributes"] = map[string]any{"type": "Project__c"}
		return fields
	}
	_, raw = e.do("POST", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
		rec(map[string]any{"Name": "Website", "Status__c": "Active", "Budget__c": 12500.5, "Start_Date__c": "2026-12-01", "Contact__c": contact.ID, "Crmsync_Key__c": "p1"}),
		rec(map[string]any{"Status__c": "Planned"}),
		rec(map[string]any{"Name": "Paused", "Status__c": "On Hold"}),
		rec(map[string]any{"Name": "Wrong lookup", "Contact__c": account.ID}),
		rec(map[string]any{"Name": "Bad budget", "Budget__c": "lots"}),
		rec(map[string]any{"Name": "Dup", "Crmsync_Key__c": "P1"}),
	}})
	res := decode[[]map[string]any](t, raw)
	want := []string{"", "", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "FIELD_INTEGRITY_EXCEPTION", "INVALID_TYPE_ON_FIELD_IN_RECORD", "DUPLICATE_VALUE"}
	if len(res) != len(want) {
		t.Fatalf("create: %s", raw)
	}
	for i, w := range want {
		if w == "" {
			if res[i]["success"] != true || !strings.HasPrefix(res[i]["id"].(string), "a01") || len(res[i]["id"].(string)) != 18 {
				t.Fatalf("record %d: %v", i, res[i])
			}
			continue
		}
		if errs, _ := res[i]["errors"].([]any); res[i]["success"] != false || len(errs) == 0 || errs[0].(map[string]any)["statusCode"] != w {
			t.Fatalf("record %d: want %s, got %v", i, w, res[i])
		}
	}
	if msg := res[2]["errors"].([]any)[0].(map[string]any)["message"]; msg != "Status: bad value for restricted picklist field: On Hold" {
		t.Errorf("restricted picklist message %q", msg)
	}
	website, unnamed := res[0]["id"].(string), res[1]["id"].(string)
	if got, _ := e.sim.Get("Project__c", unnamed); got.Fields["Name"] != unnamed[:15] {
		t.Fatalf("a Project created without a Name is named %q, want its id %s", got.Fields["Name"], unnamed[:15])
	}
	if _, err := e.sim.Update("Project__c", unnamed, map[string]string{"Name": ""}); err == nil || !strings.Contains(err.Error(), "REQUIRED_FIELD_MISSING") {
		t.Fatalf("clearing a Project's Name: %v", err)
	}

	// Upsert by the External ID: p1 updates, p2 creates.
	now = t0.Add(2 * time.Second)
	r, raw := e.do("PATCH", v+"/composite/sobjects/Project__c/Crmsync_Key__c", map[string]any{"allOrNone": false, "records": []any{
		rec(map[string]any{"Crmsync_Key__c": "p1", "Status__c": "Done"}), rec(map[string]any{"Crmsync_Key__c": "p2", "Name": "Intranet"})}})
	res = decode[[]map[string]any](t, raw)
	if r.StatusCode != 200 || res[0]["created"] != false || res[0]["id"] != website || res[1]["created"] != true {
		t.Fatalf("upsert: %d %s", r.StatusCode, raw)
	}
	if n := e.sim.Count("Project__c"); n != 3 {
		t.Fatalf("%d Projects after the upsert, want 3", n)
	}

	// The connector's incremental read: queryAll, SystemModstamp filter, order.
	query := func(resource, soql string) []map[string]any {
		t.Helper()
		r, raw := e.do("GET", v+"/"+resource+"?q="+url.QueryEscape(soql), nil)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", soql, r.StatusCode, raw)
		}
		return decode[struct {
			Records []map[string]any `json:"records"`
		}](t, raw).Records
	}
	got := query("queryAll", "SELECT Id, SystemModstamp, Name, Status__c, Budget__c, Start_Date__c, Contact__c, IsDeleted FROM Project__c WHERE SystemModstamp > 2026-11-23T10:00:00Z OR (SystemModstamp = 2026-11-23T10:00:00Z AND Id > '"+unnamed+"') ORDER BY SystemModstamp, Id")
	if len(got) != 2 || got[0]["Id"] != website || got[0]["Status__c"] != "Done" || got[0]["Budget__c"] != 12500.5 ||
		got[0]["Start_Date__c"] != "2026-12-01" || got[0]["Contact__c"] != contact.ID || got[1]["Name"] != "Intranet" {
		t.Fatalf("incremental read: %v", got)
	}
	if got := query("query", "SELECT Id FROM Project__c WHERE LastModifiedDate >= 2026-11-23T10:00:02Z"); len(got) != 2 {
		t.Fatalf("LastModifiedDate filter: %v", got)
	}

	// Delete: gone from query, IsDeleted in queryAll.
	now = t0.Add(4 * time.Second)
	r, raw = e.do("DELETE", v+"/composite/sobjects?ids="+unnamed+"&allOrNone=false", nil)
	if r.StatusCode != 200 || !strings.Contains(string(raw), `"success":true`) {
		t.Fatalf("delete: %d %s", r.StatusCode, raw)
	}
	if got := query("query", "SELECT Id FROM Project__c"); len(got) != 2 {
		t.Fatalf("query after delete: %v", got)
	}
	if got := query("queryAll", "SELECT Id, IsDeleted FROM Project__c WHERE SystemModstamp >= 2026-11-23T10:00:04Z"); len(got) != 1 || got[0]["Id"] != unnamed || got[0]["IsDeleted"] != true {
		t.Fatalf("queryAll after delete: %v", got)
	}

	// The Go API.
	created, err := e.sim.Create("Project__c", map[string]string{"Name": "Go", "Status__c": "Planned", "Crmsync_Key__c": "p3"})
	if err != nil || created.Object != "Project__c" || created.Fields["OwnerId"] == "" {
		t.Fatalf("Create: %+v, %v", created, err)
	}
	if _, err := e.sim.Create("Project__c", map[string]string{"Status__c": "Someday"}); err == nil || !strings.Contains(err.Error(), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST") {
		t.Fatalf("Create with a bad status: %v", err)
	}
	if upd, err := e.sim.Update("Project__c", created.ID, map[string]string{"Budget__c": "99"}); err != nil || upd.Fields["Budget__c"] != "99" {
		t.Fatalf("Update: %+v, %v", upd, err)
	}
	if g, ok := e.sim.Get("Project__c", created.ID); !ok || g.Fields["Status__c"] != "Planned" {
		t.Fatalf("Get: %+v", g)
	}
	if recs := e.sim.Records("Project__c"); len(recs) != 4 || !recs[1].Deleted {
		t.Fatalf("Records: %d, the second deleted: %v", len(recs), recs)
	}
}

// TestCustomSetting: a list custom setting is served like any object but
// has no owner, and its Name is required.
func TestCustomSetting(t *testing.T) {
	e := newEnv(t, Options{})
	_, raw := e.do("GET", v+"/sobjects/Integration_Settings__c/describe", nil)
	if strings.Contains(string(raw), `"name":"OwnerId"`) || !strings.Contains(string(raw), `"customSetting":true`) {
		t.Fatalf("describe: %.400s", raw)
	}
	r, raw := e.do("POST", v+"/sobjects/Integration_Settings__c", map[string]any{"Name": "endpoint", "Value__c": "https://example.com"})
	if r.StatusCode != 201 {
		t.Fatalf("create: %d %s", r.StatusCode, raw)
	}
	got, _ := e.sim.Get("Integration_Settings__c", decode[map[string]any](t, raw)["id"].(string))
	if got.Fields["Name"] != "endpoint" || got.Fields["Value__c"] != "https://example.com" || got.Fields["OwnerId"] != "" {
		t.Fatalf("stored: %v", got.Fields)
	}
	if r, raw := e.do("POST", v+"/sobjects/Integration_Settings__c", map[string]any{"Value__c": "x"}); r.StatusCode != 400 || !strings.Contains(string(raw), "REQUIRED_FIELD_MISSING") {
		t.Fatalf("create without a Name: %d %s", r.StatusCode, raw)
	}
	ids, err := e.sim.Seed("Integration_Settings__c", []string{"Name", "Value__c"}, []SeedRow{{Values: []string{"seeded", "y"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := e.sim.Get("Integration_Settings__c", ids[0]); got.Fields["Name"] != "seeded" || got.Fields["CreatedById"] == "" {
		t.Fatalf("seeded: %v", got.Fields)
	}
}
