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

func TestOAuthCodeAndRefresh(t *testing.T) {
	e := newEnv(t, Options{RedirectURI: "http://127.0.0.1:53682/callback"})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	authorize := func(extra url.Values) *url.URL {
		q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {"http://127.0.0.1:53682/callback"}, "state": {"st-42"},
			"code_challenge": {"ignored-by-pipedrive"}, "code_challenge_method": {"S256"}}
		for k, v := range extra {
			q[k] = v
		}
		resp, err := noFollow.Get(e.base + "/oauth/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("authorize: %d", resp.StatusCode)
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if loc.Query().Get("state") != "st-42" || loc.Host != "127.0.0.1:53682" {
			t.Fatalf("redirect %s", loc)
		}
		return loc
	}
	token := func(form url.Values, basic bool, contentType string) reply {
		req, _ := http.NewRequest("POST", e.base+"/oauth/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", contentType)
		if basic {
			req.SetBasicAuth(e.sim.Auth().ClientID(), e.sim.Auth().ClientSecret())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		return reply{status: resp.StatusCode, raw: string(raw), body: m}
	}
	const form = "application/x-www-form-urlencoded"
	code := authorize(nil).Query().Get("code")
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://127.0.0.1:53682/callback"}}
	// No PKCE verifier is needed: Pipedrive has no PKCE, the challenge was ignored.
	tok := token(exchange, true, form)
	if tok.status != 200 || tok.body["token_type"] != "Bearer" || num(tok.body["expires_in"]) != 3599 ||
		tok.body["api_domain"] != e.base || tok.body["scope"] != "base,activities:full,contacts:full,deals:full,search:read,users:read" || tok.body["refresh_token"] == "" {
		t.Fatalf("token: %d %s", tok.status, tok.raw)
	}
	access := tok.body["access_token"].(string)
	// The client appends /api/v2 to api_domain.
	req, _ := http.NewRequest("GET", tok.body["api_domain"].(string)+"/api/v2/persons", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("api via api_domain: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}
	if r := token(exchange, true, form); r.status != 400 || r.body["error"] != "invalid_grant" || r.body["success"] != false ||
		!strings.Contains(r.body["message"].(string), "authorization_code` is invalid") {
		t.Fatalf("code reuse: %s", r.raw)
	}

	e.clk.add(time.Hour) // access tokens live 3599 s
	if r := e.request("GET", "/api/v2/persons", nil, map[string]string{"Authorization": "Bearer " + access}); r.status != 401 {
		t.Fatalf("expired access token: %d", r.status)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.body["refresh_token"].(string)}}
	ref := token(refresh, true, form)
	if ref.status != 200 || ref.body["refresh_token"] != tok.body["refresh_token"] || ref.body["access_token"] == access ||
		ref.body["api_domain"] != e.base {
		t.Fatalf("refresh (Pipedrive re-issues the same refresh token): %s", ref.raw)
	}
	if r := e.request("GET", "/api/v2/persons", nil, map[string]string{"Authorization": "Bearer " + ref.body["access_token"].(string)}); r.status != 200 {
		t.Fatalf("refreshed token: %d", r.status)
	}
	// Client credentials in the body are allowed; none at all is not.
	body := url.Values{"grant_type": {"refresh_token"}, "refresh_token": refresh["refresh_token"],
		"client_id": {e.sim.Auth().ClientID()}, "client_secret": {e.sim.Auth().ClientSecret()}}
	if r := token(body, false, form); r.status != 200 {
		t.Fatalf("credentials in body: %s", r.raw)
	}
	if r := token(refresh, false, form); r.status != 400 || r.body["error"] != "invalid_client" {
		t.Fatalf("no client credentials: %s", r.raw)
	}
	if r := token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, true, form); r.status != 400 ||
		r.body["message"] != "Invalid grant: `refresh_token` is invalid" {
		t.Fatalf("bad refresh token: %s", r.raw)
	}
	if r := token(refresh, true, "application/json"); r.status != 400 || !strings.Contains(r.raw, "x-www-form-urlencoded") {
		t.Fatalf("json body: %s", r.raw)
	}
	if r := token(url.Values{"grant_type": {"password"}}, true, form); r.body["error"] != "unsupported_grant_type" {
		t.Fatalf("unsupported grant: %s", r.raw)
	}

	// Codes expire after 5 minutes; redirect_uri must be the registered one.
	late := authorize(nil).Query().Get("code")
	e.clk.add(6 * time.Minute)
	exchange.Set("code", late)
	if r := token(exchange, true, form); !strings.Contains(r.raw, "has expired") {
		t.Fatalf("expired code: %s", r.raw)
	}
	exchange.Set("code", authorize(nil).Query().Get("code"))
	exchange.Set("redirect_uri", "http://127.0.0.1:9999/other")
	if r := token(exchange, true, form); r.status != 400 || !strings.Contains(r.raw, "redirect_uri` is invalid") {
		t.Fatalf("wrong redirect_uri: %s", r.raw)
	}
	e.sim.Auth().SetDeny(true)
	if denied := authorize(nil); denied.Query().Get("error") != "user_denied" || denied.Query().Get("code") != "" {
		t.Fatalf("denied: %s", denied)
	}
}

func TestBurstLimitAndHeaders(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Plan: PlanLite}) // Lite: 20 per 2 s per API token
	apiTok := map[string]string{"x-api-token": e.sim.APIToken()}
	for i := 0; i < 20; i++ {
		r := e.request("GET", "/api/v2/persons", nil, apiTok)
		if r.status != 200 || r.header.Get("x-ratelimit-limit") != "20" || r.header.Get("x-ratelimit-remaining") != strconv.Itoa(19-i) ||
			r.header.Get("x-ratelimit-reset") == "" {
			t.Fatalf("request %d: %d %v", i, r.status, r.header)
		}
	}
	r := e.request("GET", "/api/v2/persons", nil, apiTok)
	assertError(t, r, 429, "Request over limit")
	if r.header.Get("x-ratelimit-limit") != "20" || r.header.Get("x-ratelimit-remaining") != "0" || r.header.Get("x-ratelimit-reset") != "10" {
		t.Fatalf("429 headers: %v", r.header)
	}
	// OAuth tokens have their own, larger window (Lite: 80 per 2 s).
	if r := e.do("GET", "/api/v2/persons", nil); r.status != 200 || r.header.Get("x-ratelimit-limit") != "80" {
		t.Fatalf("oauth window: %d %v", r.status, r.header)
	}
	e.clk.add(3 * time.Second) // the window has passed but the penalty has not
	if r := e.request("GET", "/api/v2/persons", nil, apiTok); r.status != 429 {
		t.Fatalf("penalty not applied: %d", r.status)
	}
	e.clk.add(8 * time.Second)
	if r := e.request("GET", "/api/v2/persons", nil, apiTok); r.status != 200 {
		t.Fatalf("after penalty: %d %s", r.status, r.raw)
	}
}

func TestSearchBurstAndDailyBudget(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Plan: PlanUltimate, Seats: 1})
	if _, budget := e.sim.TokenUsage(); budget != 30_000*7 {
		t.Fatalf("budget %d, want 30,000 x 7 x 1", budget)
	}
	for i := 0; i < 10; i++ {
		if r := e.do("GET", "/api/v2/persons/search?term=abc", nil); r.status != 200 || r.header.Get("x-ratelimit-limit") != "10" {
			t.Fatalf("search %d: %d %v", i, r.status, r.header)
		}
	}
	assertError(t, e.do("GET", "/api/v2/persons/search?term=abc", nil), 429, "Request over limit")
	if r := e.do("GET", "/api/v2/persons", nil); r.status != 200 {
		t.Fatalf("list refused after search limit: %d", r.status)
	}
	// Token costs from the v2 spec's x-token-cost: search 20, list 10, create 5, get 1, delete 3.
	if used, _ := e.sim.TokenUsage(); used != 10*20+10 {
		t.Fatalf("used %d tokens, want 210", used)
	}
	e.clk.add(20 * time.Second)
	id := num(data(t, e.do("POST", "/api/v2/persons", map[string]any{"name": "Budget"}))["id"])
	e.do("GET", fmt.Sprintf("/api/v2/persons/%d", id), nil)
	e.do("DELETE", fmt.Sprintf("/api/v2/persons/%d", id), nil)
	if used, budget := e.sim.TokenUsage(); used != 210+5+1+3 || budget != 210_000 {
		t.Fatalf("used %d of %d", used, budget)
	}
	// x-daily-requests-left comes on POST by API token only.
	w := e.request("POST", "/api/v2/persons", map[string]any{"name": "Via token"}, map[string]string{"x-api-token": e.sim.APIToken()})
	if w.header.Get("x-daily-requests-left") != "9999" {
		t.Fatalf("x-daily-requests-left: %v", w.header)
	}
	_, budget := e.sim.TokenUsage()
	e.sim.SetTokensUsed(budget)
	r := e.do("GET", "/api/v2/persons", nil)
	assertError(t, r, 429, "Request over limit")
	if r.header.Get("x-daily-ratelimit-token-remaining") != "0" || r.header.Get("Retry-After") == "" {
		t.Fatalf("daily 429 headers: %v", r.header)
	}
	e.clk.add(24 * time.Hour) // the budget resets at midnight
	if r := e.do("GET", "/api/v2/persons", nil); r.status != 200 {
		t.Fatalf("after reset: %d", r.status)
	}
}

