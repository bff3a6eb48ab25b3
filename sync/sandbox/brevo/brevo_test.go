package brevo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

type env struct {
	t   *testing.T
	sim *Sim
	srv *httptest.Server
	key string
}

func newEnv(t *testing.T, opts Options) *env {
	opts.PathPrefix = "/brevo"
	sim := New(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/brevo/", http.StripPrefix("/brevo", sim))
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{t: t, sim: sim, srv: srv, key: sim.MintAPIKey()}
}

// do sends a request with the api-key header (or a header given as "H: v") and
// decodes a JSON answer into out.
func (e *env) do(method, path string, body any, out any, hdr ...string) *http.Response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+"/brevo"+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if len(hdr) == 0 {
		req.Header.Set("api-key", e.key)
	}
	for _, h := range hdr {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp
}

type errBody struct{ Code, Message string }

type listBody struct {
	Contacts []struct {
		ID         int64          `json:"id"`
		Email      string         `json:"email"`
		ModifiedAt string         `json:"modifiedAt"`
		Attributes map[string]any `json:"attributes"`
	} `json:"contacts"`
	Count int `json:"count"`
}

func (e *env) seed(n int) []int64 {
	rows := make([]ContactSeed, n)
	for i := range rows {
		rows[i] = ContactSeed{Email: fmt.Sprintf("p%d@example.com", i), ExtID: fmt.Sprintf("ext-%d", i),
			Attributes: map[string]any{AttrFirstName: fmt.Sprint("F", i), AttrSMS: fmt.Sprintf("+1206555%04d", i)}}
	}
	ids, err := e.sim.SeedContacts(rows)
	if err != nil {
		e.t.Fatal(err)
	}
	return ids
}

func TestPagingAndModifiedSince(t *testing.T) {
	e := newEnv(t, Options{})
	e.seed(237)
	var lb listBody
	e.do("GET", "/v3/contacts", nil, &lb)
	if len(lb.Contacts) != 50 || lb.Count != 237 || lb.Contacts[0].Email != "p236@example.com" {
		t.Fatalf("default page: %d of %d, first %s", len(lb.Contacts), lb.Count, lb.Contacts[0].Email)
	}
	if r := e.do("GET", "/v3/contacts?limit=1001", nil, nil); r.StatusCode != 400 {
		t.Fatalf("limit 1001: %d", r.StatusCode)
	}
	seen := map[string]bool{}
	for off := 0; ; off += 100 {
		var p listBody
		e.do("GET", fmt.Sprintf("/v3/contacts?limit=100&offset=%d&sort=asc", off), nil, &p)
		for _, c := range p.Contacts {
			seen[c.Email] = true
		}
		if len(p.Contacts) < 100 {
			break
		}
	}
	if len(seen) != 237 {
		t.Fatalf("paged %d of 237", len(seen))
	}
	// A read from the last modifiedAt sees every later write, and only those.
	since := lb.Contacts[0].ModifiedAt
	if _, err := e.sim.UpdateContact(5, map[string]any{AttrLastName: "Changed"}); err != nil {
		t.Fatal(err)
	}
	e.do("PUT", "/v3/contacts/p7@example.com", map[string]any{"attributes": map[string]any{"CITY": "Lyon"}}, nil)
	var m listBody
	e.do("GET", "/v3/contacts?sort=asc&modifiedSince="+url.QueryEscape(since), nil, &m)
	if m.Count != 3 || len(m.Contacts) != 3 || m.Contacts[0].ID != 5 || m.Contacts[1].Email != "p7@example.com" || m.Contacts[2].Email != "p236@example.com" {
		t.Fatalf("modifiedSince %s: %+v", since, m)
	}
	if !strings.HasSuffix(m.Contacts[1].ModifiedAt, "Z") || len(m.Contacts[1].ModifiedAt) != len("2006-01-02T15:04:05.000Z") {
		t.Fatalf("date format %q", m.Contacts[1].ModifiedAt)
	}
}

func TestGetByIdentifier(t *testing.T) {
	e := newEnv(t, Options{})
	e.seed(3)
	for _, path := range []string{"/v3/contacts/p1@example.com", "/v3/contacts/2", "/v3/contacts/ext-1?identifierType=ext_id",
		"/v3/contacts/2?identifierType=contact_id", "/v3/contacts/%2B12065550001?identifierType=phone_id"} {
		var c struct {
			ID         int64
			Email      string
			Attributes map[string]any
		}
		if r := e.do("GET", path, nil, &c); r.StatusCode != 200 || c.ID != 2 || c.Email != "p1@example.com" || c.Attributes["EXT_ID"] != "ext-1" {
			t.Fatalf("%s: %d %+v", path, r.StatusCode, c)
		}
	}
	var eb errBody
	if r := e.do("GET", "/v3/contacts/nobody@example.com", nil, &eb); r.StatusCode != 404 || eb.Code != "document_not_found" {
		t.Fatalf("missing: %d %+v", r.StatusCode, eb)
	}
}

func TestCreateDuplicateUpsertUpdateDelete(t *testing.T) {
	e := newEnv(t, Options{})
	var id struct{ ID int64 }
	body := map[string]any{"email": "Ann@Example.com", "ext_id": "crm-1", "listIds": []int{2},
		"attributes": map[string]any{"FIRSTNAME": "Ann", "SMS": "+44 (0)7771234567", "COMPANY": "Acme"}}
	if r := e.do("POST", "/v3/contacts", body, &id); r.StatusCode != 201 || id.ID != 1 {
		t.Fatalf("create: %d %+v", r.StatusCode, id)
	}
	var eb errBody
	if r := e.do("POST", "/v3/contacts", map[string]any{"email": "ann@example.com"}, &eb); r.StatusCode != 400 || eb.Code != "duplicate_parameter" {
		t.Fatalf("duplicate: %d %+v", r.StatusCode, eb)
	}
	before, _ := e.sim.Contact(1)
	r := e.do("POST", "/v3/contacts", map[string]any{"email": "ann@example.com", "updateEnabled": true, "emailBlacklisted": true,
		"attributes": map[string]any{"JOB_TITLE": "CTO"}}, nil)
	after, _ := e.sim.Contact(1)
	if r.StatusCode != 204 || e.sim.Count() != 1 || !after.EmailBlacklisted || after.Attributes["JOB_TITLE"] != "CTO" ||
		after.Attributes[AttrSMS] != "+447771234567" || !after.Modified.After(before.Modified) {
		t.Fatalf("upsert: %d %+v", r.StatusCode, after)
	}
	r = e.do("PUT", "/v3/contacts/crm-1?identifierType=ext_id", map[string]any{"attributes": map[string]any{"LASTNAME": "Lee", "COMPANY": ""},
		"emailBlacklisted": false}, nil)
	c, _ := e.sim.ContactByEmail("ann@example.com")
	if r.StatusCode != 204 || c.Attributes["LASTNAME"] != "Lee" || c.Attributes["COMPANY"] != nil || c.EmailBlacklisted {
		t.Fatalf("update: %d %+v", r.StatusCode, c)
	}
	if r := e.do("POST", "/v3/contacts", map[string]any{"email": "x@example.com", "attributes": map[string]any{"NOPE": "1"}}, &eb); r.StatusCode != 400 || eb.Code != "invalid_parameter" {
		t.Fatalf("unknown attribute: %d %+v", r.StatusCode, eb)
	}
	if r := e.do("DELETE", "/v3/contacts/1", nil, nil); r.StatusCode != 204 || e.sim.Count() != 0 {
		t.Fatalf("delete: %d", r.StatusCode)
	}
}

func TestValidationMessages(t *testing.T) {
	e := newEnv(t, Options{})
	var eb errBody
	if r := e.do("POST", "/v3/contacts", map[string]any{"email": "not-an-email"}, &eb); r.StatusCode != 400 || eb.Code != "invalid_parameter" || eb.Message != "Invalid email address" {
		t.Fatalf("email: %d %+v", r.StatusCode, eb)
	}
	for _, bad := range []string{"2065551234", "abc", "+0123"} {
		r := e.do("POST", "/v3/contacts", map[string]any{"email": "a@example.com", "attributes": map[string]any{"SMS": bad}}, &eb)
		if r.StatusCode != 400 || eb.Code != "invalid_parameter" || !strings.HasPrefix(eb.Message, "Invalid phone number") {
			t.Fatalf("sms %q: %d %+v", bad, r.StatusCode, eb)
		}
	}
	if r := e.do("POST", "/v3/contacts", map[string]any{"attributes": map[string]any{"FIRSTNAME": "x"}}, &eb); r.StatusCode != 400 || eb.Code != "missing_parameter" {
		t.Fatalf("no identifier: %d %+v", r.StatusCode, eb)
	}
}

func TestBatchUpdate(t *testing.T) {
	e := newEnv(t, Options{})
	e.seed(3)
	ok := map[string]any{"contacts": []map[string]any{
		{"email": "p0@example.com", "attributes": map[string]any{"CITY": "Paris"}},
		{"id": 2, "emailBlacklisted": true},
		{"ext_id": "ext-2", "attributes": map[string]any{"JOB_TITLE": "VP"}}}}
	if r := e.do("POST", "/v3/contacts/batch", ok, nil); r.StatusCode != 204 {
		t.Fatalf("batch: %d", r.StatusCode)
	}
	c0, _ := e.sim.Contact(1)
	c1, _ := e.sim.Contact(2)
	c2, _ := e.sim.Contact(3)
	if c0.Attributes["CITY"] != "Paris" || !c1.EmailBlacklisted || c2.Attributes["JOB_TITLE"] != "VP" {
		t.Fatalf("batch applied: %+v %+v %+v", c0, c1, c2)
	}
	bad := map[string]any{"contacts": []map[string]any{
		{"email": "p0@example.com", "attributes": map[string]any{"CITY": "Rome"}},
		{"id": 2, "attributes": map[string]any{"SMS": "12"}}}}
	var eb errBody
	r := e.do("POST", "/v3/contacts/batch", bad, &eb)
	c0, _ = e.sim.Contact(1)
	if r.StatusCode != 400 || eb.Code != "invalid_parameter" || !strings.HasPrefix(eb.Message, "contacts[1]") || c0.Attributes["CITY"] != "Paris" {
		t.Fatalf("bad item: %d %+v, city %v", r.StatusCode, eb, c0.Attributes["CITY"])
	}
}

func TestAttributesAndAccount(t *testing.T) {
	e := newEnv(t, Options{AccountName: "Acme"})
	var ab struct {
		Attributes []struct {
			Name, Category, Type string
			Enumeration          []struct {
				Value int64
				Label string
			}
		}
	}
	e.do("GET", "/v3/contacts/attributes", nil, &ab)
	got := map[string]string{}
	for _, a := range ab.Attributes {
		got[a.Name] = a.Category + "/" + a.Type
		if a.Category == "category" && len(a.Enumeration) == 0 {
			t.Fatalf("category attribute %s without enumeration", a.Name)
		}
	}
	for _, want := range []string{"FIRSTNAME=normal/text", "SMS=normal/text", "COMPANY=normal/text", "JOB_TITLE=normal/text", "CITY=normal/text"} {
		n, v, _ := strings.Cut(want, "=")
		if got[n] != v {
			t.Fatalf("attribute %s: %q", n, got[n])
		}
	}
	var acct map[string]any
	if r := e.do("GET", "/v3/account", nil, &acct); r.StatusCode != 200 || acct["companyName"] != "Acme" {
		t.Fatalf("account: %d %v", r.StatusCode, acct)
	}
}

func TestUnauthorized(t *testing.T) {
	e := newEnv(t, Options{})
	var eb errBody
	for _, h := range [][]string{{"X-None: 1"}, {"api-key: xkeysib-wrong"}, {"Authorization: Bearer nope"}} {
		if r := e.do("GET", "/v3/contacts", nil, &eb, h...); r.StatusCode != 401 || eb.Code != "unauthorized" || eb.Message != "Key not found" {
			t.Fatalf("%v: %d %+v", h, r.StatusCode, eb)
		}
	}
	e.sim.RevokeAPIKey(e.key)
	if r := e.do("GET", "/v3/contacts", nil, nil); r.StatusCode != 401 {
		t.Fatalf("revoked key: %d", r.StatusCode)
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	e := newEnv(t, Options{RateLimits: true, Now: func() time.Time { return now }})
	for i := range 10 {
		if r := e.do("GET", "/v3/contacts", nil, nil); r.StatusCode != 200 || r.Header.Get("x-sib-ratelimit-limit") != "10" ||
			r.Header.Get("x-sib-ratelimit-remaining") != fmt.Sprint(9-i) {
			t.Fatalf("request %d: %d %v", i, r.StatusCode, r.Header)
		}
	}
	var eb errBody
	r := e.do("GET", "/v3/contacts/attributes", nil, &eb)
	if r.StatusCode != 429 || r.Header.Get("x-sib-ratelimit-remaining") != "0" || r.Header.Get("x-sib-ratelimit-reset") != "1" || eb.Code == "" {
		t.Fatalf("429: %d %v %+v", r.StatusCode, r.Header, eb)
	}
	now = now.Add(time.Second)
	if r := e.do("GET", "/v3/contacts", nil, nil); r.StatusCode != 200 {
		t.Fatalf("after a second: %d", r.StatusCode)
	}
}

func TestOAuthCodeFlowAndRefresh(t *testing.T) {
	e := newEnv(t, Options{})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"response_type": {"code"}, "client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"scope": {"contacts:read"}, "state": {"s1"}}
	resp, err := client.Get(e.srv.URL + "/brevo/realms/partner/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || loc.Query().Get("state") != "s1" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %s", resp.StatusCode, loc)
	}
	token := func(form url.Values) (int, map[string]any) {
		form.Set("client_id", e.sim.Auth().ClientID())
		form.Set("client_secret", e.sim.Auth().ClientSecret())
		r, err := http.PostForm(e.srv.URL+"/brevo/realms/partner/oauth/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(r.Body).Decode(&out)
		return r.StatusCode, out
	}
	st, tok := token(url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://127.0.0.1:9/cb"}})
	if st != 200 || tok["expires_in"] != float64(3600) || tok["refresh_token"] == "" || tok["token_type"] != "Bearer" {
		t.Fatalf("token: %d %v", st, tok)
	}
	at := tok["access_token"].(string)
	if r := e.do("GET", "/v3/contacts", nil, nil, "Authorization: Bearer "+at); r.StatusCode != 200 {
		t.Fatalf("read with token: %d", r.StatusCode)
	}
	if r := e.do("POST", "/v3/contacts", map[string]any{"email": "a@example.com"}, nil, "Authorization: Bearer "+at); r.StatusCode != 401 {
		t.Fatalf("write without contacts:write: %d", r.StatusCode)
	}
	e.sim.Auth().ExpireAllAccess()
	if r := e.do("GET", "/v3/contacts", nil, nil, "Authorization: Bearer "+at); r.StatusCode != 401 {
		t.Fatalf("expired token: %d", r.StatusCode)
	}
	st, tok = token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}})
	if st != 200 || tok["access_token"] == at {
		t.Fatalf("refresh: %d %v", st, tok)
	}
	if r := e.do("GET", "/v3/contacts", nil, nil, "Authorization: Bearer "+tok["access_token"].(string)); r.StatusCode != 200 {
		t.Fatalf("read with refreshed token: %d", r.StatusCode)
	}
}
