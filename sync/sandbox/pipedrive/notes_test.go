package pipedrive

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// noteKeys are the properties of the v1 Note object (the spec's schema plus its example's
// pinned_to_lead_flag).
var noteKeys = []string{"id", "user_id", "deal_id", "person_id", "org_id", "lead_id", "project_id", "task_id",
	"content", "add_time", "update_time", "active_flag", "last_update_user_id", "pinned_to_lead_flag",
	"pinned_to_deal_flag", "pinned_to_organization_flag", "pinned_to_person_flag", "pinned_to_project_flag",
	"pinned_to_task_flag", "deal", "person", "organization", "project", "task", "user"}

// raw sends body as is with contentType and the OAuth bearer token.
func (e *env) raw(method, path, contentType, body string) reply {
	e.t.Helper()
	req, err := http.NewRequest(method, e.base+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return reply{status: resp.StatusCode, header: resp.Header, raw: string(b), body: m}
}

// form sends v as application/x-www-form-urlencoded.
func (e *env) form(method, path string, v url.Values) reply {
	e.t.Helper()
	return e.raw(method, path, "application/x-www-form-urlencoded", v.Encode())
}

// notePage checks a v1 list answer and returns its note ids and pagination; an empty
// page must carry data null.
func notePage(t *testing.T, r reply) (ids []int64, pg map[string]any) {
	t.Helper()
	if r.status != 200 || r.body["success"] != true {
		t.Fatalf("list notes: %d %s", r.status, r.raw)
	}
	ad, _ := r.body["additional_data"].(map[string]any)
	pg, ok := ad["pagination"].(map[string]any)
	if !ok {
		t.Fatalf("no additional_data.pagination: %s", r.raw)
	}
	if r.body["data"] == nil {
		if _, present := r.body["data"]; !present {
			t.Fatalf("data missing: %s", r.raw)
		}
		return nil, pg
	}
	ids = dealIDs(t, r)
	if len(ids) == 0 {
		t.Fatalf("an empty page must have data null, not []: %s", r.raw)
	}
	return ids, pg
}

// allNotes follows next_start from the first page of /v1/notes?q.
func allNotes(t *testing.T, e *env, q url.Values) (ids []int64, pages int) {
	t.Helper()
	page := url.Values{}
	for k, v := range q {
		page[k] = v
	}
	for {
		got, pg := notePage(t, e.do("GET", "/v1/notes?"+page.Encode(), nil))
		ids = append(ids, got...)
		pages++
		if pg["more_items_in_collection"] != true {
			if _, ok := pg["next_start"]; ok {
				t.Fatalf("next_start on the last page: %v", pg)
			}
			return ids, pages
		}
		if num(pg["next_start"]) != num(pg["start"])+int64(len(got)) {
			t.Fatalf("next_start %v after start %v and %d items", pg["next_start"], pg["start"], len(got))
		}
		page.Set("start", fmt.Sprint(num(pg["next_start"])))
	}
}

func TestNoteRoundTrip(t *testing.T) {
	e := newEnv(t, Options{})
	o, _ := e.sim.CreateOrganization(map[string]any{"name": "Vandelay Industries"})
	p, _ := e.sim.CreatePerson(map[string]any{"name": "Art Vandelay", "org_id": o.ID})
	p2, _ := e.sim.CreatePerson(map[string]any{"name": "George Costanza"})
	d, err := e.sim.CreateDeal(map[string]any{"title": "Latex"})
	if err != nil {
		t.Fatal(err)
	}

	r := e.do("POST", "/api/v1/notes", map[string]any{"content": "<p>Called about <b>latex</b></p>",
		"person_id": p.ID, "org_id": o.ID, "deal_id": d.ID, "pinned_to_person_flag": 1, "unknown_key": "ignored"})
	n := itemWithKeys(t, r, noteKeys)
	id := num(n["id"])
	if n["content"] != "<p>Called about <b>latex</b></p>" || num(n["person_id"]) != p.ID || num(n["org_id"]) != o.ID ||
		num(n["deal_id"]) != d.ID || num(n["user_id"]) != e.sim.UserID() || num(n["last_update_user_id"]) != e.sim.UserID() ||
		n["add_time"] != "2026-11-23 10:00:00" || n["update_time"] != "2026-11-23 10:00:00" || n["active_flag"] != true ||
		n["pinned_to_person_flag"] != true || n["pinned_to_deal_flag"] != false || n["lead_id"] != nil || n["project"] != nil {
		t.Fatalf("created note: %s", r.raw)
	}
	if n["person"].(map[string]any)["name"] != "Art Vandelay" || n["organization"].(map[string]any)["name"] != "Vandelay Industries" ||
		n["deal"].(map[string]any)["title"] != "Latex" || n["user"].(map[string]any)["is_you"] != true {
		t.Fatalf("nested objects: %s", r.raw)
	}
	if strings.Contains(r.raw, "unknown_key") {
		t.Fatalf("an unknown property was kept: %s", r.raw)
	}

	path := fmt.Sprintf("/v1/notes/%d", id)
	g := itemWithKeys(t, e.do("GET", path, nil), noteKeys)
	if g["content"] != n["content"] || g["add_time"] != n["add_time"] || num(g["person_id"]) != p.ID {
		t.Fatalf("get: %v", g)
	}

	// A form PUT moves the note to another person; content and the other links stay.
	e.clk.add(time.Minute)
	u := itemWithKeys(t, e.form("PUT", path, url.Values{"person_id": {fmt.Sprint(p2.ID)}}), noteKeys)
	if num(u["person_id"]) != p2.ID || u["person"].(map[string]any)["name"] != "George Costanza" ||
		u["content"] != n["content"] || num(u["org_id"]) != o.ID || u["update_time"] != "2026-11-23 10:01:00" ||
		u["add_time"] != "2026-11-23 10:00:00" {
		t.Fatalf("form update: %v", u)
	}
	// A JSON PUT without content is fine (noteRequest requires nothing); clearing the
	// deal and the org leaves the person.
	e.clk.add(time.Minute)
	u = itemWithKeys(t, e.do("PUT", "/api/v1/notes/"+fmt.Sprint(id), map[string]any{"deal_id": nil, "org_id": 0,
		"add_time": "2026-01-02 03:04:05", "pinned_to_person_flag": 0}), noteKeys)
	if u["deal_id"] != nil || u["deal"] != nil || u["org_id"] != nil || u["organization"] != nil || num(u["person_id"]) != p2.ID ||
		u["add_time"] != "2026-01-02 03:04:05" || u["update_time"] != "2026-11-23 10:02:00" || u["pinned_to_person_flag"] != false {
		t.Fatalf("json update: %v", u)
	}
	// A form POST creates a note too.
	f := itemWithKeys(t, e.form("POST", "/v1/notes", url.Values{"content": {"by form"}, "deal_id": {fmt.Sprint(d.ID)}, "pinned_to_deal_flag": {"1"}}), noteKeys)
	if f["content"] != "by form" || num(f["deal_id"]) != d.ID || f["person_id"] != nil || f["pinned_to_deal_flag"] != true {
		t.Fatalf("form create: %v", f)
	}
	// Moving a pinned note off its deal drops the pin.
	m := itemWithKeys(t, e.do("PUT", fmt.Sprintf("/v1/notes/%d", num(f["id"])), map[string]any{"deal_id": nil, "person_id": p.ID}), noteKeys)
	if m["deal_id"] != nil || m["pinned_to_deal_flag"] != false || num(m["person_id"]) != p.ID {
		t.Fatalf("unpinned by moving: %v", m)
	}

	e.clk.add(time.Minute)
	del := e.do("DELETE", path, nil)
	if del.status != 200 || del.body["success"] != true || del.body["data"] != true {
		t.Fatalf("delete: %d %s", del.status, del.raw)
	}
	assertError(t, e.do("GET", path, nil), 404, "Note not found")
	assertError(t, e.do("PUT", path, map[string]any{"content": "x"}), 404, "Note not found")
	assertError(t, e.do("DELETE", path, nil), 404, "Note not found")
	assertError(t, e.do("GET", "/v1/notes/777", nil), 404, "Note not found")
	assertError(t, e.do("GET", "/v1/notes/abc", nil), 400, "id")
	got, ok := e.sim.GetNote(id)
	if !ok || !got.Deleted || got.PersonID != p2.ID || !got.Updated.Equal(time.Date(2026, 11, 23, 10, 3, 0, 0, time.UTC)) {
		t.Fatalf("deleted note in the Go API: %+v", got)
	}
	if e.sim.CountNotes() != 1 || len(e.sim.Notes()) != 2 {
		t.Fatalf("count %d, all %d", e.sim.CountNotes(), len(e.sim.Notes()))
	}
}

func TestNoteValidationErrors(t *testing.T) {
	e := newEnv(t, Options{})
	p, _ := e.sim.CreatePerson(map[string]any{"name": "Kept"})
	gone, _ := e.sim.CreatePerson(map[string]any{"name": "Gone"})
	if err := e.sim.DeletePerson(gone.ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"person_id": p.ID}, "content is required"},
		{map[string]any{"content": "   ", "person_id": p.ID}, "content cannot be empty"},
		{map[string]any{"content": nil, "person_id": p.ID}, "content cannot be empty"},
		{map[string]any{"content": 7, "person_id": p.ID}, "content must be a string"},
		{map[string]any{"content": "orphan"}, "one of deal_id, person_id, org_id"},
		{map[string]any{"content": "orphan", "person_id": nil}, "one of deal_id, person_id, org_id"},
		{map[string]any{"content": "x", "person_id": 999}, "person_id: person 999 not found"},
		{map[string]any{"content": "x", "person_id": gone.ID}, fmt.Sprintf("person %d not found", gone.ID)},
		{map[string]any{"content": "x", "org_id": 5}, "org_id: organization 5 not found"},
		{map[string]any{"content": "x", "deal_id": 6}, "deal_id: deal 6 not found"},
		{map[string]any{"content": "x", "person_id": "abc"}, "person_id must be a non-negative integer"},
		{map[string]any{"content": "x", "lead_id": "adf21080-0e10-11eb-879b-05d71fb426ec"}, "lead_id: lead adf21080"},
		{map[string]any{"content": "x", "project_id": 3}, "project_id: project 3 not found"},
		{map[string]any{"content": "x", "person_id": p.ID, "pinned_to_deal_flag": 1}, "pinned_to_deal_flag: deal_id is also required"},
		{map[string]any{"content": "x", "person_id": p.ID, "pinned_to_person_flag": 2}, "pinned_to_person_flag must be 0 or 1"},
		{map[string]any{"content": "x", "person_id": p.ID, "add_time": "2026-01-02T03:04:05Z"}, "YYYY-MM-DD HH:MM:SS"},
		{map[string]any{"content": "x", "person_id": p.ID, "user_id": 42}, "user_id: user 42 not found"},
	} {
		assertError(t, e.do("POST", "/v1/notes", c.body), 400, c.want)
	}
	assertError(t, e.raw("POST", "/v1/notes", "application/json", `{"content": "x",`), 400, "JSON")
	assertError(t, e.form("POST", "/v1/notes", url.Values{"content": {"x"}}), 400, "one of deal_id")
	if e.sim.CountNotes() != 0 {
		t.Fatalf("refused writes created %d notes", e.sim.CountNotes())
	}

	// A numeric string id is taken, as v1 coerces; then a refused update changes nothing.
	n := data(t, e.do("POST", "/v1/notes", map[string]any{"content": "keep", "person_id": fmt.Sprint(p.ID)}))
	path := fmt.Sprintf("/v1/notes/%d", num(n["id"]))
	e.clk.add(time.Minute)
	assertError(t, e.do("PUT", path, map[string]any{"person_id": nil}), 400, "one of deal_id")
	assertError(t, e.do("PUT", path, map[string]any{"content": ""}), 400, "content cannot be empty")
	assertError(t, e.do("PUT", path, map[string]any{"content": "new", "person_id": 404}), 400, "person 404 not found")
	if got, _ := e.sim.GetNote(num(n["id"])); got.Content != "keep" || got.PersonID != p.ID || got.Updated.Format(v1TimeFormat) != n["update_time"] {
		t.Fatalf("note changed by refused updates: %+v", got)
	}

	for q, want := range map[string]string{
		"sort=bogus%20ASC":              "sort",
		"sort=id%20SIDEWAYS":            "ASC or DESC",
		"sort=id%20ASC%20extra":         "sort",
		"start_date=2026-13-01":         "start_date",
		"end_date=yesterday":            "end_date",
		"updated_since=2026-01-01":      "updated_since",
		"limit=0":                       "limit",
		"limit=501":                     "limit",
		"start=-1":                      "start",
		"start=x":                       "start",
		"person_id=abc":                 "person_id",
		"user_id=-2":                    "user_id",
		"pinned_to_deal_flag=2":         "pinned_to_deal_flag",
		"pinned_to_organization_flag=x": "pinned_to_organization_flag",
	} {
		assertError(t, e.do("GET", "/v1/notes?"+q, nil), 400, want)
	}
}

