package hubspot

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

const (
	statUnsubscribe = "POST /communication-preferences/v4/statuses/batch/unsubscribe-all"
	statBatchRead   = "POST /crm/objects/2026-03/contacts/batch/read"
	statBatchUpdate = "POST /crm/objects/2026-03/contacts/batch/update"
	statUnsubOne    = "POST /communication-preferences/v4/statuses/{subscriberIdString}/unsubscribe-all"
)

// optedOut is the contact's hs_email_optout in the sandbox.
func optedOut(t *testing.T, e *env, id string) string {
	t.Helper()
	got, ok := e.sim.Get("contacts", id)
	if !ok {
		t.Fatalf("no contact %s in the sandbox", id)
	}
	return got.Properties[optOutField]
}

// readBack reads the contact back through the connector (search by email).
func readBack(t *testing.T, c *Connector, email string) connector.Record {
	t.Helper()
	recs, err := c.Lookup(t.Context(), "contacts", "email", []string{email})
	if err != nil || len(recs) != 1 {
		t.Fatalf("lookup %s: %d records, %v", email, len(recs), err)
	}
	return recs[0]
}

// hs_email_optout is offered writable, as a bool. An update saying "true"
// whose op carries no email reads the contact's email (one batch/read),
// makes no update call when nothing else changes, and unsubscribes the
// contact: the sandbox holds it opted out and a read through the
// connector says so. An update that carries the email needs no read.
func TestEmailOptOutOnUpdate(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 11})
	ann, _ := e.sim.Create("contacts", map[string]string{"email": "ann@optout.example", "firstname": "Ann"})
	bob, _ := e.sim.Create("contacts", map[string]string{"email": "bob@optout.example", "firstname": "Bob"})
	c := oauthConnector(t, e)
	sc, err := c.Schema(t.Context(), "contacts")
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := sc.Field(optOutField); !ok || f.ReadOnly || f.Type != connector.TypeBool || f.Label != "Unsubscribed from all email" {
		t.Fatalf("%s offered as %+v (found %v); want a writable bool", optOutField, f, ok)
	}
	if readBack(t, c, "ann@optout.example").Fields[optOutField] != "" {
		t.Fatal("Ann starts opted out")
	}
	stats := e.sim.Stats()
	res, err := c.Write(t.Context(), "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: ann.ID, Fields: map[string]string{optOutField: "true"}}})
	if err != nil || res[0].Err != nil || res[0].ID != ann.ID {
		t.Fatalf("update with %s true: %+v, %v", optOutField, res, err)
	}
	after := e.sim.Stats()
	if d := after[statBatchRead] - stats[statBatchRead]; d != 1 {
		t.Errorf("%d batch reads for the email; want 1", d)
	}
	if d := after[statUnsubscribe] - stats[statUnsubscribe]; d != 1 {
		t.Errorf("%d unsubscribe calls; want 1", d)
	}
	if d := after[statBatchUpdate] - stats[statBatchUpdate]; d != 0 {
		t.Errorf("%d update calls for an opt-out alone; want none", d)
	}
	if got := optedOut(t, e, ann.ID); got != "true" {
		t.Fatalf("Ann in the sandbox: %s = %q, want true", optOutField, got)
	}
	if got := readBack(t, c, "ann@optout.example").Fields[optOutField]; got != "true" {
		t.Fatalf("Ann read back: %s = %q, want true", optOutField, got)
	}
	if optedOut(t, e, bob.ID) != "" {
		t.Fatal("Bob was opted out too")
	}

	// With the email (and a name) in the op: no read, one update, one unsubscribe.
	stats = e.sim.Stats()
	res, err = c.Write(t.Context(), "contacts", []connector.Op{{Kind: connector.OpUpdate, ID: bob.ID,
		Fields: map[string]string{"email": "bob@optout.example", "firstname": "Robert", optOutField: "True"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("update with email: %+v, %v", res, err)
	}
	after = e.sim.Stats()
	if after[statBatchRead] != stats[statBatchRead] || after[statUnsubscribe]-stats[statUnsubscribe] != 1 {
		t.Errorf("reads %d, unsubscribes %d; want 0 and 1", after[statBatchRead]-stats[statBatchRead], after[statUnsubscribe]-stats[statUnsubscribe])
	}
	if got, _ := e.sim.Get("contacts", bob.ID); got.Properties[optOutField] != "true" || got.Properties["firstname"] != "Robert" {
		t.Fatalf("Bob: %v", got.Properties)
	}
}

// A created contact saying "true" is created and then opted out, through
// Write's create and through Upsert. A created contact saying "false" is
// created as any new contact is (not opted out): there is nothing to undo.
func TestEmailOptOutOnCreate(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 12})
	c := oauthConnector(t, e)
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"email": "new@optout.example", "firstname": "New", optOutField: "true"}},
		{Kind: connector.OpCreate, Fields: map[string]string{"email": "in@optout.example", "firstname": "In", optOutField: "false"}},
	})
	if err != nil || res[0].Err != nil || res[1].Err != nil || res[0].ID == "" || res[1].ID == "" {
		t.Fatalf("creates: %+v, %v", res, err)
	}
	if got, _ := e.sim.Get("contacts", res[0].ID); got.Properties[optOutField] != "true" || got.Properties["firstname"] != "New" {
		t.Fatalf("created with true: %v", got.Properties)
	}
	if got := readBack(t, c, "new@optout.example").Fields[optOutField]; got != "true" {
		t.Fatalf("read back: %q", got)
	}
	if got := optedOut(t, e, res[1].ID); got != "" {
		t.Fatalf("created with false: %s = %q", optOutField, got)
	}

	stats := e.sim.Stats()
	res, err = c.Upsert(t.Context(), "contacts", "email", []connector.Op{
		{Fields: map[string]string{"email": "up@optout.example", "firstname": "Up", optOutField: "true"}},
	})
	if err != nil || res[0].Err != nil || !res[0].Created {
		t.Fatalf("upsert: %+v, %v", res, err)
	}
	if got := optedOut(t, e, res[0].ID); got != "true" {
		t.Fatalf("upserted with true: %s = %q", optOutField, got)
	}
	if e.sim.Stats()[statBatchRead] != stats[statBatchRead] {
		t.Error("an upsert by email read the contact first")
	}
}

