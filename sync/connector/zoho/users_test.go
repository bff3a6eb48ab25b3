package zoho

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/crmsync/crmsync/app/auth/authtest"
	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	zsim "github.com/crmsync/crmsync/sync/sandbox/zoho"
)

const usersEndpoint = "GET /crm/v8/users"

// Owner is offered on every module as a picklist of the organization's active users, by
// id, with each user's full name and email, read across pages (250 active users: two
// pages of 200); a deactivated user and one with no email are left out. The next run
// takes the users from the metadata cache, another module of the same run from memory,
// and a fresh schema reads them again.
func TestOwnerFieldListsActiveUsers(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 31})
	seed := []zsim.User{{FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example"},
		{FirstName: "Gone", LastName: "Away", Email: "gone@acme.example"}, {FirstName: "No", LastName: "Mail"}}
	for i := range 247 {
		seed = append(seed, zsim.User{FirstName: "Rep", LastName: fmt.Sprint(i), Email: fmt.Sprintf("rep%03d@acme.example", i)})
	}
	users := e.sim.SeedUsers(seed)
	if !e.sim.SetUserStatus(users[1].ID, zsim.UserInactive) {
		t.Fatal("deactivate a user")
	}
	_, meta := storetest.MetaCache(t, "zh", "zoho")
	connect := e.cachedConnector(t, meta)
	ctx := t.Context()
	c := connect()
	sc, err := c.Schema(ctx, "Contacts")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field("Owner")
	if !ok || f.Type != connector.TypeEnum || f.ReadOnly || f.Label != "Contact Owner" {
		t.Fatalf("Owner offered as %+v (found %v); want a writable picklist", f, ok)
	}
	if len(f.Options) != 249 {
		t.Fatalf("%d owner options; want 249: every active user with an email, across both pages", len(f.Options))
	}
	byEmail := map[string]connector.Option{}
	for _, o := range f.Options {
		byEmail[o.Email] = o
	}
	if a := byEmail["ada@acme.example"]; a.Value != users[0].ID || a.Label != "Ada Lovelace" {
		t.Errorf("Ada's option %+v; want id %s and her name", a, users[0].ID)
	}
	if me := byEmail["patricia.boyle@example.com"]; me.Value != e.sim.UserID() || me.Label != "Patricia Boyle" {
		t.Errorf("the connected user's option %+v", me)
	}
	if _, ok := byEmail["gone@acme.example"]; ok {
		t.Error("a deactivated user is offered")
	}
	if cf, _ := sc.Field("Created_By"); cf.Type == connector.TypeEnum || !cf.ReadOnly {
		t.Errorf("Created_By offered as %+v", cf)
	}
	if got := e.sim.Stats()[usersEndpoint]; got != 2 {
		t.Fatalf("%d users calls on a cold run; want 2 pages", got)
	}
	if d, err := c.Schema(ctx, "Deals"); err != nil || len(fieldOf(d, "Owner").Options) != 249 {
		t.Fatalf("Deals' Owner: %v %+v", err, fieldOf(d, "Owner"))
	}
	warm, err := connect().Schema(ctx, "Contacts")
	if err != nil || len(fieldOf(warm, "Owner").Options) != 249 {
		t.Fatalf("warm run: %v, %d options", err, len(fieldOf(warm, "Owner").Options))
	}
	if got := e.sim.Stats()[usersEndpoint]; got != 2 {
		t.Errorf("%d users calls after another module and a warm run; want none more", got-2)
	}
	if _, err := connect().Schema(connector.WithFreshSchema(ctx), "Contacts"); err != nil {
		t.Fatal(err)
	}
	if got := e.sim.Stats()[usersEndpoint]; got != 4 {
		t.Errorf("a fresh schema made %d users calls; want 2", got-2)
	}
}

