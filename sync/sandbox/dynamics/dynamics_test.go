package dynamics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	t     *testing.T
	sim   *Sim
	srv   *httptest.Server
	clk   *clock
	token string
	base  string // srv.URL + prefix: the organization URL
}

const prefix = "/dynamics"

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 3, 10, 15, 30, 0, time.UTC)}
	opts.Now = clk.now
	opts.PathPrefix = prefix
	sim := New(opts)
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", http.StripPrefix(prefix, sim))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, sim: sim, srv: srv, clk: clk, token: sim.MintAccessToken(), base: srv.URL + prefix}
}

type reply struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

func (r reply) errCode() string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func (r reply) errMessage() string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

func (r reply) values() []map[string]any {
	arr, _ := r.body["value"].([]any)
	out := make([]map[string]any, len(arr))
	for i, v := range arr {
		out[i], _ = v.(map[string]any)
	}
	return out
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request to the org; path is relative to /api/data/v9.2/ unless it starts with "/" or "http".
func (e *env) do(method, path string, body any, headers ...string) reply {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	url := path
	switch {
	case strings.HasPrefix(path, "http"):
	case strings.HasPrefix(path, "/"):
		url = e.base + path
	default:
		url = e.base + "/api/data/v9.2/" + path
	}
	req, err := http.NewRequest(method, strings.ReplaceAll(url, " ", "%20"), rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func (e *env) must(r reply, status int) reply {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	return r
}

func idFromEntityID(t *testing.T, h http.Header) string {
	t.Helper()
	loc := h.Get("OData-EntityId")
	i, j := strings.LastIndex(loc, "("), strings.LastIndex(loc, ")")
	if i < 0 || j < i {
		t.Fatalf("OData-EntityId %q", loc)
	}
	return loc[i+1 : j]
}

func TestCreateRetrieveUpdateDelete(t *testing.T) {
	e := newEnv(t, Options{})
	acc := e.must(e.do("POST", "accounts", map[string]any{"name": "Contoso", "numberofemployees": 42}), 204)
	accID := idFromEntityID(t, acc.header)
	if !reGUID.MatchString(accID) || accID != strings.ToLower(accID) {
		t.Fatalf("account id %q is not a lower-case GUID", accID)
	}
	r := e.must(e.do("POST", "contacts", map[string]any{"firstname": "Ada", "lastname": "Lovelace", "emailaddress1": "ada@example.com",
		"birthdate": "1815-12-10", "parentcustomerid_account@odata.bind": "/accounts(" + accID + ")"}), 204)
	if want := e.base + "/api/data/v9.2/contacts("; !strings.HasPrefix(r.header.Get("OData-EntityId"), want) {
		t.Fatalf("OData-EntityId %q", r.header.Get("OData-EntityId"))
	}
	id := idFromEntityID(t, r.header)
	got := e.must(e.do("GET", "contacts("+id+")?$select=fullname,emailaddress1,_parentcustomerid_value,createdon,birthdate", nil), 200)
	if got.body["fullname"] != "Ada Lovelace" || got.body["_parentcustomerid_value"] != accID || got.body["contactid"] != id ||
		got.body["createdon"] != "2026-11-03T10:15:30Z" || got.body["birthdate"] != "1815-12-10" {
		t.Fatalf("retrieve: %s", got.raw)
	}
	if _, ok := got.body["lastname"]; ok {
		t.Fatal("$select not honoured")
	}
	if got.body["@odata.context"] != e.base+"/api/data/v9.2/$metadata#contacts(fullname,emailaddress1,_parentcustomerid_value,createdon,birthdate)/$entity" {
		t.Fatalf("context %v", got.body["@odata.context"])
	}
	etag1, _ := got.body["@odata.etag"].(string)
	if !strings.HasPrefix(etag1, `W/"`) {
		t.Fatalf("etag %q", etag1)
	}
	e.clk.add(90 * time.Second)
	e.must(e.do("PATCH", "contacts("+id+")", map[string]any{"jobtitle": "Analyst", "parentcustomerid_account@odata.bind": nil}, "If-Match", "*"), 204)
	got = e.must(e.do("GET", "contacts("+id+")", nil), 200)
	if got.body["jobtitle"] != "Analyst" || got.body["modifiedon"] != "2026-11-03T10:17:00Z" || got.body["_parentcustomerid_value"] != nil {
		t.Fatalf("after update: %s", got.raw)
	}
	if etag2 := got.body["@odata.etag"].(string); etag2 <= etag1 {
		t.Fatalf("etag did not grow: %s -> %s", etag1, etag2)
	}
	e.must(e.do("DELETE", "contacts("+id+")", nil), 204)
	nf := e.must(e.do("GET", "contacts("+id+")", nil), 404)
	if nf.errCode() != "0x80040217" || nf.errMessage() != "contact With Id = "+id+" Does Not Exist" {
		t.Fatalf("404 body: %s", nf.raw)
	}
	e.must(e.do("DELETE", "contacts("+id+")", nil), 404)
	if e.sim.Count("contacts") != 0 || e.sim.Count("accounts") != 1 {
		t.Fatal("counts")
	}
	st := e.sim.Stats()
	for _, k := range []string{"POST /api/data/v9.2/contacts", "GET /api/data/v9.2/contacts({id})", "PATCH /api/data/v9.2/contacts({id})",
		"DELETE /api/data/v9.2/contacts({id})"} {
		if st[k] == 0 {
			t.Errorf("stats lack %q: %v", k, st)
		}
	}
}

func TestReturnRepresentation(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.must(e.do("POST", "contacts?$select=firstname,lastname", map[string]any{"firstname": "Grace", "lastname": "Hopper", "telephone1": "555"},
		"Prefer", "return=representation"), 201)
	if r.header.Get("Preference-Applied") != "return=representation" || r.body["firstname"] != "Grace" || r.body["contactid"] == nil {
		t.Fatalf("representation: %v %s", r.header, r.raw)
	}
	if _, ok := r.body["telephone1"]; ok {
		t.Fatal("$select ignored on create")
	}
	id := r.body["contactid"].(string)
	u := e.must(e.do("PATCH", "contacts("+id+")?$select=jobtitle", map[string]any{"jobtitle": "Admiral"}, "Prefer", "return=representation"), 200)
	if u.body["jobtitle"] != "Admiral" {
		t.Fatalf("update representation: %s", u.raw)
	}
}

func TestWriteValidationErrors(t *testing.T) {
	e := newEnv(t, Options{})
	cases := []struct {
		name   string
		body   map[string]any
		status int
		code   string
		msg    string
	}{
		{"max length", map[string]any{"firstname": strings.Repeat("x", 51)}, 400, "0x80044331",
			"A validation error occurred.  The length of the 'firstname' attribute of the 'contact' entity exceeded the maximum allowed length of '50'."},
		{"unknown property", map[string]any{"FirstName": "x"}, 400, "0x0",
			"Invalid property 'FirstName' was found in entity 'Microsoft.Dynamics.CRM.contact'"},
		{"wrong type", map[string]any{"lastname": 12}, 400, "0x0", "Edm.String"},
		{"undeclared navigation", map[string]any{"parentcustomerid@odata.bind": "/accounts(00000000-0000-0000-0000-000000000001)"}, 400, "0x80048d19",
			"An undeclared property 'parentcustomerid'"},
		{"missing account", map[string]any{"parentcustomerid_account@odata.bind": "/accounts(00000000-0000-0000-0000-000000000001)"}, 404, "0x80040217",
			"account With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist"},
		{"lookup property", map[string]any{"_parentcustomerid_value": "00000000-0000-0000-0000-000000000001"}, 400, "0x80060888",
			"Use Navigation properties instead"},
		{"bad date", map[string]any{"birthdate": "10/12/1815"}, 400, "0x0", "Edm.Date"},
	}
	for _, c := range cases {
		r := e.do("POST", "contacts", c.body)
		if r.status != c.status || r.errCode() != c.code || !strings.Contains(r.errMessage(), c.msg) {
			t.Errorf("%s: %d %s", c.name, r.status, r.raw)
		}
	}
	if n := e.sim.Count("contacts"); n != 0 {
		t.Fatalf("%d contacts stored by refused creates", n)
	}
	// ApplicationRequired is not enforced by the platform (entity-attribute-metadata doc).
	e.must(e.do("POST", "contacts", map[string]any{"firstname": "NoLast"}), 204)
	e.must(e.do("POST", "accounts", map[string]any{"websiteurl": "https://x"}), 204)
	// Email format is not validated server side.
	e.must(e.do("POST", "contacts", map[string]any{"lastname": "x", "emailaddress1": "not-an-email"}), 204)
	r := e.do("POST", "accounts", map[string]any{"name": "A", "numberofemployees": -5})
	if r.status != 400 || !strings.Contains(r.errMessage(), "outside the valid range") {
		t.Fatalf("range: %s", r.raw)
	}
	r = e.do("GET", "Contacts", nil)
	if r.status != 404 || r.errCode() != "0x8006088a" || r.errMessage() != "Resource not found for the segment 'Contacts'." {
		t.Fatalf("segment: %s", r.raw)
	}
	r = e.do("POST", "WhoAmI", nil)
	if r.status != 404 || !strings.HasPrefix(r.errMessage(), "No HTTP resource was found that matches the request URI") {
		t.Fatalf("WhoAmI POST: %s", r.raw)
	}
}

func TestUpsertConditions(t *testing.T) {
	e := newEnv(t, Options{})
	id := "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
	r := e.do("PATCH", "contacts("+id+")", map[string]any{"lastname": "Ghost"}, "If-Match", "*")
	if r.status != 404 || r.errMessage() != "contact With Id = "+id+" Does Not Exist" {
		t.Fatalf("If-Match * on missing: %s", r.raw)
	}
	e.must(e.do("PATCH", "contacts("+strings.ToUpper(id)+")", map[string]any{"lastname": "Created"}), 204)
	if got, ok := e.sim.Get("contacts", id); !ok || got.Fields["lastname"] != "Created" {
		t.Fatal("upsert did not create with the URL's id")
	}
	r = e.do("PATCH", "contacts("+id+")", map[string]any{"lastname": "Again"}, "If-None-Match", "*")
	if r.status != 412 || r.errMessage() != "A record with matching key values already exists." {
		t.Fatalf("If-None-Match *: %s", r.raw)
	}
	cur := e.must(e.do("GET", "contacts("+id+")?$select=lastname", nil), 200)
	et := cur.body["@odata.etag"].(string)
	e.must(e.do("GET", "contacts("+id+")?$select=lastname", nil, "If-None-Match", et), 304)
	e.must(e.do("PATCH", "contacts("+id+")", map[string]any{"lastname": "V2"}, "If-Match", et), 204)
	r = e.do("PATCH", "contacts("+id+")", map[string]any{"lastname": "V3"}, "If-Match", et)
	if r.status != 412 || !strings.Contains(r.errMessage(), "RowVersion") {
		t.Fatalf("stale etag: %s", r.raw)
	}
	r = e.do("DELETE", "contacts("+id+")", nil, "If-Match", et)
	if r.status != 412 {
		t.Fatalf("stale delete: %s", r.raw)
	}
}

func TestAlternateKey(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("GET", "contacts(emailaddress1='a@example.com')", nil)
	if r.status != 400 {
		t.Fatalf("key lookup without a defined key: %s", r.raw)
	}
	keys := e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Keys", nil), 200)
	if len(keys.values()) != 0 {
		t.Fatalf("a fresh org has keys: %s", keys.raw)
	}
	if err := e.sim.DefineAlternateKey("contacts", "contact_emailaddress1", "emailaddress1"); err != nil {
		t.Fatal(err)
	}
	keys = e.must(e.do("GET", "EntityDefinitions(LogicalName='contact')/Keys?$select=LogicalName,KeyAttributes,EntityKeyIndexStatus", nil), 200)
	kv := keys.values()
	if len(kv) != 1 || kv[0]["LogicalName"] != "contact_emailaddress1" || kv[0]["EntityKeyIndexStatus"] != "Active" ||
		fmt.Sprint(kv[0]["KeyAttributes"]) != "[emailaddress1]" {
		t.Fatalf("keys: %s", keys.raw)
	}
	r = e.do("GET", "contacts(emailaddress1='o''brien@example.com')", nil)
	if r.status != 404 || r.errCode() != "0x80040217" {
		t.Fatalf("missing by key: %s", r.raw)
	}
	up := e.must(e.do("PATCH", "contacts(emailaddress1='o''brien@example.com')", map[string]any{"lastname": "O'Brien"}), 204)
	// A keyed upsert's OData-EntityId names the row by its key (use-upsert-insert-update-record).
	if !strings.HasSuffix(up.header.Get("OData-EntityId"), "contacts(emailaddress1='o''brien@example.com')") || e.sim.Count("contacts") != 1 {
		t.Fatalf("upsert by key: %v", up.header)
	}
	id := e.sim.Records("contacts")[0].ID
	got := e.must(e.do("GET", "contacts(emailaddress1='O''Brien@example.com')?$select=emailaddress1,lastname", nil), 200)
	if got.body["contactid"] != id || got.body["emailaddress1"] != "o'brien@example.com" {
		t.Fatalf("get by key: %s", got.raw)
	}
	up2 := e.must(e.do("PATCH", "contacts(emailaddress1='o''brien@example.com')", map[string]any{"firstname": "Pat"}), 204)
	if up2.header.Get("OData-EntityId") != up.header.Get("OData-EntityId") || e.sim.Count("contacts") != 1 || e.sim.Records("contacts")[0].ID != id {
		t.Fatal("second upsert by key created a new row")
	}
	r = e.do("POST", "contacts", map[string]any{"lastname": "Dup", "emailaddress1": "o'brien@example.com"})
	if r.status != 412 || !strings.Contains(r.errMessage(), "contact_emailaddress1") {
		t.Fatalf("duplicate key: %s", r.raw)
	}
	e.must(e.do("DELETE", "contacts(emailaddress1='o''brien@example.com')", nil), 204)
	if e.sim.Count("contacts") != 0 {
		t.Fatal("delete by key")
	}
	if e.sim.Stats()["PATCH /api/data/v9.2/contacts({key})"] != 2 {
		t.Fatalf("stats: %v", e.sim.Stats())
	}
}

func TestWhoAmIAndAuth(t *testing.T) {
	e := newEnv(t, Options{})
	w := e.must(e.do("GET", "WhoAmI", nil), 200)
	if w.body["UserId"] != e.sim.UserID() || w.body["BusinessUnitId"] != e.sim.BusinessUnitID() || w.body["OrganizationId"] != e.sim.OrganizationID() {
		t.Fatalf("WhoAmI: %s", w.raw)
	}
	e.sim.ExpireAllAccess()
	r := e.do("GET", "WhoAmI", nil)
	if r.status != 401 || !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer authorization_uri="+e.base+"/") {
		t.Fatalf("expired token: %d %v", r.status, r.header)
	}
}