// "false" for a contact HubSpot holds as opted out fails that record alone,
// before anything of it is written, naming the field and why; the other
// record of the batch is written. "false" for a contact not opted out
// asks for nothing.
func TestEmailOptOutFalseFailsOnlyThatRecord(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 13})
	out, _ := e.sim.Create("contacts", map[string]string{"email": "out@optout.example", "firstname": "Out"})
	in, _ := e.sim.Create("contacts", map[string]string{"email": "in@optout.example", "firstname": "In"})
	other, _ := e.sim.Create("contacts", map[string]string{"email": "other@optout.example", "firstname": "Other"})
	if st := e.direct(t, "POST", "/communication-preferences/v4/statuses/batch/unsubscribe-all?channel=EMAIL",
		map[string]any{"inputs": []string{"out@optout.example"}}, nil); st != 200 || optedOut(t, e, out.ID) != "true" {
		t.Fatalf("opting Out out first: %d", st)
	}
	c := oauthConnector(t, e)
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: out.ID, Fields: map[string]string{"firstname": "Back", optOutField: "false"}},
		{Kind: connector.OpUpdate, ID: other.ID, Fields: map[string]string{"firstname": "Written"}},
		{Kind: connector.OpUpdate, ID: in.ID, Fields: map[string]string{"firstname": "Still in", optOutField: "false"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != optOutField || re.Category != connector.CatValidation || re.RecordID != out.ID ||
		!strings.Contains(re.Message, "only the contact") || !strings.Contains(re.Message, "can only unsubscribe") {
		t.Fatalf("false for an opted-out contact: %v", res[0].Err)
	}
	if !strings.Contains(res[0].Err.Error(), optOutField) {
		t.Fatalf("the error does not name the field: %v", res[0].Err)
	}
	if res[1].Err != nil || res[2].Err != nil {
		t.Fatalf("the other records: %+v", res[1:])
	}
	if got, _ := e.sim.Get("contacts", out.ID); got.Properties["firstname"] != "Out" || got.Properties[optOutField] != "true" {
		t.Fatalf("the failed record was written: %v", got.Properties)
	}
	if got, _ := e.sim.Get("contacts", other.ID); got.Properties["firstname"] != "Written" {
		t.Fatalf("the other record: %v", got.Properties)
	}
	if got, _ := e.sim.Get("contacts", in.ID); got.Properties["firstname"] != "Still in" || got.Properties[optOutField] != "" {
		t.Fatalf("false for a contact not opted out: %v", got.Properties)
	}
	// Through Upsert too.
	res, err = c.Upsert(t.Context(), "contacts", "email", []connector.Op{
		{Fields: map[string]string{"email": "OUT@optout.example", optOutField: "false"}},
		{Fields: map[string]string{"email": "fresh@optout.example", optOutField: "false"}},
	})
	if err != nil || !errors.As(res[0].Err, &re) || re.Field != optOutField || res[1].Err != nil {
		t.Fatalf("upserts with false: %+v, %v", res, err)
	}
}

// A contact that would be unsubscribed but has no email address fails,
// naming the field, before anything of it is written: a create without
// email, an update of a contact HubSpot holds without one, and an update
// that blanks the email.
func TestEmailOptOutNeedsAnEmail(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 14})
	bare, _ := e.sim.Create("contacts", map[string]string{"firstname": "Bare"})
	has, _ := e.sim.Create("contacts", map[string]string{"email": "has@optout.example", "firstname": "Has"})
	c := oauthConnector(t, e)
	count := e.sim.Count("contacts")
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpCreate, Fields: map[string]string{"firstname": "Nomail", optOutField: "true"}},
		{Kind: connector.OpUpdate, ID: bare.ID, Fields: map[string]string{"firstname": "Changed", optOutField: "true"}},
		{Kind: connector.OpUpdate, ID: has.ID, Fields: map[string]string{"email": "", optOutField: "true"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		var re *connector.RecordError
		if !errors.As(r.Err, &re) || re.Field != optOutField || re.Code != "MISSING_EMAIL" || !strings.Contains(re.Message, "no email") {
			t.Fatalf("record %d: %v; want it to fail on %s for want of an email", i, r.Err, optOutField)
		}
	}
	if n := e.sim.Count("contacts"); n != count {
		t.Fatalf("%d contacts after, %d before: the create without email was made", n, count)
	}
	if got, _ := e.sim.Get("contacts", bare.ID); got.Properties["firstname"] != "Bare" || got.Properties[optOutField] != "" {
		t.Fatalf("the contact without email was written: %v", got.Properties)
	}
	if got, _ := e.sim.Get("contacts", has.ID); got.Properties["email"] != "has@optout.example" {
		t.Fatalf("the update blanking the email was written: %v", got.Properties)
	}
}

