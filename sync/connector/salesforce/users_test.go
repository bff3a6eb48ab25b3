package salesforce

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// OwnerId is offered as a picklist of the org's active standard users, by
// id, with each user's name and email; an inactive user and a Chatter-only
// one are left out. The next run of the same connection takes the users
// from the metadata cache, and a fresh schema reads them again.
func TestOwnerIdListsActiveUsers(t *testing.T) {
	o := newOrg(t)
	users := o.sim.SeedUsers([]sfsim.User{
		{FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.example", Active: true},
		{FirstName: "Gone", LastName: "Away", Email: "gone@acme.example", Active: false},
		{FirstName: "Chat", LastName: "Only", Email: "chat@acme.example", Active: true, UserType: "CsnOnly"},
	})
	_, meta := metaStore(t)
	ctx := t.Context()
	before := o.requests()
	sc, err := o.connectCached(t, meta).Schema(ctx, "Contact")
	if err != nil {
		t.Fatal(err)
	}
	f, ok := sc.Field("OwnerId")
	if !ok || f.Type != connector.TypeEnum || f.ReadOnly {
		t.Fatalf("OwnerId offered as %+v (found %v); want a writable picklist", f, ok)
	}
	byEmail := map[string]connector.Option{}
	for _, opt := range f.Options {
		byEmail[opt.Email] = opt
	}
	if a := byEmail["ada@acme.example"]; a.Value != users[0].ID || a.Label != "Ada Lovelace" {
		t.Errorf("Ada's option %+v; want id %s and her name", a, users[0].ID)
	}
	for _, gone := range []string{"gone@acme.example", "chat@acme.example"} {
		if _, ok := byEmail[gone]; ok {
			t.Errorf("%s is offered as an owner", gone)
		}
	}
	if _, ok := byEmail["integration@sandbox.example"]; !ok {
		t.Errorf("the connected user is not offered: %+v", f.Options)
	}
	queries := o.queryCalls()
	if queries != 1 {
		t.Fatalf("%d queries on a cold run of Schema alone (requests %d); want the one over User", queries, o.requests()-before)
	}
	if _, err := o.connectCached(t, meta).Schema(ctx, "Contact"); err != nil {
		t.Fatal(err)
	}
	if got := o.queryCalls(); got != queries {
		t.Errorf("a warm run queried User again (%d)", got-queries)
	}
	if _, err := o.connectCached(t, meta).Schema(connector.WithFreshSchema(ctx), "Contact"); err != nil {
		t.Fatal(err)
	}
	if got := o.queryCalls(); got != queries+1 {
		t.Errorf("a fresh schema made %d User queries; want 1", got-queries)
	}
}

// A read marked with the fields its caller uses selects those alone, and
// what the connector needs itself (Id, SystemModstamp, LastModifiedDate,
// the delete flag and a merge's winner); the records carry them. Without the mark every field
// is selected.
func TestReadOnlyTheFieldsAskedFor(t *testing.T) {
	o := newOrg(t)
	if _, err := o.sim.Create("Contact", map[string]string{"LastName": "Read", "Email": "read@example.com", "Title": "CEO", "MailingCity": "Oslo"}); err != nil {
		t.Fatal(err)
	}
	c := o.connect(t, 0)
	read := func(ctx context.Context) map[string]string {
		return conformance.FindRead(t, c.Read(ctx, "Contact", ""), func(r connector.Record) bool { return r.Fields["Email"] == "read@example.com" }).Fields
	}
	got := read(connector.WithReadFields(t.Context(), []string{"Email", "LastName", "Phone"}))
	for k := range got {
		switch k {
		case "Email", "LastName", "Phone", "Id", "SystemModstamp", "LastModifiedDate", "IsDeleted", "MasterRecordId":
		default:
			t.Errorf("a narrowed read returned %s=%q", k, got[k])
		}
	}
	if _, ok := got["Phone"]; !ok || got["LastName"] != "Read" {
		t.Errorf("narrowed read: %v; want the fields asked for, a blank one included", got)
	}
	if all := read(t.Context()); all["Title"] != "CEO" || all["MailingCity"] != "Oslo" {
		t.Errorf("a read with no mark: %v; want every field", all)
	}
}
