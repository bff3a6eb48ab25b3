package zoho

import (
	"bytes"
	"crypto/sha256"
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

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
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
	token string // access token used by do
	base  string // srv.URL + prefix
}

const prefix = "/zoho"

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 3, 10, 15, 30, 0, time.UTC)}
	opts.Now = clk.now
	opts.PathPrefix = prefix
	sim := New(opts)
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", http.StripPrefix(prefix, sim))
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return &env{t: t, sim: sim, srv: srv, clk: clk, token: sim.MintAccessToken(), base: srv.URL + prefix}
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

// do calls the API with the Zoho-oauthtoken header.
func (e *env) do(method, path string, body any) reply {
	e.t.Helper()
	return e.request(method, path, body, map[string]string{"Authorization": "Zoho-oauthtoken " + e.token})
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

func items(t *testing.T, r reply) []map[string]any {
	t.Helper()
	d, ok := r.body["data"].([]any)
	if !ok {
		t.Fatalf("no data array in %d %s", r.status, r.raw)
	}
	out := make([]map[string]any, len(d))
	for i, x := range d {
		out[i] = x.(map[string]any)
	}
	return out
}

func info(t *testing.T, r reply) map[string]any {
	t.Helper()
	i, ok := r.body["info"].(map[string]any)
	if !ok {
		t.Fatalf("no info in %d %s", r.status, r.raw)
	}
	return i
}

// assertErr checks Zoho's error object {"code","details","message","status":"error"}.
func assertErr(t *testing.T, obj map[string]any, code string) map[string]any {
	t.Helper()
	if obj["code"] != code || obj["status"] != "error" {
		t.Fatalf("want %s error, got %v", code, obj)
	}
	if _, ok := obj["message"].(string); !ok {
		t.Fatalf("error without message: %v", obj)
	}
	d, ok := obj["details"].(map[string]any)
	if !ok {
		t.Fatalf("error without details object: %v", obj)
	}
	return d
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func TestOAuthCodeRefreshAndHeader(t *testing.T) {
	e := newEnv(t, Options{RedirectURI: "http://127.0.0.1:5555/cb"})
	verifier := "a-very-long-verifier-string-with-enough-entropy-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	authorize := func(extra url.Values) url.Values {
		q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "response_type": {"code"}, "redirect_uri": {"http://127.0.0.1:5555/cb"},
			"scope": {"ZohoCRM.modules.contacts.READ,ZohoCRM.settings.fields.READ"}, "state": {"st8"}}
		for k, v := range extra {
			q[k] = v
		}
		r := e.request("GET", "/oauth/v2/auth?"+q.Encode(), nil, nil)
		if r.status != http.StatusFound {
			t.Fatalf("authorize: %d %s", r.status, r.raw)
		}
		loc, _ := url.Parse(r.header.Get("Location"))
		return loc.Query()
	}
	lq := authorize(url.Values{"access_type": {"offline"}, "prompt": {"consent"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}})
	if lq.Get("code") == "" || lq.Get("state") != "st8" || lq.Get("location") != "us" || lq.Get("accounts-server") != e.base {
		t.Fatalf("redirect query %v", lq)
	}
	// A PKCE exchange may leave the client secret out; a wrong verifier burns the code.
	pk := authorize(url.Values{"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}})
	public := url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()},
		"redirect_uri": {"http://127.0.0.1:5555/cb"}, "code": {pk.Get("code")}, "code_verifier": {"wrong-verifier"}}
	if g := e.form("/oauth/v2/token", public); g.body["error"] != "invalid_code" {
		t.Fatalf("wrong verifier: %s", g.raw)
	}
	exchange := url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()},
		"client_secret": {e.sim.Auth().ClientSecret()}, "redirect_uri": {"http://127.0.0.1:5555/cb"},
		"code": {lq.Get("code")}, "code_verifier": {verifier}}
	tok := e.form("/oauth/v2/token", exchange)
	at, _ := tok.body["access_token"].(string)
	rt, _ := tok.body["refresh_token"].(string)
	if tok.status != 200 || at == "" || rt == "" || tok.body["api_domain"] != e.base || tok.body["token_type"] != "Bearer" || num(tok.body["expires_in"]) != 3600 {
		t.Fatalf("token: %d %s", tok.status, tok.raw)
	}
	if again := e.form("/oauth/v2/token", exchange); again.body["error"] != "invalid_code" || again.body["access_token"] != nil {
		t.Fatalf("code reuse: %s", again.raw)
	}
	auth := func(tok string) map[string]string {
		return map[string]string{"Authorization": "Zoho-oauthtoken " + tok}
	}
	if r := e.request("GET", "/crm/v8/Contacts?fields=Last_Name", nil, auth(at)); r.status != 204 {
		t.Fatalf("list with fresh token: %d %s", r.status, r.raw)
	}
	// The grant only covers reading contacts and the fields metadata.
	if r := e.request("GET", "/crm/v8/Accounts?fields=Account_Name", nil, auth(at)); r.status != 401 {
		t.Fatalf("accounts without scope: %d %s", r.status, r.raw)
	} else {
		assertErr(t, r.body, "OAUTH_SCOPE_MISMATCH")
	}
	if r := e.request("POST", "/crm/v8/Contacts", map[string]any{"data": []any{map[string]any{"Last_Name": "X"}}}, auth(at)); r.status != 401 {
		t.Fatalf("write without scope: %d", r.status)
	}
	if r := e.request("GET", "/crm/v8/settings/fields?module=Accounts", nil, auth(at)); r.status != 200 {
		t.Fatalf("fields metadata: %d %s", r.status, r.raw)
	}
	// Bearer is not Zoho's scheme; no header at all fails the same way.
	for _, h := range []map[string]string{{"Authorization": "Bearer " + at}, nil} {
		r := e.request("GET", "/crm/v8/Contacts?fields=Last_Name", nil, h)
		if r.status != 401 {
			t.Fatalf("bad scheme: %d", r.status)
		}
		assertErr(t, r.body, "AUTHENTICATION_FAILURE")
	}
	e.clk.add(61 * time.Minute)
	r := e.request("GET", "/crm/v8/Contacts?fields=Last_Name", nil, auth(at))
	if r.status != 401 {
		t.Fatalf("expired token: %d", r.status)
	}
	assertErr(t, r.body, "INVALID_TOKEN")
	ref := e.form("/oauth/v2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {e.sim.Auth().ClientID()},
		"client_secret": {e.sim.Auth().ClientSecret()}, "refresh_token": {rt}})
	at2, _ := ref.body["access_token"].(string)
	if at2 == "" || at2 == at || ref.body["refresh_token"] != nil || ref.body["api_domain"] != e.base {
		t.Fatalf("refresh: %s", ref.raw)
	}
	if r := e.request("GET", "/crm/v8/Contacts?fields=Last_Name", nil, auth(at2)); r.status != 204 {
		t.Fatalf("refreshed token: %d %s", r.status, r.raw)
	}
	// A second offline grant without prompt=consent gets no refresh token; online never does.
	for _, extra := range []url.Values{{"access_type": {"offline"}}, {"access_type": {"online"}, "prompt": {"consent"}}} {
		code := authorize(extra).Get("code")
		g := e.form("/oauth/v2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()},
			"client_secret": {e.sim.Auth().ClientSecret()}, "redirect_uri": {"http://127.0.0.1:5555/cb"}, "code": {code}})
		if g.body["access_token"] == nil || g.body["refresh_token"] != nil {
			t.Fatalf("grant %v: %s", extra, g.raw)
		}
	}
	// Codes last 2 minutes; bad secrets and redirect URIs are refused.
	code := authorize(nil).Get("code")
	e.clk.add(3 * time.Minute)
	late := url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()},
		"client_secret": {e.sim.Auth().ClientSecret()}, "redirect_uri": {"http://127.0.0.1:5555/cb"}, "code": {code}}
	if g := e.form("/oauth/v2/token", late); g.body["error"] != "invalid_code" {
		t.Fatalf("expired code: %s", g.raw)
	}
	late.Set("client_secret", "nope")
	if g := e.form("/oauth/v2/token", late); g.body["error"] != "invalid_client_secret" {
		t.Fatalf("bad secret: %s", g.raw)
	}
	code = authorize(nil).Get("code")
	late.Set("client_secret", e.sim.Auth().ClientSecret())
	late.Set("code", code)
	late.Set("redirect_uri", "http://127.0.0.1:5555/other")
	if g := e.form("/oauth/v2/token", late); g.body["error"] != "invalid_redirect_uri" {
		t.Fatalf("redirect mismatch: %s", g.raw)
	}
	if r := e.request("GET", "/oauth/v2/auth?client_id=x&redirect_uri=http://evil/cb&response_type=code", nil, nil); r.status != 400 {
		t.Fatalf("unregistered redirect: %d", r.status)
	}
	// Revoking the refresh token ends it and the access tokens it issued.
	if rv := e.form("/oauth/v2/token/revoke", url.Values{"token": {rt}}); rv.body["status"] != "success" {
		t.Fatalf("revoke: %s", rv.raw)
	}
	if r := e.request("GET", "/crm/v8/Contacts?fields=Last_Name", nil, auth(at2)); r.status != 401 {
		t.Fatalf("access token of a revoked refresh token: %d", r.status)
	}
	ref = e.form("/oauth/v2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {e.sim.Auth().ClientID()},
		"client_secret": {e.sim.Auth().ClientSecret()}, "refresh_token": {rt}})
	if ref.body["error"] != "invalid_code" {
		t.Fatalf("refresh after revoke: %s", ref.raw)
	}
	if rv := e.form("/oauth/v2/token/revoke", url.Values{"token": {"1000.unknown"}}); rv.body["status"] == "success" {
		t.Fatalf("revoking an unknown token: %s", rv.raw)
	}
}