// What HubSpot refuses for one email in the unsubscribe answer fails that
// contact's result with HubSpot's message; the others of the call stand.
// Here another user changes a contact's email between the write and the
// unsubscribe.
func TestEmailOptOutPerEmailErrorFailsThatRecord(t *testing.T) {
	opts := hssim.Options{Seed: 15, PathPrefix: "/hubspot"}
	sim := hssim.New(opts)
	var mu sync.Mutex
	var moved string // the contact whose email moves before the next unsubscribe call
	mux := http.NewServeMux()
	mux.Handle("/hubspot/", http.StripPrefix("/hubspot", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if strings.HasSuffix(r.URL.Path, "/unsubscribe-all") && moved != "" {
			if _, err := sim.Update("contacts", moved, map[string]string{"email": "elsewhere@optout.example"}); err != nil {
				t.Error(err)
			}
			moved = ""
		}
		mu.Unlock()
		sim.ServeHTTP(w, r)
	})))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e := &env{sim: sim, base: srv.URL + "/hubspot"}
	a, _ := sim.Create("contacts", map[string]string{"email": "a@optout.example"})
	b, _ := sim.Create("contacts", map[string]string{"email": "b@optout.example"})
	mu.Lock()
	moved = b.ID
	mu.Unlock()
	c := oauthConnector(t, e)
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: a.ID, Fields: map[string]string{optOutField: "true"}},
		{Kind: connector.OpUpdate, ID: b.ID, Fields: map[string]string{optOutField: "true"}},
	})
	if err != nil || res[0].Err != nil {
		t.Fatalf("results %+v, %v", res, err)
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) || re.Field != optOutField || re.RecordID != b.ID || re.Category != connector.CatNotFound ||
		!strings.Contains(re.Message, "b@optout.example") {
		t.Fatalf("the contact HubSpot refused: %v", res[1].Err)
	}
	if optedOut(t, e, a.ID) != "true" || optedOut(t, e, b.ID) != "" {
		t.Fatal("wrong contacts opted out")
	}
}

