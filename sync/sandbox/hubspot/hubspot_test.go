package hubspot

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
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock               { return &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)} }

type env struct {
	t     *testing.T
	sim   *Sim
	srv   *httptest.Server
	token string
	clk   *clock
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	c := newClock()
	opts.Now = c.now
	sim := New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &env{t: t, sim: sim, srv: srv, token: sim.Auth().IssueLongLived(), clk: c}
}

func (e *env) do(method, path string, body any) (*http.Response, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp, out
}

func seedContacts(t *testing.T, sim *Sim, n int, base time.Time) {
	rows := make([]SeedRow, n)
	for i := range rows {
		rows[i] = SeedRow{Values: []string{fmt.Sprintf("p%d@example.com", i), fmt.Sprintf("First%d", i), "Last"},
			Created: base.Add(-time.Hour), Modified: base.Add(time.Duration(i) * time.Second)}
	}
	if _, err := sim.Seed("contacts", []string{"email", "firstname", "lastname"}, rows); err != nil {
		t.Fatal(err)
	}
}

func TestOAuthCodePKCEStateAndRotation(t *testing.T) {
	e := newEnv(t, Options{RotateRefresh: true})
	verifier := "verifier-0123456789-0123456789-0123456789-abcdef"
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://localhost:53682/callback"
	q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {redirect}, "scope": {"oauth crm.objects.contacts.read"},
		"state": {"st-123"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.srv.URL + "/oauth/authorize?" + q.Encode())
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %v %v", err, resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("state") != "st-123" || loc.Host != "localhost:53682" {
		t.Fatalf("bad redirect %s", loc)
	}
	token := func(form url.Values) (int, map[string]any) {
		r, err := http.PostForm(e.srv.URL+"/oauth/2026-03/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		return r.StatusCode, m
	}
	st, tok := token(url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()},
		"client_secret": {e.sim.Auth().ClientSecret()}, "redirect_uri": {redirect}, "code": {loc.Query().Get("code")}, "code_verifier": {verifier}})
	if st != 200 || tok["expires_in"].(float64) != 1800 || tok["token_type"] != "bearer" || tok["hub_id"] == nil {
		t.Fatalf("token exchange: %d %v", st, tok)
	}
	e.token = tok["access_token"].(string)
	if r, _ := e.do("GET", "/crm/objects/2026-03/contacts", nil); r.StatusCode != 200 {
		t.Fatalf("api with new token: %d", r.StatusCode)
	}
	e.clk.add(31 * time.Minute)
	if r, body := e.do("GET", "/crm/objects/2026-03/contacts", nil); r.StatusCode != 401 || body["category"] != "EXPIRED_AUTHENTICATION" {
		t.Fatalf("expired token: %d %v", r.StatusCode, body)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "client_id": {e.sim.Auth().ClientID()}, "client_secret": {e.sim.Auth().ClientSecret()},
		"refresh_token": {tok["refresh_token"].(string)}}
	if st, tok2 := token(refresh); st != 200 || tok2["refresh_token"] == tok["refresh_token"] {
		t.Fatalf("refresh: %d %v", st, tok2)
	}
	if st, body := token(refresh); st != 400 || body["error"] != "invalid_grant" || body["status"] != "BAD_REFRESH_TOKEN" {
		t.Fatalf("old refresh token after rotation: %d %v", st, body)
	}
	// Denial keeps state and reports access_denied.
	q.Set("deny", "1")
	resp, _ = noFollow.Get(e.srv.URL + "/oauth/authorize?" + q.Encode())
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st-123" || loc.Query().Get("code") != "" {
		t.Fatalf("deny redirect %s", loc)
	}
	if r, body := (&env{t: t, srv: e.srv}).do("GET", "/crm/objects/2026-03/contacts", nil); r.StatusCode != 401 || body["category"] != "INVALID_AUTHENTICATION" {
		t.Fatalf("no token: %d %v", r.StatusCode, body)
	}
}

