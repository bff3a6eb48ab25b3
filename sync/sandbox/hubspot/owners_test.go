package hubspot

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// seedFiveOwners seeds five owners, archives the fourth, and returns them.
func seedFiveOwners(t *testing.T, e *env) []Owner {
	t.Helper()
	owners := e.sim.SeedOwners([]Owner{
		{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Teams: []Team{{ID: "178588", Name: "West", Primary: true}}},
		{Email: "Bob@Example.com", FirstName: "Bob", LastName: "Byte"},
		{Email: "cy@example.com", FirstName: "Cy", LastName: "Clark"},
		{Email: "dee@example.com", FirstName: "Dee", LastName: "Gone"},
		{FirstName: "Inbound", LastName: "Queue", Type: OwnerQueue},
	})
	if len(owners) != 5 || !e.sim.ArchiveOwner(owners[3].ID) || e.sim.ArchiveOwner("1") {
		t.Fatalf("seed/archive: %v", owners)
	}
	for i, o := range owners {
		if _, err := fmt.Sscan(o.ID, new(int64)); err != nil || o.CreatedAt.IsZero() || o.Type == "" {
			t.Fatalf("owner %d not completed: %+v", i, o)
		}
		if (o.UserID == 0) != (o.Type == OwnerQueue) {
			t.Fatalf("owner %d user id %d for type %s", i, o.UserID, o.Type)
		}
	}
	return owners
}

func ids(body map[string]any) []string {
	var out []string
	for _, r := range body["results"].([]any) {
		out = append(out, r.(map[string]any)["id"].(string))
	}
	return out
}

// The owners list pages at limit 2 through the four active owners, in id
// order, with paging only while more follow; archived=true lists only the
// archived one, with a null userId; email matches in any case.
func TestOwnersListPagingArchivedAndEmail(t *testing.T) {
	e := newEnv(t, Options{})
	if r, body := e.do("GET", ownersPath, nil); r.StatusCode != 200 || len(body["results"].([]any)) != 0 || body["paging"] != nil {
		t.Fatalf("a fresh portal's owners: %d %v", r.StatusCode, body)
	}
	owners := seedFiveOwners(t, e)
	all := e.sim.Owners()
	if len(all) != 5 || !all[3].Archived || all[0].ID != owners[0].ID {
		t.Fatalf("Owners(): %+v", all)
	}
	var got []string
	path := ownersPath + "?limit=2"
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		r, body := e.do("GET", path, nil)
		if r.StatusCode != 200 {
			t.Fatalf("page %d: %d %v", pages, r.StatusCode, body)
		}
		page := ids(body)
		got = append(got, page...)
		paging, _ := body["paging"].(map[string]any)
		if paging == nil {
			if pages != 1 || len(page) != 2 {
				t.Fatalf("last page %d holds %v", pages, page)
			}
			break
		}
		next := paging["next"].(map[string]any)
		if next["after"] != page[len(page)-1] || !strings.Contains(next["link"].(string), "after="+page[len(page)-1]) ||
			!strings.Contains(next["link"].(string), "limit=2") {
			t.Fatalf("paging %v after page %v", paging, page)
		}
		path = ownersPath + "?limit=2&after=" + url.QueryEscape(next["after"].(string))
	}
	want := []string{owners[0].ID, owners[1].ID, owners[2].ID, owners[4].ID}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("listed %v, want the active owners %v", got, want)
	}
	_, body := e.do("GET", ownersPath, nil)
	first := body["results"].([]any)[0].(map[string]any)
	if first["email"] != "ada@example.com" || first["type"] != "PERSON" || first["userId"] != float64(owners[0].UserID) ||
		first["userIdIncludingInactive"] != float64(owners[0].UserID) || first["archived"] != false ||
		fmt.Sprint(first["teams"]) != "[map[id:178588 name:West primary:true]]" || first["createdAt"] != "2026-11-23T10:00:00.000Z" {
		t.Fatalf("PublicOwner %v", first)
	}
	r, body := e.do("GET", ownersPath+"?archived=true", nil)
	if r.StatusCode != 200 || fmt.Sprint(ids(body)) != fmt.Sprint([]string{owners[3].ID}) {
		t.Fatalf("archived list: %d %v", r.StatusCode, body)
	}
	if arch := body["results"].([]any)[0].(map[string]any); arch["userId"] != nil || arch["userIdIncludingInactive"] != float64(owners[3].UserID) || arch["archived"] != true {
		t.Fatalf("archived owner %v", arch)
	}
	if _, body := e.do("GET", ownersPath+"?email=bob@EXAMPLE.com", nil); fmt.Sprint(ids(body)) != fmt.Sprint([]string{owners[1].ID}) {
		t.Fatalf("email filter: %v", body)
	}
	if _, body := e.do("GET", ownersPath+"?email=dee@example.com", nil); len(ids(body)) != 0 {
		t.Fatalf("an archived owner's email among active owners: %v", body)
	}
	for _, q := range []string{"?limit=0", "?limit=501", "?limit=x", "?archived=maybe"} {
		if r, body := e.do("GET", ownersPath+q, nil); r.StatusCode != 400 || body["category"] != "VALIDATION_ERROR" {
			t.Fatalf("%s: %d %v", q, r.StatusCode, body)
		}
	}
	if r, body := e.do("GET", ownersPath+"?limit=500", nil); r.StatusCode != 200 || len(ids(body)) != 4 {
		t.Fatalf("limit=500: %d %v", r.StatusCode, body)
	}
	if st := e.sim.Stats(); st["GET "+ownersPath] < 10 {
		t.Fatalf("owners calls not counted: %v", st)
	}
}

