package zoho

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// usersOf pages through GET /crm/v8/users with query q (per_page pp) by info.more_records
// and returns the users and the number of pages.
func usersOf(t *testing.T, e *env, q string, pp int) ([]map[string]any, int) {
	t.Helper()
	var out []map[string]any
	for page := 1; ; page++ {
		if page > 20 {
			t.Fatal("paging does not end")
		}
		r := e.do("GET", fmt.Sprintf("/crm/v8/users?%s&per_page=%d&page=%d", q, pp, page), nil)
		if r.status == http.StatusNoContent && page == 1 {
			return nil, 0
		}
		if r.status != 200 {
			t.Fatalf("%s page %d: %d %s", q, page, r.status, r.raw)
		}
		us, _ := r.body["users"].([]any)
		in := info(t, r)
		if int(num(in["count"])) != len(us) || int(num(in["page"])) != page || int(num(in["per_page"])) != pp || len(us) > pp {
			t.Fatalf("%s page %d: info %v for %d users", q, page, in, len(us))
		}
		for _, u := range us {
			out = append(out, u.(map[string]any))
		}
		if in["more_records"] != true {
			return out, page
		}
	}
}

// TestUsersList: GET /users lists the org's users by type, paged by page and per_page
// (at most 200) with info.more_records; ActiveUsers holds only active users, the
// connected user among them with a name and an email; deleted users are in no list
// but DeletedUsers.
func TestUsersList(t *testing.T) {
	e := newEnv(t, Options{OtherUsers: []UserSpec{{Name: "Sam Owner", Email: "sam@example.com"}}})
	var seed []User
	for i := range 300 {
		u := User{FirstName: "Rep", LastName: fmt.Sprintf("N%03d", i), Email: fmt.Sprintf("rep%03d@example.com", i)}
		switch i % 10 {
		case 1:
			u.Status = UserInactive
		case 2:
			u.Status = UserDisabled
		case 3:
			u.Status = UserDeleted
		}
		seed = append(seed, u)
	}
	stored := e.sim.SeedUsers(seed)
	if len(stored) != 300 || stored[0].ID == "" || stored[0].Status != UserActive || stored[0].Profile != "Standard" ||
		stored[1].Status != UserInactive {
		t.Fatalf("SeedUsers: %d, first %+v, second %+v", len(stored), stored[0], stored[1])
	}
	all := e.sim.Users()
	if len(all) != 302 || !slices.IsSortedFunc(all, func(a, b User) int { return strings.Compare(a.ID, b.ID) }) {
		t.Fatalf("Users: %d users", len(all))
	}
	me := all[0]
	if me.ID != e.sim.UserID() || me.FirstName != "Patricia" || me.LastName != "Boyle" || me.Email != "patricia.boyle@example.com" ||
		me.Status != UserActive || me.Profile != "Administrator" {
		t.Fatalf("connected user: %+v", me)
	}

	active, pages := usersOf(t, e, "type=ActiveUsers", 200)
	// 210 active seeded users, the connected user and Sam: two pages of 200.
	if len(active) != 212 || pages != 2 {
		t.Fatalf("%d active users in %d pages, want 212 in 2", len(active), pages)
	}
	seen := map[string]bool{}
	for _, u := range active {
		if u["status"] != UserActive || seen[u["id"].(string)] {
			t.Fatalf("ActiveUsers listed %v (seen before: %v)", u, seen[u["id"].(string)])
		}
		seen[u["id"].(string)] = true
	}
	mine := active[0]
	if mine["id"] != e.sim.UserID() || mine["full_name"] != "Patricia Boyle" || mine["first_name"] != "Patricia" ||
		mine["last_name"] != "Boyle" || mine["email"] != "patricia.boyle@example.com" ||
		mine["profile"].(map[string]any)["name"] != "Administrator" || mine["role"].(map[string]any)["id"] == "" {
		t.Fatalf("connected user rendered %v", mine)
	}
	if got, _ := usersOf(t, e, "type=AllUsers", 100); len(got) != 272 {
		t.Fatalf("AllUsers: %d, want 272 (every user but the 30 deleted)", len(got))
	}
	if got, _ := usersOf(t, e, "", 200); len(got) != 272 {
		t.Fatalf("no type: %d, want AllUsers' 272", len(got))
	}
	if got, _ := usersOf(t, e, "type=DeactiveUsers", 200); len(got) != 60 || got[0]["status"] == UserActive {
		t.Fatalf("DeactiveUsers: %d", len(got))
	}
	if got, _ := usersOf(t, e, "type=DeletedUsers", 200); len(got) != 30 || got[0]["status"] != UserDeleted {
		t.Fatalf("DeletedUsers: %d", len(got))
	}
	if got, _ := usersOf(t, e, "type=CurrentUser", 200); len(got) != 1 || got[0]["id"] != e.sim.UserID() {
		t.Fatalf("CurrentUser: %v", got)
	}
	if got, _ := usersOf(t, e, "type=ActiveUsers&ids="+stored[0].ID+","+stored[1].ID, 200); len(got) != 1 || got[0]["id"] != stored[0].ID {
		t.Fatalf("ids: %v", got)
	}
	for _, q := range []string{"type=ActiveUsers&per_page=201", "type=Everyone", "page=0"} {
		if r := e.do("GET", "/crm/v8/users?"+q, nil); r.status != 400 {
			t.Errorf("%s: %d %s, want 400", q, r.status, r.raw)
		} else {
			assertErr(t, r.body, "INVALID_DATA")
		}
	}
	if r := e.do("GET", "/crm/v8/users?type=ActiveUsers&page=3", nil); r.status != 204 {
		t.Errorf("a page past the end: %d, want 204", r.status)
	}

	if !e.sim.SetUserStatus(stored[0].ID, UserInactive) || e.sim.SetUserStatus("5725767000000000009", UserActive) ||
		e.sim.SetUserStatus(stored[0].ID, "") {
		t.Fatal("SetUserStatus")
	}
	if got, _ := usersOf(t, e, "type=ActiveUsers", 200); len(got) != 211 {
		t.Fatalf("%d active users after deactivating one, want 211", len(got))
	}
	if e.sim.Stats()["GET /crm/v8/users"] == 0 {
		t.Error("users calls are not counted")
	}
}

