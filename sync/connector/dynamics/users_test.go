package dynamics

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

const usersEndpoint = "GET /api/data/v9.2/systemusers"

// connectCached builds a connector as the app does for each run: fresh,
// with the connection's metadata cache.
func (e *env) connectCached(t *testing.T, client *http.Client, meta connector.MetaCache) *Connector {
	t.Helper()
	o := testOptions()
	o.meta = meta
	c, err := newConnector(client, e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ownerField offered by Schema, checked to be a writable picklist.
func ownerOf(t *testing.T, c *Connector, object string) connector.Field {
	t.Helper()
	sc, err := c.Schema(t.Context(), object)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field("ownerid")
	if !ok || f.Type != connector.TypeEnum || f.ReadOnly {
		t.Fatalf("%s.ownerid offered as %+v (found %v); want a writable picklist", object, f, ok)
	}
	return f
}

// ownerid is offered as a picklist of the enabled Read-Write users, by
// systemuserid, with each user's full name and email, read across pages
// (5,002 users: two pages of 5,000); disabled, application, support and
// mail-less users are left out. The next run of the same connection takes
// the users from the metadata cache with no call; a fresh schema reads
// them again.
func TestOwnerFieldListsActiveUsers(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 21})
	people := []dsim.User{
		{FullName: "Ada Lovelace", Email: "ada@acme.example"},
		{FullName: "Gone Away", Email: "gone@acme.example", Disabled: true},
		{FullName: "# crmsync", Email: "app@acme.example", AccessMode: dsim.AccessNonInteractive, ApplicationID: "51f81489-12ee-4a9e-aaae-a2591f45987d"},
		{FullName: "Microsoft Support", Email: "support@acme.example", AccessMode: dsim.AccessSupportUser},
		{FullName: "Read Only", Email: "reader@acme.example", AccessMode: dsim.AccessRead},
		{FullName: "No Mail"},
	}
	for i := range 5000 {
		people = append(people, dsim.User{FullName: fmt.Sprintf("Rep %04d", i), Email: fmt.Sprintf("rep%04d@acme.example", i)})
	}
	seeded := e.sim.SeedUsers(people)
	_, meta := storetest.MetaCache(t, "dv", "dynamics")
	client := e.oauthClient(t)
	f := ownerOf(t, e.connectCached(t, client, meta), "contacts")
	if len(f.Options) != 5002 {
		t.Fatalf("%d owner options; want 5002: the connected user, Ada and the 5,000 reps", len(f.Options))
	}
	byEmail := map[string]connector.Option{}
	for _, o := range f.Options {
		byEmail[o.Email] = o
	}
	if a := byEmail["ada@acme.example"]; a.Value != seeded[0].ID || a.Label != "Ada Lovelace" {
		t.Errorf("Ada's option %+v; want id %s and her name", a, seeded[0].ID)
	}
	if me := byEmail["sandbox.user@contoso.onmicrosoft.com"]; me.Value != e.sim.UserID() || me.Label != "Sandbox User" {
		t.Errorf("the connected user's option %+v", me)
	}
	for _, gone := range []string{"gone@acme.example", "app@acme.example", "support@acme.example", "reader@acme.example", ""} {
		if _, ok := byEmail[gone]; ok {
			t.Errorf("%q is offered as an owner", gone)
		}
	}
	cold := e.sim.Stats()[usersEndpoint]
	if cold != 2 {
		t.Fatalf("%d users calls on a cold run; want 2 pages", cold)
	}
	// The other tables share the list: no more calls.
	for _, object := range []string{"accounts", "opportunities", "tasks", "phonecalls", "appointments", "annotations"} {
		if f := ownerOf(t, e.connectCached(t, client, meta), object); len(f.Options) != 5002 {
			t.Errorf("%s: %d owner options", object, len(f.Options))
		}
	}
	if got := e.sim.Stats()[usersEndpoint]; got != cold {
		t.Errorf("warm runs made %d users calls; want none", got-cold)
	}
	e.sim.SetUserDisabled(seeded[0].ID, true)
	sc, err := e.connectCached(t, client, meta).Schema(connector.WithFreshSchema(t.Context()), "contacts")
	if err != nil {
		t.Fatal(err)
	}
	f, _ = sc.Field("ownerid")
	if got := e.sim.Stats()[usersEndpoint]; got != cold+2 || len(f.Options) != 5001 {
		t.Errorf("a fresh schema made %d users calls and offers %d users; want 2 and 5001 (Ada disabled)", got-cold, len(f.Options))
	}
}