// An owner reads by id or by userId; archived only with archived=true;
// an unknown one is a 404 OBJECT_NOT_FOUND.
func TestOwnerGetByIDAndUserID(t *testing.T) {
	e := newEnv(t, Options{})
	owners := seedFiveOwners(t, e)
	r, body := e.do("GET", ownersPath+"/"+owners[1].ID, nil)
	if r.StatusCode != 200 || body["id"] != owners[1].ID || body["email"] != "Bob@Example.com" || body["firstName"] != "Bob" {
		t.Fatalf("by id: %d %v", r.StatusCode, body)
	}
	r, body = e.do("GET", fmt.Sprintf("%s/%d?idProperty=userId", ownersPath, owners[2].UserID), nil)
	if r.StatusCode != 200 || body["id"] != owners[2].ID {
		t.Fatalf("by userId: %d %v", r.StatusCode, body)
	}
	if r, body := e.do("GET", ownersPath+"/"+owners[3].ID, nil); r.StatusCode != 404 || body["category"] != "OBJECT_NOT_FOUND" {
		t.Fatalf("an archived owner without archived=true: %d %v", r.StatusCode, body)
	}
	if r, body := e.do("GET", ownersPath+"/"+owners[3].ID+"?archived=true", nil); r.StatusCode != 200 || body["archived"] != true {
		t.Fatalf("an archived owner with archived=true: %d %v", r.StatusCode, body)
	}
	r, body = e.do("GET", ownersPath+"/123456", nil)
	if r.StatusCode != 404 || body["category"] != "OBJECT_NOT_FOUND" || body["status"] != "error" || body["correlationId"] == nil ||
		!strings.Contains(body["message"].(string), "123456") {
		t.Fatalf("unknown owner: %d %v", r.StatusCode, body)
	}
	if r, _ := e.do("GET", ownersPath+"/"+owners[1].ID+"?idProperty=userId", nil); r.StatusCode != 404 {
		t.Fatalf("an owner id read as a user id: %d", r.StatusCode)
	}
	if r, _ := e.do("GET", ownersPath+"/"+owners[1].ID+"?idProperty=email", nil); r.StatusCode != 400 {
		t.Fatalf("idProperty=email: %d", r.StatusCode)
	}
}

