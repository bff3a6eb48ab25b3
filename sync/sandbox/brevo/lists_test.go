package brevo

import (
	"net/http"
	"testing"
)

// GET /v3/contacts/lists pages the account's lists newest first (oldest
// with sort=asc), counts each list's contacts, and refuses a limit over
// its maximum; a contact's listIds and unlinkListIds move it in and out.
func TestLists(t *testing.T) {
	e := newEnv(t, Options{Seed: 5})
	news, buyers, events := e.sim.CreateList("Newsletter"), e.sim.CreateList("Buyers"), e.sim.CreateList("Events")
	if _, err := e.sim.SeedContacts([]ContactSeed{{Email: "ada@example.com", ListIDs: []int64{news, buyers}}, {Email: "bob@example.com", ListIDs: []int64{news}}}); err != nil {
		t.Fatal(err)
	}
	type lists struct {
		Lists []struct {
			ID                int64  `json:"id"`
			Name              string `json:"name"`
			UniqueSubscribers int    `json:"uniqueSubscribers"`
		} `json:"lists"`
		Count int `json:"count"`
	}
	var desc lists
	if r := e.do("GET", "/v3/contacts/lists?limit=2", nil, &desc); r.StatusCode != http.StatusOK || desc.Count != 3 || len(desc.Lists) != 2 || desc.Lists[0].ID != events {
		t.Fatalf("first page: %d %+v", r.StatusCode, desc)
	}
	var asc lists
	e.do("GET", "/v3/contacts/lists?limit=2&offset=0&sort=asc", nil, &asc)
	if len(asc.Lists) != 2 || asc.Lists[0].Name != "Newsletter" || asc.Lists[0].UniqueSubscribers != 2 || asc.Lists[1].UniqueSubscribers != 1 {
		t.Fatalf("oldest first: %+v", asc)
	}
	var eb errBody
	if r := e.do("GET", "/v3/contacts/lists?limit=51", nil, &eb); r.StatusCode != http.StatusBadRequest || eb.Code != "out_of_range" {
		t.Fatalf("limit 51: %d %+v", r.StatusCode, eb)
	}
	if r := e.do("PUT", "/v3/contacts/ada@example.com", map[string]any{"listIds": []int64{events}, "unlinkListIds": []int64{news}}, nil); r.StatusCode != http.StatusNoContent {
		t.Fatalf("update lists: %d", r.StatusCode)
	}
	if c, _ := e.sim.ContactByEmail("ada@example.com"); len(c.ListIDs) != 2 || c.ListIDs[0] != buyers || c.ListIDs[1] != events {
		t.Fatalf("ada's lists %v, want Buyers and Events", c.ListIDs)
	}
}
