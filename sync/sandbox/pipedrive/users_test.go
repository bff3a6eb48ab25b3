package pipedrive

import (
	"fmt"
	"testing"
)

// GET /v1/users lists every user, the connected one included, deactivated
// ones with active_flag false, in one unpaged answer, on both v1 prefixes and
// with the API token too.
func TestUsersList(t *testing.T) {
	e := newEnv(t, Options{UserName: "Pat Admin", UserEmail: "pat@acme.example"})
	seeded := e.sim.SeedUsers([]User{{Name: "Ada Lovelace", Email: "ada@acme.example", Active: true},
		{Name: "Gone Away", Email: "gone@acme.example", Active: true}})
	if seeded[0].ID == 0 || seeded[1].ID == seeded[0].ID {
		t.Fatalf("seeded ids %d, %d", seeded[0].ID, seeded[1].ID)
	}
	if !e.sim.SetUserActive(seeded[1].ID, false) || e.sim.SetUserActive(4242, false) {
		t.Fatal("SetUserActive: want true for a user, false for an unknown id")
	}
	all := e.sim.Users()
	if len(all) != 3 || all[0].ID != e.sim.UserID() || all[0].Name != "Pat Admin" || all[0].Email != "pat@acme.example" || !all[0].Active {
		t.Fatalf("Users() = %+v; want the connected user first, active, with its name and email", all)
	}
	for _, path := range []string{"/v1/users", "/api/v1/users"} {
		for _, auth := range []map[string]string{{"Authorization": "Bearer " + e.token}, {"x-api-token": e.sim.APIToken()}} {
			r := e.request("GET", path, nil, auth)
			list := items(t, r)
			if r.status != 200 || len(list) != 3 {
				t.Fatalf("%s: %d, %d users: %s", path, r.status, len(list), r.raw)
			}
			byID := map[int64]map[string]any{}
			for _, it := range list {
				u := it.(map[string]any)
				byID[num(u["id"])] = u
			}
			me, ada, gone := byID[e.sim.UserID()], byID[seeded[0].ID], byID[seeded[1].ID]
			if me["is_you"] != true || me["email"] != "pat@acme.example" || me["active_flag"] != true {
				t.Errorf("%s: connected user %v", path, me)
			}
			if ada["name"] != "Ada Lovelace" || ada["email"] != "ada@acme.example" || ada["active_flag"] != true || ada["is_you"] != false {
				t.Errorf("%s: Ada %v", path, ada)
			}
			if gone["active_flag"] != false || gone["email"] != "gone@acme.example" {
				t.Errorf("%s: a deactivated user %v; want active_flag false", path, gone)
			}
			if _, paged := r.body["additional_data"]; paged {
				t.Errorf("%s: the users list is unpaged, got additional_data: %s", path, r.raw)
			}
		}
	}
	if got := e.sim.Stats()["GET /v1/users"]; got != 2 {
		t.Errorf("%d calls counted on GET /v1/users; want 2", got)
	}
}

// An OAuth app without users:read is refused the users list (403 "Scope and
// URL mismatch"); the personal API token is not.
func TestUsersNeedTheScope(t *testing.T) {
	e := newEnv(t, Options{Scopes: []string{"base", "contacts:full"}})
	assertError(t, e.do("GET", "/v1/users", nil), 403, "Scope and URL mismatch")
	if r := e.request("GET", "/v1/users", nil, map[string]string{"x-api-token": e.sim.APIToken()}); r.status != 200 {
		t.Fatalf("API token: %d %s", r.status, r.raw)
	}
}

// owner_id must name an active user: a deactivated or unknown one is refused
// per record, naming the field, on create and update of every object; a
// create without one is the connected user's.
func TestOwnerMustBeAnActiveUser(t *testing.T) {
	e := newEnv(t, Options{})
	us := e.sim.SeedUsers([]User{{Name: "Ada", Email: "ada@acme.example", Active: true}, {Name: "Gone", Email: "gone@acme.example", Active: true}})
	ada, gone := us[0].ID, us[1].ID
	e.sim.SetUserActive(gone, false)
	for _, c := range []struct{ path, nameKey string }{{"/api/v2/persons", "name"}, {"/api/v2/organizations", "name"}, {"/api/v2/deals", "title"}} {
		r := e.do("POST", c.path, map[string]any{c.nameKey: "Default owner"})
		if r.status != 200 || num(data(t, r)["owner_id"]) != e.sim.UserID() {
			t.Fatalf("%s without owner_id: %d %s; want the connected user", c.path, r.status, r.raw)
		}
		id := num(data(t, r)["id"])
		r = e.do("POST", c.path, map[string]any{c.nameKey: "Ada's", "owner_id": ada})
		if r.status != 200 || num(data(t, r)["owner_id"]) != ada {
			t.Fatalf("%s with Ada: %d %s", c.path, r.status, r.raw)
		}
		assertError(t, e.do("POST", c.path, map[string]any{c.nameKey: "Gone's", "owner_id": gone}), 400, fmt.Sprintf("owner_id: user %d is not active", gone))
		assertError(t, e.do("POST", c.path, map[string]any{c.nameKey: "Nobody's", "owner_id": 77}), 400, "owner_id: user 77 not found")
		item := fmt.Sprintf("%s/%d", c.path, id)
		assertError(t, e.do("PATCH", item, map[string]any{"owner_id": gone}), 400, "owner_id")
		r = e.do("PATCH", item, map[string]any{"owner_id": ada})
		if r.status != 200 || num(data(t, r)["owner_id"]) != ada {
			t.Fatalf("PATCH %s to Ada: %d %s", item, r.status, r.raw)
		}
	}
	// A deactivated user keeps what they own, and a trusted seed may name them.
	ids, err := e.sim.SeedPersons([]PersonSeed{{Name: "Legacy", OwnerID: gone}})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := e.sim.GetPerson(ids[0]); p.OwnerID != gone {
		t.Fatalf("seeded owner %d; want %d", p.OwnerID, gone)
	}
	if _, err := e.sim.SeedPersons([]PersonSeed{{Name: "Orphan", OwnerID: 99}}); err == nil {
		t.Fatal("a seed naming no user was accepted")
	}
}
