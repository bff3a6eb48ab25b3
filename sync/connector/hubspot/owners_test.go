package hubspot

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

const ownersEndpoint = "GET /crm/owners/2026-03"

// The owner property is offered as a picklist of the portal's active
// owners, by id, with each person's name and email, read across pages
// (501 active owners: two pages of 500); archived owners, queues and owners with
// no email are left out. A second run of the same connection reads the
// owners from the metadata cache, with no call.
func TestOwnerFieldListsActiveOwners(t *testing.T) {
	_, meta := metaStore(t)
	e := newCachedEnv(t, meta)
	owners := []hssim.Owner{{Email: "ada@acme.example", FirstName: "Ada", LastName: "Lovelace"},
		{Email: "gone@acme.example", FirstName: "Gone", LastName: "Away"},
		{FirstName: "Support", LastName: "Queue", Type: hssim.OwnerQueue}}
	for i := range 499 {
		owners = append(owners, hssim.Owner{Email: fmt.Sprintf("rep%03d@acme.example", i), FirstName: "Rep", LastName: fmt.Sprint(i)})
	}
	seeded := e.sim.SeedOwners(owners)
	if !e.sim.ArchiveOwner(seeded[1].ID) {
		t.Fatal("archive an owner")
	}
	ctx := t.Context()
	sc, err := e.client().Schema(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field("hubspot_owner_id")
	if !ok || f.Type != connector.TypeEnum || f.ReadOnly || f.Label != "Contact owner" {
		t.Fatalf("hubspot_owner_id offered as %+v (found %v); want a writable picklist", f, ok)
	}
	if len(f.Options) != 500 {
		t.Fatalf("%d owner options; want 500: every active person with an email, across both pages", len(f.Options))
	}
	byEmail := map[string]connector.Option{}
	for _, o := range f.Options {
		byEmail[o.Email] = o
	}
	if o := byEmail["ada@acme.example"]; o.Value != seeded[0].ID || o.Label != "Ada Lovelace" {
		t.Errorf("Ada's option %+v; want id %s, labelled with her name", o, seeded[0].ID)
	}
	if _, ok := byEmail["gone@acme.example"]; ok {
		t.Error("an archived owner is offered")
	}
	if got := e.sim.Stats()[ownersEndpoint]; got != 2 {
		t.Errorf("%d owners calls on a cold run; want 2 pages", got)
	}
	sc, err = e.client().Schema(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := sc.Field("hubspot_owner_id"); len(f.Options) != 500 {
		t.Errorf("warm run: %d owner options", len(f.Options))
	}
	if got := e.sim.Stats()[ownersEndpoint]; got != 2 {
		t.Errorf("%d owners calls after a warm run; want none more", got-2)
	}
}

// A connection made before crmsync asked for the owners scope still reads
// its schema; the owner field lists no users, which an owner row explains
// when it compiles.
func TestOwnerFieldWithoutTheScope(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 12})
	e.sim.SeedOwners([]hssim.Owner{{Email: "ada@acme.example"}})
	sc, err := scopedConnector(t, e).Schema(t.Context(), "contacts")
	if err != nil {
		t.Fatalf("schema without the owners scope: %v", err)
	}
	if f, ok := sc.Field("hubspot_owner_id"); !ok || len(f.Options) != 0 {
		t.Fatalf("hubspot_owner_id %+v; want it with no users", f)
	}
	if !strings.Contains(fmt.Sprint(Info().OAuth.AuthParams["optional_scope"]), scopeOwnersRead) {
		t.Errorf("the owners scope is not asked for: %v", Info().OAuth.AuthParams)
	}
}

// A read marked with the fields its caller uses asks HubSpot for those
// alone, and what the connector needs itself (the modified time, merges),
// besides what HubSpot sends with every record;
// the records carry them, blank or not. Without the mark every property
// is read.
func TestReadOnlyTheFieldsAskedFor(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 13})
	e.seed(t, "contacts", []map[string]string{{"email": "ann@read.example", "firstname": "Ann", "city": "Oslo", "jobtitle": "CEO"}})
	c := oauthConnector(t, e)
	read := func(ctx context.Context) map[string]string {
		for p, err := range c.Read(ctx, "contacts", "") {
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range p.Records {
				if r.Fields["email"] == "ann@read.example" {
					return r.Fields
				}
			}
		}
		t.Fatal("Ann was not read")
		return nil
	}
	got := read(connector.WithReadFields(t.Context(), []string{"email", "firstname", "phone"}))
	for k := range got {
		switch k {
		case "email", "firstname", "phone", mergedProp,
			"lastmodifieddate", "createdate", "hs_object_id": // HubSpot returns these always
		default:
			t.Errorf("a narrowed read returned %s=%q", k, got[k])
		}
	}
	if got["firstname"] != "Ann" {
		t.Errorf("narrowed read: %v", got)
	}
	if _, ok := got["phone"]; !ok {
		t.Error("a field asked for and blank is missing, which reads as not read")
	}
	if all := read(t.Context()); all["city"] != "Oslo" || all["jobtitle"] != "CEO" {
		t.Errorf("a read with no mark: %v; want every property", all)
	}
}