func TestNotesListPagingAndFilters(t *testing.T) {
	e := newEnv(t, Options{OtherUserIDs: []int64{777}})
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pids := seedPeople(t, e.sim, 3, base)
	oids, _ := e.sim.SeedOrganizations([]OrganizationSeed{{Name: "Org"}})
	rows := make([]NoteSeed, 250)
	for i := range rows {
		// update_time runs against id order: the last note is the least recently updated.
		rows[i] = NoteSeed{Content: fmt.Sprintf("note %03d", i), PersonID: pids[i%3],
			Added: base.Add(time.Duration(i) * time.Hour), Updated: base.Add(time.Duration(1000-i) * time.Minute)}
	}
	rows[7].OrgID = oids[0]
	ids, err := e.sim.SeedNotes(rows)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.sim.DeleteNote(ids[0]); err != nil {
		t.Fatal(err)
	}

	// Default: 100 a page, ascending id, the deleted note left out, on both prefixes.
	seen, pages := allNotes(t, e, nil)
	if pages != 3 || len(seen) != 249 || seen[0] != ids[1] || seen[248] != ids[249] || !slices.IsSorted(seen) {
		t.Fatalf("pages=%d items=%d first=%d last=%d", pages, len(seen), seen[0], seen[len(seen)-1])
	}
	got, pg := notePage(t, e.do("GET", "/api/v1/notes?start=200&limit=100", nil))
	if len(got) != 49 || pg["more_items_in_collection"] != false || num(pg["start"]) != 200 || num(pg["limit"]) != 100 {
		t.Fatalf("last page: %d items, %v", len(got), pg)
	}
	if _, ok := pg["next_start"]; ok {
		t.Fatalf("next_start on the last page: %v", pg)
	}
	got, pg = notePage(t, e.do("GET", "/v1/notes?limit=10&start=5", nil))
	if len(got) != 10 || got[0] != ids[6] || pg["more_items_in_collection"] != true || num(pg["next_start"]) != 15 {
		t.Fatalf("start=5 limit=10: %v %v", got, pg)
	}
	if got, pg = notePage(t, e.do("GET", "/v1/notes?start=1000", nil)); got != nil || pg["more_items_in_collection"] != false {
		t.Fatalf("past the end: %v %v", got, pg)
	}

	// person_id, org_id and user_id filters.
	byPerson, _ := allNotes(t, e, url.Values{"person_id": {fmt.Sprint(pids[1])}})
	if len(byPerson) != 83 {
		t.Fatalf("person %d has %d notes", pids[1], len(byPerson))
	}
	for _, id := range byPerson {
		if n, _ := e.sim.GetNote(id); n.PersonID != pids[1] {
			t.Fatalf("note %d of person %d listed for person %d", id, n.PersonID, pids[1])
		}
	}
	if got, _ = notePage(t, e.do("GET", fmt.Sprintf("/v1/notes?org_id=%d", oids[0]), nil)); !slices.Equal(got, []int64{ids[7]}) {
		t.Fatalf("org filter: %v", got)
	}
	other, err := e.sim.CreateNote(map[string]any{"content": "theirs", "person_id": pids[0], "user_id": 777})
	if err != nil || other.UserID != 777 {
		t.Fatalf("note by another user: %+v %v", other, err)
	}
	if got, _ = notePage(t, e.do("GET", "/v1/notes?user_id=777", nil)); !slices.Equal(got, []int64{other.ID}) {
		t.Fatalf("user filter: %v", got)
	}
	if got, _ = notePage(t, e.do("GET", "/v1/notes?lead_id=adf21080-0e10-11eb-879b-05d71fb426ec", nil)); got != nil {
		t.Fatalf("lead filter matched %v", got)
	}
	if err := e.sim.DeleteNote(other.ID); err != nil {
		t.Fatal(err)
	}

	// updated_since keeps notes updated at or after it: notes i with 1000-i >= 800.
	since, _ := allNotes(t, e, url.Values{"updated_since": {base.Add(800 * time.Minute).Format(time.RFC3339)}})
	if len(since) != 200 || since[0] != ids[1] || since[199] != ids[200] {
		t.Fatalf("updated_since: %d notes, %v..%v", len(since), since[0], since[len(since)-1])
	}

	// sort=update_time ASC reverses id order here; DESC restores it.
	asc, _ := allNotes(t, e, url.Values{"sort": {"update_time ASC"}, "limit": {"500"}})
	if len(asc) != 249 || asc[0] != ids[249] || asc[248] != ids[1] {
		t.Fatalf("update_time ASC: %d, first %d last %d", len(asc), asc[0], asc[len(asc)-1])
	}
	desc, _ := allNotes(t, e, url.Values{"sort": {"update_time desc"}, "limit": {"50"}})
	if !slices.Equal(desc, seen) {
		t.Fatalf("update_time DESC is not id order")
	}
	// Two fields: person_id DESC, then content DESC.
	multi, _ := notePage(t, e.do("GET", "/v1/notes?sort="+url.QueryEscape("person_id DESC, content DESC")+"&limit=3", nil))
	if !slices.Equal(multi, []int64{ids[248], ids[245], ids[242]}) {
		t.Fatalf("person_id DESC, content DESC: %v", multi)
	}

	// start_date and end_date bound add_time by whole days: notes 24..71 were added on 2 and 3 January.
	days, _ := allNotes(t, e, url.Values{"start_date": {"2026-01-02"}, "end_date": {"2026-01-03"}})
	if len(days) != 48 || days[0] != ids[24] || days[47] != ids[71] {
		t.Fatalf("start_date/end_date: %d notes", len(days))
	}

	// pinned_to_person_flag: only the pinned note.
	if _, err := e.sim.UpdateNote(ids[9], map[string]any{"pinned_to_person_flag": 1}); err != nil {
		t.Fatal(err)
	}
	if got, _ = notePage(t, e.do("GET", "/v1/notes?pinned_to_person_flag=1", nil)); !slices.Equal(got, []int64{ids[9]}) {
		t.Fatalf("pinned filter: %v", got)
	}
	if all0, _ := allNotes(t, e, url.Values{"pinned_to_person_flag": {"0"}}); len(all0) != 248 {
		t.Fatalf("unpinned: %d", len(all0))
	}

	// limit > 500 is refused, or served as 500 with ClampLimit.
	assertError(t, e.do("GET", "/v1/notes?limit=600", nil), 400, "limit")
	c := newEnv(t, Options{ClampLimit: true})
	if _, pg = notePage(t, c.do("GET", "/v1/notes?limit=600", nil)); num(pg["limit"]) != 500 {
		t.Fatalf("clamped limit: %v", pg)
	}
}