// narrowGrantConnector connects with only the contacts and fields scopes, as a
// connection made before crmsync asked for more would have.
func narrowGrantConnector(t *testing.T, e *env) *Connector {
	t.Helper()
	conf := &oauth2.Config{ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret(),
		RedirectURL: "http://localhost:53682/callback", Scopes: []string{"ZohoCRM.modules.contacts.ALL,ZohoCRM.settings.fields.READ"},
		Endpoint: oauth2.Endpoint{AuthURL: e.base + "/oauth/v2/auth", TokenURL: e.base + "/oauth/v2/token", AuthStyle: oauth2.AuthStyleInParams}}
	tok := authtest.Code(t, conf)
	domain, _ := tok.Extra("api_domain").(string)
	c, err := newConnector(&http.Client{Transport: headerTransport(tok.AccessToken)}, domain, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fieldOf(sc connector.Schema, name string) connector.Field {
	f, _ := sc.Field(name)
	return f
}

// A connection made before crmsync asked for the users scope still reads its schema:
// Zoho refuses the users list (OAUTH_SCOPE_MISMATCH) and Owner lists no users, which an
// owner row explains when it compiles. Info asks for the scope.
func TestOwnerFieldWithoutTheScope(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 32})
	e.sim.SeedUsers([]zsim.User{{FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example"}})
	c := narrowGrantConnector(t, e)
	sc, err := c.Schema(t.Context(), "Contacts")
	if err != nil {
		t.Fatalf("schema without the users scope: %v", err)
	}
	if f, ok := sc.Field("Owner"); !ok || f.Type != connector.TypeEnum || len(f.Options) != 0 {
		t.Fatalf("Owner %+v; want a picklist with no users", f)
	}
	if got := e.sim.Stats()[usersEndpoint]; got != 1 {
		t.Errorf("%d users calls; want the one refused", got)
	}
	if !strings.Contains(strings.Join(Info().OAuth.Scopes, ","), scopeUsersRead) {
		t.Errorf("the users scope is not asked for: %v", Info().OAuth.Scopes)
	}
}

// Owner is written as the user's id and reads back as the same id, one of the options.
// In one batch, a record given a deactivated owner fails alone with Zoho's INVALID_DATA
// naming Owner, while one given an active user and one given none (owned by the
// connected user) are created.
func TestOwnerWriteRoundTrip(t *testing.T) {
	e := newEnv(t, zsim.Options{Seed: 33})
	users := e.sim.SeedUsers([]zsim.User{{FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example"},
		{FirstName: "Ina", LastName: "Ctive", Email: "ina@acme.example", Status: zsim.UserInactive}})
	ada, ina := users[0].ID, users[1].ID
	c := e.connect(t)
	ctx := t.Context()
	sc, err := c.Schema(ctx, "Contacts")
	if err != nil {
		t.Fatal(err)
	}
	offered := map[string]bool{}
	for _, o := range fieldOf(sc, "Owner").Options {
		offered[o.Value] = true
	}
	if !offered[ada] || offered[ina] || !offered[e.sim.UserID()] {
		t.Fatalf("Owner options %+v", fieldOf(sc, "Owner").Options)
	}
	res, err := c.Write(ctx, "Contacts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"Last_Name": "Owned", "Owner": ada}},
		{Kind: connector.OpCreate, Fields: map[string]string{"Last_Name": "Refused", "Owner": ina}},
		{Kind: connector.OpCreate, Fields: map[string]string{"Last_Name": "Mine"}},
	})
	if err != nil || len(res) != 3 || res[0].Err != nil || res[2].Err != nil {
		t.Fatalf("create: %v %+v", err, res)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != "Owner" || re.Code != "INVALID_DATA" || !errors.Is(res[1].Err, connector.ErrValidation) {
		t.Fatalf("a deactivated owner: %#v, want INVALID_DATA on Owner", res[1].Err)
	}
	if n := e.sim.Count("Contacts"); n != 2 {
		t.Fatalf("%d contacts in Zoho, want 2", n)
	}
	if z, _ := e.sim.Get("Contacts", res[0].ID); z.Fields["Owner"] != ada {
		t.Fatalf("Zoho holds Owned's owner %q, want Ada %s", z.Fields["Owner"], ada)
	}
	recs, _ := conformance.ReadAll(t, c, "Contacts", "")
	byID := conformance.ByID(recs)
	if got := byID[res[0].ID].Fields["Owner"]; got != ada {
		t.Fatalf("Owned reads Owner %q, want %s as written", got, ada)
	}
	if got := byID[res[2].ID].Fields["Owner"]; got != e.sim.UserID() || !offered[got] {
		t.Fatalf("Mine reads Owner %q, want the connected user %s", got, e.sim.UserID())
	}
	res, err = c.Write(ctx, "Contacts", []connector.Op{{Kind: connector.OpUpdate, ID: res[2].ID, Fields: map[string]string{"Owner": ada}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("update: %v %+v", err, res)
	}
	recs, _ = conformance.ReadAll(t, c, "Contacts", "")
	if got := conformance.ByID(recs)[res[0].ID].Fields["Owner"]; got != ada {
		t.Fatalf("after the update Owner reads %q, want %s", got, ada)
	}
}