// Without crm.objects.owners.read the owners endpoints answer 403
// MISSING_SCOPES naming it; long-lived tokens hold it.
func TestOwnersNeedTheOwnersScope(t *testing.T) {
	e := newEnv(t, Options{})
	owners := seedFiveOwners(t, e)
	e.token = e.authorize("oauth crm.objects.contacts.read crm.objects.contacts.write", "")["access_token"].(string)
	for _, p := range []string{ownersPath, ownersPath + "/" + owners[0].ID} {
		r, body := e.do("GET", p, nil)
		if r.StatusCode != 403 || body["category"] != "MISSING_SCOPES" || !strings.Contains(fmt.Sprint(body["errors"]), scopeOwnersRead) {
			t.Fatalf("%s without the scope: %d %v", p, r.StatusCode, body)
		}
	}
	if r, _ := e.do("GET", "/crm/objects/2026-03/contacts", nil); r.StatusCode != 200 {
		t.Fatalf("the same token on contacts: %d", r.StatusCode)
	}
	e.token = e.authorize("oauth "+scopeOwnersRead, "")["access_token"].(string)
	if r, body := e.do("GET", ownersPath, nil); r.StatusCode != 200 || len(ids(body)) != 4 {
		t.Fatalf("with the scope: %d %v", r.StatusCode, body)
	}
	e.token = e.sim.Auth().IssueLongLived()
	if r, _ := e.do("GET", ownersPath+"/"+owners[0].ID, nil); r.StatusCode != 200 {
		t.Fatalf("long-lived token: %d", r.StatusCode)
	}
}

// Every standard object has hubspot_owner_id as the properties API
// returns it: an enumeration select referencing OWNER, with external
// options and none listed.
func TestOwnerPropertyOnEveryObject(t *testing.T) {
	e := newEnv(t, Options{})
	labels := map[string]string{"contacts": "Contact owner", "companies": "Company owner", "deals": "Deal owner",
		"notes": "Activity assigned to", "tasks": "Activity assigned to", "meetings": "Activity assigned to", "calls": "Activity assigned to"}
	for object, label := range labels {
		r, body := e.do("GET", "/crm/properties/2026-03/"+object, nil)
		if r.StatusCode != 200 {
			t.Fatalf("%s properties: %d", object, r.StatusCode)
		}
		var prop map[string]any
		for _, p := range body["results"].([]any) {
			pm := p.(map[string]any)
			if pm["name"] == ownerProp {
				prop = pm
			} else if _, ok := pm["referencedObjectType"]; ok || pm["externalOptions"] != false {
				t.Fatalf("%s.%s changed: %v", object, pm["name"], pm)
			}
		}
		if prop == nil || prop["label"] != label || prop["type"] != "enumeration" || prop["fieldType"] != "select" ||
			prop["referencedObjectType"] != "OWNER" || prop["externalOptions"] != true || len(prop["options"].([]any)) != 0 ||
			prop["hubspotDefined"] != true || prop["groupName"] == "" {
			t.Fatalf("%s %s: %v", object, ownerProp, prop)
		}
	}
}