func TestOAuthRefreshTokenLimits(t *testing.T) {
	e := newEnv(t, Options{})
	grant := func() string {
		q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "response_type": {"code"}, "redirect_uri": {"http://localhost:9/cb"},
			"scope": {"ZohoCRM.modules.ALL"}, "access_type": {"offline"}, "prompt": {"consent"}}
		r := e.request("GET", "/oauth/v2/auth?"+q.Encode(), nil, nil)
		loc, _ := url.Parse(r.header.Get("Location"))
		g := e.form("/oauth/v2/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()},
			"client_secret": {e.sim.Auth().ClientSecret()}, "redirect_uri": {"http://localhost:9/cb"}, "code": {loc.Query().Get("code")}})
		rt, _ := g.body["refresh_token"].(string)
		if rt == "" {
			t.Fatalf("no refresh token: %s", g.raw)
		}
		return rt
	}
	refresh := func(rt string) reply {
		return e.form("/oauth/v2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {e.sim.Auth().ClientID()},
			"client_secret": {e.sim.Auth().ClientSecret()}, "refresh_token": {rt}})
	}
	first := grant()
	for i := 0; i < 20; i++ {
		grant()
	}
	if r := refresh(first); r.body["error"] != "invalid_code" {
		t.Fatalf("the 21st refresh token must delete the oldest: %s", r.raw)
	}
	rt := grant()
	for i := 0; i < 10; i++ {
		if r := refresh(rt); r.body["access_token"] == nil {
			t.Fatalf("refresh %d: %s", i, r.raw)
		}
	}
	if r := refresh(rt); r.status != 400 || r.body["error"] != "Access Denied" {
		t.Fatalf("11th refresh in 10 minutes: %d %s", r.status, r.raw)
	}
	e.clk.add(10 * time.Minute)
	if r := refresh(rt); r.body["access_token"] == nil {
		t.Fatalf("refresh after the window: %s", r.raw)
	}
}