func TestListPagingWithAfter(t *testing.T) {
	e := newEnv(t, Options{})
	seedContacts(t, e.sim, 25, e.clk.now())
	seen := map[string]bool{}
	path := "/crm/objects/2026-03/contacts?limit=10&properties=email"
	for pages := 0; ; pages++ {
		r, body := e.do("GET", path, nil)
		if r.StatusCode != 200 {
			t.Fatalf("list: %d %v", r.StatusCode, body)
		}
		for _, it := range body["results"].([]any) {
			o := it.(map[string]any)
			props := o["properties"].(map[string]any)
			if props["email"] == nil || props["hs_object_id"] != o["id"] || props["firstname"] != nil {
				t.Fatalf("unexpected properties %v", props)
			}
			seen[o["id"].(string)] = true
		}
		p, ok := body["paging"].(map[string]any)
		if !ok {
			break
		}
		next := p["next"].(map[string]any)
		if !strings.Contains(next["link"].(string), "after="+next["after"].(string)) {
			t.Fatalf("link %v", next)
		}
		path = "/crm/objects/2026-03/contacts?limit=10&properties=email&after=" + next["after"].(string)
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 25 {
		t.Fatalf("saw %d contacts, want 25", len(seen))
	}
	if r, _ := e.do("GET", "/crm/objects/2026-03/contacts?limit=101", nil); r.StatusCode != 400 {
		t.Fatalf("limit 101: %d", r.StatusCode)
	}
}

func TestSearchFiltersSortsAndTenThousandCap(t *testing.T) {
	e := newEnv(t, Options{})
	base := e.clk.now()
	seedContacts(t, e.sim, 10050, base)
	since := fmt.Sprint(base.Add(10 * time.Second).UnixMilli())
	req := map[string]any{
		"filterGroups": []any{map[string]any{"filters": []any{map[string]any{"propertyName": "lastmodifieddate", "operator": "GTE", "value": since}}}},
		"sorts":        []any{map[string]any{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}},
		"properties":   []string{"email", "lastmodifieddate"}, "limit": 200, "after": "0",
	}
	r, body := e.do("POST", "/crm/objects/2026-03/contacts/search", req)
	if r.StatusCode != 200 || body["total"].(float64) != 10040 {
		t.Fatalf("search: %d total=%v", r.StatusCode, body["total"])
	}
	first := body["results"].([]any)[0].(map[string]any)["properties"].(map[string]any)
	if first["email"] != "p10@example.com" {
		t.Fatalf("first result %v", first)
	}
	if body["paging"].(map[string]any)["next"].(map[string]any)["after"] != "200" {
		t.Fatalf("paging %v", body["paging"])
	}
	req["after"] = "9800"
	if r, _ := e.do("POST", "/crm/objects/2026-03/contacts/search", req); r.StatusCode != 200 {
		t.Fatalf("after 9800: %d", r.StatusCode)
	}
	req["after"] = "10000"
	if r, body := e.do("POST", "/crm/objects/2026-03/contacts/search", req); r.StatusCode != 400 || body["category"] != "VALIDATION_ERROR" {
		t.Fatalf("past 10k cap: %d %v", r.StatusCode, body)
	}
	// EQ on email is case-insensitive; IN and NOT_HAS_PROPERTY work.
	req = map[string]any{"filterGroups": []any{
		map[string]any{"filters": []any{map[string]any{"propertyName": "email", "operator": "EQ", "value": "P7@Example.com"}}},
		map[string]any{"filters": []any{map[string]any{"propertyName": "firstname", "operator": "IN", "values": []string{"first8", "First9"}}}},
	}, "sorts": []any{map[string]any{"propertyName": "firstname", "direction": "DESCENDING"}}, "properties": []string{"firstname"}}
	r, body = e.do("POST", "/crm/objects/2026-03/contacts/search", req)
	res := body["results"].([]any)
	if r.StatusCode != 200 || len(res) != 3 || res[0].(map[string]any)["properties"].(map[string]any)["firstname"] != "First9" {
		t.Fatalf("OR groups + sort: %d %v", r.StatusCode, body)
	}
	req = map[string]any{"filterGroups": []any{map[string]any{"filters": []any{map[string]any{"propertyName": "phone", "operator": "NOT_HAS_PROPERTY"}}}}, "limit": 1}
	if _, body := e.do("POST", "/crm/objects/2026-03/contacts/search", req); body["total"].(float64) != 10050 {
		t.Fatalf("NOT_HAS_PROPERTY total %v", body["total"])
	}
}

func TestBatchPartialFailureConflictAndCaps(t *testing.T) {
	e := newEnv(t, Options{})
	existing, err := e.sim.Create("contacts", map[string]string{"email": "dup@example.com", "firstname": "Dup"})
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"inputs": []any{
		map[string]any{"properties": map[string]any{"email": "ok@example.com", "firstname": "Ok", "lifecyclestage": "lead"}},
		map[string]any{"properties": map[string]any{"email": "not-an-email"}},
		map[string]any{"properties": map[string]any{"email": "x@example.com", "favourite_colour": "blue"}},
	}}
	// A taken email refuses the whole batch/create with a bare 409.
	dup := map[string]any{"inputs": []any{
		map[string]any{"properties": map[string]any{"email": "fresh@example.com"}},
		map[string]any{"properties": map[string]any{"email": "DUP@example.com"}},
	}}
	r, body := e.do("POST", "/crm/objects/2026-03/contacts/batch/create", dup)
	if r.StatusCode != http.StatusConflict || body["category"] != "CONFLICT" || body["message"] != "Contact already exists. Existing ID: "+existing.ID {
		t.Fatalf("batch create with a taken email: %d %v", r.StatusCode, body)
	}
	if e.sim.Count("contacts") != 1 {
		t.Fatalf("count %d after a refused batch, want 1", e.sim.Count("contacts"))
	}
	r, body = e.do("POST", "/crm/objects/2026-03/contacts/batch/create", in)
	if r.StatusCode != http.StatusMultiStatus || body["numErrors"].(float64) != 2 || len(body["results"].([]any)) != 1 {
		t.Fatalf("batch create: %d %v", r.StatusCode, body)
	}
	codes := map[string]bool{}
	for _, it := range body["errors"].([]any) {
		em := it.(map[string]any)
		// The details travel in the message alone; errors[] is empty.
		if d, _ := em["errors"].([]any); len(d) != 0 {
			t.Fatalf("errors[] %v beside the message's details", d)
		}
		for _, code := range []string{"INVALID_EMAIL", "PROPERTY_DOESNT_EXIST"} {
			if strings.Contains(em["message"].(string), `"error":"`+code+`"`) {
				codes[code] = true
			}
		}
	}
	for _, want := range []string{"INVALID_EMAIL", "PROPERTY_DOESNT_EXIST"} {
		if !codes[want] {
			t.Fatalf("missing error %s in %v", want, codes)
		}
	}
	if e.sim.Count("contacts") != 2 {
		t.Fatalf("count %d, want 2", e.sim.Count("contacts"))
	}
	// Single create of a duplicate email is a 409.
	if r, body := e.do("POST", "/crm/objects/2026-03/contacts", map[string]any{"properties": map[string]any{"email": "dup@example.com"}}); r.StatusCode != 409 || body["category"] != "CONFLICT" {
		t.Fatalf("single dup: %d %v", r.StatusCode, body)
	}
	// Upsert by email: one update, one create.
	up := map[string]any{"inputs": []any{
		map[string]any{"idProperty": "email", "id": "dup@example.com", "properties": map[string]any{"lastname": "Updated"}},
		map[string]any{"idProperty": "email", "id": "new@example.com", "properties": map[string]any{"lastname": "New"}},
	}}
	r, body = e.do("POST", "/crm/objects/2026-03/contacts/batch/upsert", up)
	res := body["results"].([]any)
	if r.StatusCode != 200 || len(res) != 2 || res[0].(map[string]any)["new"] != false || res[1].(map[string]any)["new"] != true {
		t.Fatalf("upsert: %d %v", r.StatusCode, body)
	}
	if got, _ := e.sim.Get("contacts", existing.ID); got.Properties["lastname"] != "Updated" {
		t.Fatalf("upsert did not update: %v", got.Properties)
	}
	var many []any
	for i := 0; i < 101; i++ {
		many = append(many, map[string]any{"properties": map[string]any{"email": fmt.Sprintf("m%d@example.com", i)}})
	}
	if r, body := e.do("POST", "/crm/objects/2026-03/contacts/batch/create", map[string]any{"inputs": many}); r.StatusCode != 400 || body["category"] != "VALIDATION_ERROR" {
		t.Fatalf("101 inputs: %d %v", r.StatusCode, body)
	}
	// Archive, then list archived.
	if r, _ := e.do("DELETE", "/crm/objects/2026-03/contacts/"+existing.ID, nil); r.StatusCode != 204 {
		t.Fatalf("archive: %d", r.StatusCode)
	}
	_, body = e.do("GET", "/crm/objects/2026-03/contacts?archived=true", nil)
	if res := body["results"].([]any); len(res) != 1 || res[0].(map[string]any)["archived"] != true {
		t.Fatalf("archived list %v", body)
	}
}

