package brevo

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	bvsim "github.com/crmsync/crmsync/sync/sandbox/brevo"
)

func seed(t *testing.T, e *env, rows ...bvsim.ContactSeed) []string {
	t.Helper()
	ids, err := e.sim.SeedContacts(rows)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprint(id)
	}
	return out
}

// A full read crosses pages and reads each contact once; a read from its
// cursor reads nothing; an edit is read next, and only it.
func TestReadAllPagesThenSince(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 3})
	c := e.connect(t, func(o *options) { o.pageSize = 50 })
	rows := make([]bvsim.ContactSeed, 130)
	for i := range rows {
		rows[i] = bvsim.ContactSeed{Email: fmt.Sprintf("page-%03d@example.com", i), Attributes: map[string]any{"FIRSTNAME": fmt.Sprint("P", i), "CITY": "Lyon"}}
	}
	ids := seed(t, e, rows...)
	recs, last := conformance.ReadAll(t, c, objContacts, "")
	byID := conformance.ByID(recs)
	if len(recs) != len(ids) || len(byID) != len(ids) {
		t.Fatalf("read %d contacts (%d distinct), want %d", len(recs), len(byID), len(ids))
	}
	if r := byID[ids[7]]; r.Fields[fEmail] != "page-007@example.com" || r.Fields["CITY"] != "Lyon" || r.Fields[fEmailBlacklisted] != "false" {
		t.Errorf("contact 7 read as %v", r.Fields)
	}
	if none, _ := conformance.ReadAll(t, c, objContacts, last); len(none) != 0 {
		t.Errorf("read from the last cursor returned %d contacts", len(none))
	}
	if _, err := e.sim.UpdateContact(id64(t, ids[42]), map[string]any{"FIRSTNAME": "Edited"}); err != nil {
		t.Fatal(err)
	}
	changed, next := conformance.ReadAll(t, c, objContacts, last)
	if len(changed) != 1 || changed[0].ID != ids[42] || changed[0].Fields["FIRSTNAME"] != "Edited" {
		t.Fatalf("read after an edit: %d contacts, want only %s with FIRSTNAME Edited", len(changed), ids[42])
	}
	if again, _ := conformance.ReadAll(t, c, objContacts, next); len(again) != 0 {
		t.Errorf("read after the edit's cursor returned %d contacts", len(again))
	}
}

