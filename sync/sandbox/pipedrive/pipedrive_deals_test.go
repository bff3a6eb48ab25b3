package pipedrive

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

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
