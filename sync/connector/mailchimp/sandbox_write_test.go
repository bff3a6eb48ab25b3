package mailchimp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

func faults(on bool, p429, p5xx float64) simkit.Faults {
	return simkit.Faults{P429: p429, P5xx: p5xx, Disabled: !on}
}

func write(t *testing.T, c *Connector, ops ...connector.Op) []connector.Result {
	t.Helper()
	res, err := c.Write(context.Background(), objMembers, ops)
	if err != nil || len(res) != len(ops) {
		t.Fatalf("write: %d results for %d ops, %v", len(res), len(ops), err)
	}
	return res
}

func add(fields map[string]string) connector.Op {
	return connector.Op{Kind: connector.OpCreate, Fields: fields}
}

// The metadata names the account and points back at the API; the
// connector built on it reads the default audience.
func TestOAuthMetadataGivesTheAPIBase(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 1, AccountName: "Acme Widgets"})
	_, m := e.signIn(t)
	if m.APIBase() != e.base || m.AccountName != "Acme Widgets" || m.DC == "" || m.UserID == "" {
		t.Errorf("metadata %+v, want api_endpoint %s and the account's name", m, e.base)
	}
	d, err := Info().Discover(context.Background(), auth.StaticClient(nil, "Authorization", "OAuth ", e.sim.MintAccessToken()), e.base+"/oauth2/token")
	if err != nil || d.APIBase != e.base || d.AccountName != "Acme Widgets" {
		t.Errorf("Discover = %+v, %v", d, err)
	}
}

// An API key names its data center and authenticates by HTTP Basic auth.
func TestAPIKeyReadsAndWrites(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 2})
	key := e.sim.MintAPIKey()
	if base, err := BaseFromAPIKey(key); err != nil || base != "https://"+e.sim.DataCenter()+".api.mailchimp.com" {
		t.Errorf("BaseFromAPIKey(%q) = %q, %v", key, base, err)
	}
	c := e.connectKey(t, key)
	res := write(t, c, add(map[string]string{fEmail: "key@example.com", fStatus: "transactional", "FNAME": "Key"}))
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	recs, _, _ := read(t, c, objMembers, "")
	if len(recs) != 1 || recs[0].ID != res[0].ID || recs[0].Fields[fStatus] != "transactional" {
		t.Errorf("read %+v", recs)
	}
	e.sim.RevokeAPIKey(key)
	for _, err := range c.Read(context.Background(), objMembers, "") {
		if !errors.Is(err, connector.ErrAuth) {
			t.Errorf("read with a revoked key: %v, want an auth error", err)
		}
	}
}

// A lost OAuth sign-in asks for a reconnect.
func TestLostSignInAsksForReconnect(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 5})
	ep := auth.Endpoint{Vendor: vendor, TokenURL: e.base + "/oauth2/token", ClientID: e.sim.Auth().ClientID()}
	client := auth.Client(nil, auth.NewTokenSource(context.Background(), ep, secret.NewMemory(), "gone", nil))
	c, err := newConnector(client, e.base, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range c.Read(context.Background(), objMembers, "") {
		if !errors.Is(err, auth.ErrReconnectNeeded) || !errors.Is(err, connector.ErrAuth) {
			t.Fatalf("read without a sign-in: %v; want reconnect needed", err)
		}
		return
	}
	t.Fatal("read without a sign-in returned nothing")
}

// Without a status a create fails, and nobody is added: the connector
// never assumes consent.
func TestCreateNeedsAStatus(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 4})
	c := e.connect(t)
	c.createStatus = "" // as New builds it
	res := write(t, c, add(map[string]string{fEmail: "nostatus@example.com", "FNAME": "No"}))
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != fStatus || re.RecordID != "nostatus@example.com" {
		t.Errorf("create without status: %v", res[0].Err)
	}
	if n := e.sim.Count(e.sim.DefaultListID()); n != 0 {
		t.Errorf("the audience holds %d members, want none", n)
	}
}