// A contact changed while a paged read goes on, one already read and one
// not modified since the cursor (which enters the list before the offset),
// is read by the read itself or the next one: none is lost.
func TestContactChangedDuringPagedRead(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 4})
	c := e.connect(t, func(o *options) { o.pageSize = 20 })
	rows := make([]bvsim.ContactSeed, 70)
	for i := range rows {
		rows[i] = bvsim.ContactSeed{Email: fmt.Sprintf("mid-%03d@example.com", i)}
	}
	ids := seed(t, e, rows...)
	_, cur := conformance.ReadAll(t, c, objContacts, "")
	// Change a third of them, so the next read pages over a filtered list.
	for i := 30; i < 70; i++ {
		if _, err := e.sim.UpdateContact(id64(t, ids[i]), map[string]any{"LASTNAME": "Round1"}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]string{}
	pages := 0
	for p, err := range c.Read(t.Context(), objContacts, cur) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if pages == 1 {
			// Mid-read: contact 5 (not in the filtered list) and 35
			// (already read) change.
			for _, i := range []int{5, 35} {
				if _, err := e.sim.UpdateContact(id64(t, ids[i]), map[string]any{"LASTNAME": "During"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, r := range p.Records {
			seen[r.ID] = r.Fields["LASTNAME"]
		}
		if p.Cursor != "" {
			cur = p.Cursor
		}
	}
	if pages < 2 {
		t.Fatalf("the read took %d page(s); want several", pages)
	}
	for i := 30; i < 70; i++ {
		if _, ok := seen[ids[i]]; !ok {
			t.Errorf("contact %d changed before the read was not read", i)
		}
	}
	after, _ := conformance.ReadAll(t, c, objContacts, cur)
	for _, r := range after {
		seen[r.ID] = r.Fields["LASTNAME"]
	}
	for _, i := range []int{5, 35} {
		if seen[ids[i]] != "During" {
			t.Errorf("contact %d changed during the read: last read LASTNAME %q, want During", i, seen[ids[i]])
		}
	}
}

// Creates return Brevo's ids; a batch update with one invalid contact
// writes the others and fails that one alone, naming the field and
// carrying Brevo's own message; a blank clears an attribute.
func TestCreatesAndBatchUpdateWithOneInvalid(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 5})
	c := e.connect(t)
	res, err := c.Write(t.Context(), objContacts, []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "new1@example.com", "FIRSTNAME": "New", "COMPANY": ""}},
		{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "new2@example.com", "LASTNAME": "Two", fEmailBlacklisted: "false"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.ID == "" || !r.Created {
			t.Fatalf("create %d: %+v", i, r)
		}
	}
	if ct, ok := e.sim.ContactByEmail("new1@example.com"); !ok || fmt.Sprint(ct.ID) != res[0].ID || ct.Attributes["FIRSTNAME"] != "New" {
		t.Errorf("created contact %+v", ct)
	}
	ids := seed(t, e, bvsim.ContactSeed{Email: "a@example.com", Attributes: map[string]any{"CITY": "Paris"}},
		bvsim.ContactSeed{Email: "b@example.com"}, bvsim.ContactSeed{Email: "c@example.com"})
	ups := []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{"FIRSTNAME": "A", "CITY": ""}},
		{Kind: connector.OpUpdate, ID: ids[1], Fields: map[string]string{fEmail: "not-an-email"}},
		{Kind: connector.OpUpdate, ID: ids[2], Fields: map[string]string{"LASTNAME": "C"}},
	}
	res, err = c.Write(t.Context(), objContacts, ups)
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != fEmail || re.Category != connector.CatValidation || re.Code == "" || re.Message == "" {
		t.Fatalf("invalid contact: %#v", res[1].Err)
	}
	if strings.Contains(re.Message, "crmsync") {
		t.Errorf("message %q is ours, not Brevo's", re.Message)
	}
	if res[0].Err != nil || res[2].Err != nil || res[0].ID != ids[0] {
		t.Fatalf("valid updates: %+v, %+v", res[0], res[2])
	}
	a, _ := e.sim.Contact(id64(t, ids[0]))
	cc, _ := e.sim.Contact(id64(t, ids[2]))
	if a.Attributes["FIRSTNAME"] != "A" || a.Attributes["CITY"] != nil && a.Attributes["CITY"] != "" || cc.Attributes["LASTNAME"] != "C" {
		t.Errorf("after the batch: %+v, %+v", a.Attributes, cc.Attributes)
	}
	if b, _ := e.sim.Contact(id64(t, ids[1])); b.Email != "b@example.com" {
		t.Errorf("the invalid contact was written: %+v", b)
	}
}

// An upsert by email creates once, then updates the same contact.
func TestUpsertByEmailDoesNotDuplicate(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 6})
	c := e.connect(t)
	op := func(last string) []connector.Op {
		return []connector.Op{{Kind: connector.OpUpsert, Fields: map[string]string{fEmail: "up@example.com", "LASTNAME": last}}}
	}
	first, err := c.Upsert(t.Context(), objContacts, fEmail, op("One"))
	if err != nil || first[0].Err != nil || !first[0].Created {
		t.Fatalf("first upsert: %+v, %v", first, err)
	}
	second, err := c.Upsert(t.Context(), objContacts, fEmail, op("Two"))
	if err != nil || second[0].Err != nil || second[0].Created || second[0].ID != first[0].ID {
		t.Fatalf("second upsert: %+v, %v (first %+v)", second, err, first)
	}
	if e.sim.Count() != 1 {
		t.Errorf("sandbox holds %d contacts, want 1", e.sim.Count())
	}
	if ct, _ := e.sim.ContactByEmail("up@example.com"); ct.Attributes["LASTNAME"] != "Two" {
		t.Errorf("upserted contact %+v", ct.Attributes)
	}
}

