package salesforce

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestUserDescribe: User is in the global describe, read-only, and its
// describe has the fields the Object Reference lists, none writable.
func TestUserDescribe(t *testing.T) {
	e := newEnv(t, Options{})
	r, raw := e.do("GET", v+"/sobjects/", nil)
	g := decode[struct {
		SObjects []map[string]any `json:"sobjects"`
	}](t, raw)
	var entry map[string]any
	for _, o := range g.SObjects {
		if o["name"] == "User" {
			entry = o
		}
	}
	if r.StatusCode != 200 || entry == nil || entry["keyPrefix"] != "005" || entry["createable"] != false ||
		entry["updateable"] != false || entry["deletable"] != false || entry["queryable"] != true {
		t.Fatalf("global describe User entry: %d %v", r.StatusCode, entry)
	}
	r, raw = e.do("GET", v+"/sobjects/User/describe", nil)
	type field struct {
		Name       string   `json:"name"`
		Type       string   `json:"type"`
		Createable bool     `json:"createable"`
		Updateable bool     `json:"updateable"`
		Calculated bool     `json:"calculated"`
		Picklist   []any    `json:"picklistValues"`
		RefTo      []string `json:"referenceTo"`
	}
	d := decode[struct {
		Name   string  `json:"name"`
		Fields []field `json:"fields"`
	}](t, raw)
	if r.StatusCode != 200 || d.Name != "User" {
		t.Fatalf("describe User: %d %.300s", r.StatusCode, raw)
	}
	byName := map[string]field{}
	for _, f := range d.Fields {
		byName[f.Name] = f
		if f.Createable || f.Updateable {
			t.Errorf("User.%s is writable", f.Name)
		}
	}
	want := map[string]string{"Id": "id", "Username": "string", "FirstName": "string", "LastName": "string", "Name": "string",
		"Email": "email", "IsActive": "boolean", "UserType": "picklist", "Alias": "string", "CreatedDate": "datetime",
		"LastModifiedDate": "datetime", "SystemModstamp": "datetime"}
	for name, typ := range want {
		if byName[name].Type != typ {
			t.Errorf("User.%s: type %q, want %q", name, byName[name].Type, typ)
		}
	}
	if _, has := byName["OwnerId"]; has {
		t.Error("User has an OwnerId")
	}
	if !byName["Name"].Calculated || len(byName["UserType"].Picklist) < 7 {
		t.Errorf("Name %+v, UserType %+v", byName["Name"], byName["UserType"])
	}
	// Other objects' OwnerId still references User.
	_, raw = e.do("GET", v+"/sobjects/Contact/describe", nil)
	if !strings.Contains(string(raw), `"name":"OwnerId"`) {
		t.Fatal("Contact lost OwnerId")
	}
}

type userPage struct {
	TotalSize      int              `json:"totalSize"`
	Done           bool             `json:"done"`
	NextRecordsURL string           `json:"nextRecordsUrl"`
	Records        []map[string]any `json:"records"`
}