func TestFaultsAndStats(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("GET", "/api/v2/persons", nil)
	e.do("GET", "/api/v2/persons", nil)
	e.do("GET", "/api/v2/persons/1", nil)
	st := e.sim.Stats()
	if st["GET /api/v2/persons"] != 2 || st["GET /api/v2/persons/{id}"] != 1 {
		t.Fatalf("stats: %v", st)
	}
	e.sim.Faults().Set(faultsAll5xx())
	assertError(t, e.do("GET", "/api/v2/persons", nil), 500, "Internal server error")
	e.sim.Faults().Set(faultsAll429())
	if r := e.do("GET", "/api/v2/persons", nil); r.status != 429 || r.header.Get("x-ratelimit-remaining") != "0" {
		t.Fatalf("injected 429: %d %v", r.status, r.header)
	}
	e.sim.Faults().Set(faultsNone())
	e.sim.Faults().SetDailyExhausted(true)
	assertError(t, e.do("GET", "/api/v2/persons", nil), 429, "Request over limit")
}

func TestFieldsMetadata(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("GET", "/api/v2/personFields?include_fields=required_fields", nil)
	if r.status != 200 {
		t.Fatalf("personFields: %d %s", r.status, r.raw)
	}
	fields := items(t, r)
	var custom int
	byCode := map[string]map[string]any{}
	for _, f := range fields {
		m := f.(map[string]any)
		byCode[m["field_code"].(string)] = m
		if m["is_custom_field"] == true {
			custom++
			if code := m["field_code"].(string); len(code) != 40 || strings.Trim(code, "0123456789abcdef") != "" {
				t.Fatalf("custom field code %q is not a 40-hex hash", code)
			}
		}
		if _, ok := m["required_fields"]; !ok {
			t.Fatalf("include_fields=required_fields ignored: %v", m)
		}
	}
	ct := byCode[FieldCustomerType]
	if custom != 6 || ct["field_type"] != "enum" || len(ct["options"].([]any)) != 3 || byCode["name"]["required_fields"].(map[string]any)["enabled"] != true ||
		byCode["emails"]["options"] != nil || byCode["emails"]["subfields"] != nil || len(byCode[FieldBudget]["subfields"].([]any)) != 2 {
		t.Fatalf("fields: %s", r.raw)
	}
	var paged int
	q := url.Values{"limit": {"7"}}
	for {
		p := e.do("GET", "/api/v2/personFields?"+q.Encode(), nil)
		paged += len(items(t, p))
		next, ok := nextCursor(t, p)
		if !ok {
			break
		}
		q.Set("cursor", next)
	}
	if paged != len(fields) {
		t.Fatalf("paged %d fields, want %d", paged, len(fields))
	}
	one := e.do("GET", "/api/v2/personFields/"+FieldInterests, nil)
	if d := data(t, one); d["field_type"] != "set" || d["is_custom_field"] != true {
		t.Fatalf("one field: %s", one.raw)
	}
	assertError(t, e.do("GET", "/api/v2/personFields/nope", nil), 404, "not found")
	assertError(t, e.do("GET", "/api/v2/personFields?include_fields=everything", nil), 400, "include_fields")
	if o := e.do("GET", "/api/v2/organizationFields", nil); o.status != 200 || len(items(t, o)) == 0 {
		t.Fatalf("organizationFields: %s", o.raw)
	}
}

func TestOrganizationsAndLinkedPersons(t *testing.T) {
	e := newEnv(t, Options{})
	org := e.do("POST", "/api/v2/organizations", map[string]any{"name": "Acme Ltd", "address": map[string]any{"value": "1 Main St, Springfield"},
		"custom_fields": map[string]any{OrgFieldTier: TierGold}, "website": "https://acme.example"})
	if org.status != 200 {
		t.Fatalf("create org: %s", org.raw)
	}
	o := data(t, org)
	oid := num(o["id"])
	addr := o["address"].(map[string]any)
	if addr["value"] != "1 Main St, Springfield" || addr["locality"] != nil || o["is_deleted"] != false || num(o["custom_fields"].(map[string]any)[OrgFieldTier]) != TierGold {
		t.Fatalf("org: %s", org.raw)
	}
	assertError(t, e.do("POST", "/api/v2/organizations", map[string]any{"website": "x"}), 400, "Name must be given")
	assertError(t, e.do("POST", "/api/v2/organizations", map[string]any{"name": "B", "address": "plain string"}), 400, "address must be an object")
	p := data(t, e.do("POST", "/api/v2/persons", map[string]any{"name": "Wile Coyote", "org_id": oid,
		"emails": []any{map[string]any{"value": "wile@acme.example"}}}))
	if num(p["org_id"]) != oid {
		t.Fatalf("person org_id: %v", p)
	}
	if l := e.do("GET", fmt.Sprintf("/api/v2/persons?org_id=%d", oid), nil); len(items(t, l)) != 1 {
		t.Fatalf("org_id filter: %s", l.raw)
	}
	hit := data(t, e.do("GET", "/api/v2/persons/search?term=wile@acme.example&exact_match=true&fields=email", nil))["items"].([]any)
	if len(hit) != 1 || hit[0].(map[string]any)["item"].(map[string]any)["organization"].(map[string]any)["name"] != "Acme Ltd" {
		t.Fatalf("person search organization: %v", hit)
	}
	os := data(t, e.do("GET", "/api/v2/organizations/search?term=springfield&fields=address", nil))["items"].([]any)
	if len(os) != 1 || os[0].(map[string]any)["item"].(map[string]any)["type"] != "organization" {
		t.Fatalf("org search: %v", os)
	}
	e.clk.add(time.Minute)
	if u := data(t, e.do("PATCH", fmt.Sprintf("/api/v2/organizations/%d", oid), map[string]any{"name": "Acme Corp"})); u["name"] != "Acme Corp" || u["update_time"] != "2026-11-23T10:01:00Z" {
		t.Fatalf("patch org: %v", u)
	}
	if d := e.do("DELETE", fmt.Sprintf("/api/v2/organizations/%d", oid), nil); d.status != 200 || e.sim.CountOrganizations() != 0 {
		t.Fatalf("delete org: %s", d.raw)
	}
	assertError(t, e.do("PATCH", fmt.Sprintf("/api/v2/persons/%d", num(p["id"])), map[string]any{"org_id": oid}), 400, "not found")
}

