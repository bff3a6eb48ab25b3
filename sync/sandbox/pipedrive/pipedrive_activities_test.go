package pipedrive

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

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
