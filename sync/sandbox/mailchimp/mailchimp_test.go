package mailchimp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	token string // OAuth access token used by do
	base  string // srv.URL + prefix
	list  string // the default list id
}

const prefix = "/mailchimp"

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
	return &env{t: t, sim: sim, srv: srv, clk: clk, token: sim.MintAccessToken(), base: srv.URL + prefix, list: sim.DefaultListID()}
}

type reply struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (e *env) request(method, path string, body any, headers map[string]string) reply {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return reply{status: resp.StatusCode, header: resp.Header, raw: string(raw), body: m}
}

// do calls the API with the OAuth token as a Bearer credential.
func (e *env) do(method, path string, body any) reply {
	e.t.Helper()
	return e.request(method, path, body, map[string]string{"Authorization": "Bearer " + e.token})
}

func (e *env) form(path string, v url.Values) reply {
	e.t.Helper()
	resp, err := http.PostForm(e.base+path, v)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return reply{status: resp.StatusCode, header: resp.Header, raw: string(raw), body: m}
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// wantProblem checks a Problem Detail Document and returns its errors array.
func wantProblem(t *testing.T, r reply, status int, title string) []any {
	t.Helper()
	if r.status != status || r.body["title"] != title || r.body["status"] != float64(status) {
		t.Fatalf("want %d %q, got %d %s", status, title, r.status, r.raw)
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("content type %q", r.header.Get("Content-Type"))
	}
	for _, k := range []string{"type", "detail", "instance"} {
		if s, _ := r.body[k].(string); s == "" {
			t.Fatalf("problem without %s: %s", k, r.raw)
		}
	}
	errs, _ := r.body["errors"].([]any)
	return errs
}

func objects(t *testing.T, r reply, key string) []map[string]any {
	t.Helper()
	arr, ok := r.body[key].([]any)
	if !ok {
		t.Fatalf("no %s array in %d %s", key, r.status, r.raw)
	}
	out := make([]map[string]any, len(arr))
	for i, x := range arr {
		out[i] = x.(map[string]any)
	}
	return out
}

func (e *env) membersPath(query string) string {
	p := "/3.0/lists/" + e.list + "/members"
	if query != "" {
		p += "?" + query
	}
	return p
}

func (e *env) memberPath(key string) string {
	return "/3.0/lists/" + e.list + "/members/" + url.PathEscape(key)
}

// seed adds n subscribed members a0..a(n-1)@acme-widgets.com, member i last changed
// i minutes after base.
func (e *env) seed(n int, base time.Time) []string {
	e.t.Helper()
	rows := make([]MemberSeed, n)
	for i := range rows {
		rows[i] = MemberSeed{Email: fmt.Sprintf("a%d@acme-widgets.com", i),
			MergeFields: map[string]any{"FNAME": fmt.Sprint("First", i), "LNAME": "Last"},
			Created:     base.Add(-time.Hour), Modified: base.Add(time.Duration(i) * time.Minute)}
	}
	ids, err := e.sim.SeedMembers(e.list, rows)
	if err != nil {
		e.t.Fatal(err)
	}
	return ids
}

func TestAuthForms(t *testing.T) {
	e := newEnv(t, Options{})
	key := e.sim.MintAPIKey()
	if !strings.HasSuffix(key, "-us1") || len(key) != 36 {
		t.Fatalf("api key %q", key)
	}
	ok := []map[string]string{
		{"Authorization": "Bearer " + e.token},
		{"Authorization": "OAuth " + e.token},
		{"Authorization": "Bearer " + key},
		{"Authorization": basic("anystring", key)},
		{"Authorization": basic("", e.token)},
	}
	for _, h := range ok {
		if r := e.request("GET", "/3.0/ping", nil, h); r.status != 200 || r.body["health_status"] != "Everything's Chimpy!" {
			t.Fatalf("%v: %d %s", h, r.status, r.raw)
		}
	}
	// Legacy ?apikey= works for GET only, and must agree with the header.
	if r := e.request("GET", "/3.0/ping?apikey="+key, nil, nil); r.status != 200 {
		t.Fatalf("query key: %d %s", r.status, r.raw)
	}
	r := e.request("GET", "/3.0/ping?apikey="+key, nil, map[string]string{"Authorization": "Bearer " + e.token})
	if wantProblem(t, r, 401, "API Key Invalid"); !strings.Contains(r.body["detail"].(string), "not consistent with the Authorization header") {
		t.Fatalf("conflict: %s", r.raw)
	}
	wantProblem(t, e.request("POST", "/3.0/lists/"+e.list+"/members?apikey="+key, map[string]any{}, nil), 401, "API Key Missing")
	wantProblem(t, e.request("GET", "/3.0/", nil, nil), 401, "API Key Missing")
	wantProblem(t, e.request("GET", "/3.0/", nil, map[string]string{"Authorization": "Bearer nope"}), 401, "API Key Invalid")
	wantProblem(t, e.request("GET", "/3.0/", nil, map[string]string{"Authorization": basic("x", "0123-us2")}), 401, "API Key Invalid")
	e.sim.RevokeAPIKey(key)
	wantProblem(t, e.request("GET", "/3.0/ping", nil, map[string]string{"Authorization": basic("x", key)}), 401, "API Key Invalid")
	// Revoked OAuth tokens stop working too.
	e.sim.Auth().Revoke(e.token)
	wantProblem(t, e.do("GET", "/3.0/ping", nil), 401, "API Key Invalid")
}

func TestOAuthCodeFlowAndMetadata(t *testing.T) {
	e := newEnv(t, Options{})
	q := url.Values{"response_type": {"code"}, "client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {"http://127.0.0.1:9999/cb"},
		"state": {"xyz"}, "code_challenge": {"abc123"}, "code_challenge_method": {"S256"}}
	r := e.request("GET", "/oauth2/authorize?"+q.Encode(), nil, nil)
	loc, err := url.Parse(r.header.Get("Location"))
	if r.status != 302 || err != nil || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %v", r.status, r.header)
	}
	code := loc.Query().Get("code")
	tokenForm := url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()},
		"client_secret": {e.sim.Auth().ClientSecret()}, "redirect_uri": {"http://127.0.0.1:9999/cb"}, "code": {code}}
	bad := url.Values{}
	for k, v := range tokenForm {
		bad[k] = v
	}
	bad.Set("client_secret", "wrong")
	if r := e.form("/oauth2/token", bad); r.status != 401 || r.body["error"] != "invalid_client" {
		t.Fatalf("bad secret: %d %s", r.status, r.raw)
	}
	// No code_verifier: the challenge was dropped, as Mailchimp has no PKCE.
	r = e.form("/oauth2/token", tokenForm)
	tok, _ := r.body["access_token"].(string)
	if r.status != 200 || tok == "" || r.body["expires_in"] != float64(0) || r.body["scope"] != nil || r.body["refresh_token"] != nil {
		t.Fatalf("token: %d %s", r.status, r.raw)
	}
	if _, has := r.body["scope"]; !has {
		t.Fatalf("scope should be present as null: %s", r.raw)
	}
	if r := e.form("/oauth2/token", tokenForm); r.status != 400 || r.body["error"] != "invalid_grant" {
		t.Fatalf("reused code: %d %s", r.status, r.raw)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "client_id": tokenForm["client_id"], "client_secret": tokenForm["client_secret"]}
	if r := e.form("/oauth2/token", refresh); r.status != 400 || r.body["error"] != "unsupported_grant_type" {
		t.Fatalf("refresh: %d %s", r.status, r.raw)
	}
	md := e.request("GET", "/oauth2/metadata", nil, map[string]string{"Authorization": "OAuth " + tok})
	login, _ := md.body["login"].(map[string]any)
	if md.status != 200 || md.body["api_endpoint"] != e.base || md.body["dc"] != "us1" || md.body["accountname"] == "" ||
		md.body["role"] != "owner" || login["login_email"] == nil || md.body["login_url"] == nil {
		t.Fatalf("metadata: %d %s", md.status, md.raw)
	}
	if r := e.request("GET", "/oauth2/metadata", nil, map[string]string{"Authorization": "OAuth nope"}); r.status != 401 {
		t.Fatalf("metadata with a bad token: %d", r.status)
	}
	// The client appends /3.0 to api_endpoint.
	req, _ := http.NewRequest("GET", md.body["api_endpoint"].(string)+"/3.0/lists", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("lists with the new token: %d", resp.StatusCode)
	}
	// A denial comes back to the redirect URI.
	e.sim.Auth().SetDeny(true)
	r = e.request("GET", "/oauth2/authorize?"+q.Encode(), nil, nil)
	if loc, _ := url.Parse(r.header.Get("Location")); r.status != 302 || loc.Query().Get("error") != "access_denied" {
		t.Fatalf("deny: %d %v", r.status, r.header)
	}
}