// Upserting twice updates the one member; creating an address already in
// the audience is a conflict, never a second member; an invalid address
// fails its record with Mailchimp's message.
func TestUpsertCreateConflictAndInvalidEmail(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 6})
	c := e.connect(t)
	list := e.sim.DefaultListID()
	up := func(last string) connector.Result {
		res, err := c.Upsert(context.Background(), objMembers, fEmail, []connector.Op{{Kind: connector.OpUpsert,
			Fields: map[string]string{fEmail: "Twice@Example.com", fStatus: "subscribed", "LNAME": last}}})
		if err != nil || res[0].Err != nil {
			t.Fatalf("upsert: %+v, %v", res, err)
		}
		return res[0]
	}
	first, second := up("One"), up("Two")
	if !first.Created || second.Created || first.ID != second.ID {
		t.Errorf("upserts: %+v then %+v, want one member created then updated", first, second)
	}
	if m, _ := e.sim.Member(list, first.ID); m.MergeFields["LNAME"] != "Two" {
		t.Errorf("member after two upserts: %+v", m)
	}
	if n := e.sim.Count(list); n != 1 {
		t.Errorf("%d members after two upserts, want 1", n)
	}
	res := write(t, c,
		add(map[string]string{fEmail: "twice@example.com", fStatus: "subscribed", "FNAME": "Again"}),
		add(map[string]string{fEmail: "not-an-email", fStatus: "subscribed"}),
		add(map[string]string{fEmail: "fresh@example.com", fStatus: "pending"}))
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || !errors.Is(res[0].Err, connector.ErrConflict) || re.RecordID != "twice@example.com" {
		t.Errorf("create of an existing address: %v, want a conflict naming it", res[0].Err)
	}
	if !errors.As(res[1].Err, &re) || re.Category != connector.CatValidation || re.Field != fEmail || re.RecordID != "not-an-email" || re.Message == "" {
		t.Errorf("invalid address: %+v", re)
	} else {
		t.Logf("Mailchimp's message for an invalid address: %s: %s", re.Code, re.Message)
	}
	if res[2].Err != nil || !res[2].Created {
		t.Errorf("fresh create: %+v", res[2])
	}
	if n := e.sim.Count(list); n != 2 {
		t.Errorf("%d members, want 2", n)
	}
}

// An update may change the address: the member keeps its contact_id.
func TestUpdateEmailKeepsTheID(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 8})
	c := e.connect(t)
	list := e.sim.DefaultListID()
	ids := seed(t, e, list, mcsim.MemberSeed{Email: "old@example.com", MergeFields: map[string]any{"FNAME": "Ada", "LNAME": "Lovelace"}})
	res := write(t, c, connector.Op{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{fEmail: "new@example.com", "FNAME": "Augusta"}})
	if res[0].Err != nil || res[0].ID != ids[0] {
		t.Fatalf("update: %+v, want id %s", res[0], ids[0])
	}
	m, ok := e.sim.Member(list, ids[0])
	if !ok || m.Email != "new@example.com" || m.MergeFields["FNAME"] != "Augusta" || m.MergeFields["LNAME"] != "Lovelace" {
		t.Errorf("member after the update: %+v", m)
	}
	recs, err := c.Lookup(context.Background(), objMembers, fEmail, []string{"NEW@example.com", "old@example.com"})
	if err != nil || len(recs) != 1 || recs[0].ID != ids[0] {
		t.Errorf("lookup after the change: %+v, %v", recs, err)
	}
	res = write(t, c, connector.Op{Kind: connector.OpUpdate, ID: "no-such-contact", Fields: map[string]string{"FNAME": "X"}})
	if !errors.Is(res[0].Err, connector.ErrNotFound) {
		t.Errorf("update of a missing member: %v, want not found", res[0].Err)
	}
}

// An address is offered per part and written back whole: changing one
// part keeps the others.
func TestAddressRoundTrip(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 9})
	c := e.connect(t)
	sc, err := c.Schema(context.Background(), objMembers)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sc.Field("ADDRESS.city"); !ok {
		t.Fatalf("schema has no ADDRESS.city: %+v", sc.Fields)
	}
	res := write(t, c, add(map[string]string{fEmail: "home@example.com", fStatus: "subscribed",
		"ADDRESS.addr1": "1 Main St", "ADDRESS.city": "Springfield", "ADDRESS.state": "IL", "ADDRESS.zip": "62701", "ADDRESS.country": "US"}))
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	res = write(t, c, connector.Op{Kind: connector.OpUpdate, ID: res[0].ID, Fields: map[string]string{"ADDRESS.city": "Chicago", "ADDRESS.addr2": "Apt 4"}})
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	recs, _, _ := read(t, c, objMembers, "")
	want := map[string]string{"ADDRESS.addr1": "1 Main St", "ADDRESS.addr2": "Apt 4", "ADDRESS.city": "Chicago", "ADDRESS.state": "IL", "ADDRESS.zip": "62701", "ADDRESS.country": "US"}
	for k, v := range want {
		if recs[0].Fields[k] != v {
			t.Errorf("%s = %q, want %q", k, recs[0].Fields[k], v)
		}
	}
}