func TestFieldsAndModulesMetadata(t *testing.T) {
	e := newEnv(t, Options{CustomFields: map[string][]CustomField{ModuleContacts: {
		{APIName: "Tier", Type: TypePicklist, Values: []string{"Gold", "Silver"}},
		{APIName: "Score", Type: TypeDouble},
	}}, UniqueFields: map[string][]string{ModuleContacts: {"Email"}}})
	r := e.do("GET", "/crm/v8/settings/fields?module=Contacts", nil)
	if r.status != 200 {
		t.Fatalf("fields: %d %s", r.status, r.raw)
	}
	by := map[string]map[string]any{}
	for _, f := range r.body["fields"].([]any) {
		m := f.(map[string]any)
		by[m["api_name"].(string)] = m
	}
	ln, em, acc, owner, tier := by["Last_Name"], by["Email"], by["Account_Name"], by["Owner"], by["Tier"]
	if ln["system_mandatory"] != true || ln["data_type"] != "text" || ln["json_type"] != "string" || num(ln["length"]) != 80 {
		t.Fatalf("Last_Name: %v", ln)
	}
	if em["data_type"] != "email" || em["unique"].(map[string]any)["casesensitive"] != "false" {
		t.Fatalf("Email: %v", em)
	}
	if acc["data_type"] != "lookup" || acc["json_type"] != "jsonobject" ||
		acc["lookup"].(map[string]any)["module"].(map[string]any)["api_name"] != "Accounts" {
		t.Fatalf("Account_Name: %v", acc)
	}
	if owner["data_type"] != "ownerlookup" || by["Modified_Time"]["read_only"] != true || by["Modified_Time"]["data_type"] != "datetime" {
		t.Fatalf("Owner/Modified_Time: %v %v", owner, by["Modified_Time"])
	}
	pl := tier["pick_list_values"].([]any)
	if tier["custom_field"] != true || len(pl) != 3 || pl[1].(map[string]any)["actual_value"] != "Gold" ||
		pl[1].(map[string]any)["display_value"] != "Gold" || by["Score"]["json_type"] != "double" {
		t.Fatalf("custom fields: %v %v", tier, by["Score"])
	}
	if by["Lead_Source"]["data_type"] != "picklist" || by["Email_Opt_Out"]["data_type"] != "boolean" {
		t.Fatalf("standard types: %v", by["Lead_Source"])
	}
	one := e.do("GET", "/crm/v8/settings/fields/Email?module=Contacts", nil)
	if f := one.body["fields"].([]any); len(f) != 1 || f[0].(map[string]any)["api_name"] != "Email" {
		t.Fatalf("one field: %s", one.raw)
	}
	if r := e.do("GET", "/crm/v8/settings/fields", nil); r.status != 400 {
		t.Fatalf("no module: %d", r.status)
	} else {
		assertErr(t, r.body, "REQUIRED_PARAM_MISSING")
	}
	a := e.do("GET", "/crm/v8/settings/fields?module=Accounts", nil)
	var accountName map[string]any
	for _, f := range a.body["fields"].([]any) {
		if m := f.(map[string]any); m["api_name"] == "Account_Name" {
			accountName = m
		}
	}
	if accountName["system_mandatory"] != true {
		t.Fatalf("Accounts.Account_Name: %s", a.raw)
	}
	mods := e.do("GET", "/crm/v8/settings/modules", nil)
	if ms := mods.body["modules"].([]any); mods.status != 200 || len(ms) != 10 || ms[1].(map[string]any)["api_name"] != "Contacts" ||
		ms[2].(map[string]any)["api_name"] != "Deals" || ms[3].(map[string]any)["api_name"] != "Tasks" ||
		ms[4].(map[string]any)["api_name"] != "Events" || ms[5].(map[string]any)["api_name"] != "Calls" ||
		ms[6].(map[string]any)["api_name"] != "Notes" || ms[7].(map[string]any)["api_name"] != "Projects" ||
		ms[7].(map[string]any)["generated_type"] != "custom" || ms[8].(map[string]any)["generated_type"] != "linking" ||
		ms[9].(map[string]any)["api_name"] != "Leads" || ms[9].(map[string]any)["convertable"] != true {
		t.Fatalf("modules: %s", mods.raw)
	}
}