func TestNoteTokenCosts(t *testing.T) {
	e := newEnv(t, Options{RateLimits: true, Plan: PlanUltimate})
	p, _ := e.sim.CreatePerson(map[string]any{"name": "Costly"})
	n, err := e.sim.CreateNote(map[string]any{"content": "x", "person_id": p.ID})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/v1/notes/%d", n.ID)
	// x-token-cost of getNotes, getNote, addNote, updateNote and deleteNote in the v1 spec.
	assertCosts(t, e, []costCall{
		{"GET", "/v1/notes", nil, 20},
		{"GET", "/api/v1/notes", nil, 20},
		{"GET", path, nil, 2},
		{"POST", "/v1/notes", map[string]any{"content": "y", "person_id": p.ID}, 10},
		{"PUT", path, map[string]any{"content": "z"}, 10},
		{"DELETE", path, nil, 6},
	})
	if st := e.sim.Stats(); st["GET /v1/notes"] != 1 || st["GET /api/v1/notes"] != 1 || st["PUT /v1/notes/{id}"] != 1 ||
		st["DELETE /v1/notes/{id}"] != 1 || st["POST /v1/notes"] != 1 {
		t.Fatalf("stats: %v", st)
	}
	// The notes endpoints sit behind authentication.
	r := e.request("GET", "/v1/notes", nil, nil)
	assertError(t, r, 401, "unauthorized")
}