// Merge fields: a dropdown is an enum with its choices; a date follows
// its date_format on the wire and reads back as YYYY-MM-DD; a birthday is
// MM/DD.
func TestMergeFieldTypes(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 10})
	list := e.sim.DefaultListID()
	for _, f := range []mcsim.MergeField{
		{Tag: "PLAN", Name: "Plan", Type: "dropdown", Choices: []string{"Free", "Pro"}},
		{Tag: "RENEWS", Name: "Renews on", Type: "date", DateFormat: "DD/MM/YYYY"},
		{Tag: "SEATS", Name: "Seats", Type: "number", Required: true},
	} {
		if _, err := e.sim.AddMergeField(list, f); err != nil {
			t.Fatal(err)
		}
	}
	c := e.connect(t)
	sc, err := c.Schema(context.Background(), objMembers)
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := sc.Field("PLAN")
	if plan.Type != connector.TypeEnum || len(plan.Options) != 2 || plan.Options[1].Value != "Pro" || plan.Label != "Plan" {
		t.Errorf("PLAN = %+v", plan)
	}
	if f, _ := sc.Field("RENEWS"); f.Type != connector.TypeDate {
		t.Errorf("RENEWS = %+v", f)
	}
	if f, _ := sc.Field("SEATS"); f.Type != connector.TypeNumber || !f.Required {
		t.Errorf("SEATS = %+v", f)
	}
	if f, _ := sc.Field(fStatus); !f.Required || f.Type != connector.TypeEnum {
		t.Errorf("status = %+v", f)
	}
	res := write(t, c, add(map[string]string{fEmail: "typed@example.com", fStatus: "subscribed", "PLAN": "Pro",
		"RENEWS": "2027-03-31", "SEATS": "12", "BIRTHDAY": "07/04"}))
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	// Sent as 31/03/2027 (the field's DD/MM/YYYY): March 31st, not a
	// 31st month.
	m, _ := e.sim.Member(list, res[0].ID)
	if v, _ := m.MergeFields["RENEWS"].(string); v != "2027-03-31" && v != "31/03/2027" {
		t.Errorf("RENEWS held as %#v, want March 31st 2027", m.MergeFields["RENEWS"])
	}
	recs, _, _ := read(t, c, objMembers, "")
	for k, v := range map[string]string{"PLAN": "Pro", "RENEWS": "2027-03-31", "SEATS": "12", "BIRTHDAY": "07/04"} {
		if recs[0].Fields[k] != v {
			t.Errorf("%s read back %q, want %q", k, recs[0].Fields[k], v)
		}
	}
	// A required merge field left out fails the record, naming it.
	res = write(t, c, add(map[string]string{fEmail: "noseats@example.com", fStatus: "subscribed"}))
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != "SEATS" {
		t.Errorf("create without a required merge field: %v, want a RecordError naming SEATS", res[0].Err)
	}
}

