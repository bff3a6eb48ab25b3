package zoho

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestCustomModuleProjects: the custom module Projects is listed with generated_type
// "custom", its fields are served, and its records go through the records API as a
// standard module's: insert (a bad picklist value failing its record alone), list,
// update, search, upsert by Name, delete and the deleted list.
func TestCustomModuleProjects(t *testing.T) {
	e := newEnv(t, Options{})
	mod := e.do("GET", "/crm/v8/settings/modules/Projects", nil)
	if ms, _ := mod.body["modules"].([]any); mod.status != 200 || len(ms) != 1 {
		t.Fatalf("module: %d %s", mod.status, mod.raw)
	} else if m := ms[0].(map[string]any); m["generated_type"] != "custom" || m["module_name"] != "CustomModule1" ||
		m["singular_label"] != "Project" || m["plural_label"] != "Projects" || m["api_supported"] != true {
		t.Fatalf("module: %s", mod.raw)
	}
	fr := e.do("GET", "/crm/v8/settings/fields?module=Projects", nil)
	byName := map[string]map[string]any{}
	for _, f := range fr.body["fields"].([]any) {
		m := f.(map[string]any)
		byName[m["api_name"].(string)] = m
	}
	for api, typ := range map[string]string{"Name": "text", "Status": "picklist", "Budget": "currency", "Start_Date": "date",
		"Owner": "ownerlookup", "Created_Time": "datetime", "Modified_Time": "datetime", "Created_By": "ownerlookup"} {
		if byName[api]["data_type"] != typ {
			t.Fatalf("field %s: %v", api, byName[api])
		}
	}
	if byName["Name"]["system_mandatory"] != true || len(byName["Status"]["pick_list_values"].([]any)) != 4 {
		t.Fatalf("Name %v, Status %v", byName["Name"], byName["Status"])
	}

	ins := e.do("POST", "/crm/v8/Projects", map[string]any{"data": []any{
		map[string]any{"Name": "Apollo", "Status": "Planned", "Budget": 1250.5, "Start_Date": "2026-12-01"},
		map[string]any{"Name": "Gemini", "Status": "Someday"}}})
	if ins.status != http.StatusMultiStatus {
		t.Fatalf("insert: %d %s", ins.status, ins.raw)
	}
	res := items(t, ins)
	if res[0]["code"] != "SUCCESS" {
		t.Fatalf("insert 0: %v", res[0])
	}
	if d := assertErr(t, res[1], "INVALID_DATA"); d["api_name"] != "Status" {
		t.Fatalf("insert 1: %v", res[1])
	}
	id := res[0]["details"].(map[string]any)["id"].(string)

	list := e.do("GET", "/crm/v8/Projects?fields=Name,Status,Budget,Start_Date,Owner,Modified_Time", nil)
	recs := items(t, list)
	if len(recs) != 1 || recs[0]["id"] != id || recs[0]["Status"] != "Planned" || recs[0]["Budget"] != 1250.5 ||
		recs[0]["Start_Date"] != "2026-12-01" || recs[0]["Owner"] == nil {
		t.Fatalf("list: %s", list.raw)
	}
	e.clk.add(2 * time.Second)
	if up := e.do("PUT", "/crm/v8/Projects", map[string]any{"data": []any{map[string]any{"id": id, "Status": "Active"}}}); up.status != 200 {
		t.Fatalf("update: %d %s", up.status, up.raw)
	}
	s := e.do("GET", "/crm/v8/Projects/search?criteria="+url.QueryEscape("(Name:equals:Apollo)"), nil)
	if recs := items(t, s); len(recs) != 1 || recs[0]["Status"] != "Active" {
		t.Fatalf("search: %s", s.raw)
	}
	// Name is taken as the module's system-defined duplicate check field.
	us := e.do("POST", "/crm/v8/Projects/upsert", map[string]any{"data": []any{map[string]any{"Name": "Apollo", "Status": "Done"}}})
	if r := items(t, us); us.status != 200 || r[0]["action"] != "update" {
		t.Fatalf("upsert: %d %s", us.status, us.raw)
	}
	if d := e.do("DELETE", "/crm/v8/Projects?ids="+id, nil); d.status != 200 {
		t.Fatalf("delete: %d %s", d.status, d.raw)
	}
	if dl := e.do("GET", "/crm/v8/Projects/deleted?type=all", nil); len(items(t, dl)) != 1 {
		t.Fatalf("deleted: %s", dl.raw)
	}
}

// TestCustomModuleScope: a custom module needs ZohoCRM.modules.custom (or
// ZohoCRM.modules.ALL); a module's own name is no scope for it.
func TestCustomModuleScope(t *testing.T) {
	e := newEnv(t, Options{})
	token := func(scope string) string {
		q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "response_type": {"code"}, "redirect_uri": {"http://127.0.0.1:5555/cb"},
			"scope": {scope}}
		r := e.request("GET", "/oauth/v2/auth?"+q.Encode(), nil, nil)
		loc, _ := url.Parse(r.header.Get("Location"))
		tok := e.form("/oauth/v2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()},
			"client_secret": {e.sim.Auth().ClientSecret()}, "redirect_uri": {"http://127.0.0.1:5555/cb"}, "code": {loc.Query().Get("code")}})
		at, _ := tok.body["access_token"].(string)
		if at == "" {
			t.Fatalf("token for %s: %s", scope, tok.raw)
		}
		return at
	}
	for scope, want := range map[string]int{"ZohoCRM.modules.custom.READ": 204, "ZohoCRM.modules.ALL": 204,
		"ZohoCRM.modules.projects.ALL": 401, "ZohoCRM.modules.contacts.ALL": 401} {
		r := e.request("GET", "/crm/v8/Projects?fields=Name", nil, map[string]string{"Authorization": "Zoho-oauthtoken " + token(scope)})
		if r.status != want {
			t.Errorf("%s: %d %s, want %d", scope, r.status, r.raw, want)
		}
	}
}