func TestUnknownRoutesModulesAndMethods(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("GET", "/crm/v8/Campaigns?fields=Last_Name", nil)
	if r.status != 400 {
		t.Fatalf("unknown module: %d", r.status)
	}
	assertErr(t, r.body, "INVALID_MODULE")
	r = e.do("PATCH", "/crm/v8/Contacts", map[string]any{})
	if r.status != 400 {
		t.Fatalf("PATCH: %d %s", r.status, r.raw)
	}
	assertErr(t, r.body, "INVALID_REQUEST_METHOD")
	r = e.do("GET", "/crm/v2/nowhere/at/all/x", nil)
	if r.status != 404 {
		t.Fatalf("unknown URL: %d", r.status)
	}
	assertErr(t, r.body, "INVALID_URL_PATTERN")
	// Module names match case-insensitively and count under their canonical name.
	if r := e.do("GET", "/crm/v8/contacts?fields=Last_Name", nil); r.status != 204 {
		t.Fatalf("lower-case module: %d %s", r.status, r.raw)
	}
	if st := e.sim.Stats(); st["GET /crm/v8/Contacts"] != 1 {
		t.Fatalf("stats: %v", st)
	}
}

func TestFaultsAndStats(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("GET", "/crm/v8/Contacts?fields=Email", nil)
	e.do("GET", "/crm/v8/Accounts?fields=Account_Name", nil)
	e.do("GET", "/crm/v8/Contacts/123", nil)
	st := e.sim.Stats()
	if st["GET /crm/v8/Contacts"] != 1 || st["GET /crm/v8/Accounts"] != 1 || st["GET /crm/v8/Contacts/{id}"] != 1 {
		t.Fatalf("stats: %v", st)
	}
	e.sim.Faults().Set(simkit.Faults{P5xx: 1})
	r := e.do("GET", "/crm/v8/Contacts?fields=Email", nil)
	if r.status != 500 {
		t.Fatalf("injected 5xx: %d", r.status)
	}
	assertErr(t, r.body, "INTERNAL_ERROR")
	e.sim.Faults().Set(simkit.Faults{P429: 1})
	r = e.do("GET", "/crm/v8/Contacts?fields=Email", nil)
	if r.status != 429 {
		t.Fatalf("injected 429: %d", r.status)
	}
	assertErr(t, r.body, "TOO_MANY_REQUESTS")
	e.sim.Faults().Set(simkit.Faults{})
	e.sim.Faults().SetDailyExhausted(true)
	if r := e.do("GET", "/crm/v8/Contacts?fields=Email", nil); r.status != 429 {
		t.Fatalf("exhausted: %d", r.status)
	}
	e.sim.Faults().SetDailyExhausted(false)
	if r := e.do("GET", "/crm/v8/Contacts?fields=Email", nil); r.status != 204 {
		t.Fatalf("after faults: %d %s", r.status, r.raw)
	}
}