// emailBlacklisted true is written; false on an update fails the record
// before anything of it is written.
func TestOptOutOnlyOneWay(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 7})
	c := e.connect(t)
	ids := seed(t, e, bvsim.ContactSeed{Email: "out@example.com"}, bvsim.ContactSeed{Email: "in@example.com", EmailBlacklisted: true})
	res, err := c.Write(t.Context(), objContacts, []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{fEmailBlacklisted: "true", "FIRSTNAME": "Gone"}},
		{Kind: connector.OpUpdate, ID: ids[1], Fields: map[string]string{fEmailBlacklisted: "false", "FIRSTNAME": "Back"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if ct, _ := e.sim.Contact(id64(t, ids[0])); res[0].Err != nil || !ct.EmailBlacklisted || ct.Attributes["FIRSTNAME"] != "Gone" {
		t.Errorf("opt-out: %+v, sandbox %+v", res[0], ct)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != fEmailBlacklisted || re.Code != "CONSENT_NOT_GIVEN" || !strings.Contains(re.Message, "never removes") {
		t.Fatalf("resubscribe: %v", res[1].Err)
	}
	if ct, _ := e.sim.Contact(id64(t, ids[1])); !ct.EmailBlacklisted || ct.Attributes["FIRSTNAME"] != nil {
		t.Errorf("refused record was written: %+v", ct)
	}
	recs, _ := conformance.ReadAll(t, c, objContacts, "")
	if got := conformance.ByID(recs)[ids[0]].Fields[fEmailBlacklisted]; got != "true" {
		t.Errorf("read emailBlacklisted %q", got)
	}
}

// An API key goes in the api-key header; a revoked one gets a 401, filed
// under auth, and the error never shows the key.
func TestAPIKeyRouteAndRevokedKey(t *testing.T) {
	if Info().OAuth.TokenHeader != "api-key" || !Info().OAuth.TokenRoute {
		t.Fatal("Info does not offer the api-key route")
	}
	e := newEnv(t, bvsim.Options{Seed: 9, AccountName: "Acme Mail"})
	key := e.sim.MintAPIKey()
	c := e.connectWith(t, auth.StaticClient(nil, Info().OAuth.TokenHeader, "", key))
	a, err := c.Account(t.Context())
	if err != nil || a.Name != "Acme Mail" || a.ID == "" {
		t.Fatalf("account: %+v, %v", a, err)
	}
	seed(t, e, bvsim.ContactSeed{Email: "k@example.com"})
	if recs, _ := conformance.ReadAll(t, c, objContacts, ""); len(recs) != 1 {
		t.Errorf("read %d contacts with the API key", len(recs))
	}
	e.sim.RevokeAPIKey(key)
	_, err = c.Write(t.Context(), objContacts, []connector.Op{{Kind: connector.OpCreate, Fields: map[string]string{fEmail: "x@example.com"}}})
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Status != 401 || !errors.Is(err, connector.ErrAuth) || strings.Contains(err.Error(), key) {
		t.Fatalf("write with a revoked key: %v", err)
	}
}

// Discover, after the OAuth sign-in, names the API base (from the token
// URL) and the account.
func TestDiscoverAfterSignIn(t *testing.T) {
	e := newEnv(t, bvsim.Options{Seed: 10, AccountName: "Acme Mail"})
	client, tokenURL := e.signIn(t)
	d, err := Info().Discover(t.Context(), client, tokenURL)
	if err != nil || d.APIBase != e.base || d.AccountName != "Acme Mail" || d.AccountID == "" {
		t.Fatalf("discover: %+v, %v", d, err)
	}
}