// TestUsersScope: the Users API needs ZohoCRM.users.READ or ZohoCRM.users.ALL; a token
// with only module and settings scopes is refused OAUTH_SCOPE_MISMATCH.
func TestUsersScope(t *testing.T) {
	e := newEnv(t, Options{})
	for scope, want := range map[string]int{"ZohoCRM.modules.ALL,ZohoCRM.settings.ALL": 401, "ZohoCRM.users.READ": 200,
		"ZohoCRM.users.ALL": 200, "ZohoCRM.users.read": 200} {
		tok := scopedToken(t, e, scope)
		r := e.request("GET", "/crm/v8/users?type=ActiveUsers", nil, map[string]string{"Authorization": "Zoho-oauthtoken " + tok})
		if r.status != want {
			t.Errorf("%s: %d %s, want %d", scope, r.status, r.raw, want)
		}
		if want == 401 {
			assertErr(t, r.body, "OAUTH_SCOPE_MISMATCH")
		}
	}
}

// TestOwnerMustBeActiveUser: a record's Owner must be an active user. In one insert, a
// record owned by an inactive user, by a deleted one or by no user at all fails alone
// with INVALID_DATA naming Owner (207), while a record owned by an active user and one
// with no Owner (owned by the connected user) are added. Updates follow the same rule.
func TestOwnerMustBeActiveUser(t *testing.T) {
	e := newEnv(t, Options{})
	us := e.sim.SeedUsers([]User{{FirstName: "Ada", LastName: "Active", Email: "ada@example.com"},
		{FirstName: "Ina", LastName: "Inactive", Email: "ina@example.com", Status: UserInactive},
		{FirstName: "Del", LastName: "Eted", Email: "del@example.com"}})
	if !e.sim.SetUserStatus(us[2].ID, UserDeleted) {
		t.Fatal("delete a user")
	}
	owner := func(id string) map[string]any { return map[string]any{"id": id} }
	r := e.do("POST", "/crm/v8/Contacts", map[string]any{"data": []any{
		map[string]any{"Last_Name": "Owned", "Owner": owner(us[0].ID)},
		map[string]any{"Last_Name": "Inactive", "Owner": owner(us[1].ID)},
		map[string]any{"Last_Name": "Deleted", "Owner": owner(us[2].ID)},
		map[string]any{"Last_Name": "Nobody", "Owner": owner("5725767000000000009")},
		map[string]any{"Last_Name": "Mine"},
	}})
	res := items(t, r)
	if r.status != 207 || len(res) != 5 || res[0]["code"] != "SUCCESS" || res[4]["code"] != "SUCCESS" {
		t.Fatalf("mixed owners: %d %s", r.status, r.raw)
	}
	for i, status := range map[int]string{1: UserInactive, 2: UserDeleted, 3: ""} {
		d := assertErr(t, res[i], "INVALID_DATA")
		if d["api_name"] != "Owner" || d["json_path"] != fmt.Sprintf("$.data[%d].Owner", i) || status != "" && d["user_status"] != status {
			t.Errorf("record %d: %v", i, res[i])
		}
	}
	if n := e.sim.Count(ModuleContacts); n != 2 {
		t.Fatalf("%d contacts stored, want 2", n)
	}
	owned := res[0]["details"].(map[string]any)["id"].(string)
	mine := res[4]["details"].(map[string]any)["id"].(string)
	if c, _ := e.sim.Get(ModuleContacts, owned); c.Fields["Owner"] != us[0].ID {
		t.Fatalf("Owned's owner %q, want Ada %s", c.Fields["Owner"], us[0].ID)
	}
	if c, _ := e.sim.Get(ModuleContacts, mine); c.Fields["Owner"] != e.sim.UserID() {
		t.Fatalf("Mine's owner %q, want the connected user", c.Fields["Owner"])
	}
	got := items(t, e.do("GET", "/crm/v8/Contacts/"+owned, nil))[0]["Owner"].(map[string]any)
	if got["id"] != us[0].ID || got["name"] != "Ada Active" || got["email"] != "ada@example.com" {
		t.Fatalf("Owner reads %v", got)
	}

	// Update: to the inactive user refused, to Ada accepted, in one batch.
	r = e.do("PUT", "/crm/v8/Contacts", map[string]any{"data": []any{
		map[string]any{"id": owned, "Owner": owner(us[1].ID)},
		map[string]any{"id": mine, "Owner": owner(us[0].ID)},
	}})
	res = items(t, r)
	if r.status != 207 || res[1]["code"] != "SUCCESS" || assertErr(t, res[0], "INVALID_DATA")["api_name"] != "Owner" {
		t.Fatalf("update owners: %d %s", r.status, r.raw)
	}
	if c, _ := e.sim.Get(ModuleContacts, mine); c.Fields["Owner"] != us[0].ID {
		t.Fatalf("Mine's owner after update %q, want Ada", c.Fields["Owner"])
	}
	// Ada deactivated: her records keep her, but she can be given no more.
	e.sim.SetUserStatus(us[0].ID, UserInactive)
	var zerr *Error
	if _, err := e.sim.Create(ModuleDeals, map[string]any{"Deal_Name": "D", "Stage": "Qualification", "Closing_Date": "2027-01-01",
		"Owner": owner(us[0].ID)}); !asZErr(err, &zerr) || zerr.Details["api_name"] != "Owner" {
		t.Fatalf("Go create with an inactive owner: %v", err)
	}
	if _, err := e.sim.Update(ModuleContacts, mine, map[string]any{"Title": "Still Ada's"}); err != nil {
		t.Fatalf("an edit not touching Owner: %v", err)
	}
	if c, _ := e.sim.Get(ModuleContacts, mine); c.Fields["Owner"] != us[0].ID {
		t.Fatalf("Mine's owner %q, want Ada still", c.Fields["Owner"])
	}
}