// Archiving (Delete, or a user in Mailchimp) is seen as a delete; the
// read leaves archived members out.
func TestArchiveIsSeenAsDeleted(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 11})
	c := e.connect(t)
	list := e.sim.DefaultListID()
	ids := seed(t, e, list, mcsim.MemberSeed{Email: "a@example.com"}, mcsim.MemberSeed{Email: "b@example.com"}, mcsim.MemberSeed{Email: "c@example.com"})
	_, cur, _ := read(t, c, objMembers, "")
	before := time.Now().Add(-2 * time.Second)
	res, err := c.Delete(context.Background(), objMembers, []string{ids[0], "no-such-contact"})
	if err != nil || res[0].Err != nil || res[0].ID != ids[0] || !errors.Is(res[1].Err, connector.ErrNotFound) {
		t.Fatalf("delete: %+v, %v", res, err)
	}
	if err := e.sim.Archive(list, ids[1]); err != nil {
		t.Fatal(err)
	}
	deleted := map[string]bool{}
	for page, err := range c.ListDeleted(context.Background(), objMembers, before) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			deleted[r.ID] = r.Deleted && !r.Modified.IsZero()
		}
	}
	if !deleted[ids[0]] || !deleted[ids[1]] || len(deleted) != 2 {
		t.Errorf("ListDeleted = %v, want %s and %s", deleted, ids[0], ids[1])
	}
	recs, _, _ := read(t, c, objMembers, cur)
	for _, r := range recs {
		if !r.Deleted && (r.ID == ids[0] || r.ID == ids[1]) {
			t.Errorf("archived member %s read back live", r.ID)
		}
	}
	if found, _ := c.Lookup(context.Background(), objMembers, fEmail, []string{"a@example.com"}); len(found) == 1 && !found[0].Deleted {
		t.Errorf("lookup of an archived member: %+v, want it Deleted", found)
	}
}

// "members" is the oldest audience; "members:<id>" any other; a missing
// one is a clear error.
func TestAudiences(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 12})
	other := e.sim.CreateList("Newsletter")
	seed(t, e, other, mcsim.MemberSeed{Email: "other@example.com"})
	seed(t, e, e.sim.DefaultListID(), mcsim.MemberSeed{Email: "main@example.com"})
	c := e.connect(t)
	if recs, _, _ := read(t, c, objMembers, ""); len(recs) != 1 || recs[0].Fields[fEmail] != "main@example.com" {
		t.Errorf("members = %+v, want the oldest audience's", recs)
	}
	if recs, _, _ := read(t, c, listPrefix+other, ""); len(recs) != 1 || recs[0].Fields[fEmail] != "other@example.com" {
		t.Errorf("members:%s = %+v", other, recs)
	}
	for _, err := range c.Read(context.Background(), listPrefix+"nope123", "") {
		if !errors.Is(err, connector.ErrTarget) || !strings.Contains(err.Error(), "nope123") {
			t.Errorf("read of a missing audience: %v", err)
		}
	}
}

// statusCounter counts the responses of one status a client receives.
// Mailchimp answers 429 beyond its simultaneous connections: the transport
// waits and retries, and the read and the writes complete.
func TestRateLimitedCallsAreRetried(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 13, RateLimits: true})
	limited := conformance.NewStatusCount(nil, http.StatusTooManyRequests)
	key := e.sim.MintAPIKey()
	o := testOptions()
	o.MaxRetries = 12 // 40 % of calls refused: 13 refusals in a row are rare enough
	c, err := newConnector(auth.StaticClient(&http.Client{Transport: limited}, "Authorization", "", apiKeyAuthorization(key)), e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	list := e.sim.DefaultListID()
	rows := make([]mcsim.MemberSeed, 30)
	for i := range rows {
		rows[i] = mcsim.MemberSeed{Email: fmt.Sprintf("busy%02d@example.com", i)}
	}
	ids := seed(t, e, list, rows...)
	e.sim.Faults().Set(faults(true, 0.4, 0))
	var ops []connector.Op
	for _, id := range ids {
		ops = append(ops, connector.Op{Kind: connector.OpUpdate, ID: id, Fields: map[string]string{"FNAME": "Busy"}})
	}
	res := write(t, c, ops...)
	recs, _, _ := read(t, c, objMembers, "")
	e.sim.Faults().Set(faults(false, 0, 0))
	for i, r := range res {
		if r.Err != nil {
			t.Errorf("update %d under 429s: %v", i, r.Err)
		}
	}
	if len(recs) != len(ids) {
		t.Errorf("read %d of %d members under 429s", len(recs), len(ids))
	}
	if limited.N() == 0 {
		t.Error("no call was answered 429: the test proves nothing")
	}
	for _, id := range ids {
		if m, _ := e.sim.Member(list, id); m.MergeFields["FNAME"] != "Busy" {
			t.Errorf("member %s: FNAME %v after the updates", id, m.MergeFields["FNAME"])
		}
	}
}
