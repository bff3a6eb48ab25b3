package dynamics

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// seedPeople adds an enabled Read-Write user, a disabled one, an application
// user, a support user and an enabled user with no email.
func seedPeople(e *env) []User {
	return e.sim.SeedUsers([]User{
		{FullName: "Ada Lovelace", Email: "ada@acme.example"},
		{FirstName: "Gone", LastName: "Away", Email: "gone@acme.example", Disabled: true},
		{FullName: "# crmsync", Email: "app@acme.example", AccessMode: AccessNonInteractive, ApplicationID: "51F81489-12EE-4A9E-AAAE-A2591F45987D"},
		{FullName: "Microsoft Support", Email: "support@acme.example", AccessMode: AccessSupportUser},
		{FullName: "No Mail", AccessMode: AccessReadWrite},
	})
}

// The users query filters on isdisabled and accessmode and pages with
// odata.maxpagesize; the connected user is one of the users, Read-Write.
func TestSystemUsersQuery(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	users := seedPeople(e)
	if users[0].ID == "" || users[0].FirstName != "Ada" || users[0].LastName != "Lovelace" || users[0].FullName != "Ada Lovelace" ||
		users[0].DomainName != "ada@acme.example" || users[2].ApplicationID != "51f81489-12ee-4a9e-aaae-a2591f45987d" {
		t.Fatalf("seeded %+v", users)
	}
	all := e.sim.Users()
	if len(all) != 6 || !slices.ContainsFunc(all, func(u User) bool {
		return u.ID == e.sim.UserID() && u.FullName == "Sandbox User" && u.Email == callerEmail && u.AccessMode == AccessReadWrite && !u.Disabled
	}) {
		t.Fatalf("users %+v; want the connected user among them", all)
	}
	path := "systemusers?$select=systemuserid,fullname,internalemailaddress,isdisabled,accessmode&$filter=isdisabled eq false and accessmode eq 0"
	var got []string
	pages := 0
	for next := path; next != ""; pages++ {
		r := e.must(e.do("GET", next, nil, "Prefer", "odata.maxpagesize=2"), 200)
		if pages == 0 && r.header.Get("Preference-Applied") != "odata.maxpagesize=2" {
			t.Fatalf("Preference-Applied %q", r.header.Get("Preference-Applied"))
		}
		for _, v := range r.values() {
			if v["isdisabled"] != false || v["accessmode"] != float64(0) {
				t.Fatalf("row outside the filter: %v", v)
			}
			got = append(got, fmt.Sprint(v["fullname"], "|", v["internalemailaddress"]))
		}
		next, _ = r.body["@odata.nextLink"].(string)
	}
	slices.Sort(got)
	if want := "Ada Lovelace|ada@acme.example,No Mail|<nil>,Sandbox User|sandbox.user@contoso.onmicrosoft.com"; strings.Join(got, ",") != want || pages != 2 {
		t.Fatalf("%d pages: %v; want %s", pages, got, want)
	}
	if !e.sim.SetUserDisabled(users[0].ID, true) || e.sim.SetUserDisabled("00000000-0000-4000-8000-000000000001", true) {
		t.Fatal("SetUserDisabled")
	}
	r := e.must(e.do("GET", path, nil), 200)
	if len(r.values()) != 2 {
		t.Fatalf("after disabling Ada: %s", r.raw)
	}
	one := e.must(e.do("GET", "systemusers("+users[2].ID+")?$select=fullname,accessmode,applicationid", nil), 200)
	if one.body["accessmode"] != float64(AccessNonInteractive) || one.body["applicationid"] != "51f81489-12ee-4a9e-aaae-a2591f45987d" {
		t.Fatalf("application user %s", one.raw)
	}
	if st := e.sim.Stats()["GET /api/data/v9.2/systemusers"]; st != 3 {
		t.Fatalf("%d users queries counted", st)
	}
}

// Users are not written through the Web API; a caller without prvReadUser
// gets 403 PrivilegeDenied.
func TestSystemUsersReadOnlyAndPrivilege(t *testing.T) {
	e := newEnv(t, Options{Seed: 4})
	if r := e.do("POST", "systemusers", map[string]any{"firstname": "New"}); r.status != 400 || len(e.sim.Users()) != 1 {
		t.Fatalf("create a user: %s", r.raw)
	}
	if r := e.do("PATCH", "systemusers("+e.sim.UserID()+")", map[string]any{"isdisabled": true}); r.status != 400 || e.sim.Users()[0].Disabled {
		t.Fatalf("disable a user: %s", r.raw)
	}
	e.sim.DenyUserRead(true)
	r := e.do("GET", "systemusers?$select=fullname", nil)
	if r.status != 403 || r.errCode() != codePrivilegeDenied || !strings.Contains(r.errMessage(), "prvReadUser") {
		t.Fatalf("without the privilege: %d %s", r.status, r.raw)
	}
	e.sim.DenyUserRead(false)
	e.must(e.do("GET", "systemusers?$select=fullname", nil), 200)
	r = e.must(e.do("GET", "EntityDefinitions(LogicalName='systemuser')?$select=EntitySetName,PrimaryIdAttribute,OwnershipType,ObjectTypeCode", nil), 200)
	if r.body["EntitySetName"] != "systemusers" || r.body["PrimaryIdAttribute"] != "systemuserid" || r.body["OwnershipType"] != "BusinessOwned" {
		t.Fatalf("definition %s", r.raw)
	}
}