// TestUserQuery: SOQL over User with IsActive filters, ORDER BY and
// LIMIT, paged through nextRecordsUrl; the connected user is there.
func TestUserQuery(t *testing.T) {
	e := newEnv(t, Options{})
	var seed []User
	for i := range 450 {
		seed = append(seed, User{FirstName: "Rep", LastName: fmt.Sprintf("N%03d", i), Email: fmt.Sprintf("rep%d@example.com", i), Active: i%3 != 0})
	}
	stored := e.sim.SeedUsers(seed)
	if len(stored) != 450 || stored[0].UserType != "Standard" || !strings.HasPrefix(stored[0].ID, "005") || len(stored[0].ID) != 18 {
		t.Fatalf("SeedUsers: %d, first %+v", len(stored), stored[0])
	}
	users := e.sim.Users()
	if len(users) != 452 || !slices.IsSortedFunc(users, func(a, b User) int { return strings.Compare(a.ID, b.ID) }) {
		t.Fatalf("Users: %d, sorted %v", len(users), slices.IsSortedFunc(users, func(a, b User) int { return strings.Compare(a.ID, b.ID) }))
	}
	me := makeID("005", 1)
	query := func(q string, hdr ...string) []map[string]any {
		t.Helper()
		r, raw := e.do("GET", v+"/query?q="+url.QueryEscape(q), nil, hdr...)
		if r.StatusCode != 200 {
			t.Fatalf("%s: %d %s", q, r.StatusCode, raw)
		}
		p := decode[userPage](t, raw)
		recs, total := p.Records, p.TotalSize
		for pages := 1; p.NextRecordsURL != ""; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			_, raw = e.do("GET", p.NextRecordsURL, nil)
			p = decode[userPage](t, raw)
			recs = append(recs, p.Records...)
		}
		if len(recs) != total || !p.Done {
			t.Fatalf("%s: %d records of totalSize %d", q, len(recs), total)
		}
		return recs
	}
	active := query("SELECT Id, Name, FirstName, LastName, Email, IsActive, UserType FROM User WHERE IsActive = true",
		"Sforce-Query-Options", "batchSize=200")
	// 300 active seeded users, the connected user and the admin.
	if len(active) != 302 {
		t.Fatalf("%d active users, want 302", len(active))
	}
	var meRec map[string]any
	for _, u := range active {
		if u["IsActive"] != true || u["UserType"] != "Standard" {
			t.Fatalf("active query returned %v", u)
		}
		if u["Id"] == me {
			meRec = u
		}
	}
	if meRec == nil || meRec["Name"] != "Integration User" || meRec["Email"] != "integration@sandbox.example" {
		t.Fatalf("connected user: %v", meRec)
	}
	if all := query("SELECT Id FROM User"); len(all) != 452 {
		t.Fatalf("%d users, want 452", len(all))
	}
	if inactive := query("SELECT Id, IsActive FROM User WHERE IsActive = false"); len(inactive) != 150 || inactive[0]["IsActive"] != false {
		t.Fatalf("%d inactive users, want 150", len(inactive))
	}
	top := query("SELECT Id, LastName FROM User WHERE IsActive = true ORDER BY LastName DESC LIMIT 2")
	if len(top) != 2 || top[0]["LastName"] != "User" || top[1]["LastName"] != "N449" {
		t.Fatalf("ORDER BY LastName DESC LIMIT 2: %v", top)
	}
	if !e.sim.SetUserActive(stored[1].ID, false) || e.sim.SetUserActive(makeID("005", 9999), true) {
		t.Fatal("SetUserActive")
	}
	if n := len(query("SELECT Id FROM User WHERE IsActive = true")); n != 301 {
		t.Fatalf("%d active after deactivating one, want 301", n)
	}
}

