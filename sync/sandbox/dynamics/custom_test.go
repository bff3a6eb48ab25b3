package dynamics

import (
	"net/url"
	"strings"
	"testing"
)

// EntityDefinitions takes $filter on primitive properties and on a managed
// property's Value, and refuses query functions; the custom table is
// listed only by IsCustomEntity eq true.
func TestEntityDefinitionsFilter(t *testing.T) {
	e := newEnv(t, Options{})
	list := func(filter string) []string {
		t.Helper()
		r := e.must(e.do("GET", "EntityDefinitions?$select=LogicalName,EntitySetName,IsCustomEntity,IsActivity,IsIntersect,IsPrivate&$filter="+url.QueryEscape(filter), nil), 200)
		var names []string
		for _, v := range r.values() {
			names = append(names, v["LogicalName"].(string))
		}
		return names
	}
	if got := list("IsCustomEntity eq true"); strings.Join(got, ",") != "crmsync_project" {
		t.Fatalf("custom tables %v", got)
	}
	if got := list("EntitySetName eq 'crmsync_projects'"); strings.Join(got, ",") != "crmsync_project" {
		t.Fatalf("by entity set %v", got)
	}
	if got := list("IsActivity eq true and IsCustomEntity eq false"); strings.Join(got, ",") != "appointment,phonecall,task" {
		t.Fatalf("activities %v", got)
	}
	if got := list("CanCreateAttributes/Value eq true and IsCustomEntity ne false"); strings.Join(got, ",") != "crmsync_project" {
		t.Fatalf("by a managed property %v", got)
	}
	if got := list("EntitySetName eq 'nothing'"); len(got) != 0 {
		t.Fatalf("no match %v", got)
	}
	bad := e.do("GET", "EntityDefinitions?$select=LogicalName&$filter="+url.QueryEscape("startswith(LogicalName,'crmsync_')"), nil)
	if bad.status != 400 || bad.errCode() != codeMetadataFunc {
		t.Fatalf("a function: %d %s", bad.status, bad.raw)
	}
	if bad := e.do("GET", "EntityDefinitions?$filter="+url.QueryEscape("Nope eq true"), nil); bad.status != 400 {
		t.Fatalf("an unknown property: %d %s", bad.status, bad.raw)
	}
	if bad := e.do("GET", "EntityDefinitions?$filter="+url.QueryEscape("DisplayName/UserLocalizedLabel eq 'Project'"), nil); bad.status != 400 {
		t.Fatalf("a label: %d %s", bad.status, bad.raw)
	}
	r := e.must(e.do("GET", "EntityDefinitions(LogicalName='crmsync_project')?$select=EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,IsCustomEntity,DisplayCollectionName", nil), 200)
	if r.body["EntitySetName"] != "crmsync_projects" || r.body["PrimaryIdAttribute"] != "crmsync_projectid" || r.body["PrimaryNameAttribute"] != "crmsync_name" || r.body["IsCustomEntity"] != true {
		t.Fatalf("the definition %s", r.raw)
	}
}

// The custom table's rows go through the same endpoints as a contact's; an
// option its choice column lacks is refused with PicklistValueOutOfRange.
func TestCustomTableRecords(t *testing.T) {
	e := newEnv(t, Options{})
	if rows := e.must(e.do("GET", "crmsync_projects", nil), 200).values(); len(rows) != 0 {
		t.Fatalf("a default sandbox has %d projects", len(rows))
	}
	r := e.must(e.do("POST", "crmsync_projects", map[string]any{"crmsync_name": "Apollo", "crmsync_status": ProjectActive,
		"crmsync_budget": 1500.25, "crmsync_startdate": "2026-12-01"}), 204)
	id := idFromEntityID(t, r.header)
	got := e.must(e.do("GET", "crmsync_projects("+id+")?$select=crmsync_name,crmsync_status,crmsync_budget,crmsync_startdate,statecode", nil), 200)
	if got.body["crmsync_name"] != "Apollo" || got.body["crmsync_status"] != float64(ProjectActive) || got.body["crmsync_startdate"] != "2026-12-01" ||
		got.body["crmsync_budget"] != 1500.25 || got.body["statecode"] != float64(0) {
		t.Fatalf("read back %s", got.raw)
	}
	bad := e.do("PATCH", "crmsync_projects("+id+")", map[string]any{"crmsync_status": 7})
	if bad.status != 400 || bad.errCode() != codeBadOption || !strings.Contains(bad.errMessage(), "'crmsync_status'") {
		t.Fatalf("an unknown option: %d %s", bad.status, bad.raw)
	}
	e.must(e.do("DELETE", "crmsync_projects("+id+")", nil), 204)
}