// A live owner's id assigns a record on create, update and batch update,
// reads back and filters a search; an unknown or archived owner's id is
// refused with 400 VALIDATION_ERROR INVALID_OWNER_ID naming the property,
// alone in a batch (207); a blank value clears the owner.
func TestOwnerPropertyWrites(t *testing.T) {
	e := newEnv(t, Options{})
	owners := seedFiveOwners(t, e)
	live, archived := owners[0].ID, owners[3].ID
	const c = "/crm/objects/2026-03/contacts"
	r, body := e.do("POST", c, map[string]any{"properties": map[string]any{"email": "own@example.com", ownerProp: live}})
	if r.StatusCode != 201 || props(body)[ownerProp] != live {
		t.Fatalf("create with an owner: %d %v", r.StatusCode, body)
	}
	id := body["id"].(string)
	if _, body := e.do("GET", c+"/"+id+"?properties="+ownerProp, nil); props(body)[ownerProp] != live {
		t.Fatalf("read back: %v", body)
	}
	for _, bad := range []string{"999", archived, owners[2].ID + "x", fmt.Sprint(owners[1].UserID)} {
		r, body := e.do("PATCH", c+"/"+id, map[string]any{"properties": map[string]any{ownerProp: bad}})
		if r.StatusCode != 400 || body["category"] != "VALIDATION_ERROR" || body["errors"] != nil ||
			!strings.Contains(body["message"].(string), `"message":"`+bad+` is not a valid owner id","error":"INVALID_OWNER_ID","name":"hubspot_owner_id"`) {
			t.Fatalf("update to owner %q: %d %v", bad, r.StatusCode, body)
		}
	}
	if r, body := e.do("POST", c, map[string]any{"properties": map[string]any{"email": "arch@example.com", ownerProp: archived}}); r.StatusCode != 400 ||
		!strings.Contains(fmt.Sprint(body["message"]), "INVALID_OWNER_ID") {
		t.Fatalf("create with an archived owner: %d %v", r.StatusCode, body)
	}
	if got, _ := e.sim.Get("contacts", id); got.Properties[ownerProp] != live || e.sim.Count("contacts") != 1 {
		t.Fatalf("a refused write changed things: %v, %d contacts", got.Properties, e.sim.Count("contacts"))
	}
	other, _ := e.sim.Create("contacts", map[string]string{"email": "other@example.com"})
	third, _ := e.sim.Create("contacts", map[string]string{"email": "third@example.com", ownerProp: live})
	r, body = e.do("POST", c+"/batch/update", map[string]any{"inputs": []any{
		map[string]any{"id": other.ID, "properties": map[string]any{ownerProp: owners[2].ID, "firstname": "Other"}},
		map[string]any{"id": third.ID, "properties": map[string]any{ownerProp: archived, "firstname": "Third"}},
		map[string]any{"id": id, "properties": map[string]any{ownerProp: ""}},
	}})
	if r.StatusCode != http.StatusMultiStatus || body["numErrors"] != float64(1) || len(body["results"].([]any)) != 2 {
		t.Fatalf("batch update: %d %v", r.StatusCode, body)
	}
	em := body["errors"].([]any)[0].(map[string]any)
	if em["category"] != "VALIDATION_ERROR" || !strings.Contains(fmt.Sprint(em["message"]), `"error":"INVALID_OWNER_ID","name":"`+ownerProp+`"`) {
		t.Fatalf("batch error %v", em)
	}
	if got, _ := e.sim.Get("contacts", other.ID); got.Properties[ownerProp] != owners[2].ID || got.Properties["firstname"] != "Other" {
		t.Fatalf("the valid batch input: %v", got.Properties)
	}
	if got, _ := e.sim.Get("contacts", third.ID); got.Properties[ownerProp] != live || got.Properties["firstname"] != "" {
		t.Fatalf("the refused batch input changed: %v", got.Properties)
	}
	if got, _ := e.sim.Get("contacts", id); got.Properties[ownerProp] != "" {
		t.Fatalf("a blank owner did not clear it: %v", got.Properties)
	}
	r, body = e.do("POST", c+"/search", map[string]any{"filterGroups": []any{map[string]any{"filters": []any{
		map[string]any{"propertyName": ownerProp, "operator": "EQ", "value": live}}}}})
	if r.StatusCode != 200 || fmt.Sprint(ids(body)) != fmt.Sprint([]string{third.ID}) {
		t.Fatalf("search by owner: %d %v", r.StatusCode, body)
	}
	task, err := e.sim.Create("tasks", map[string]string{"hs_task_subject": "Call back", ownerProp: owners[4].ID})
	if err != nil || task.Properties[ownerProp] != owners[4].ID {
		t.Fatalf("a task assigned to a queue: %v %v", task, err)
	}
	if _, err := e.sim.Create("deals", map[string]string{"dealname": "D", ownerProp: archived}); err == nil || !strings.Contains(err.Error(), "INVALID_OWNER_ID") {
		t.Fatalf("Go API create with an archived owner: %v", err)
	}
}
