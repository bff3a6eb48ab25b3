package pipedrive

import (
	"errors"
	"strconv"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	pdsim "github.com/crmsync/crmsync/sync/sandbox/pipedrive"
)

const usersEndpoint = "GET /api/v1/users"

func idOf(id int64) string { return strconv.FormatInt(id, 10) }

// owner_id is offered on persons, organizations, deals and activities as a
// writable picklist of the company's active users, by id, with each
// person's name and email; a deactivated user and one with no email are
// left out. One users call serves every object; the next run of the same
// connection takes them from the metadata cache, and a fresh schema reads
// them again.
func TestOwnerFieldListsActiveUsers(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 5, UserName: "Pat Admin", UserEmail: "pat@acme.example"})
	us := e.sim.SeedUsers([]pdsim.User{{Name: "Ada Lovelace", Email: "ada@acme.example", Active: true},
		{Name: "Gone Away", Email: "gone@acme.example", Active: true},
		{Name: "No Mail", Active: true}})
	e.sim.SetUserActive(us[1].ID, false)
	_, cache := storetest.MetaCache(t, "pd", vendor)
	connect := e.cachedConnector(t, cache)
	calls := func() int64 { return e.sim.Stats()[usersEndpoint] }
	ctx := t.Context()
	c := connect()
	for _, object := range []string{"persons", "organizations", "deals", "activities"} {
		sc, err := c.Schema(ctx, object)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := sc.Field("owner_id")
		if !ok || f.Type != connector.TypeEnum || f.ReadOnly {
			t.Fatalf("%s.owner_id offered as %+v (found %v); want a writable picklist", object, f, ok)
		}
		want := []connector.Option{{Value: idOf(e.sim.UserID()), Label: "Pat Admin", Email: "pat@acme.example"},
			{Value: idOf(us[0].ID), Label: "Ada Lovelace", Email: "ada@acme.example"}}
		if len(f.Options) != len(want) || f.Options[0] != want[0] || f.Options[1] != want[1] {
			t.Fatalf("%s.owner_id options %+v; want the active users with an email %+v", object, f.Options, want)
		}
	}
	if sc, _ := c.Schema(ctx, "notes"); len(sc.Fields) > 0 {
		if _, ok := sc.Field("owner_id"); ok {
			t.Error("notes offer an owner_id")
		}
	}
	if got := calls(); got != 1 {
		t.Fatalf("%d users calls for four schemas; want 1", got)
	}
	if sc, err := connect().Schema(ctx, "persons"); err != nil {
		t.Fatal(err)
	} else if f, _ := sc.Field("owner_id"); len(f.Options) != 2 {
		t.Errorf("warm run: owner_id options %+v", f.Options)
	}
	if got := calls(); got != 1 {
		t.Errorf("a warm run made %d users calls; want none", got-1)
	}
	e.sim.SetUserActive(us[1].ID, true)
	sc, err := connect().Schema(connector.WithFreshSchema(ctx), "persons")
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := sc.Field("owner_id"); calls() != 2 || len(f.Options) != 3 {
		t.Errorf("fresh schema: %d users calls (want 2), options %+v (want Gone back)", calls(), f.Options)
	}
}

// An app without the users:read scope still reads its schema: Pipedrive
// answers the users list 403, and owner_id lists no users.
func TestOwnerFieldWithoutUsersScope(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 5, Scopes: []string{"base", "contacts:full", "deals:full", "activities:full", "search:read"}})
	e.sim.SeedUsers([]pdsim.User{{Name: "Ada", Email: "ada@acme.example", Active: true}})
	sc, err := e.connect(t).Schema(t.Context(), "persons")
	if err != nil {
		t.Fatalf("schema without users:read: %v", err)
	}
	if f, ok := sc.Field("owner_id"); !ok || f.Type != connector.TypeEnum || len(f.Options) != 0 {
		t.Fatalf("owner_id %+v; want it with no users", f)
	}
	if got := e.sim.Stats()[usersEndpoint]; got != 1 {
		t.Errorf("%d users calls; want the one refused", got)
	}
}

// An owner written is the owner read back, as the id the options carry;
// a deactivated or unknown user fails that record alone, naming owner_id,
// and a blank owner leaves the record the connected user's.
func TestOwnerWriteRoundTrips(t *testing.T) {
	e := newEnv(t, pdsim.Options{Seed: 5})
	us := e.sim.SeedUsers([]pdsim.User{{Name: "Ada", Email: "ada@acme.example", Active: true},
		{Name: "Gone", Email: "gone@acme.example", Active: true}})
	ada, gone := idOf(us[0].ID), idOf(us[1].ID)
	e.sim.SetUserActive(us[1].ID, false)
	c := e.connect(t)
	ctx := t.Context()
	for _, o := range []struct{ object, name string }{{"persons", "name"}, {"organizations", "name"}, {"deals", "title"}} {
		res, err := c.Write(ctx, o.object, []connector.Op{
			{Kind: connector.OpCreate, Fields: map[string]string{o.name: "Ada's", "owner_id": ada}},
			{Kind: connector.OpCreate, Fields: map[string]string{o.name: "Gone's", "owner_id": gone}},
			{Kind: connector.OpCreate, Fields: map[string]string{o.name: "Nobody's", "owner_id": "77"}},
			{Kind: connector.OpCreate, Fields: map[string]string{o.name: "Unowned", "owner_id": ""}},
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, fails := range []bool{false, true, true, false} {
			var re *connector.RecordError
			switch {
			case !fails && res[i].Err != nil:
				t.Fatalf("%s op %d: %v", o.object, i, res[i].Err)
			case fails && (!errors.As(res[i].Err, &re) || re.Field != "owner_id"):
				t.Fatalf("%s op %d: %v; want a failure naming owner_id", o.object, i, res[i].Err)
			}
		}
		recs, _ := conformance.ReadAll(t, c, o.object, "")
		owners := map[string]string{}
		for _, r := range recs {
			owners[r.ID] = r.Fields["owner_id"]
		}
		if len(recs) != 2 || owners[res[0].ID] != ada || owners[res[3].ID] != idOf(e.sim.UserID()) {
			t.Fatalf("%s read back %d records, owners %v; want Ada's (%s) and the connected user's", o.object, len(recs), owners, ada)
		}
		res, err = c.Write(ctx, o.object, []connector.Op{{Kind: connector.OpUpdate, ID: res[3].ID, Fields: map[string]string{"owner_id": ada}}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("%s: reassign to Ada: %v %v", o.object, err, res[0].Err)
		}
		recs, _ = conformance.ReadAll(t, c, o.object, "")
		for _, r := range recs {
			if r.Fields["owner_id"] != ada {
				t.Errorf("%s %s: owner %q after the update; want %s", o.object, r.ID, r.Fields["owner_id"], ada)
			}
		}
	}
	if p := e.sim.Persons(); len(p) != 2 || p[0].OwnerID != us[0].ID || p[1].OwnerID != us[0].ID {
		t.Errorf("persons in Pipedrive %+v; want both Ada's", p)
	}
}