// A caller whose roles lack prvReadUser still reads its schema; the owner
// field lists no users, and the next run asks again.
func TestOwnerFieldWithoutUserPrivilege(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 22})
	e.sim.SeedUsers([]dsim.User{{FullName: "Ada Lovelace", Email: "ada@acme.example"}})
	e.sim.DenyUserRead(true)
	_, meta := storetest.MetaCache(t, "dv", "dynamics")
	client := e.oauthClient(t)
	if f := ownerOf(t, e.connectCached(t, client, meta), "contacts"); len(f.Options) != 0 {
		t.Fatalf("options without the privilege: %+v", f.Options)
	}
	e.sim.DenyUserRead(false)
	if f := ownerOf(t, e.connectCached(t, client, meta), "contacts"); len(f.Options) != 2 {
		t.Fatalf("the next run, granted: %d options", len(f.Options))
	}
}

// An owner written by id reads back as the same id; a disabled user is
// refused by Dataverse for that row alone, an unknown one is not found,
// a blank is refused before sending, and a team-owned row reads as the
// team's id.
func TestOwnerRoundTrip(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 23})
	users := e.sim.SeedUsers([]dsim.User{{FullName: "Ada Lovelace", Email: "ada@acme.example"},
		{FullName: "Gone Away", Email: "gone@acme.example"}})
	ada, gone := users[0], users[1]
	e.sim.SetUserDisabled(gone.ID, true)
	c := e.connect(t)
	ctx := t.Context()
	res, err := c.Write(ctx, "contacts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Ng", "ownerid": ada.ID}},
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Mine"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Gone", "ownerid": gone.ID}},
	})
	if err != nil || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("create: %+v %v", res, err)
	}
	var re *connector.RecordError
	if !errors.As(res[2].Err, &re) || re.Code != "0x80040225" || re.Category != connector.CatValidation {
		t.Fatalf("a disabled owner: %+v", res[2].Err)
	}
	if n := e.sim.Count("contacts"); n != 2 {
		t.Fatalf("%d contacts; want the two with a valid owner", n)
	}
	if rec, _ := e.sim.Get("contacts", res[0].ID); rec.Fields["_ownerid_value"] != ada.ID {
		t.Fatalf("the sandbox row's owner %v, want Ada %s", rec.Fields["_ownerid_value"], ada.ID)
	}
	team := e.sim.SeedTeams("Sales")[0]
	teamRow, err := e.sim.Create("contacts", map[string]any{"lastname": "Team", "ownerid@odata.bind": "/teams(" + team + ")"})
	if err != nil {
		t.Fatal(err)
	}
	read := func() map[string]connector.Record {
		out := map[string]connector.Record{}
		for p, err := range c.Read(ctx, "contacts", "") {
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Records {
				out[r.ID] = r
			}
		}
		return out
	}
	got := read()
	if v := got[res[0].ID].Fields["ownerid"]; v != ada.ID {
		t.Errorf("read ownerid %q, want %s", v, ada.ID)
	}
	if v := got[res[1].ID].Fields["ownerid"]; v != e.sim.UserID() {
		t.Errorf("a row created without an owner reads ownerid %q, want the connected user %s", v, e.sim.UserID())
	}
	if v := got[teamRow.ID].Fields["ownerid"]; v != team {
		t.Errorf("a team's row reads ownerid %q, want the team %s", v, team)
	}
	// Writing back what was read changes nothing.
	before, _ := e.sim.Get("contacts", res[0].ID)
	res2, err := c.Write(ctx, "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{"ownerid": got[res[0].ID].Fields["ownerid"]}}})
	if err != nil || res2[0].Err != nil {
		t.Fatalf("write back: %+v %v", res2, err)
	}
	if after, _ := e.sim.Get("contacts", res[0].ID); after.Fields["_ownerid_value"] != before.Fields["_ownerid_value"] || read()[res[0].ID].Fields["ownerid"] != ada.ID {
		t.Errorf("round trip moved the owner: %v", after.Fields["_ownerid_value"])
	}
	res2, err = c.Write(ctx, "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: res[1].ID, Fields: map[string]string{"ownerid": "00000000-0000-4000-8000-0000000000aa"}},
		{Kind: connector.OpUpdate, ID: res[1].ID, Fields: map[string]string{"ownerid": ""}},
		{Kind: connector.OpUpdate, ID: res[1].ID, Fields: map[string]string{"ownerid": ada.ID}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !errors.As(res2[0].Err, &re) || re.Category != connector.CatNotFound {
		t.Errorf("an unknown owner: %+v", res2[0].Err)
	}
	if !errors.As(res2[1].Err, &re) || re.Code != "OWNER_REQUIRED" {
		t.Errorf("a blank owner: %+v", res2[1].Err)
	}
	if res2[2].Err != nil {
		t.Errorf("reassign to Ada: %v", res2[2].Err)
	}
	if rec, _ := e.sim.Get("contacts", res[1].ID); rec.Fields["_ownerid_value"] != ada.ID {
		t.Errorf("after the three updates the owner is %v; want Ada", rec.Fields["_ownerid_value"])
	}
}