func TestRateLimit429WithRetryAfter(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, BurstMax: 5, SearchPerSec: 2})
	for i := 0; i < 5; i++ {
		r, _ := e.do("GET", "/crm/objects/2026-03/contacts", nil)
		if r.StatusCode != 200 || r.Header.Get("X-HubSpot-RateLimit-Remaining") != fmt.Sprint(4-i) || r.Header.Get("X-HubSpot-RateLimit-Max") != "5" {
			t.Fatalf("request %d: %d remaining=%q", i, r.StatusCode, r.Header.Get("X-HubSpot-RateLimit-Remaining"))
		}
	}
	r, body := e.do("GET", "/crm/objects/2026-03/contacts", nil)
	if r.StatusCode != 429 || r.Header.Get("Retry-After") != "10" || body["policyName"] != "TEN_SECONDLY_ROLLING" || body["errorType"] != "RATE_LIMIT" {
		t.Fatalf("over limit: %d %q %v", r.StatusCode, r.Header.Get("Retry-After"), body)
	}
	search := map[string]any{"limit": 1}
	for i := 0; i < 2; i++ {
		if r, _ := e.do("POST", "/crm/objects/2026-03/contacts/search", search); r.StatusCode != 200 || r.Header.Get("X-HubSpot-RateLimit-Max") != "" {
			t.Fatalf("search %d: %d", i, r.StatusCode)
		}
	}
	// HubSpot's search 429 carries no Retry-After (TestSearch429IsTheSecondlyBody).
	if r, _ := e.do("POST", "/crm/objects/2026-03/contacts/search", search); r.StatusCode != 429 || r.Header.Get("Retry-After") != "" {
		t.Fatalf("search over limit: %d", r.StatusCode)
	}
	e.clk.add(10 * time.Second)
	if r, _ := e.do("GET", "/crm/objects/2026-03/contacts", nil); r.StatusCode != 200 {
		t.Fatalf("after window: %d", r.StatusCode)
	}
	e.sim.Faults().SetDailyExhausted(true)
	if r, body := e.do("GET", "/crm/objects/2026-03/contacts", nil); r.StatusCode != 429 || body["policyName"] != "DAILY" {
		t.Fatalf("daily: %d %v", r.StatusCode, body)
	}
	st := e.sim.Stats()
	if st["GET /crm/objects/2026-03/contacts"] != 8 || st["POST /crm/objects/2026-03/contacts/search"] != 3 {
		t.Fatalf("stats %v", st)
	}
}