// A connection without the batch subscription scope (made before crmsync
// asked for it, or to an account without Marketing Hub Enterprise) fails
// the contacts to unsubscribe, naming the scope; their other fields and
// the rest of the batch are written.
func TestEmailOptOutMissingScope(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 16})
	a, _ := e.sim.Create("contacts", map[string]string{"email": "scope@optout.example"})
	c := scopedConnector(t, e)
	b, _ := e.sim.Create("contacts", map[string]string{"email": "other@optout.example"})
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: a.ID, Fields: map[string]string{"firstname": "A", optOutField: "true"}},
		{Kind: connector.OpUpdate, ID: b.ID, Fields: map[string]string{"firstname": "B"}}})
	if err != nil {
		t.Fatalf("write without the scope: %v; want the opted-out contact to fail alone", err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != optOutField || re.Code != "MISSING_SCOPES" || !strings.Contains(re.Message, scopeUnsubscribe) ||
		!strings.Contains(re.Message, scopeUnsubscribeOne) || !strings.Contains(re.Message, "reconnect HubSpot") {
		t.Fatalf("contact to unsubscribe: %v; want MISSING_SCOPES on %s naming both scopes and what to do", res[0].Err, optOutField)
	}
	if res[1].Err != nil {
		t.Fatalf("the other contact failed: %v", res[1].Err)
	}
	if optedOut(t, e, a.ID) != "" {
		t.Fatal("opted out without the scope")
	}
	if got, _ := e.sim.Get("contacts", b.ID); got.Properties["firstname"] != "B" {
		t.Fatalf("the other contact was not written: %v", got.Properties)
	}
}

// A portal without Marketing Hub Enterprise cannot grant the batch scope,
// but grants communication_preferences.write, which crmsync asks for as an
// optional scope too. Its opt-outs go one call each through the
// single-contact endpoint: the first write tries the batch call once, is
// refused, and unsubscribes each contact alone; later writes of the same
// connector skip the batch call. Every contact asked for is opted out in
// the sandbox, the others are not, and an email HubSpot refuses (a
// contact whose email changed under the write) fails that contact alone
// with HubSpot's message.
func TestEmailOptOutWithoutMarketingEnterprise(t *testing.T) {
	e := newEnv(t, hssim.Options{Seed: 17, NoMarketingEnterprise: true})
	var ids []string
	for _, n := range []string{"ann", "bob", "cy"} {
		r, _ := e.sim.Create("contacts", map[string]string{"email": n + "+list@optout.example", "firstname": n})
		ids = append(ids, r.ID)
	}
	dee, _ := e.sim.Create("contacts", map[string]string{"email": "dee@optout.example"})
	// Someone renames Cy's email in HubSpot between the write and the
	// unsubscribe, as a user in HubSpot's own window might.
	client := e.oauthClient(t)
	next := client.Transport
	client.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.Contains(r.URL.Path, "cy+list@") {
			if _, err := e.sim.Update("contacts", ids[2], map[string]string{"email": "cy.renamed@optout.example"}); err != nil {
				t.Error(err)
			}
		}
		return next.RoundTrip(r)
	})
	c, err := newConnector(client, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	stats := e.sim.Stats()
	res, err := c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{optOutField: "true"}}, // its email read first
		{Kind: connector.OpUpdate, ID: ids[1], Fields: map[string]string{"email": "bob+list@optout.example", "firstname": "Bobby", optOutField: "true"}},
		{Kind: connector.OpUpdate, ID: dee.ID, Fields: map[string]string{"firstname": "Dee"}}})
	if err != nil || res[0].Err != nil || res[1].Err != nil || res[2].Err != nil {
		t.Fatalf("write without the batch scope: %+v, %v", res, err)
	}
	after := e.sim.Stats()
	if d := after[statUnsubscribe] - stats[statUnsubscribe]; d != 1 {
		t.Errorf("%d batch unsubscribe calls; want the one HubSpot refused", d)
	}
	if d := after[statUnsubOne] - stats[statUnsubOne]; d != 2 {
		t.Errorf("%d single unsubscribe calls; want one per contact, 2", d)
	}
	for i, want := range []string{"true", "true", ""} {
		if got := optedOut(t, e, ids[i]); got != want {
			t.Errorf("contact %d: %s = %q, want %q", i, optOutField, got, want)
		}
	}
	if optedOut(t, e, dee.ID) != "" {
		t.Error("Dee was opted out")
	}
	if got, _ := e.sim.Get("contacts", ids[1]); got.Properties["firstname"] != "Bobby" {
		t.Errorf("Bob's other field: %v", got.Properties)
	}

	// The same connector again: straight to the single endpoint. Cy's op
	// carries an email HubSpot no longer has for any contact (changed
	// under the write), so HubSpot's 404 fails Cy alone.
	stats = e.sim.Stats()
	res, err = c.Write(t.Context(), "contacts", []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[2], Fields: map[string]string{"email": "cy+list@optout.example", optOutField: "true"}},
		{Kind: connector.OpUpdate, ID: dee.ID, Fields: map[string]string{"email": "dee@optout.example", optOutField: "true"}}})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != optOutField || re.RecordID != ids[2] || re.Code != "OBJECT_NOT_FOUND" ||
		!strings.Contains(re.Message, "cy+list@optout.example") {
		t.Fatalf("Cy, renamed under the write: %v; want HubSpot's OBJECT_NOT_FOUND on %s naming the email", res[0].Err, optOutField)
	}
	if res[1].Err != nil {
		t.Fatalf("Dee failed with Cy: %v", res[1].Err)
	}
	after = e.sim.Stats()
	if d := after[statUnsubscribe] - stats[statUnsubscribe]; d != 0 {
		t.Errorf("%d batch unsubscribe calls on the second write; want none", d)
	}
	if d := after[statUnsubOne] - stats[statUnsubOne]; d != 2 {
		t.Errorf("%d single unsubscribe calls on the second write; want 2", d)
	}
	if optedOut(t, e, ids[2]) != "" || optedOut(t, e, dee.ID) != "true" {
		t.Fatalf("second write: Cy %q, Dee %q; want Dee alone opted out", optedOut(t, e, ids[2]), optedOut(t, e, dee.ID))
	}
}

// roundTripFunc lets a test act between the connector and the sandbox.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
