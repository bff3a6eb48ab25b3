package pipedrive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
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
}

const prefix = "/pipedrive"

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
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
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return reply{status: resp.StatusCode, header: resp.Header, raw: string(raw), body: m}
}

// do calls the API with the OAuth bearer token.
func (e *env) do(method, path string, body any) reply {
	e.t.Helper()
	return e.request(method, path, body, map[string]string{"Authorization": "Bearer " + e.token})
}

func data(t *testing.T, r reply) map[string]any {
	t.Helper()
	d, ok := r.body["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object in %d %s", r.status, r.raw)
	}
	return d
}

func items(t *testing.T, r reply) []any {
	t.Helper()
	d, ok := r.body["data"].([]any)
	if !ok {
		t.Fatalf("no data array in %d %s", r.status, r.raw)
	}
	return d
}

func nextCursor(t *testing.T, r reply) (string, bool) {
	t.Helper()
	ad, ok := r.body["additional_data"].(map[string]any)
	if !ok {
		t.Fatalf("no additional_data in %s", r.raw)
	}
	v, present := ad["next_cursor"]
	if !present {
		t.Fatalf("next_cursor missing (must be null on the last page): %s", r.raw)
	}
	if v == nil {
		return "", false
	}
	return v.(string), true
}

// assertError checks Pipedrive's error schema.
func assertError(t *testing.T, r reply, status int, contains string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
	for _, k := range []string{"success", "error", "error_info", "data", "additional_data"} {
		if _, ok := r.body[k]; !ok {
			t.Fatalf("error body lacks %q: %s", k, r.raw)
		}
	}
	if r.body["success"] != false || r.body["data"] != nil || r.body["additional_data"] != nil {
		t.Fatalf("bad error body %s", r.raw)
	}
	if msg, _ := r.body["error"].(string); !strings.Contains(msg, contains) {
		t.Fatalf("error %q does not mention %q", msg, contains)
	}
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func seedPeople(t *testing.T, sim *Sim, n int, base time.Time) []int64 {
	t.Helper()
	rows := make([]PersonSeed, n)
	for i := range rows {
		rows[i] = PersonSeed{Name: fmt.Sprintf("Person %d", i), Emails: []Contact{{Value: fmt.Sprintf("p%d@example.com", i)}},
			AddTime: base.Add(-time.Hour), UpdateTime: base.Add(time.Duration(i) * time.Minute)}
	}
	ids, err := sim.SeedPersons(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestListPagesWithCursorAndUpdatedSince(t *testing.T) {
	e := newEnv(t, Options{})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := seedPeople(t, e.sim, 250, base)
	if err := e.sim.DeletePerson(ids[0]); err != nil {
		t.Fatal(err)
	}

	// Default paging: 100 per page, ascending id, deleted persons left out.
	var seen []int64
	cursor, pages := "", 0
	for {
		path := "/api/v2/persons"
		if cursor != "" {
			path += "?cursor=" + url.QueryEscape(cursor)
		}
		r := e.do("GET", path, nil)
		if r.status != 200 || r.body["success"] != true {
			t.Fatalf("list: %d %s", r.status, r.raw)
		}
		for _, it := range items(t, r) {
			seen = append(seen, num(it.(map[string]any)["id"]))
		}
		pages++
		next, ok := nextCursor(t, r)
		if !ok {
			if !strings.Contains(r.raw, `"next_cursor":null`) {
				t.Fatalf("last page must carry next_cursor null: %s", r.raw)
			}
			break
		}
		cursor = next
	}
	if pages != 3 || len(seen) != 249 || seen[0] != ids[1] || seen[248] != ids[249] {
		t.Fatalf("pages=%d persons=%d first=%d last=%d", pages, len(seen), seen[0], seen[len(seen)-1])
	}

	// Incremental read: updated_since is inclusive, sorted by update_time.
	since := base.Add(50 * time.Minute).Format(time.RFC3339)
	q := url.Values{"updated_since": {since}, "sort_by": {"update_time"}, "limit": {"120"}}
	var got []string
	for {
		r := e.do("GET", "/api/v2/persons?"+q.Encode(), nil)
		if r.status != 200 {
			t.Fatalf("incremental: %d %s", r.status, r.raw)
		}
		for _, it := range items(t, r) {
			got = append(got, it.(map[string]any)["update_time"].(string))
		}
		next, ok := nextCursor(t, r)
		if !ok {
			break
		}
		q.Set("cursor", next)
	}
	if len(got) != 200 || got[0] != since || got[199] != base.Add(249*time.Minute).Format(time.RFC3339) {
		t.Fatalf("incremental read: %d items, first %v last %v", len(got), got[0], got[len(got)-1])
	}
	for i := 1; i < len(got); i++ {
		if got[i] < got[i-1] {
			t.Fatalf("not in update_time order at %d: %s < %s", i, got[i], got[i-1])
		}
	}

	// Descending with updated_until (exclusive) and a cursor from the other sort is refused.
	r := e.do("GET", "/api/v2/persons?sort_direction=desc&limit=5&updated_until="+url.QueryEscape(base.Add(10*time.Minute).Format(time.RFC3339)), nil)
	list := items(t, r)
	if len(list) != 5 || num(list[0].(map[string]any)["id"]) != ids[9] {
		t.Fatalf("desc/until: %s", r.raw)
	}
	next, _ := nextCursor(t, r)
	assertError(t, e.do("GET", "/api/v2/persons?sort_by=update_time&cursor="+next, nil), 400, "cursor")
	r = e.do("GET", "/api/v2/persons?sort_direction=desc&limit=5&cursor="+next+"&updated_until="+url.QueryEscape(base.Add(10*time.Minute).Format(time.RFC3339)), nil)
	if list := items(t, r); len(list) != 4 || num(list[0].(map[string]any)["id"]) != ids[4] {
		t.Fatalf("desc page 2 (id %d deleted, so 4 left): %s", ids[0], r.raw)
	}

	// ids filter: at most 100, unknown ones skipped.
	r = e.do("GET", fmt.Sprintf("/api/v2/persons?ids=%d,%d,999999", ids[3], ids[7]), nil)
	if len(items(t, r)) != 2 {
		t.Fatalf("ids filter: %s", r.raw)
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = strconv.Itoa(i + 1)
	}
	assertError(t, e.do("GET", "/api/v2/persons?ids="+strings.Join(many, ","), nil), 400, "ids")
	assertError(t, e.do("GET", "/api/v2/persons?updated_since=2026-01-01", nil), 400, "RFC 3339")
	assertError(t, e.do("GET", "/api/v2/persons?sort_by=name", nil), 400, "sort_by")
}

func TestLimitAbove500(t *testing.T) {
	e := newEnv(t, Options{})
	seedPeople(t, e.sim, 600, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if r := e.do("GET", "/api/v2/persons?limit=500", nil); r.status != 200 || len(items(t, r)) != 500 {
		t.Fatalf("limit=500: %d", r.status)
	}
	assertError(t, e.do("GET", "/api/v2/persons?limit=501", nil), 400, "limit")
	assertError(t, e.do("GET", "/api/v2/persons?limit=0", nil), 400, "limit")
	assertError(t, e.do("GET", "/api/v2/persons/search?term=person&limit=1000", nil), 400, "limit")

	c := newEnv(t, Options{ClampLimit: true})
	seedPeople(t, c.sim, 600, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if r := c.do("GET", "/api/v2/persons?limit=1000", nil); r.status != 200 || len(items(t, r)) != 500 {
		t.Fatalf("clamped limit: %d %d", r.status, len(items(t, r)))
	}
}

func TestPersonRoundTrip(t *testing.T) {
	e := newEnv(t, Options{})
	created := e.do("POST", "/api/v2/persons", map[string]any{
		"name":   "Ada King Lovelace",
		"emails": []map[string]any{{"value": "ada@example.com", "label": "home"}, {"value": "ada@work.example"}},
		"phones": []map[string]any{{"value": "+44 20 7946 0018", "primary": true}},
		"custom_fields": map[string]any{FieldCustomerType: CustomerTypeCompany, FieldInterests: []int{InterestNewsletter, InterestEvents},
			FieldBudget: map[string]any{"value": 2300, "currency": "EUR"}},
	})
	if created.status != 200 { // the v2 spec answers addPerson with 200, not 201
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	p := data(t, created)
	id := num(p["id"])
	emails := p["emails"].([]any)
	first := emails[0].(map[string]any)
	second := emails[1].(map[string]any)
	if p["first_name"] != "Ada" || p["last_name"] != "King Lovelace" || first["primary"] != true || first["label"] != "home" ||
		second["primary"] != false || second["label"] != "work" || p["is_deleted"] != false || p["org_id"] != nil ||
		num(p["owner_id"]) != e.sim.UserID() || num(p["visible_to"]) != 3 {
		t.Fatalf("created person: %s", created.raw)
	}
	if p["add_time"] != "2026-11-23T10:00:00Z" || p["update_time"] != "2026-11-23T10:00:00Z" {
		t.Fatalf("times: %v %v", p["add_time"], p["update_time"])
	}
	cf := p["custom_fields"].(map[string]any)
	// A set reads back as its option ids, numbers in an array (migration guide).
	set, _ := cf[FieldInterests].([]any)
	if len(cf) != 6 || num(cf[FieldCustomerType]) != CustomerTypeCompany || cf[FieldLeadSource] != nil ||
		len(set) != 2 || set[0] != float64(InterestNewsletter) || set[1] != float64(InterestEvents) ||
		cf[FieldBudget].(map[string]any)["currency"] != "EUR" {
		t.Fatalf("custom_fields: %v", cf)
	}

	e.clk.add(90 * time.Second)
	patched := e.do("PATCH", fmt.Sprintf("/api/v2/persons/%d", id), map[string]any{
		"phones": []map[string]any{{"value": "555-0100"}}, "custom_fields": map[string]any{FieldInterests: nil, FieldLeadSource: "Webinar"}})
	if patched.status != 200 {
		t.Fatalf("patch: %d %s", patched.status, patched.raw)
	}
	p = data(t, patched)
	cf = p["custom_fields"].(map[string]any)
	if p["name"] != "Ada King Lovelace" || len(p["emails"].([]any)) != 2 || len(p["phones"].([]any)) != 1 ||
		p["update_time"] != "2026-11-23T10:01:30Z" || p["add_time"] != "2026-11-23T10:00:00Z" ||
		cf[FieldInterests] != nil || cf[FieldLeadSource] != "Webinar" || num(cf[FieldCustomerType]) != CustomerTypeCompany {
		t.Fatalf("patched: %s", patched.raw)
	}
	e.clk.add(time.Minute)
	renamed := data(t, e.do("PATCH", fmt.Sprintf("/api/v2/persons/%d", id), map[string]any{"first_name": "Augusta", "last_name": "Byron"}))
	if renamed["name"] != "Augusta Byron" || renamed["first_name"] != "Augusta" {
		t.Fatalf("rename by first/last: %v", renamed)
	}

	got := e.do("GET", fmt.Sprintf("/api/v2/persons/%d", id), nil)
	if g := data(t, got); g["name"] != "Augusta Byron" || g["update_time"] != "2026-11-23T10:02:30Z" {
		t.Fatalf("get: %s", got.raw)
	}
	if only := data(t, e.do("GET", fmt.Sprintf("/api/v2/persons/%d?custom_fields=%s", id, FieldLeadSource), nil)); len(only["custom_fields"].(map[string]any)) != 1 {
		t.Fatalf("custom_fields selector: %v", only["custom_fields"])
	}

	e.clk.add(time.Minute)
	del := e.do("DELETE", fmt.Sprintf("/api/v2/persons/%d", id), nil)
	if del.status != 200 || num(data(t, del)["id"]) != id {
		t.Fatalf("delete: %s", del.raw)
	}
	if g := data(t, e.do("GET", fmt.Sprintf("/api/v2/persons/%d", id), nil)); g["is_deleted"] != true || g["update_time"] != "2026-11-23T10:03:30Z" {
		t.Fatalf("deleted person: %v", g)
	}
	if l := e.do("GET", "/api/v2/persons", nil); len(items(t, l)) != 0 {
		t.Fatalf("deleted person listed: %s", l.raw)
	}
	assertError(t, e.do("DELETE", fmt.Sprintf("/api/v2/persons/%d", id), nil), 404, "not found")
	assertError(t, e.do("PATCH", fmt.Sprintf("/api/v2/persons/%d", id), map[string]any{"name": "x"}), 404, "not found")
	if e.sim.CountPersons() != 0 || len(e.sim.Persons()) != 1 {
		t.Fatalf("Go API counts: %d live, %d all", e.sim.CountPersons(), len(e.sim.Persons()))
	}
}

func TestValidationErrors(t *testing.T) {
	e := newEnv(t, Options{})
	cases := []struct {
		name, want string
		body       any
	}{
		{"no name", "Name must be given", map[string]any{"emails": []any{map[string]any{"value": "a@b.c"}}}},
		{"blank name", "Name must be given", map[string]any{"name": "  "}},
		{"first name only", "first_name and last_name", map[string]any{"first_name": "Ada"}},
		{"v1 email string", "emails must be an array of objects", map[string]any{"name": "A", "emails": "a@b.c"}},
		{"v1 email key", "unknown property", map[string]any{"name": "A", "email": []any{map[string]any{"value": "a@b.c"}}}},
		{"two primaries", "primary", map[string]any{"name": "A", "emails": []any{map[string]any{"value": "a@b.c", "primary": true}, map[string]any{"value": "d@e.f", "primary": true}}}},
		{"value missing", "value is required", map[string]any{"name": "A", "phones": []any{map[string]any{"label": "work"}}}},
		{"string owner id", "owner_id must be an integer", map[string]any{"name": "A", "owner_id": "13004321"}},
		{"unknown owner", "user 77 not found", map[string]any{"name": "A", "owner_id": 77}},
		{"bad visible_to", "visible_to", map[string]any{"name": "A", "visible_to": 2}},
		{"unknown org", "organization 5 not found", map[string]any{"name": "A", "org_id": 5}},
		{"flat custom field", "unknown property", map[string]any{"name": "A", FieldLeadSource: "x"}},
		{"unknown custom field", "unknown field", map[string]any{"name": "A", "custom_fields": map[string]any{"0000000000000000000000000000000000000000": "x"}}},
		{"empty set", "empty array", map[string]any{"name": "A", "custom_fields": map[string]any{FieldInterests: []int{}}}},
		{"bad option", "option 999", map[string]any{"name": "A", "custom_fields": map[string]any{FieldCustomerType: 999}}},
		{"bad date", "YYYY-MM-DD", map[string]any{"name": "A", "custom_fields": map[string]any{FieldFirstContact: "01/02/2026"}}},
		{"contact sync off", "unknown property", map[string]any{"name": "A", "job_title": "CEO"}},
		{"not json", "JSON object", "just a string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertError(t, e.do("POST", "/api/v2/persons", c.body), 400, c.want)
		})
	}
	if e.sim.CountPersons() != 0 {
		t.Fatalf("a refused create stored a person")
	}
	assertError(t, e.do("GET", "/api/v2/persons/424242", nil), 404, "Person not found")
	assertError(t, e.do("GET", "/api/v2/persons/abc", nil), 400, "id")
	assertError(t, e.do("GET", "/api/v2/organizations/9", nil), 404, "Organization not found")
	assertError(t, e.do("GET", "/api/v1/persons", nil), 410, "out of support")
	ok := e.do("POST", "/api/v2/persons", map[string]any{"name": "B"})
	id := num(data(t, ok)["id"])
	assertError(t, e.do("PATCH", fmt.Sprintf("/api/v2/persons/%d", id), map[string]any{"add_time": "2026-01-01T00:00:00Z"}), 400, "unknown property")
	if p, _ := e.sim.GetPerson(id); p.Name != "B" || p.LastName != "" {
		t.Fatalf("person changed by a refused patch: %+v", p)
	}
}

func TestContactSyncFields(t *testing.T) {
	e := newEnv(t, Options{ContactSync: true})
	r := e.do("POST", "/api/v2/persons", map[string]any{"name": "Grace Hopper", "job_title": "Rear Admiral", "birthday": "1906-12-09",
		"postal_address": map[string]any{"value": "Arlington, VA", "locality": "Arlington"}, "im": []any{map[string]any{"value": "grace", "label": "skype"}}})
	p := data(t, r)
	addr := p["postal_address"].(map[string]any)
	if p["job_title"] != "Rear Admiral" || p["birthday"] != "1906-12-09" || addr["locality"] != "Arlington" || addr["country"] != nil ||
		len(p["im"].([]any)) != 1 || p["notes"] != nil {
		t.Fatalf("contact sync person: %s", r.raw)
	}
	assertError(t, e.do("POST", "/api/v2/persons", map[string]any{"name": "X", "postal_address": map[string]any{"locality": "Y"}}), 400, "value is required")
}

func TestSearchByEmailExactMatch(t *testing.T) {
	e := newEnv(t, Options{})
	rows := []PersonSeed{
		{Name: "Ann Lee", Emails: []Contact{{Value: "ann@example.com"}}, Phones: []Contact{{Value: "+1 555-0100"}}},
		{Name: "Joanne Ray", Emails: []Contact{{Value: "joanne@example.com"}}},
		{Name: "Gone Person", Emails: []Contact{{Value: "gone@example.com"}}},
	}
	ids, err := e.sim.SeedPersons(rows)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.DeletePerson(ids[2]); err != nil {
		t.Fatal(err)
	}
	search := func(q url.Values) reply { return e.do("GET", "/api/v2/persons/search?"+q.Encode(), nil) }
	r := search(url.Values{"term": {"ANN@example.com"}, "fields": {"email"}, "exact_match": {"true"}})
	if r.status != 200 {
		t.Fatalf("search: %d %s", r.status, r.raw)
	}
	found := data(t, r)["items"].([]any)
	if len(found) != 1 {
		t.Fatalf("exact email search: %s", r.raw)
	}
	hit := found[0].(map[string]any)
	item := hit["item"].(map[string]any)
	if num(item["id"]) != ids[0] || item["type"] != "person" || item["emails"].([]any)[0] != "ann@example.com" ||
		hit["result_score"] == nil || item["organization"] != nil || num(item["owner"].(map[string]any)["id"]) != e.sim.UserID() {
		t.Fatalf("hit: %s", r.raw)
	}
	if _, ok := nextCursor(t, r); ok {
		t.Fatalf("single page search has a next_cursor: %s", r.raw)
	}
	if r := search(url.Values{"term": {"ann"}, "fields": {"email"}}); len(data(t, r)["items"].([]any)) != 2 {
		t.Fatalf("substring search should find ann and joanne: %s", r.raw)
	}
	if r := search(url.Values{"term": {"ann"}, "fields": {"email"}, "exact_match": {"true"}}); len(data(t, r)["items"].([]any)) != 0 {
		t.Fatalf("exact search for a fragment found something: %s", r.raw)
	}
	if r := search(url.Values{"term": {"gone@example.com"}, "exact_match": {"true"}}); len(data(t, r)["items"].([]any)) != 0 {
		t.Fatalf("deleted person found: %s", r.raw)
	}
	if r := search(url.Values{"term": {"15550100"}, "fields": {"phone"}}); len(data(t, r)["items"].([]any)) != 1 {
		t.Fatalf("phone digits search: %s", r.raw)
	}
	page := search(url.Values{"term": {"example.com"}, "limit": {"1"}})
	next, ok := nextCursor(t, page)
	if !ok || len(data(t, page)["items"].([]any)) != 1 {
		t.Fatalf("search paging: %s", page.raw)
	}
	if p2 := search(url.Values{"term": {"example.com"}, "limit": {"1"}, "cursor": {next}}); len(data(t, p2)["items"].([]any)) != 1 {
		t.Fatalf("search page 2: %s", p2.raw)
	}
	assertError(t, search(url.Values{"term": {"a"}}), 400, "at least 2")
	if r := search(url.Values{"term": {"a"}, "exact_match": {"true"}}); r.status != 200 {
		t.Fatalf("1-char exact term: %d", r.status)
	}
	assertError(t, search(url.Values{"term": {"ann"}, "fields": {"address"}}), 400, "fields")
	assertError(t, search(url.Values{"fields": {"email"}}), 400, "term")
	assertError(t, search(url.Values{"term": {"ann"}, "exact_match": {"1"}}), 400, "exact_match")
}

func TestSearchIndexDelay(t *testing.T) {
	e := newEnv(t, Options{SearchIndexDelay: 5 * time.Second})
	if _, err := e.sim.CreatePerson(map[string]any{"name": "New One", "emails": []any{map[string]any{"value": "new@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	q := "/api/v2/persons/search?term=new%40example.com&fields=email&exact_match=true"
	if r := e.do("GET", q, nil); len(data(t, r)["items"].([]any)) != 0 {
		t.Fatalf("found before the index caught up: %s", r.raw)
	}
	e.clk.add(5 * time.Second)
	if r := e.do("GET", q, nil); len(data(t, r)["items"].([]any)) != 1 {
		t.Fatalf("not found after the index delay: %s", r.raw)
	}
}

func TestAuthFailures(t *testing.T) {
	e := newEnv(t, Options{})
	get := func(h map[string]string) reply { return e.request("GET", "/api/v2/persons", nil, h) }
	assertError(t, get(nil), 401, "unauthorized")
	assertError(t, get(map[string]string{"Authorization": "Bearer nope"}), 401, "access token is invalid")
	assertError(t, get(map[string]string{"Authorization": "Token abc"}), 400, "malformed authorization header")
	assertError(t, get(map[string]string{"x-api-token": "wrong"}), 401, "unauthorized")
	if r := get(map[string]string{"x-api-token": e.sim.APIToken()}); r.status != 200 {
		t.Fatalf("x-api-token: %d %s", r.status, r.raw)
	}
	// The spec no longer declares ?api_token=; only the header is accepted.
	assertError(t, e.request("GET", "/api/v2/persons?api_token="+e.sim.APIToken(), nil, nil), 401, "unauthorized")
	e.sim.Auth().ExpireAllAccess()
	assertError(t, e.do("GET", "/api/v2/persons", nil), 401, "expired")
}