func TestPropertiesEndpoint(t *testing.T) {
	e := newEnv(t, Options{})
	r, body := e.do("GET", "/crm/properties/2026-03/contacts", nil)
	if r.StatusCode != 200 {
		t.Fatal(r.StatusCode)
	}
	byName := map[string]map[string]any{}
	for _, p := range body["results"].([]any) {
		byName[p.(map[string]any)["name"].(string)] = p.(map[string]any)
	}
	if ls := byName["lifecyclestage"]; ls["type"] != "enumeration" || len(ls["options"].([]any)) < 5 {
		t.Fatalf("lifecyclestage %v", ls)
	}
	if m := byName["lastmodifieddate"]["modificationMetadata"].(map[string]any); m["readOnlyValue"] != true {
		t.Fatalf("lastmodifieddate metadata %v", m)
	}
	if _, body := e.do("GET", "/crm/properties/2026-03/deals", nil); len(body["results"].([]any)) < 8 {
		t.Fatal("deal properties missing")
	}
}

// associatedcompanyid is read-only, as it has been since April 2019: a
// write is refused with READ_ONLY_VALUE and the contact keeps its value.
func TestAssociatedCompanyIDIsReadOnly(t *testing.T) {
	e := newEnv(t, Options{})
	c, err := e.sim.Create("contacts", map[string]string{"email": "ro@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	r, body := e.do("PATCH", "/crm/objects/2026-03/contacts/"+c.ID, map[string]any{"properties": map[string]any{"associatedcompanyid": "5000000001"}})
	if r.StatusCode != 400 || !strings.Contains(fmt.Sprint(body), "READ_ONLY_VALUE") {
		t.Fatalf("write to associatedcompanyid: %d %v", r.StatusCode, body)
	}
	if got, _ := e.sim.Get("contacts", c.ID); got.Properties["associatedcompanyid"] != "" {
		t.Fatalf("associatedcompanyid became %q", got.Properties["associatedcompanyid"])
	}
}

// Associations, from the 2026-03 associations spec: a primary contact →
// company association (type 1) becomes the contact's associatedcompanyid
// and modifies the contact; the previous primary stays, unlabeled; an
// unknown record fails alone in a 207; the default PUT adds an unlabeled one.
func TestAssociationsBatchCreateAndPrimary(t *testing.T) {
	e := newEnv(t, Options{})
	c, _ := e.sim.Create("contacts", map[string]string{"email": "as@example.com"})
	co1, _ := e.sim.Create("companies", map[string]string{"name": "One", "domain": "one.example"})
	co2, _ := e.sim.Create("companies", map[string]string{"name": "Two", "domain": "two.example"})
	primary := func(from, to string) map[string]any {
		return map[string]any{"from": map[string]string{"id": from}, "to": map[string]string{"id": to},
			"types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}}}
	}
	const path = "/crm/associations/2026-03/contacts/companies/batch/create"
	r, body := e.do("POST", path, map[string]any{"inputs": []any{primary(c.ID, co1.ID)}})
	res, _ := body["results"].([]any)
	if r.StatusCode != 201 || len(res) != 1 || res[0].(map[string]any)["toObjectId"] != co1.ID || res[0].(map[string]any)["fromObjectTypeId"] != "0-1" {
		t.Fatalf("batch create: %d %v", r.StatusCode, body)
	}
	before, _ := e.sim.Get("contacts", c.ID)
	if before.Properties["associatedcompanyid"] != co1.ID {
		t.Fatalf("associatedcompanyid %q, want %s", before.Properties["associatedcompanyid"], co1.ID)
	}
	r, body = e.do("POST", path, map[string]any{"inputs": []any{primary(c.ID, co2.ID), primary(c.ID, "999999")}})
	if r.StatusCode != 207 || body["numErrors"] != float64(1) || len(body["results"].([]any)) != 1 {
		t.Fatalf("partly bad batch: %d %v", r.StatusCode, body)
	}
	after, _ := e.sim.Get("contacts", c.ID)
	ids, prim := e.sim.Associated("contacts", c.ID, "companies")
	if after.Properties["associatedcompanyid"] != co2.ID || prim != co2.ID || len(ids) != 2 || !after.UpdatedAt.After(before.UpdatedAt) {
		t.Fatalf("after a new primary: associatedcompanyid %q, primary %q, associated %v, modified %v → %v",
			after.Properties["associatedcompanyid"], prim, ids, before.UpdatedAt, after.UpdatedAt)
	}
	co3, _ := e.sim.Create("companies", map[string]string{"name": "Three", "domain": "three.example"})
	if r, body := e.do("PUT", "/crm/objects/2026-03/contacts/"+c.ID+"/associations/default/companies/"+co3.ID, nil); r.StatusCode != 200 || body["status"] != "COMPLETE" {
		t.Fatalf("default PUT: %d %v", r.StatusCode, body)
	}
	if ids, prim := e.sim.Associated("contacts", c.ID, "companies"); len(ids) != 3 || prim != co2.ID {
		t.Fatalf("after the default PUT: %v, primary %q", ids, prim)
	}
}

// A deal's primary company (type 5) is read back through the associations
// batch read with its types and label; a new primary demotes the old one to
// unlabeled (341) and leaves the deal's modified time alone; a deal with no
// company, or none at all, is an error of its own in a 207; more than 1,000
// ids is a 400.
func TestAssociationsBatchReadDealCompanies(t *testing.T) {
	e := newEnv(t, Options{})
	d, _ := e.sim.Create("deals", map[string]string{"dealname": "Renewal", "dealstage": "appointmentscheduled"})
	lonely, _ := e.sim.Create("deals", map[string]string{"dealname": "Alone", "dealstage": "appointmentscheduled"})
	co1, _ := e.sim.Create("companies", map[string]string{"name": "One", "domain": "one.example"})
	co2, _ := e.sim.Create("companies", map[string]string{"name": "Two", "domain": "two.example"})
	if err := e.sim.SeedPrimaryCompanies("deals", map[string]string{d.ID: co1.ID}); err != nil {
		t.Fatal(err)
	}
	before, _ := e.sim.Get("deals", d.ID)
	r, body := e.do("POST", "/crm/associations/2026-03/deals/companies/batch/create", map[string]any{"inputs": []any{map[string]any{
		"from": map[string]string{"id": d.ID}, "to": map[string]string{"id": co2.ID},
		"types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}}}}})
	if r.StatusCode != 201 {
		t.Fatalf("batch create: %d %v", r.StatusCode, body)
	}
	after, _ := e.sim.Get("deals", d.ID)
	if !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("a new primary company modified the deal: %v → %v", before.UpdatedAt, after.UpdatedAt)
	}
	const read = "/crm/associations/2026-03/deals/companies/batch/read"
	r, body = e.do("POST", read, map[string]any{"inputs": []any{map[string]string{"id": d.ID}, map[string]string{"id": lonely.ID}, map[string]string{"id": "424242"}}})
	if r.StatusCode != 207 || body["numErrors"] != float64(2) {
		t.Fatalf("batch read: %d %v", r.StatusCode, body)
	}
	res := body["results"].([]any)
	if len(res) != 1 {
		t.Fatalf("results: %v", res)
	}
	types := map[string][]float64{}
	for _, to := range res[0].(map[string]any)["to"].([]any) {
		m := to.(map[string]any)
		for _, at := range m["associationTypes"].([]any) {
			types[m["toObjectId"].(string)] = append(types[m["toObjectId"].(string)], at.(map[string]any)["typeId"].(float64))
		}
	}
	if got := types[co2.ID]; len(got) != 2 || got[0] != 5 || got[1] != 341 {
		t.Fatalf("types of the new primary %s: %v (all %v)", co2.ID, got, types)
	}
	if got := types[co1.ID]; len(got) != 1 || got[0] != 341 {
		t.Fatalf("types of the old primary %s: %v", co1.ID, got)
	}
	for _, er := range body["errors"].([]any) {
		m := er.(map[string]any)
		if m["category"] != "OBJECT_NOT_FOUND" || m["subCategory"] != "crm.associations.NO_ASSOCIATIONS_FOUND" || len(m["context"].(map[string]any)["fromObjectId"].([]any)) != 1 {
			t.Fatalf("error for a deal without a company: %v", m)
		}
	}
	inputs := make([]any, 1001)
	for i := range inputs {
		inputs[i] = map[string]string{"id": d.ID}
	}
	if r, body := e.do("POST", read, map[string]any{"inputs": inputs}); r.StatusCode != 400 {
		t.Fatalf("1,001 ids: %d %v", r.StatusCode, body)
	}
}

// A task is associated with its contact by type 204 (on create, or through
// the batch API), and the batch archive removes exactly the pairs it names.
func TestTaskContactAssociationsArchive(t *testing.T) {
	e := newEnv(t, Options{})
	c1, _ := e.sim.Create("contacts", map[string]string{"email": "one@example.com"})
	c2, _ := e.sim.Create("contacts", map[string]string{"email": "two@example.com"})
	r, body := e.do("POST", "/crm/objects/2026-03/tasks", map[string]any{
		"properties":   map[string]string{"hs_task_subject": "Call", "hs_timestamp": "2026-12-03T10:00:00.000Z"},
		"associations": []any{map[string]any{"to": map[string]string{"id": c1.ID}, "types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}}}},
	})
	task, _ := body["id"].(string)
	if r.StatusCode != 201 || task == "" {
		t.Fatalf("create task: %d %v", r.StatusCode, body)
	}
	if r, body := e.do("POST", "/crm/associations/2026-03/tasks/contacts/batch/create", map[string]any{"inputs": []any{map[string]any{
		"from": map[string]string{"id": task}, "to": map[string]string{"id": c2.ID},
		"types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}}}}}); r.StatusCode != 201 {
		t.Fatalf("associate a second contact: %d %v", r.StatusCode, body)
	}
	if ids, _ := e.sim.Associated("tasks", task, "contacts"); len(ids) != 2 {
		t.Fatalf("task contacts %v, want both", ids)
	}
	if r, body := e.do("POST", "/crm/associations/2026-03/tasks/contacts/batch/archive", map[string]any{"inputs": []any{map[string]any{
		"from": map[string]string{"id": task}, "to": []any{map[string]string{"id": c1.ID}}}}}); r.StatusCode != 200 || body["status"] != "COMPLETE" {
		t.Fatalf("archive: %d %v", r.StatusCode, body)
	}
	if ids, _ := e.sim.Associated("tasks", task, "contacts"); len(ids) != 1 || ids[0] != c2.ID {
		t.Fatalf("task contacts after archiving %s: %v, want only %s", c1.ID, ids, c2.ID)
	}
	if r, _ := e.do("POST", "/crm/associations/2026-03/tasks/contacts/batch/create", map[string]any{"inputs": []any{map[string]any{
		"from": map[string]string{"id": task}, "to": map[string]string{"id": c1.ID},
		"types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}}}}}); r.StatusCode != 207 {
		t.Fatalf("a contact-to-company type between a task and a contact: %d, want a 207 refusal", r.StatusCode)
	}
}

// A meeting is associated with its contact by type 200, and a meeting
// created without hs_timestamp is dated at its start (HubSpot's default
// since November 2024); one given a timestamp keeps it.
func TestMeetingContactAndTimestampDefault(t *testing.T) {
	e := newEnv(t, Options{})
	c, _ := e.sim.Create("contacts", map[string]string{"email": "one@example.com"})
	r, body := e.do("POST", "/crm/objects/2026-03/meetings", map[string]any{
		"properties":   map[string]string{"hs_meeting_title": "Kickoff", "hs_meeting_start_time": "2026-12-10T15:00:00Z", "hs_meeting_end_time": "2026-12-10T16:00:00Z"},
		"associations": []any{map[string]any{"to": map[string]string{"id": c.ID}, "types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 200}}}},
	})
	id, _ := body["id"].(string)
	if r.StatusCode != 201 || id == "" {
		t.Fatalf("create meeting: %d %v", r.StatusCode, body)
	}
	m, _ := e.sim.Get("meetings", id)
	if m.Properties["hs_timestamp"] != "2026-12-10T15:00:00.000Z" {
		t.Fatalf("hs_timestamp %q, want the start time", m.Properties["hs_timestamp"])
	}
	if ids, _ := e.sim.Associated("meetings", id, "contacts"); len(ids) != 1 || ids[0] != c.ID {
		t.Fatalf("meeting contacts %v, want %s", ids, c.ID)
	}
	r, body = e.do("POST", "/crm/objects/2026-03/meetings", map[string]any{
		"properties": map[string]string{"hs_meeting_title": "Logged", "hs_meeting_start_time": "2026-12-10T15:00:00Z", "hs_timestamp": "2026-12-09T08:00:00Z"}})
	if r.StatusCode != 201 {
		t.Fatalf("create meeting: %d %v", r.StatusCode, body)
	}
	if m, _ := e.sim.Get("meetings", body["id"].(string)); m.Properties["hs_timestamp"] != "2026-12-09T08:00:00.000Z" {
		t.Fatalf("a given hs_timestamp became %q", m.Properties["hs_timestamp"])
	}
	if r, _ := e.do("POST", "/crm/associations/2026-03/meetings/contacts/batch/create", map[string]any{"inputs": []any{map[string]any{
		"from": map[string]string{"id": id}, "to": map[string]string{"id": c.ID},
		"types": []any{map[string]any{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}}}}}); r.StatusCode != 207 {
		t.Fatalf("a task-to-contact type between a meeting and a contact: %d, want a 207 refusal", r.StatusCode)
	}
}

// A merge makes a new record with a new id (developer changelog, "Updated
// merge functionality for contacts and companies"): it has the primary's
// values, the other's where the primary has none, both ids in
// hs_merged_object_ids, the primary's primary company, and every
// association of both; both old ids read the new record, and search lists
// only it.
func TestMergeMakesANewRecord(t *testing.T) {
	e := newEnv(t, Options{})
	co1, _ := e.sim.Create("companies", map[string]string{"name": "One"})
	co2, _ := e.sim.Create("companies", map[string]string{"name": "Two"})
	keep, _ := e.sim.Create("contacts", map[string]string{"email": "keep@example.com", "firstname": "Kim"})
	gone, _ := e.sim.Create("contacts", map[string]string{"email": "gone@example.com", "firstname": "Kimberly", "jobtitle": "CTO"})
	if err := e.sim.SeedPrimaryCompanies("contacts", map[string]string{keep.ID: co1.ID, gone.ID: co2.ID}); err != nil {
		t.Fatal(err)
	}
	task, _ := e.sim.Create("tasks", map[string]string{"hs_task_subject": "Call", "hs_timestamp": "2026-12-03T10:00:00Z"})
	if err := e.sim.SeedAssociations("tasks", "contacts", map[string]string{task.ID: gone.ID}); err != nil {
		t.Fatal(err)
	}
	r, body := e.do("POST", "/crm/objects/2026-03/contacts/merge", map[string]any{"primaryObjectId": keep.ID, "objectIdToMerge": gone.ID})
	id, _ := body["id"].(string)
	if r.StatusCode != 200 || id == "" || id == keep.ID || id == gone.ID {
		t.Fatalf("merge: %d %v, want a record with a new id", r.StatusCode, body)
	}
	m, _ := e.sim.Get("contacts", id)
	p := m.Properties
	if p["email"] != "keep@example.com" || p["firstname"] != "Kim" || p["jobtitle"] != "CTO" || p["hs_merged_object_ids"] != keep.ID+";"+gone.ID || p["associatedcompanyid"] != co1.ID {
		t.Fatalf("merged record: %v", p)
	}
	if companies, primary := e.sim.Associated("contacts", id, "companies"); len(companies) != 2 || primary != co1.ID {
		t.Fatalf("merged record's companies %v, primary %s; want both, %s primary", companies, primary, co1.ID)
	}
	if contacts, _ := e.sim.Associated("tasks", task.ID, "contacts"); len(contacts) != 1 || contacts[0] != id {
		t.Fatalf("the task's contacts %v, want the merged record %s", contacts, id)
	}
	for _, old := range []string{keep.ID, gone.ID} {
		if r, body := e.do("GET", "/crm/objects/2026-03/contacts/"+old, nil); r.StatusCode != 200 || body["id"] != id {
			t.Fatalf("GET %s after the merge: %d %v, want the merged record %s", old, r.StatusCode, body, id)
		}
	}
	r, body = e.do("POST", "/crm/objects/2026-03/contacts/search", map[string]any{"limit": 100})
	if results, _ := body["results"].([]any); r.StatusCode != 200 || len(results) != 1 || results[0].(map[string]any)["id"] != id {
		t.Fatalf("search after the merge: %d %v, want only %s", r.StatusCode, body, id)
	}
}