// TestOwnerIdValidation: OwnerId must name an active User; a record
// created without one is owned by the connected user. Each bad record
// fails alone in a collections call with allOrNone false.
func TestOwnerIdValidation(t *testing.T) {
	e := newEnv(t, Options{})
	seeded := e.sim.SeedUsers([]User{{FirstName: "Ada", LastName: "Active", Email: "ada@example.com", Active: true},
		{FirstName: "Ivy", LastName: "Inactive", Email: "ivy@example.com", Active: false}})
	ada, ivy := seeded[0].ID, seeded[1].ID
	missing := makeID("005", 777)
	type result struct {
		ID      string     `json:"id"`
		Success bool       `json:"success"`
		Errors  []recError `json:"errors"`
	}
	owner := func(id string) any {
		t.Helper()
		got, ok := e.sim.Get("Contact", id)
		if !ok {
			t.Fatalf("no Contact %s", id)
		}
		return got.Fields["OwnerId"]
	}
	contact := func(last string, owner any) map[string]any {
		m := map[string]any{"attributes": map[string]string{"type": "Contact"}, "LastName": last}
		if owner != nil {
			m["OwnerId"] = owner
		}
		return m
	}
	wantErr := func(res result, code, msg string) {
		t.Helper()
		if res.Success || len(res.Errors) != 1 || res.Errors[0].StatusCode != code || !slices.Equal(res.Errors[0].Fields, []string{"OwnerId"}) ||
			!strings.Contains(res.Errors[0].Message, msg) {
			t.Fatalf("got %+v, want %s (%q) on OwnerId", res, code, msg)
		}
	}
	r, raw := e.do("POST", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
		contact("Owned", ada), contact("ByInactive", ivy), contact("Default", nil), contact("ByNobody", missing),
		contact("Malformed", "005xyz"), contact("NotAUser", makeID("003", 1)), contact("Owned15", ada[:15]),
	}})
	res := decode[[]result](t, raw)
	if r.StatusCode != 200 || len(res) != 7 {
		t.Fatalf("create: %d %s", r.StatusCode, raw)
	}
	if !res[0].Success || owner(res[0].ID) != ada {
		t.Fatalf("created with Ada as owner: %+v", res[0])
	}
	wantErr(res[1], "INACTIVE_OWNER_OR_USER", "operation performed with inactive user ["+ivy[:15]+"] as owner of contact")
	if !res[2].Success || owner(res[2].ID) != makeID("005", 1) {
		t.Fatalf("created without OwnerId: %+v, owner %v", res[2], owner(res[2].ID))
	}
	wantErr(res[3], "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
	wantErr(res[4], "MALFORMED_ID", "Owner ID: id value of incorrect type: 005xyz")
	wantErr(res[5], "FIELD_INTEGRITY_EXCEPTION", "Owner ID: id value of incorrect type")
	if !res[6].Success || owner(res[6].ID) != ada {
		t.Fatalf("created with a 15-char owner id: %+v", res[6])
	}
	if n := e.sim.Count("Contact"); n != 3 {
		t.Fatalf("%d Contacts, want 3", n)
	}
	// Read back over REST too.
	_, raw = e.do("GET", v+"/sobjects/Contact/"+res[2].ID+"?fields=OwnerId", nil)
	if got := decode[map[string]any](t, raw); got["OwnerId"] != makeID("005", 1) {
		t.Fatalf("default owner read back: %s", raw)
	}

	// Updates through sObject Collections PATCH.
	owned, def := res[0].ID, res[2].ID
	upd := func(id string, owner any) map[string]any {
		return map[string]any{"attributes": map[string]string{"type": "Contact"}, "Id": id, "OwnerId": owner}
	}
	r, raw = e.do("PATCH", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
		upd(def, ada), upd(owned, ivy), upd(owned, missing), upd(owned, "not-an-id"), upd(owned, nil), upd(owned, ""),
	}})
	res = decode[[]result](t, raw)
	if r.StatusCode != 200 || len(res) != 6 {
		t.Fatalf("update: %d %s", r.StatusCode, raw)
	}
	if !res[0].Success || owner(def) != ada {
		t.Fatalf("owner moved to Ada: %+v, owner %v", res[0], owner(def))
	}
	_, raw = e.do("GET", v+"/sobjects/Contact/"+def+"?fields=OwnerId", nil)
	if got := decode[map[string]any](t, raw); got["OwnerId"] != ada {
		t.Fatalf("updated owner read back: %s", raw)
	}
	wantErr(res[1], "INACTIVE_OWNER_OR_USER", "as owner of contact")
	wantErr(res[2], "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
	wantErr(res[3], "MALFORMED_ID", "Owner ID: id value of incorrect type: not-an-id")
	wantErr(res[4], "REQUIRED_FIELD_MISSING", "Required fields are missing: [OwnerId]")
	wantErr(res[5], "REQUIRED_FIELD_MISSING", "Required fields are missing: [OwnerId]")
	if owner(owned) != ada {
		t.Fatalf("refused updates changed the owner to %v", owner(owned))
	}

	// Single-record writes to other objects; a deactivated owner is refused.
	r, raw = e.do("POST", v+"/sobjects/Account", map[string]any{"Name": "Acme", "OwnerId": ivy})
	errs := decode[[]sfError](t, raw)
	if r.StatusCode != 400 || len(errs) != 1 || errs[0].ErrorCode != "INACTIVE_OWNER_OR_USER" || !slices.Equal(errs[0].Fields, []string{"OwnerId"}) ||
		errs[0].Message != "operation performed with inactive user ["+ivy[:15]+"] as owner of account" {
		t.Fatalf("Account by inactive owner: %d %s", r.StatusCode, raw)
	}
	e.sim.SetUserActive(ada, false)
	r, raw = e.do("PATCH", v+"/sobjects/Contact/"+def, map[string]any{"OwnerId": ada})
	if r.StatusCode != 400 || !strings.Contains(string(raw), `"errorCode":"INACTIVE_OWNER_OR_USER"`) {
		t.Fatalf("update to a deactivated owner: %d %s", r.StatusCode, raw)
	}
	// A record owned by a now inactive user can still be edited otherwise.
	if r, raw = e.do("PATCH", v+"/sobjects/Contact/"+def, map[string]any{"Title": "CTO"}); r.StatusCode != 204 {
		t.Fatalf("edit of a record owned by an inactive user: %d %s", r.StatusCode, raw)
	}
	e.sim.SetUserActive(ivy, true)
	if r, raw = e.do("PATCH", v+"/sobjects/Contact/"+def, map[string]any{"OwnerId": ivy}); r.StatusCode != 204 || owner(def) != ivy {
		t.Fatalf("update to a reactivated owner: %d %s", r.StatusCode, raw)
	}
	if _, err := e.sim.Create("Task", map[string]string{"Subject": "Call", "OwnerId": missing}); err == nil ||
		!strings.Contains(err.Error(), "INVALID_CROSS_REFERENCE_KEY") {
		t.Fatalf("Go Create with a nonexistent owner: %v", err)
	}
}