// Contacts, accounts, opportunities and tasks have ownerid: the caller owns a
// row created without one; a bind names an enabled user (any access mode) or a
// team; an unknown user is 404 and a disabled one 0x80040225, also per change
// set in a $batch.
func TestOwnerBind(t *testing.T) {
	e := newEnv(t, Options{Seed: 5})
	users := seedPeople(e)
	ada, gone, app := users[0], users[1], users[2]
	for _, set := range []string{"contacts", "accounts", "opportunities", "tasks"} {
		body := map[string]any{"name": "x"}
		switch set {
		case "contacts":
			body = map[string]any{"lastname": "x"}
		case "tasks":
			body = map[string]any{"subject": "x"}
		}
		r := e.must(e.do("POST", set+"?$select=_ownerid_value", body, "Prefer", "return=representation"), 201)
		if r.body["_ownerid_value"] != e.sim.UserID() {
			t.Fatalf("%s created without an owner: %s", set, r.raw)
		}
	}
	id := e.must(e.do("POST", "contacts", map[string]any{"lastname": "Ng", "ownerid@odata.bind": "/systemusers(" + strings.ToUpper(ada.ID) + ")"}), 204)
	cid := idFromEntityID(t, id.header)
	r := e.must(e.do("GET", "contacts("+cid+")?$select=_ownerid_value", nil, "Prefer", `odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"`), 200)
	if r.body["_ownerid_value"] != ada.ID || r.body["_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] != "systemuser" {
		t.Fatalf("owned by Ada: %s", r.raw)
	}
	owner := func() any { rec, _ := e.sim.Get("contacts", cid); return rec.Fields["_ownerid_value"] }
	if r := e.do("PATCH", "contacts("+cid+")", map[string]any{"ownerid@odata.bind": "/systemusers(" + gone.ID + ")"}); r.status != 400 ||
		r.errCode() != codeUserNotEnabled || owner() != ada.ID {
		t.Fatalf("a disabled owner: %d %s (owner %v)", r.status, r.raw, owner())
	}
	missing := "00000000-0000-4000-8000-0000000000aa"
	if r := e.do("PATCH", "contacts("+cid+")", map[string]any{"ownerid@odata.bind": "/systemusers(" + missing + ")"}); r.status != 404 ||
		r.errCode() != codeNotFound || r.errMessage() != "systemuser With Id = "+missing+" Does Not Exist" || owner() != ada.ID {
		t.Fatalf("an unknown owner: %d %s", r.status, r.raw)
	}
	e.must(e.do("PATCH", "contacts("+cid+")", map[string]any{"ownerid@odata.bind": "/systemusers(" + app.ID + ")"}), 204)
	if owner() != app.ID {
		t.Fatalf("an application user may own rows: %v", owner())
	}
	team := e.sim.SeedTeams("Sales")[0]
	e.must(e.do("PATCH", "contacts("+cid+")", map[string]any{"ownerid@odata.bind": "/teams(" + team + ")"}), 204)
	r = e.must(e.do("GET", "contacts("+cid+")?$select=_ownerid_value", nil, "Prefer", `odata.include-annotations="*"`), 200)
	if r.body["_ownerid_value"] != team || r.body["_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] != "team" {
		t.Fatalf("owned by a team: %s", r.raw)
	}
	// $batch: a change set with a disabled owner rolls back whole; outside a
	// change set each operation answers for itself.
	cs, ctype := buildBatch([]part{
		{method: "PATCH", url: "/api/data/v9.2/contacts(" + cid + ")", body: `{"ownerid@odata.bind":"/systemusers(` + ada.ID + `)"}`, contentID: "1"},
		{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"Two","ownerid@odata.bind":"/systemusers(` + gone.ID + `)"}`, contentID: "2"},
	})
	before := e.sim.Count("contacts")
	if r, parts := e.batch(cs, ctype); r.status != 400 || len(parts) != 1 || !strings.Contains(only(parts[0]).body, codeUserNotEnabled) ||
		owner() != team || e.sim.Count("contacts") != before {
		t.Fatalf("change set with a disabled owner: %d %+v (owner %v)", r.status, parts, owner())
	}
	loose, ctype := buildBatch(
		part{method: "PATCH", url: "/api/data/v9.2/contacts(" + cid + ")", body: `{"ownerid@odata.bind":"/systemusers(` + ada.ID + `)"}`},
		part{method: "POST", url: "/api/data/v9.2/contacts", body: `{"lastname":"Two","ownerid@odata.bind":"/systemusers(` + gone.ID + `)"}`},
	)
	r, parts := e.batch(loose, ctype, "Prefer", "odata.continue-on-error")
	if r.status != 200 || len(parts) != 2 || parts[0].status != 204 || parts[1].status != 400 || owner() != ada.ID || e.sim.Count("contacts") != before {
		t.Fatalf("continue-on-error: %d %+v (owner %v)", r.status, parts, owner())
	}
}