func TestGoAPIAndSeeding(t *testing.T) {
	e := newEnv(t, Options{})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	accs, err := e.sim.SeedAccounts([]AccountSeed{{Name: "Zylker", Industry: "Technology", Created: base}, {Name: "Acme", Created: base}})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := e.sim.SeedContacts([]ContactSeed{{FirstName: "Ada", LastName: "Lovelace", Email: "ada@zylker.com", AccountID: accs[0],
		Fields: map[string]any{"Email_Opt_Out": true}, Created: base, Modified: base.Add(time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := e.sim.Get(ModuleContacts, ids[0])
	if !ok || rec.Fields["Account_Name"] != accs[0] || rec.Fields["Full_Name"] != "Ada Lovelace" || rec.Fields["Email_Opt_Out"] != "true" ||
		rec.Fields["Owner"] != e.sim.UserID() || !rec.Created.Equal(base) || !rec.Modified.Equal(base.Add(time.Hour)) || len(rec.ID) != 19 {
		t.Fatalf("seeded contact: %+v", rec)
	}
	if _, err := e.sim.SeedContacts([]ContactSeed{{LastName: "X", Email: "not-an-email"}}); err == nil || !strings.Contains(err.Error(), "Email") {
		t.Fatalf("bad seed email: %v", err)
	}
	if _, err := e.sim.SeedContacts([]ContactSeed{{FirstName: "No last name"}}); err == nil || !strings.Contains(err.Error(), "MANDATORY_NOT_FOUND") {
		t.Fatalf("seed without Last_Name: %v", err)
	}
	c, err := e.sim.Create(ModuleContacts, map[string]any{"Last_Name": "Hopper", "Account_Name": map[string]any{"id": accs[1]}})
	if err != nil || c.Fields["Account_Name"] != accs[1] {
		t.Fatalf("create: %+v %v", c, err)
	}
	e.clk.add(time.Minute)
	u, err := e.sim.Update(ModuleContacts, c.ID, map[string]any{"Title": "Rear Admiral"})
	if err != nil || u.Fields["Title"] != "Rear Admiral" || !u.Modified.After(c.Modified) {
		t.Fatalf("update: %+v %v", u, err)
	}
	var zerr *Error
	if _, err := e.sim.Update(ModuleContacts, c.ID, map[string]any{"Nope": 1}); err == nil || !asZErr(err, &zerr) || zerr.Code != "INVALID_DATA" {
		t.Fatalf("update unknown field: %v", err)
	}
	if err := e.sim.Delete(ModuleContacts, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Delete(ModuleContacts, c.ID); err == nil {
		t.Fatal("deleted twice")
	}
	if got, _ := e.sim.Get(ModuleContacts, c.ID); !got.Deleted {
		t.Fatalf("not deleted: %+v", got)
	}
	if e.sim.Count(ModuleContacts) != 1 || len(e.sim.Records(ModuleContacts)) != 2 || e.sim.Count(ModuleAccounts) != 2 {
		t.Fatalf("counts: %d %d", e.sim.Count(ModuleContacts), len(e.sim.Records(ModuleContacts)))
	}
	if _, err := e.sim.Create("Leads", map[string]any{}); err == nil {
		t.Fatal("unknown module accepted")
	}
}

func asZErr(err error, target **Error) bool {
	e, ok := err.(*Error)
	*target = e
	return ok
}

func TestNewPanicsOnBadCustomFields(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for an unsupported custom type")
		}
	}()
	New(Options{CustomFields: map[string][]CustomField{ModuleContacts: {{APIName: "X", Type: "subform"}}}})
}

func seedContacts(t *testing.T, sim *Sim, n int, base time.Time) []string {
	t.Helper()
	rows := make([]ContactSeed, n)
	for i := range rows {
		rows[i] = ContactSeed{FirstName: "P", LastName: fmt.Sprintf("Person %03d", i), Email: fmt.Sprintf("p%d@example.com", i),
			Created: base, Modified: base.Add(time.Duration(i) * time.Minute)}
	}
	ids, err := sim.SeedContacts(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}