// TestUserWritesRefused: Users are managed in Setup; the API's writes to
// User are refused and change nothing.
func TestUserWritesRefused(t *testing.T) {
	e := newEnv(t, Options{})
	me := makeID("005", 1)
	refused := func(r int, raw []byte, what string) {
		t.Helper()
		errs := decode[[]sfError](t, raw)
		if r != 400 || len(errs) != 1 || errs[0].ErrorCode != "INSUFFICIENT_ACCESS_OR_READONLY" {
			t.Fatalf("%s: %d %s", what, r, raw)
		}
	}
	r, raw := e.do("POST", v+"/sobjects/User", map[string]any{"LastName": "New", "Email": "new@example.com"})
	refused(r.StatusCode, raw, "create")
	r, raw = e.do("PATCH", v+"/sobjects/User/"+me, map[string]any{"FirstName": "Renamed"})
	refused(r.StatusCode, raw, "update")
	r, raw = e.do("DELETE", v+"/sobjects/User/"+me, nil)
	refused(r.StatusCode, raw, "delete")
	r, raw = e.do("POST", v+"/composite/sobjects", map[string]any{"allOrNone": false, "records": []any{
		map[string]any{"attributes": map[string]string{"type": "User"}, "LastName": "New"},
		map[string]any{"attributes": map[string]string{"type": "Contact"}, "LastName": "Fine"},
	}})
	if res := string(raw); r.StatusCode != 200 || !strings.Contains(res, `"statusCode":"INSUFFICIENT_ACCESS_OR_READONLY"`) || strings.Count(res, `"success":true`) != 1 {
		t.Fatalf("collection create of a User: %d %s", r.StatusCode, raw)
	}
	r, raw = e.do("DELETE", v+"/composite/sobjects?ids="+me, nil)
	if r.StatusCode != 200 || !strings.Contains(string(raw), `"statusCode":"INSUFFICIENT_ACCESS_OR_READONLY"`) {
		t.Fatalf("collection delete of a User: %d %s", r.StatusCode, raw)
	}
	if e.sim.Delete("User", me) {
		t.Fatal("Go Delete removed a User")
	}
	users := e.sim.Users()
	if len(users) != 2 || users[1].ID != me || users[1].FirstName != "Integration" || !users[1].Active || users[1].UserType != "Standard" {
		t.Fatalf("users after refused writes: %+v", users)
	}
}