func TestGoAPISeedAndErrors(t *testing.T) {
	e := newEnv(t, Options{})
	oids, err := e.sim.SeedOrganizations([]OrganizationSeed{{Name: "Globex", Address: "Cypress Creek"}})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := e.sim.SeedPersons([]PersonSeed{{Name: "Hank Scorpio", OrgID: oids[0], CustomFields: map[string]any{FieldLeadSource: "Referral"}}})
	if err != nil || len(ids) != 1 {
		t.Fatalf("seed: %v", err)
	}
	p, ok := e.sim.GetPerson(ids[0])
	if !ok || p.FirstName != "Hank" || p.LastName != "Scorpio" || p.OrgID != oids[0] || p.CustomFields[FieldLeadSource] != "Referral" {
		t.Fatalf("seeded person: %+v", p)
	}
	if _, err := e.sim.SeedPersons([]PersonSeed{{Name: "X", OrgID: 999}}); err == nil || !strings.Contains(err.Error(), "organization 999") {
		t.Fatalf("seed with unknown org: %v", err)
	}
	if _, err := e.sim.SeedPersons([]PersonSeed{{Name: "X", CustomFields: map[string]any{FieldInterests: []int{}}}}); err == nil {
		t.Fatal("seed accepted an empty set value")
	}
	if _, err := e.sim.CreatePerson(map[string]any{"emails": []any{}}); err == nil || !strings.Contains(err.Error(), "Name must be given") {
		t.Fatalf("create without name: %v", err)
	}
	if _, err := e.sim.UpdatePerson(12345, map[string]any{"name": "x"}); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("update unknown: %v", err)
	}
	if err := e.sim.DeleteOrganization(oids[0]); err != nil {
		t.Fatal(err)
	}
	if o, _ := e.sim.GetOrganization(oids[0]); !o.Deleted || o.Address != "Cypress Creek" {
		t.Fatalf("deleted org: %+v", o)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Plan: PlanUltimate})
	seedPeople(t, e.sim, 50, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				var r reply
				switch j % 3 {
				case 0:
					r = e.do("GET", "/api/v2/persons?sort_by=update_time&limit=10", nil)
				case 1:
					r = e.do("POST", "/api/v2/persons", map[string]any{"name": fmt.Sprintf("C %d %d", i, j)})
				default:
					r = e.do("PATCH", "/api/v2/persons/1", map[string]any{"name": fmt.Sprintf("P %d", i)})
				}
				if r.status != 200 {
					errs <- r.raw
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if e.sim.CountPersons() != 50+8*2 {
		t.Fatalf("count %d", e.sim.CountPersons())
	}
}

func faultsAll5xx() simkit.Faults { return simkit.Faults{P5xx: 1} }
func faultsAll429() simkit.Faults { return simkit.Faults{P429: 1} }
func faultsNone() simkit.Faults   { return simkit.Faults{} }

// dealKeys are the properties of the v2 Deal schema (getDeals); arr, mrr and acv come
// on Growth and above.
var dealKeys = []string{"id", "title", "owner_id", "person_id", "org_id", "pipeline_id", "stage_id", "value",
	"currency", "add_time", "update_time", "stage_change_time", "is_deleted", "is_archived", "archive_time", "status",
	"probability", "lost_reason", "visible_to", "close_time", "won_time", "lost_time", "expected_close_date",
	"label_ids", "origin", "origin_id", "channel", "channel_id", "arr", "mrr", "acv", "custom_fields"}

// itemWithKeys checks that r succeeded with an item of exactly keys, and returns it.
func itemWithKeys(t *testing.T, r reply, keys []string) map[string]any {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	it := data(t, r)
	for _, k := range keys {
		if _, ok := it[k]; !ok {
			t.Errorf("item lacks %q", k)
		}
	}
	if len(it) != len(keys) {
		t.Errorf("item has %d properties, want %d: %s", len(it), len(keys), r.raw)
	}
	return it
}

// assertGone checks that the deleted item id of list refuses patch (with body) and
// delete, and that an unknown id is not found either.
func assertGone(t *testing.T, e *env, list string, id int64, body map[string]any, msg string) {
	t.Helper()
	path := fmt.Sprintf("%s/%d", list, id)
	assertError(t, e.do("PATCH", path, body), 404, msg)
	assertError(t, e.do("DELETE", path, nil), 404, msg)
	assertError(t, e.do("GET", list+"/777", nil), 404, msg)
}

func seedDealRows(t *testing.T, sim *Sim, rows []DealSeed) []int64 {
	t.Helper()
	ids, err := sim.SeedDeals(rows)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func dealIDs(t *testing.T, r reply) []int64 {
	t.Helper()
	var ids []int64
	for _, it := range items(t, r) {
		ids = append(ids, num(it.(map[string]any)["id"]))
	}
	return ids
}

// listAll follows next_cursor from the first page of path?q and returns every id in
// order and the number of pages.
func listAll(t *testing.T, e *env, path string, q url.Values) (ids []int64, pages int) {
	t.Helper()
	page := url.Values{}
	for k, v := range q {
		page[k] = v
	}
	for {
		r := e.do("GET", path+"?"+page.Encode(), nil)
		if r.status != 200 || r.body["success"] != true {
			t.Fatalf("list %s: %d %s", path, r.status, r.raw)
		}
		ids = append(ids, dealIDs(t, r)...)
		pages++
		next, ok := nextCursor(t, r)
		if !ok {
			return ids, pages
		}
		page.Set("cursor", next)
	}
}

// assertDefaultPaging checks that path lists the 250 ids but the first, deleted one:
// 100 per page, ascending id.
func assertDefaultPaging(t *testing.T, e *env, path string, ids []int64) {
	t.Helper()
	seen, pages := listAll(t, e, path, nil)
	if pages != 3 || len(seen) != 249 || seen[0] != ids[1] || seen[248] != ids[249] {
		t.Fatalf("%s: pages=%d items=%d first=%d last=%d", path, pages, len(seen), seen[0], seen[len(seen)-1])
	}
}

func TestDealsListPagingAndFilters(t *testing.T) {
	e := newEnv(t, Options{})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	oids, _ := e.sim.SeedOrganizations([]OrganizationSeed{{Name: "Acme"}})
	pids := seedPeople(t, e.sim, 2, base)
	rows := make([]DealSeed, 250)
	for i := range rows {
		rows[i] = DealSeed{Title: fmt.Sprintf("Deal %d", i), Value: float64(i * 100), StageID: int64(i%5 + 1),
			AddTime: base.Add(-time.Hour), UpdateTime: base.Add(time.Duration(i) * time.Minute)}
	}
	rows[7].PersonID, rows[7].OrgID, rows[7].Status = pids[1], oids[0], "won"
	rows[8].OrgID, rows[8].Status = oids[0], "lost"
	ids := seedDealRows(t, e.sim, rows)
	if err := e.sim.DeleteDeal(ids[0]); err != nil {
		t.Fatal(err)
	}

	assertDefaultPaging(t, e, "/api/v2/deals", ids)

	// Incremental read: updated_since is inclusive, sorted by update_time, 500 a page.
	since := base.Add(200 * time.Minute).Format(time.RFC3339)
	r := e.do("GET", "/api/v2/deals?sort_by=update_time&limit=500&updated_since="+url.QueryEscape(since), nil)
	got := items(t, r)
	if len(got) != 50 || got[0].(map[string]any)["update_time"] != since {
		t.Fatalf("updated_since: %d items, first %v", len(got), got[0])
	}
	if _, ok := nextCursor(t, r); ok {
		t.Fatalf("single page has a next_cursor: %s", r.raw)
	}
	r = e.do("GET", "/api/v2/deals?sort_by=update_time&sort_direction=desc&limit=3&updated_until="+url.QueryEscape(since), nil)
	if got := dealIDs(t, r); len(got) != 3 || got[0] != ids[199] {
		t.Fatalf("desc updated_until: %v", got)
	}

	// Filters.
	count := func(query string) int {
		t.Helper()
		return len(items(t, e.do("GET", "/api/v2/deals?limit=500&"+query, nil)))
	}
	for query, want := range map[string]int{
		fmt.Sprintf("person_id=%d", pids[1]): 1, fmt.Sprintf("org_id=%d", oids[0]): 2, "stage_id=3": 50,
		"pipeline_id=1": 249, "pipeline_id=2": 0, "status=won": 1, "status=won,lost": 2, "status=open": 247,
		"status=deleted": 1, "status=open,deleted": 248, fmt.Sprintf("ids=%d,%d,999999", ids[0], ids[5]): 1,
	} {
		if n := count(query); n != want {
			t.Errorf("%s: %d deals, want %d", query, n, want)
		}
	}
	assertError(t, e.do("GET", "/api/v2/deals?status=closed", nil), 400, "status")
	assertError(t, e.do("GET", "/api/v2/deals?stage_id=x", nil), 400, "stage_id")
	assertError(t, e.do("GET", "/api/v2/deals?limit=501", nil), 400, "limit")
	assertError(t, e.do("GET", "/api/v2/deals?sort_by=title", nil), 400, "sort_by")
	assertError(t, e.do("GET", "/api/v2/deals?include_fields=emails", nil), 400, "include_fields")
	withCounts := items(t, e.do("GET", "/api/v2/deals?limit=1&include_fields=products_count,source_lead_id", nil))[0].(map[string]any)
	if withCounts["products_count"] != float64(0) || withCounts["source_lead_id"] != nil {
		t.Fatalf("include_fields: %v", withCounts)
	}

	// Deleted deals are purged after 30 days, so status=deleted forgets them.
	e.clk.add(31 * 24 * time.Hour)
	if n := count("status=deleted"); n != 0 {
		t.Fatalf("a deal deleted 31 days ago listed: %d", n)
	}
}

func TestDealRoundTrip(t *testing.T) {
	e := newEnv(t, Options{})
	org := data(t, e.do("POST", "/api/v2/organizations", map[string]any{"name": "Initech"}))
	person := data(t, e.do("POST", "/api/v2/persons", map[string]any{"name": "Peter Gibbons", "org_id": org["id"]}))
	created := e.do("POST", "/api/v2/deals", map[string]any{"title": "  TPS reports  ", "value": 1500.5,
		"person_id": person["id"], "org_id": org["id"], "expected_close_date": "2026-12-31", "label_ids": []int{DealLabelHot},
		"custom_fields": map[string]any{DealFieldPriority: PriorityHigh, DealFieldTerm: 12}})
	d := itemWithKeys(t, created, dealKeys)
	id := num(d["id"])
	if d["title"] != "TPS reports" || d["value"] != 1500.5 || d["currency"] != "USD" || d["status"] != "open" ||
		num(d["stage_id"]) != 1 || num(d["pipeline_id"]) != 1 || d["stage_change_time"] != nil || d["close_time"] != nil ||
		d["won_time"] != nil || d["origin"] != "API" || d["is_deleted"] != false || d["is_archived"] != false ||
		num(d["person_id"]) != num(person["id"]) || num(d["org_id"]) != num(org["id"]) || d["expected_close_date"] != "2026-12-31" ||
		d["probability"] != nil || num(d["owner_id"]) != e.sim.UserID() || num(d["visible_to"]) != 3 ||
		d["add_time"] != "2026-11-23T10:00:00Z" || d["update_time"] != "2026-11-23T10:00:00Z" {
		t.Fatalf("created deal: %s", created.raw)
	}
	if cf := d["custom_fields"].(map[string]any); len(cf) != 4 || num(cf[DealFieldPriority]) != PriorityHigh || num(cf[DealFieldTerm]) != 12 || cf[DealFieldRival] != nil {
		t.Fatalf("custom_fields: %v", cf)
	}
	if _, ok := d["name"]; ok {
		t.Fatalf("a deal has no name, it has a title: %s", created.raw)
	}

	// A stage move stamps stage_change_time; every write moves update_time.
	e.clk.add(time.Minute)
	p := data(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", id), map[string]any{"stage_id": 3, "probability": 60}))
	if num(p["stage_id"]) != 3 || num(p["pipeline_id"]) != 1 || p["stage_change_time"] != "2026-11-23T10:01:00Z" ||
		p["update_time"] != "2026-11-23T10:01:00Z" || p["probability"] != float64(60) || p["title"] != "TPS reports" {
		t.Fatalf("stage move: %v", p)
	}
	e.clk.add(time.Minute)
	p = data(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", id), map[string]any{"status": "won"}))
	if p["status"] != "won" || p["won_time"] != "2026-11-23T10:02:00Z" || p["close_time"] != "2026-11-23T10:02:00Z" ||
		p["lost_time"] != nil || p["stage_change_time"] != "2026-11-23T10:01:00Z" || p["update_time"] != "2026-11-23T10:02:00Z" {
		t.Fatalf("won: %v", p)
	}
	e.clk.add(time.Minute)
	p = data(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", id), map[string]any{"status": "lost", "lost_reason": "Price",
		"lost_time": "2026-11-20T09:00:00Z"}))
	if p["status"] != "lost" || p["lost_time"] != "2026-11-20T09:00:00Z" || p["close_time"] != "2026-11-23T10:03:00Z" || p["lost_reason"] != "Price" {
		t.Fatalf("lost: %v", p)
	}
	e.clk.add(time.Minute)
	p = data(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", id), map[string]any{"status": "open", "person_id": nil}))
	if p["status"] != "open" || p["close_time"] != nil || p["person_id"] != nil || p["lost_reason"] != "Price" || p["update_time"] != "2026-11-23T10:04:00Z" {
		t.Fatalf("reopened: %v", p)
	}
	assertError(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", id), map[string]any{"lost_reason": "Timing"}), 400, "lost_reason")
	if p = data(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", id), map[string]any{"lost_reason": nil})); p["lost_reason"] != nil {
		t.Fatalf("lost_reason cleared: %v", p)
	}
	got := data(t, e.do("GET", fmt.Sprintf("/api/v2/deals/%d", id), nil))
	if got["update_time"] != "2026-11-23T10:04:00Z" || num(got["stage_id"]) != 3 || got["lost_time"] != "2026-11-20T09:00:00Z" {
		t.Fatalf("get: %v", got)
	}
	if only := data(t, e.do("GET", fmt.Sprintf("/api/v2/deals/%d?custom_fields=%s", id, DealFieldTerm), nil)); len(only["custom_fields"].(map[string]any)) != 1 {
		t.Fatalf("custom_fields selector: %v", only["custom_fields"])
	}

	e.clk.add(time.Minute)
	if del := e.do("DELETE", fmt.Sprintf("/api/v2/deals/%d", id), nil); del.status != 200 || num(data(t, del)["id"]) != id {
		t.Fatalf("delete: %s", del.raw)
	}
	if g := data(t, e.do("GET", fmt.Sprintf("/api/v2/deals/%d", id), nil)); g["is_deleted"] != true || g["update_time"] != "2026-11-23T10:05:00Z" {
		t.Fatalf("deleted deal: %v", g)
	}
	if l := e.do("GET", "/api/v2/deals", nil); len(items(t, l)) != 0 {
		t.Fatalf("deleted deal listed: %s", l.raw)
	}
	if l := e.do("GET", "/api/v2/deals?status=deleted", nil); len(items(t, l)) != 1 {
		t.Fatalf("status=deleted: %s", l.raw)
	}
	assertGone(t, e, "/api/v2/deals", id, map[string]any{"title": "x"}, "Deal not found")
	if dl, ok := e.sim.GetDeal(id); !ok || !dl.Deleted || dl.Status != "open" || dl.StageID != 3 || e.sim.CountDeals() != 0 || len(e.sim.Deals()) != 1 {
		t.Fatalf("Go API: %+v, %d live", dl, e.sim.CountDeals())
	}
}

func TestDealValidationErrors(t *testing.T) {
	e := newEnv(t, Options{})
	gone, _ := e.sim.CreatePerson(map[string]any{"name": "Gone"})
	if err := e.sim.DeletePerson(gone.ID); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, want string
		body       map[string]any
	}{
		{"no title", "title", map[string]any{"value": 10}},
		{"blank title", "title", map[string]any{"title": " "}},
		{"unknown stage", "stage_id: stage 99 not found", map[string]any{"title": "A", "stage_id": 99}},
		{"string stage", "stage_id must be an integer", map[string]any{"title": "A", "stage_id": "2"}},
		{"unknown pipeline", "pipeline_id: pipeline 9 not found", map[string]any{"title": "A", "pipeline_id": 9}},
		{"deleted person", fmt.Sprintf("person_id: person %d not found", gone.ID), map[string]any{"title": "A", "person_id": gone.ID}},
		{"unknown org", "org_id: organization 4 not found", map[string]any{"title": "A", "org_id": 4}},
		{"string value", "value must be a number", map[string]any{"title": "A", "value": "100"}},
		{"lowercase currency", "currency", map[string]any{"title": "A", "currency": "eur"}},
		{"long currency", "currency", map[string]any{"title": "A", "currency": "EURO"}},
		{"deleted status", "status must be one of open, won, lost", map[string]any{"title": "A", "status": "deleted"}},
		{"bad close date", "expected_close_date must be a date in YYYY-MM-DD format", map[string]any{"title": "A", "expected_close_date": "31.12.2026"}},
		{"probability over 100", "probability", map[string]any{"title": "A", "probability": 101}},
		{"won_time while open", "won_time can only be set if deal status is won", map[string]any{"title": "A", "won_time": "2026-01-01T00:00:00Z"}},
		{"close_time while open", "close_time", map[string]any{"title": "A", "close_time": "2026-01-01T00:00:00Z"}},
		{"lost_reason while won", "lost_reason", map[string]any{"title": "A", "status": "won", "lost_reason": "x"}},
		{"bad won_time", "won_time must be in RFC 3339", map[string]any{"title": "A", "status": "won", "won_time": "2026-01-01"}},
		{"add_time", "unknown property \"add_time\"", map[string]any{"title": "A", "add_time": "2026-01-01T00:00:00Z"}},
		{"person label", "label_ids: label 1 not found", map[string]any{"title": "A", "label_ids": []int{LabelCustomer}}},
		{"bad option", "option 999", map[string]any{"title": "A", "custom_fields": map[string]any{DealFieldPriority: 999}}},
		{"unknown owner", "owner_id", map[string]any{"title": "A", "owner_id": 5}},
		{"bad visible_to", "visible_to", map[string]any{"title": "A", "visible_to": 2}},
		{"v1 user_id", "unknown property \"user_id\"", map[string]any{"title": "A", "user_id": 1}},
		{"bad archive_time", "archive_time", map[string]any{"title": "A", "is_archived": true, "archive_time": "2026-01-01T00:00:00Z"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertError(t, e.do("POST", "/api/v2/deals", c.body), 400, c.want)
		})
	}
	if e.sim.CountDeals() != 0 {
		t.Fatalf("a refused create stored a deal")
	}
	d, err := e.sim.CreateDeal(map[string]any{"title": "Keep", "value": 5})
	if err != nil {
		t.Fatal(err)
	}
	assertError(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", d.ID), map[string]any{"title": "Changed", "stage_id": 42}), 400, "stage_id")
	assertError(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", d.ID), map[string]any{"title": ""}), 400, "title")
	assertError(t, e.do("GET", "/api/v2/deals/abc", nil), 400, "id")
	assertError(t, e.do("GET", "/v1/deals", nil), 410, "out of support")
	if got, _ := e.sim.GetDeal(d.ID); got.Title != "Keep" || got.Value != 5 || !got.UpdateTime.Equal(d.UpdateTime) {
		t.Fatalf("deal changed by a refused patch: %+v", got)
	}
}

func TestDealStagesAndPipelines(t *testing.T) {
	e := newEnv(t, Options{})
	post := func(body map[string]any) map[string]any {
		t.Helper()
		return data(t, e.do("POST", "/api/v2/deals", body))
	}
	placed := func(d map[string]any) [2]int64 { return [2]int64{num(d["pipeline_id"]), num(d["stage_id"])} }
	if got := placed(post(map[string]any{"title": "Default"})); got != [2]int64{1, 1} {
		t.Fatalf("default placement: %v", got)
	}
	if got := placed(post(map[string]any{"title": "By pipeline", "pipeline_id": 1})); got != [2]int64{1, 1} {
		t.Fatalf("pipeline_id alone: %v", got)
	}
	d := post(map[string]any{"title": "By stage", "stage_id": 4, "pipeline_id": 1})
	if got := placed(d); got != [2]int64{1, 4} {
		t.Fatalf("stage_id: %v", got)
	}
	// pipeline_id naming the deal's own pipeline keeps its stage.
	if got := placed(data(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", num(d["id"])), map[string]any{"pipeline_id": 1}))); got != [2]int64{1, 4} {
		t.Fatalf("same pipeline: %v", got)
	}

	ps := items(t, e.do("GET", "/api/v2/pipelines", nil))
	p := ps[0].(map[string]any)
	if len(ps) != 1 || num(p["id"]) != 1 || p["name"] != "Sales pipeline" || num(p["order_nr"]) != 1 || p["is_deleted"] != false ||
		p["is_deal_probability_enabled"] != false || p["add_time"] != "2026-11-23T10:00:00Z" {
		t.Fatalf("pipelines: %v", ps)
	}
	if one := data(t, e.do("GET", "/api/v2/pipelines/1", nil)); one["name"] != "Sales pipeline" {
		t.Fatalf("pipeline 1: %v", one)
	}
	assertError(t, e.do("GET", "/api/v2/pipelines/2", nil), 404, "Pipeline not found")

	want := []string{"Qualified", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started"}
	stages := items(t, e.do("GET", "/api/v2/stages?pipeline_id=1", nil))
	if len(stages) != 5 {
		t.Fatalf("stages: %v", stages)
	}
	for i, it := range stages {
		st := it.(map[string]any)
		if num(st["id"]) != int64(i+1) || st["name"] != want[i] || num(st["order_nr"]) != int64(i+1) || num(st["pipeline_id"]) != 1 ||
			st["is_deleted"] != false || st["is_deal_rot_enabled"] != false || st["days_to_rotten"] != nil || st["update_time"] == nil {
			t.Fatalf("stage %d: %v", i, st)
		}
	}
	if other := items(t, e.do("GET", "/api/v2/stages?pipeline_id=2", nil)); len(other) != 0 {
		t.Fatalf("stages of pipeline 2: %v", other)
	}
	desc := e.do("GET", "/api/v2/stages?sort_by=order_nr&sort_direction=desc&limit=2", nil)
	if ids := dealIDs(t, desc); len(ids) != 2 || ids[0] != 5 || ids[1] != 4 {
		t.Fatalf("order_nr desc: %v", ids)
	}
	next, ok := nextCursor(t, desc)
	if !ok {
		t.Fatalf("stages page 1 has no next_cursor: %s", desc.raw)
	}
	if ids := dealIDs(t, e.do("GET", "/api/v2/stages?sort_by=order_nr&sort_direction=desc&limit=2&cursor="+next, nil)); len(ids) != 2 || ids[0] != 3 {
		t.Fatalf("stages page 2: %v", ids)
	}
	if st := data(t, e.do("GET", "/api/v2/stages/3", nil)); st["name"] != "Demo Scheduled" {
		t.Fatalf("stage 3: %v", st)
	}
	assertError(t, e.do("GET", "/api/v2/stages/6", nil), 404, "Stage not found")
	assertError(t, e.do("GET", "/api/v2/stages?sort_by=name", nil), 400, "sort_by")
	assertError(t, e.do("GET", "/api/v2/stages?pipeline_id=x", nil), 400, "pipeline_id")
	if st := e.sim.Stages(); len(st) != 5 || st[4] != (Stage{ID: 5, PipelineID: 1, Name: "Negotiations Started", OrderNr: 5, DealProbability: 100}) {
		t.Fatalf("Go Stages: %+v", st)
	}
}

func TestDealFieldsMetadata(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("GET", "/api/v2/dealFields?include_fields=ui_visibility,required_fields", nil)
	if r.status != 200 {
		t.Fatalf("dealFields: %d %s", r.status, r.raw)
	}
	byCode := map[string]map[string]any{}
	custom := 0
	for _, f := range items(t, r) {
		m := f.(map[string]any)
		byCode[m["field_code"].(string)] = m
		if _, ok := m["description"]; !ok {
			t.Fatalf("deal field without description: %v", m)
		}
		if m["is_custom_field"] == true {
			custom++
		}
	}
	title, stage, value, labels := byCode["title"], byCode["stage_id"], byCode["value"], byCode["label_ids"]
	req := title["required_fields"].(map[string]any)
	ui := title["ui_visibility"].(map[string]any)
	if custom != 4 || title["field_type"] != "varchar" || req["enabled"] != true || req["stage_ids"] == nil || req["statuses"] == nil ||
		ui["show_in_pipelines"].(map[string]any)["show_in_all"] != true || ui["show_in_add_deal_dialog"] != nil {
		t.Fatalf("title field: %v", title)
	}
	if stage["field_type"] != "stage" || stage["options"] != nil || byCode["status"]["field_type"] != "status" ||
		byCode["person_id"]["field_type"] != "people" || byCode["org_id"]["field_type"] != "org" ||
		value["field_type"] != "monetary" || len(value["subfields"].([]any)) != 2 || len(labels["options"].([]any)) != 3 ||
		byCode["expected_close_date"]["field_type"] != "date" || byCode["first_won_time"]["is_optional_response_field"] != true {
		t.Fatalf("system fields: stage %v value %v labels %v", stage, value, labels)
	}
	if p := byCode[DealFieldPriority]; p["field_type"] != "enum" || len(p["options"].([]any)) != 3 {
		t.Fatalf("priority: %v", p)
	}
	if one := data(t, e.do("GET", "/api/v2/dealFields/"+DealFieldRenewal, nil)); one["field_type"] != "date" || one["is_custom_field"] != true {
		t.Fatalf("one deal field: %v", one)
	}
	assertError(t, e.do("GET", "/api/v2/dealFields/nope", nil), 404, "not found")
	page := e.do("GET", "/api/v2/dealFields?limit=5", nil)
	if _, ok := nextCursor(t, page); !ok || len(items(t, page)) != 5 {
		t.Fatalf("dealFields paging: %s", page.raw)
	}
	if pf := items(t, e.do("GET", "/api/v2/personFields?limit=1", nil))[0].(map[string]any); pf["description"] != nil {
		t.Fatalf("personFields gained a description: %v", pf)
	}
}

// costCall is one API call and the tokens it should cost.
type costCall struct {
	method, path string
	body         any
	cost         int
}

// assertCosts makes each call, which must succeed, and checks the tokens it spent.
func assertCosts(t *testing.T, e *env, calls []costCall) {
	t.Helper()
	for _, c := range calls {
		before, _ := e.sim.TokenUsage()
		if r := e.do(c.method, c.path, c.body); r.status != 200 {
			t.Fatalf("%s %s: %d %s", c.method, c.path, r.status, r.raw)
		}
		if after, _ := e.sim.TokenUsage(); after-before != c.cost {
			t.Errorf("%s %s cost %d tokens, want %d", c.method, c.path, after-before, c.cost)
		}
	}
}

func TestDealTokenCosts(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Plan: PlanUltimate})
	id := num(data(t, e.do("POST", "/api/v2/deals", map[string]any{"title": "Costly"}))["id"])
	// x-token-cost of each operation in the v2 spec.
	calls := []costCall{
		{"GET", "/api/v2/deals", nil, 10},
		{"GET", "/api/v2/deals/archived", nil, 20},
		{"GET", fmt.Sprintf("/api/v2/deals/%d", id), nil, 1},
		{"POST", "/api/v2/deals", map[string]any{"title": "More"}, 5},
		{"PATCH", fmt.Sprintf("/api/v2/deals/%d", id), map[string]any{"value": 3}, 5},
		{"DELETE", fmt.Sprintf("/api/v2/deals/%d", id), nil, 3},
		{"GET", "/api/v2/pipelines", nil, 5},
		{"GET", "/api/v2/pipelines/1", nil, 1},
		{"GET", "/api/v2/stages", nil, 5},
		{"GET", "/api/v2/stages/1", nil, 1},
		{"GET", "/api/v2/dealFields", nil, 10},
		{"GET", "/api/v2/dealFields/title", nil, 1},
	}
	assertCosts(t, e, calls)
	if st := e.sim.Stats(); st["GET /api/v2/deals/{id}"] != 1 || st["GET /api/v2/deals/archived"] != 1 || st["POST /api/v2/deals"] != 2 {
		t.Fatalf("stats: %v", st)
	}
}

func TestDeletingPersonOrOrgKeepsDeals(t *testing.T) {
	e := newEnv(t, Options{})
	o, _ := e.sim.CreateOrganization(map[string]any{"name": "Vandelay Industries"})
	p, _ := e.sim.CreatePerson(map[string]any{"name": "Art Vandelay", "org_id": o.ID})
	d, err := e.sim.CreateDeal(map[string]any{"title": "Latex", "person_id": p.ID, "org_id": o.ID})
	if err != nil {
		t.Fatal(err)
	}
	e.clk.add(time.Minute)
	if err := e.sim.DeletePerson(p.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.DeleteOrganization(o.ID); err != nil {
		t.Fatal(err)
	}
	l := items(t, e.do("GET", fmt.Sprintf("/api/v2/deals?person_id=%d", p.ID), nil))
	if len(l) != 1 {
		t.Fatalf("deal of a deleted person not listed: %v", l)
	}
	got := l[0].(map[string]any)
	if got["is_deleted"] != false || num(got["org_id"]) != o.ID || got["update_time"] != fmtTime(d.UpdateTime) {
		t.Fatalf("deal after its person and organization were deleted: %v", got)
	}
	assertError(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", d.ID), map[string]any{"person_id": p.ID}), 400, "person_id")
	if u, err := e.sim.UpdateDeal(d.ID, map[string]any{"value": 99}); err != nil || u.PersonID != p.ID || u.Value != 99 {
		t.Fatalf("other edits keep the link: %+v %v", u, err)
	}
}

func TestDealArchive(t *testing.T) {
	e := newEnv(t, Options{})
	d, _ := e.sim.CreateDeal(map[string]any{"title": "Shelved"})
	e.clk.add(time.Minute)
	a := data(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", d.ID), map[string]any{"is_archived": true}))
	if a["is_archived"] != true || a["archive_time"] != "2026-11-23T10:01:00Z" {
		t.Fatalf("archived: %v", a)
	}
	if l := items(t, e.do("GET", "/api/v2/deals", nil)); len(l) != 0 {
		t.Fatalf("archived deal in GET /deals: %v", l)
	}
	if l := items(t, e.do("GET", "/api/v2/deals/archived", nil)); len(l) != 1 {
		t.Fatalf("GET /deals/archived: %v", l)
	}
	assertError(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", d.ID), map[string]any{"title": "Edited"}), 400, "Archived")
	u := data(t, e.do("PATCH", fmt.Sprintf("/api/v2/deals/%d", d.ID), map[string]any{"is_archived": false, "title": "Back"}))
	if u["is_archived"] != false || u["archive_time"] != nil || u["title"] != "Back" {
		t.Fatalf("unarchived: %v", u)
	}
	b := data(t, e.do("POST", "/api/v2/deals", map[string]any{"title": "Born archived", "is_archived": true, "archive_time": "2026-01-02 03:04:05"}))
	if b["archive_time"] != "2026-01-02T03:04:05Z" {
		t.Fatalf("archive_time: %v", b)
	}
}

func TestSeedDealsGoAPI(t *testing.T) {
	e := newEnv(t, Options{Currency: "EUR", Plan: PlanLite})
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ids, err := e.sim.SeedDeals([]DealSeed{
		{Title: "Won one", Value: 10, Status: "won", StageID: 5, ExpectedCloseDate: "2026-03-31", AddTime: at.Add(-time.Hour), UpdateTime: at,
			CustomFields: map[string]any{DealFieldRival: "Globex"}},
		{Title: "Open one", Currency: "GBP"},
	})
	if err != nil {
		t.Fatal(err)
	}
	won, _ := e.sim.GetDeal(ids[0])
	open, _ := e.sim.GetDeal(ids[1])
	if won.Status != "won" || !won.WonTime.Equal(at) || !won.CloseTime.Equal(at) || won.StageID != 5 || won.PipelineID != 1 ||
		won.Currency != "EUR" || won.ExpectedCloseDate != "2026-03-31" || won.CustomFields[DealFieldRival] != "Globex" ||
		open.Currency != "GBP" || open.StageID != 1 || open.Status != "open" || !open.CloseTime.IsZero() {
		t.Fatalf("seeded: %+v %+v", won, open)
	}
	g := data(t, e.do("GET", fmt.Sprintf("/api/v2/deals/%d", ids[0]), nil))
	if g["origin"] != "ManuallyCreated" || g["won_time"] != "2026-03-01T12:00:00Z" {
		t.Fatalf("seeded deal on the wire: %v", g)
	}
	if _, ok := g["arr"]; ok {
		t.Fatalf("arr on a Lite plan: %v", g)
	}
	for _, bad := range []struct {
		row  DealSeed
		want string
	}{
		{DealSeed{}, "title is required"},
		{DealSeed{Title: "X", StageID: 9}, "stage 9 not found"},
		{DealSeed{Title: "X", PersonID: 404}, "person 404 not found"},
		{DealSeed{Title: "X", Status: "deleted"}, "status"},
		{DealSeed{Title: "X", ExpectedCloseDate: "soon"}, "YYYY-MM-DD"},
		{DealSeed{Title: "X", OwnerID: 1}, "owner 1 is not a user"},
	} {
		if _, err := e.sim.SeedDeals([]DealSeed{bad.row}); err == nil || !strings.Contains(err.Error(), bad.want) ||
			!strings.Contains(err.Error(), "seed deals: row 0") {
			t.Errorf("seed %+v: %v, want %q", bad.row, err, bad.want)
		}
	}
	if _, err := e.sim.UpdateDeal(ids[1], map[string]any{"stage_id": 2}); err != nil {
		t.Fatal(err)
	}
	if d, _ := e.sim.GetDeal(ids[1]); d.StageID != 2 || d.StageChangeTime.IsZero() {
		t.Fatalf("UpdateDeal: %+v", d)
	}
	if _, err := e.sim.UpdateDeal(999, map[string]any{"title": "x"}); err == nil || !strings.Contains(err.Error(), "Deal not found") {
		t.Fatalf("update unknown deal: %v", err)
	}
}

// activityKeys are the properties of the v2 ActivityItem (getActivity) without
// attendees, which come with include_fields=attendees.
var activityKeys = []string{"id", "subject", "type", "owner_id", "creator_user_id", "is_deleted", "add_time",
	"update_time", "deal_id", "lead_id", "person_id", "org_id", "project_id", "due_date", "due_time", "duration",
	"busy", "done", "marked_as_done_time", "location", "participants", "conference_meeting_client",
	"conference_meeting_url", "conference_meeting_id", "public_description", "priority", "note"}

func TestActivitiesListPagingAndFilters(t *testing.T) {
	e := newEnv(t, Options{OtherUserIDs: []int64{77}})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	oids, _ := e.sim.SeedOrganizations([]OrganizationSeed{{Name: "Acme"}})
	pids := seedPeople(t, e.sim, 2, base)
	dids := seedDealRows(t, e.sim, []DealSeed{{Title: "Big one"}})
	rows := make([]ActivitySeed, 250)
	for i := range rows {
		rows[i] = ActivitySeed{Subject: fmt.Sprintf("Activity %d", i), AddTime: base.Add(-time.Hour),
			UpdateTime: base.Add(time.Duration(i) * time.Minute)}
		if i%2 == 0 { // every other one has a due date, one a day
			rows[i].DueDate = base.AddDate(0, 0, i/2).Format(time.DateOnly)
		}
	}
	rows[3].Type, rows[3].PersonID, rows[3].DealID, rows[3].Done = "meeting", pids[1], dids[0], true
	rows[4].OrgID, rows[4].OwnerID, rows[4].PersonID = oids[0], 77, pids[0]
	ids, err := e.sim.SeedActivities(rows)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.DeleteActivity(ids[0]); err != nil {
		t.Fatal(err)
	}
	assertDefaultPaging(t, e, "/api/v2/activities", ids)

	// Incremental read: updated_since is inclusive, updated_until exclusive.
	since := base.Add(200 * time.Minute).Format(time.RFC3339)
	r := e.do("GET", "/api/v2/activities?sort_by=update_time&limit=500&updated_since="+url.QueryEscape(since), nil)
	if got := items(t, r); len(got) != 50 || got[0].(map[string]any)["update_time"] != since {
		t.Fatalf("updated_since: %d items: %s", len(got), r.raw)
	}
	r = e.do("GET", "/api/v2/activities?sort_by=update_time&sort_direction=desc&limit=3&updated_until="+url.QueryEscape(since), nil)
	if got := dealIDs(t, r); len(got) != 3 || got[0] != ids[199] {
		t.Fatalf("desc updated_until: %v", got)
	}

	// sort_by=due_date pages through undated activities first, then by date, then id.
	byDue, _ := listAll(t, e, "/api/v2/activities", url.Values{"sort_by": {"due_date"}, "limit": {"40"}})
	if len(byDue) != 249 || byDue[0] != ids[1] || byDue[124] != ids[249] || byDue[125] != ids[2] || byDue[248] != ids[248] {
		t.Fatalf("due_date order: %d items, [0]=%d [124]=%d [125]=%d [248]=%d", len(byDue), byDue[0], byDue[124], byDue[125], byDue[248])
	}
	desc := dealIDs(t, e.do("GET", "/api/v2/activities?sort_by=due_date&sort_direction=desc&limit=2", nil))
	if len(desc) != 2 || desc[0] != ids[248] || desc[1] != ids[246] {
		t.Fatalf("due_date desc: %v", desc)
	}

	count := func(query string) int {
		t.Helper()
		return len(items(t, e.do("GET", "/api/v2/activities?limit=500&"+query, nil)))
	}
	for query, want := range map[string]int{
		fmt.Sprintf("person_id=%d", pids[1]): 1, fmt.Sprintf("person_id=%d", pids[0]): 1,
		fmt.Sprintf("deal_id=%d", dids[0]): 1, fmt.Sprintf("org_id=%d", oids[0]): 1, "owner_id=77": 1,
		fmt.Sprintf("owner_id=%d", e.sim.UserID()): 248, "done=true": 1, "done=false": 248, "lead_id=abc-def": 0,
		fmt.Sprintf("ids=%d,%d,%d", ids[0], ids[3], ids[4]): 2, fmt.Sprintf("done=true&deal_id=%d", dids[0]): 1,
	} {
		if n := count(query); n != want {
			t.Errorf("%s: %d activities, want %d", query, n, want)
		}
	}
	for query, field := range map[string]string{"done=1": "done", "sort_by=subject": "sort_by", "limit=501": "limit",
		"deal_id=x": "deal_id", "person_id=x": "person_id", "include_fields=emails": "include_fields",
		"updated_since=yesterday": "updated_since", "cursor=bogus": "cursor"} {
		assertError(t, e.do("GET", "/api/v2/activities?"+query, nil), 400, strings.Split(field, "_")[0])
	}
	dealCursor, _ := nextCursor(t, e.do("GET", "/api/v2/activities?sort_by=due_date&limit=1", nil))
	assertError(t, e.do("GET", "/api/v2/activities?sort_by=add_time&cursor="+dealCursor, nil), 400, "Invalid cursor")
}

func TestActivityRoundTrip(t *testing.T) {
	e := newEnv(t, Options{})
	org := data(t, e.do("POST", "/api/v2/organizations", map[string]any{"name": "Initech"}))
	peter := data(t, e.do("POST", "/api/v2/persons", map[string]any{"name": "Peter Gibbons", "org_id": org["id"]}))
	milton := data(t, e.do("POST", "/api/v2/persons", map[string]any{"name": "Milton Waddams"}))
	deal := data(t, e.do("POST", "/api/v2/deals", map[string]any{"title": "TPS reports"}))
	created := e.do("POST", "/api/v2/activities", map[string]any{"subject": "  Kick-off call  ", "type": "call",
		"deal_id": deal["id"], "org_id": org["id"], "due_date": "2026-12-01", "due_time": "09:30", "duration": "00:45",
		"busy": true, "note": "<p>Bring the stapler</p>", "public_description": "Agenda", "priority": ActivityPriorityHigh,
		"location":     map[string]any{"value": "Initech, Austin", "locality": "Austin"},
		"participants": []map[string]any{{"person_id": milton["id"], "primary": false}, {"person_id": peter["id"], "primary": true}},
		"attendees":    []map[string]any{{"email": "bill@initech.com", "name": "Bill", "is_organizer": true}}})
	a := itemWithKeys(t, created, activityKeys)
	id := num(a["id"])
	loc, _ := a["location"].(map[string]any)
	parts, _ := a["participants"].([]any)
	if a["subject"] != "Kick-off call" || a["type"] != "call" || num(a["owner_id"]) != e.sim.UserID() ||
		num(a["creator_user_id"]) != e.sim.UserID() || a["is_deleted"] != false || num(a["deal_id"]) != num(deal["id"]) ||
		num(a["org_id"]) != num(org["id"]) || num(a["person_id"]) != num(peter["id"]) || a["lead_id"] != nil ||
		a["project_id"] != nil || a["due_date"] != "2026-12-01" || a["due_time"] != "09:30" || a["duration"] != "00:45" ||
		a["busy"] != true || a["done"] != false || a["marked_as_done_time"] != nil || a["note"] != "<p>Bring the stapler</p>" ||
		a["public_description"] != "Agenda" || num(a["priority"]) != ActivityPriorityHigh || a["conference_meeting_url"] != nil ||
		a["add_time"] != "2026-11-23T10:00:00Z" || a["update_time"] != "2026-11-23T10:00:00Z" ||
		loc["value"] != "Initech, Austin" || loc["locality"] != "Austin" || loc["country"] != nil || len(loc) != len(addressOutKeys) {
		t.Fatalf("created activity: %s", created.raw)
	}
	if len(parts) != 2 || num(parts[0].(map[string]any)["person_id"]) != num(milton["id"]) || parts[0].(map[string]any)["primary"] != false ||
		parts[1].(map[string]any)["primary"] != true {
		t.Fatalf("participants: %v", parts)
	}

	// done stamps marked_as_done_time; undoing clears it; every write moves update_time.
	path := fmt.Sprintf("/api/v2/activities/%d", id)
	e.clk.add(time.Minute)
	p := data(t, e.do("PATCH", path, map[string]any{"done": true}))
	if p["done"] != true || p["marked_as_done_time"] != "2026-11-23T10:01:00Z" || p["update_time"] != "2026-11-23T10:01:00Z" ||
		p["subject"] != "Kick-off call" || num(p["person_id"]) != num(peter["id"]) {
		t.Fatalf("done: %v", p)
	}
	e.clk.add(time.Minute)
	p = data(t, e.do("PATCH", path, map[string]any{"note": "moved", "due_time": "14:00:00"}))
	if p["marked_as_done_time"] != "2026-11-23T10:01:00Z" || p["due_time"] != "14:00" || p["update_time"] != "2026-11-23T10:02:00Z" {
		t.Fatalf("done again keeps its time: %v", p)
	}
	e.clk.add(time.Minute)
	p = data(t, e.do("PATCH", path, map[string]any{"done": false, "type": "meeting", "participants": []map[string]any{{"person_id": milton["id"]}},
		"location": nil, "priority": nil, "due_date": nil}))
	if p["done"] != false || p["marked_as_done_time"] != nil || p["type"] != "meeting" || num(p["person_id"]) != num(milton["id"]) ||
		p["location"] != nil || p["priority"] != nil || p["due_date"] != nil || p["update_time"] != "2026-11-23T10:03:00Z" {
		t.Fatalf("undone: %v", p)
	}
	p = data(t, e.do("PATCH", path, map[string]any{"participants": []any{}}))
	if p["person_id"] != nil || len(p["participants"].([]any)) != 0 {
		t.Fatalf("participants cleared: %v", p)
	}

	got := e.do("GET", path+"?include_fields=attendees", nil)
	g := data(t, got)
	att, _ := g["attendees"].([]any)
	if len(att) != 1 || att[0].(map[string]any)["email"] != "bill@initech.com" || att[0].(map[string]any)["is_organizer"] != true ||
		att[0].(map[string]any)["person_id"] != nil || g["note"] != "moved" || g["type"] != "meeting" {
		t.Fatalf("get with attendees: %s", got.raw)
	}
	if plain := data(t, e.do("GET", path, nil)); len(plain) != len(activityKeys) {
		t.Fatalf("attendees without include_fields: %v", plain)
	}

	// A missing subject becomes the type's name; a missing type is call.
	if d := data(t, e.do("POST", "/api/v2/activities", map[string]any{"due_date": "2026-12-02"})); d["subject"] != "Call" || d["type"] != "call" {
		t.Fatalf("defaults: %v", d)
	}
	if d := data(t, e.do("POST", "/api/v2/activities", map[string]any{"type": "lunch", "done": true})); d["subject"] != "Lunch" ||
		d["marked_as_done_time"] != "2026-11-23T10:03:00Z" {
		t.Fatalf("created done: %v", d)
	}

	e.clk.add(time.Minute)
	if del := e.do("DELETE", path, nil); del.status != 200 || num(data(t, del)["id"]) != id {
		t.Fatalf("delete: %s", del.raw)
	}
	if g := data(t, e.do("GET", path, nil)); g["is_deleted"] != true || g["update_time"] != "2026-11-23T10:04:00Z" {
		t.Fatalf("deleted activity: %v", g)
	}
	if l := dealIDs(t, e.do("GET", "/api/v2/activities", nil)); len(l) != 2 || l[0] == id {
		t.Fatalf("deleted activity listed: %v", l)
	}
	assertGone(t, e, "/api/v2/activities", id, map[string]any{"subject": "x"}, "Activity not found")
	assertError(t, e.do("GET", "/v1/activities", nil), 410, "out of support")
	if ga, ok := e.sim.GetActivity(id); !ok || !ga.Deleted || ga.Type != "meeting" || ga.Note != "moved" || ga.DueTime != "14:00" ||
		ga.PersonID != 0 || e.sim.CountActivities() != 2 || len(e.sim.Activities()) != 3 {
		t.Fatalf("Go API: %+v, %d live", ga, e.sim.CountActivities())
	}
}

func TestActivityValidationErrors(t *testing.T) {
	e := newEnv(t, Options{})
	gone, _ := e.sim.CreatePerson(map[string]any{"name": "Gone"})
	if err := e.sim.DeletePerson(gone.ID); err != nil {
		t.Fatal(err)
	}
	kept, _ := e.sim.CreatePerson(map[string]any{"name": "Kept"})
	other, _ := e.sim.CreatePerson(map[string]any{"name": "Other"})
	cases := []struct {
		name, want string
		body       map[string]any
	}{
		{"blank subject", "subject", map[string]any{"subject": "  "}},
		{"number subject", "subject must be a string", map[string]any{"subject": 5}},
		{"unknown type", `type: activity type "webinar" not found`, map[string]any{"subject": "A", "type": "webinar"}},
		{"type by name", `type: activity type "Call" not found`, map[string]any{"subject": "A", "type": "Call"}},
		{"person_id", "'person_id' is a read-only field", map[string]any{"subject": "A", "person_id": kept.ID}},
		{"deleted participant", fmt.Sprintf("participants[0].person_id: person %d not found", gone.ID),
			map[string]any{"subject": "A", "participants": []map[string]any{{"person_id": gone.ID, "primary": true}}}},
		{"participant without person", "participants[0].person_id is required", map[string]any{"subject": "A", "participants": []map[string]any{{"primary": true}}}},
		{"v1 primary_flag", "participants must be an array", map[string]any{"subject": "A", "participants": []map[string]any{{"person_id": kept.ID, "primary_flag": true}}}},
		{"two primaries", "participants: only one participant can be primary", map[string]any{"subject": "A",
			"participants": []map[string]any{{"person_id": kept.ID, "primary": true}, {"person_id": other.ID, "primary": true}}}},
		{"participant twice", fmt.Sprintf("participants: person %d is listed twice", kept.ID), map[string]any{"subject": "A",
			"participants": []map[string]any{{"person_id": kept.ID}, {"person_id": kept.ID}}}},
		{"unknown deal", "deal_id: deal 9 not found", map[string]any{"subject": "A", "deal_id": 9}},
		{"unknown org", "org_id: organization 4 not found", map[string]any{"subject": "A", "org_id": 4}},
		{"string org", "org_id must be an integer", map[string]any{"subject": "A", "org_id": "4"}},
		{"lead", "lead_id: lead abc not found", map[string]any{"subject": "A", "lead_id": "abc"}},
		{"project", "project_id: project 3 not found", map[string]any{"subject": "A", "project_id": 3}},
		{"bad due_date", "due_date must be a date in YYYY-MM-DD format", map[string]any{"subject": "A", "due_date": "01.12.2026"}},
		{"bad due_time", "due_time must be a time in HH:MM format", map[string]any{"subject": "A", "due_time": "9am"}},
		{"hour 24", "due_time must be a time in HH:MM format", map[string]any{"subject": "A", "due_time": "24:00"}},
		{"bad duration", "duration must be a time in HH:MM format", map[string]any{"subject": "A", "duration": "90"}},
		{"done as 1", "done must be a boolean", map[string]any{"subject": "A", "done": 1}},
		{"busy as string", "busy must be a boolean", map[string]any{"subject": "A", "busy": "true"}},
		{"location string", "location must be an object", map[string]any{"subject": "A", "location": "Austin"}},
		{"location without value", "location.value is required", map[string]any{"subject": "A", "location": map[string]any{"locality": "Austin"}}},
		{"bad priority", "priority: option 7 does not exist", map[string]any{"subject": "A", "priority": 7}},
		{"attendee without email", "attendees[0].email is required", map[string]any{"subject": "A", "attendees": []map[string]any{{"name": "X"}}}},
		{"attendee user", "attendees[0].user_id: user 5 not found", map[string]any{"subject": "A", "attendees": []map[string]any{{"email": "x@y.z", "user_id": 5}}}},
		{"unknown owner", "owner_id: user 5 not found", map[string]any{"subject": "A", "owner_id": 5}},
		{"v1 user_id", `unknown property "user_id"`, map[string]any{"subject": "A", "user_id": 1}},
		{"v1 busy_flag", `unknown property "busy_flag"`, map[string]any{"subject": "A", "busy_flag": true}},
		{"read-only done time", `unknown property "marked_as_done_time"`, map[string]any{"subject": "A", "marked_as_done_time": "2026-01-01T00:00:00Z"}},
		{"add_time", `unknown property "add_time"`, map[string]any{"subject": "A", "add_time": "2026-01-01T00:00:00Z"}},
		{"custom_fields", `unknown property "custom_fields"`, map[string]any{"subject": "A", "custom_fields": map[string]any{}}},
		{"visible_to", `unknown property "visible_to"`, map[string]any{"subject": "A", "visible_to": 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertError(t, e.do("POST", "/api/v2/activities", c.body), 400, c.want)
		})
	}
	if e.sim.CountActivities() != 0 {
		t.Fatalf("a refused create stored an activity")
	}
	a, err := e.sim.CreateActivity(map[string]any{"subject": "Keep", "due_date": "2026-12-24"})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v2/activities/%d", a.ID)
	assertError(t, e.do("PATCH", path, map[string]any{"subject": "Changed", "deal_id": 42}), 400, "deal_id")
	assertError(t, e.do("PATCH", path, map[string]any{"subject": ""}), 400, "subject")
	assertError(t, e.do("PATCH", path, map[string]any{"person_id": kept.ID}), 400, "person_id")
	assertError(t, e.do("PATCH", path, map[string]any{"creator_user_id": 1}), 400, "creator_user_id")
	assertError(t, e.do("GET", "/api/v2/activities/abc", nil), 400, "id")
	assertError(t, e.do("GET", path+"?include_fields=participants_count", nil), 400, "include_fields")
	if got, _ := e.sim.GetActivity(a.ID); got.Subject != "Keep" || got.DueDate != "2026-12-24" || !got.UpdateTime.Equal(a.UpdateTime) {
		t.Fatalf("activity changed by a refused patch: %+v", got)
	}
}

func TestActivityTypesFieldsAndTokenCosts(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Plan: PlanUltimate})
	id := num(data(t, e.do("POST", "/api/v2/activities", map[string]any{"subject": "Costly"}))["id"])
	// x-token-cost of each operation in the v2 spec (activityTypes: the v1 spec).
	calls := []costCall{
		{"GET", "/api/v2/activities", nil, 10},
		{"GET", fmt.Sprintf("/api/v2/activities/%d", id), nil, 1},
		{"POST", "/api/v2/activities", map[string]any{"subject": "More"}, 5},
		{"PATCH", fmt.Sprintf("/api/v2/activities/%d", id), map[string]any{"done": true}, 5},
		{"DELETE", fmt.Sprintf("/api/v2/activities/%d", id), nil, 3},
		{"GET", "/api/v2/activityFields", nil, 10},
		{"GET", "/api/v2/activityFields/subject", nil, 1},
		{"GET", "/v1/activityTypes", nil, 20},
		{"GET", "/api/v1/activityTypes", nil, 20},
	}
	assertCosts(t, e, calls)
	if st := e.sim.Stats(); st["GET /api/v2/activities/{id}"] != 1 || st["POST /api/v2/activities"] != 2 || st["GET /v1/activityTypes"] != 1 {
		t.Fatalf("stats: %v", st)
	}

	// The types list names every allowed type, and each key creates an activity.
	types := items(t, e.do("GET", "/v1/activityTypes", nil))
	var keys []string
	for i, it := range types {
		ty := it.(map[string]any)
		keys = append(keys, ty["key_string"].(string))
		if num(ty["order_nr"]) != int64(i+1) || ty["active_flag"] != true || ty["is_custom_flag"] != false ||
			ty["icon_key"] != ty["key_string"] || ty["add_time"] != "2026-11-23 10:00:00" || ty["name"] == "" {
			t.Fatalf("activity type %d: %v", i, ty)
		}
		if r := e.do("POST", "/api/v2/activities", map[string]any{"type": ty["key_string"]}); r.status != 200 || data(t, r)["subject"] != ty["name"] {
			t.Fatalf("create a %v: %s", ty["key_string"], r.raw)
		}
	}
	if strings.Join(keys, ",") != "call,meeting,task,deadline,email,lunch" {
		t.Fatalf("activity types: %v", keys)
	}

	r := e.do("GET", "/api/v2/activityFields?include_fields=ui_visibility", nil)
	byCode := map[string]map[string]any{}
	for _, f := range items(t, r) {
		m := f.(map[string]any)
		byCode[m["field_code"].(string)] = m
		if m["is_custom_field"] != false || m["description"] == nil {
			t.Fatalf("activity field: %v", m)
		}
	}
	for _, k := range activityKeys {
		if _, ok := byCode[k]; !ok && !strings.HasPrefix(k, "conference_") && k != "is_deleted" {
			t.Errorf("activityFields lacks %q", k)
		}
	}
	subject, loc, prio := byCode["subject"], byCode["location"], byCode["priority"]
	if subject["field_type"] != "varchar" || subject["ui_visibility"].(map[string]any)["add_visible_flag"] != true ||
		len(subject["ui_visibility"].(map[string]any)) != 2 || loc["field_type"] != "address" || loc["subfields"] == nil ||
		prio["field_type"] != "enum" || len(prio["options"].([]any)) != 3 || byCode["attendees"]["is_optional_response_field"] != true ||
		byCode["due_time"]["field_type"] != "time" {
		t.Fatalf("activity fields: subject %v location %v priority %v", subject, loc, prio)
	}
	assertError(t, e.do("GET", "/api/v2/activityFields?include_fields=required_fields", nil), 400, "include_fields")
	assertError(t, e.do("GET", "/api/v2/activityFields/nope", nil), 404, "not found")
}

func TestSeedActivitiesGoAPI(t *testing.T) {
	e := newEnv(t, Options{})
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	pids := seedPeople(t, e.sim, 1, at)
	ids, err := e.sim.SeedActivities([]ActivitySeed{
		{Subject: "Demo", Type: "meeting", PersonID: pids[0], DueDate: "2026-03-02", DueTime: "15:00:00", Duration: "01:30",
			Done: true, Note: "went well", AddTime: at.Add(-time.Hour), UpdateTime: at},
		{},
	})
	if err != nil {
		t.Fatal(err)
	}
	demo, _ := e.sim.GetActivity(ids[0])
	blank, _ := e.sim.GetActivity(ids[1])
	if demo.Type != "meeting" || demo.PersonID != pids[0] || len(demo.Participants) != 1 || !demo.Participants[0].Primary ||
		demo.DueTime != "15:00" || demo.Duration != "01:30" || !demo.MarkedAsDoneTime.Equal(at) || demo.Note != "went well" ||
		demo.CreatorUserID != e.sim.UserID() || blank.Subject != "Call" || blank.Type != "call" || blank.Done || blank.Participants == nil {
		t.Fatalf("seeded: %+v %+v", demo, blank)
	}
	g := data(t, e.do("GET", fmt.Sprintf("/api/v2/activities/%d", ids[0]), nil))
	if g["marked_as_done_time"] != "2026-03-01T12:00:00Z" || g["due_time"] != "15:00" || num(g["person_id"]) != pids[0] {
		t.Fatalf("seeded activity on the wire: %v", g)
	}
	for _, bad := range []struct {
		row  ActivitySeed
		want string
	}{
		{ActivitySeed{Type: "webinar"}, `activity type "webinar" not found`},
		{ActivitySeed{DealID: 9}, "deal 9 not found"},
		{ActivitySeed{PersonID: 404}, "person 404 not found"},
		{ActivitySeed{OrgID: 3}, "organization 3 not found"},
		{ActivitySeed{DueDate: "soon"}, "YYYY-MM-DD"},
		{ActivitySeed{Duration: "long"}, "HH:MM"},
		{ActivitySeed{OwnerID: 1}, "owner 1 is not a user"},
	} {
		if _, err := e.sim.SeedActivities([]ActivitySeed{bad.row}); err == nil || !strings.Contains(err.Error(), bad.want) ||
			!strings.Contains(err.Error(), "seed activities: row 0") {
			t.Errorf("seed %+v: %v, want %q", bad.row, err, bad.want)
		}
	}
	u, err := e.sim.UpdateActivity(ids[1], map[string]any{"done": true, "participants": []map[string]any{{"person_id": pids[0], "primary": true}}})
	if err != nil || !u.Done || u.MarkedAsDoneTime.IsZero() || u.PersonID != pids[0] {
		t.Fatalf("UpdateActivity: %+v %v", u, err)
	}
	if _, err := e.sim.UpdateActivity(999, map[string]any{"subject": "x"}); err == nil || !strings.Contains(err.Error(), "Activity not found") {
		t.Fatalf("update unknown activity: %v", err)
	}
	if err := e.sim.DeleteActivity(ids[1]); err != nil || e.sim.CountActivities() != 1 {
		t.Fatalf("DeleteActivity: %v, %d live", err, e.sim.CountActivities())
	}
}
