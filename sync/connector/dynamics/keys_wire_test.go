package dynamics

import (
	"errors"
	"slices"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// A plain create refused because the email alternate key holds its email
// (412 DuplicateRecordEntityKey, 0x80060892) names the email column and
// the row holding it, so the engine can ask whether it is the same person
// instead of failing the create every run.
func TestCreateRefusedByEmailKeyNamesHolder(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 5})
	if err := e.sim.DefineAlternateKey("contacts", "contact_email_key", "emailaddress1"); err != nil {
		t.Fatal(err)
	}
	holder, err := e.sim.Create("contacts", map[string]any{"lastname": "Holder", "emailaddress1": "taken@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"lastname": "Newcomer", "emailaddress1": "taken@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != "emailaddress1" || !slices.Contains(re.Duplicates, holder.ID) {
		t.Fatalf("create of a taken email: %+v (err %#v), want a failure naming emailaddress1 and the holder %s", res[0], res[0].Err, holder.ID)
	}
	if n := e.sim.Count("contacts"); n != 1 {
		t.Errorf("%d contacts, want 1", n)
	}
}

// An update refused because its new email is another row's alternate key
// names the email column: Dataverse's message names the key and the value,
// not the column.
func TestUpdateRefusedByEmailKeyNamesField(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 5})
	if err := e.sim.DefineAlternateKey("contacts", "contact_email_key", "emailaddress1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.Create("contacts", map[string]any{"lastname": "Holder", "emailaddress1": "taken@example.com"}); err != nil {
		t.Fatal(err)
	}
	other, err := e.sim.Create("contacts", map[string]any{"lastname": "Other", "emailaddress1": "other@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: other.ID, Fields: map[string]string{"emailaddress1": "taken@example.com"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != "emailaddress1" || re.RecordID != other.ID || re.Message == "" {
		t.Fatalf("update to a taken email: %#v, want a failure naming %s, emailaddress1 and Dataverse's message", res[0].Err, other.ID)
	}
	if rec, _ := e.sim.Get("contacts", other.ID); rec.Fields["emailaddress1"] != "other@example.com" {
		t.Errorf("row now %v", rec.Fields)
	}
}

// An upsert names its row by the email in the URL (PATCH
// /contacts(emailaddress1='…')): an address with a character a URL
// reserves ("#", "?", "%", "/", "+" and "&" are all valid in an address's
// local part) must be percent-encoded there, or the server reads another
// key, another query or a fragment.
func TestUpsertKeyWithReservedCharacters(t *testing.T) {
	e := newEnv(t, dsim.Options{Seed: 5})
	if err := e.sim.DefineAlternateKey("contacts", "contact_email_key", "emailaddress1"); err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	emails := []string{"a#b@example.com", "what?me@example.com", "50%25off@example.com", "x/y@example.com", "tom+jerry@example.com", "r&d@example.com"}
	for round, title := range []string{"One", "Two"} {
		var ops []connector.Op
		for _, email := range emails {
			ops = append(ops, connector.Op{Kind: connector.OpUpsert, Fields: map[string]string{"emailaddress1": email, "lastname": "Reserved", "jobtitle": title}})
		}
		res, err := c.Upsert(t.Context(), "contacts", "emailaddress1", ops)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range res {
			if r.Err != nil || r.ID == "" || r.Created != (round == 0) {
				t.Errorf("round %d, upsert of %s: %+v", round+1, emails[i], r)
			}
		}
	}
	got := map[string]string{}
	for _, r := range e.sim.Records("contacts") {
		email, _ := r.Fields["emailaddress1"].(string)
		got[email], _ = r.Fields["jobtitle"].(string)
	}
	for _, email := range emails {
		if got[email] != "Two" {
			t.Errorf("%s: job title %q, want Two (rows %v)", email, got[email], got)
		}
	}
	if len(got) != len(emails) {
		t.Errorf("%d rows, want %d: %v", len(got), len(emails), got)
	}
}