func TestRootListsAndMergeFields(t *testing.T) {
	e := newEnv(t, Options{})
	root := e.do("GET", "/3.0/", nil)
	if root.status != 200 || root.body["account_id"] == "" || root.body["account_name"] == nil || root.body["email"] == nil {
		t.Fatalf("root: %d %s", root.status, root.raw)
	}
	e.seed(3, e.clk.now().Add(-time.Hour))
	second := e.sim.CreateList("second audience")
	lists := e.do("GET", "/3.0/lists", nil)
	ls := objects(t, lists, "lists")
	if lists.body["total_items"] != float64(2) || len(ls) != 2 || ls[0]["id"] != e.list || ls[1]["id"] != second ||
		ls[0]["name"] != "crmsync demo audience" || ls[0]["stats"].(map[string]any)["member_count"] != float64(3) {
		t.Fatalf("lists: %s", lists.raw)
	}
	if ls[0]["date_created"] == "" || !strings.HasSuffix(ls[0]["date_created"].(string), "+00:00") || ls[0]["web_id"] == nil {
		t.Fatalf("list fields: %v", ls[0])
	}
	if r := e.do("GET", "/3.0/lists?count=1&offset=1&fields=lists.id,total_items", nil); len(objects(t, r, "lists")) != 1 ||
		objects(t, r, "lists")[0]["id"] != second || len(objects(t, r, "lists")[0]) != 1 || r.body["total_items"] != float64(2) {
		t.Fatalf("paged lists: %s", r.raw)
	}
	if r := e.do("GET", "/3.0/lists/"+second, nil); r.status != 200 || r.body["id"] != second {
		t.Fatalf("list: %d %s", r.status, r.raw)
	}
	wantProblem(t, e.do("GET", "/3.0/lists/0000000000", nil), 404, "Resource Not Found")

	mf := e.do("GET", "/3.0/lists/"+e.list+"/merge-fields?count=100", nil)
	fields := objects(t, mf, "merge_fields")
	byTag := map[string]map[string]any{}
	for _, f := range fields {
		byTag[f["tag"].(string)] = f
	}
	want := map[string]string{"FNAME": "text", "LNAME": "text", "ADDRESS": "address", "PHONE": "phone", "BIRTHDAY": "birthday",
		"COMPANY": "text", "INTEREST": "dropdown"}
	if mf.body["total_items"] != float64(len(want)) || len(fields) != len(want) || mf.body["list_id"] != e.list {
		t.Fatalf("merge fields: %s", mf.raw)
	}
	for tag, typ := range want {
		if byTag[tag]["type"] != typ || byTag[tag]["merge_id"] == nil || byTag[tag]["list_id"] != e.list {
			t.Fatalf("%s: %v", tag, byTag[tag])
		}
	}
	if byTag["BIRTHDAY"]["options"].(map[string]any)["date_format"] != "MM/DD" ||
		len(byTag["INTEREST"]["options"].(map[string]any)["choices"].([]any)) != 3 || byTag["FNAME"]["display_order"] != float64(2) {
		t.Fatalf("options: %v %v", byTag["BIRTHDAY"], byTag["INTEREST"])
	}
	if r := e.do("GET", "/3.0/lists/"+e.list+"/merge-fields", nil); len(objects(t, r, "merge_fields")) != 7 {
		t.Fatalf("default count is 10: %s", r.raw)
	}
	if r := e.do("GET", "/3.0/lists/"+e.list+"/merge-fields?count=2&offset=5&type=text", nil); r.body["total_items"] != float64(3) ||
		len(objects(t, r, "merge_fields")) != 0 {
		t.Fatalf("filtered merge fields: %s", r.raw)
	}
}