func TestSeedNotesGoAPI(t *testing.T) {
	e := newEnv(t, Options{})
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	pids := seedPeople(t, e.sim, 1, at)
	dids := seedDealRows(t, e.sim, []DealSeed{{Title: "Seeded deal"}})
	ids, err := e.sim.SeedNotes([]NoteSeed{
		{Content: "<p>first</p>", PersonID: pids[0], DealID: dids[0], Added: at.Add(-time.Hour), Updated: at},
		{Content: "second", DealID: dids[0]},
	})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := e.sim.GetNote(ids[0])
	second, _ := e.sim.GetNote(ids[1])
	if first.Content != "<p>first</p>" || first.PersonID != pids[0] || first.DealID != dids[0] || first.UserID != e.sim.UserID() ||
		!first.Added.Equal(at.Add(-time.Hour)) || !first.Updated.Equal(at) || first.Deleted ||
		!second.Added.Equal(e.clk.now()) || !second.Updated.Equal(second.Added) {
		t.Fatalf("seeded: %+v %+v", first, second)
	}
	g := data(t, e.do("GET", fmt.Sprintf("/v1/notes/%d", ids[0]), nil))
	if g["add_time"] != "2026-03-01 11:00:00" || g["update_time"] != "2026-03-01 12:00:00" ||
		g["deal"].(map[string]any)["title"] != "Seeded deal" || g["organization"] != nil {
		t.Fatalf("seeded note on the wire: %v", g)
	}
	for _, bad := range []struct {
		row  NoteSeed
		want string
	}{
		{NoteSeed{PersonID: pids[0]}, "content is required"},
		{NoteSeed{Content: "orphan"}, "needs a person, an organization or a deal"},
		{NoteSeed{Content: "x", PersonID: 404}, "person 404 not found"},
		{NoteSeed{Content: "x", OrgID: 3}, "organization 3 not found"},
		{NoteSeed{Content: "x", DealID: 9}, "deal 9 not found"},
	} {
		if _, err := e.sim.SeedNotes([]NoteSeed{bad.row}); err == nil || !strings.Contains(err.Error(), bad.want) ||
			!strings.Contains(err.Error(), "seed notes: row 0") {
			t.Errorf("seed %+v: %v, want %q", bad.row, err, bad.want)
		}
	}

	e.clk.add(time.Minute)
	c, err := e.sim.CreateNote(map[string]any{"content": "made", "person_id": pids[0]})
	if err != nil || c.ID != ids[1]+1 || !c.Added.Equal(e.clk.now()) {
		t.Fatalf("CreateNote: %+v %v", c, err)
	}
	if _, err := e.sim.CreateNote(map[string]any{"content": "made"}); err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("CreateNote without a link: %v", err)
	}
	e.clk.add(time.Minute)
	u, err := e.sim.UpdateNote(c.ID, map[string]any{"content": "edited", "deal_id": dids[0]})
	if err != nil || u.Content != "edited" || u.DealID != dids[0] || u.PersonID != pids[0] || !u.Updated.After(c.Updated) {
		t.Fatalf("UpdateNote: %+v %v", u, err)
	}
	if _, err := e.sim.UpdateNote(999, map[string]any{"content": "x"}); err == nil || !strings.Contains(err.Error(), "Note not found") {
		t.Fatalf("update unknown note: %v", err)
	}
	if err := e.sim.DeleteNote(ids[1]); err != nil || e.sim.CountNotes() != 2 {
		t.Fatalf("DeleteNote: %v, %d live", err, e.sim.CountNotes())
	}
	if err := e.sim.DeleteNote(ids[1]); err == nil || !strings.Contains(err.Error(), "Note not found") {
		t.Fatalf("delete twice: %v", err)
	}
	if all := e.sim.Notes(); len(all) != 3 || !all[1].Deleted || all[2].ID != c.ID {
		t.Fatalf("Notes: %+v", all)
	}
}