func TestMethodNotAllowedNotFoundAndOverride(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("DELETE", "/3.0/lists", nil)
	wantProblem(t, r, 405, "Method Not Allowed")
	if r.header.Get("Allow") != "GET" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
	wantProblem(t, e.do("GET", "/3.0/campaigns-nope", nil), 404, "Resource Not Found")
	e.seed(1, e.clk.now())
	// POST with X-HTTP-Method-Override: PATCH updates.
	r = e.request("POST", e.memberPath("a0@acme-widgets.com"), map[string]any{"merge_fields": map[string]any{"LNAME": "Override"}},
		map[string]string{"Authorization": "Bearer " + e.token, "X-HTTP-Method-Override": "PATCH"})
	if r.status != 200 || r.body["merge_fields"].(map[string]any)["LNAME"] != "Override" {
		t.Fatalf("override: %d %s", r.status, r.raw)
	}
	r = e.request("GET", e.memberPath("a0@acme-widgets.com"), nil,
		map[string]string{"Authorization": "Bearer " + e.token, "X-HTTP-Method-Override": "DELETE"})
	if r.status != 400 {
		t.Fatalf("override on GET: %d", r.status)
	}
	st := e.sim.Stats()
	if st["GET /3.0/lists/{list_id}/members/{subscriber_hash}"] != 0 || st["PATCH /3.0/lists/{list_id}/members/{subscriber_hash}"] != 1 ||
		st["DELETE /3.0/lists"] != 0 {
		t.Fatalf("stats %v", st)
	}
}
