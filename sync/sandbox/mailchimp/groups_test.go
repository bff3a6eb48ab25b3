package mailchimp

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// addGroups gives the env's list two categories: Topics (three checkboxes) and
// Region (two radio buttons).
func (e *env) addGroups() (topics, region InterestCategory) {
	e.t.Helper()
	var err error
	if topics, err = e.sim.AddInterestCategory(e.list, InterestCategory{Title: "Topics", Interests: []Interest{
		{Name: "Product updates"}, {Name: "Webinars"}, {Name: "Events"}}}); err != nil {
		e.t.Fatal(err)
	}
	if region, err = e.sim.AddInterestCategory(e.list, InterestCategory{ID: "0a1b2c3d4e", Title: "Region", Type: "radio",
		Interests: []Interest{{ID: "e4d3c2b1a0", Name: "Europe"}, {Name: "Americas"}}}); err != nil {
		e.t.Fatal(err)
	}
	return topics, region
}

// The categories and their interests, as the spec's Interest_Groupings,
// Interest_Category, Interests and Interest, paged, filtered by type, and 404
// for what the list does not hold.
func TestInterestCategoriesAndInterests(t *testing.T) {
	e := newEnv(t, Options{})
	topics, region := e.addGroups()
	if region.ID != "0a1b2c3d4e" || region.Interests[0].ID != "e4d3c2b1a0" || len(topics.ID) != 10 || topics.ID == region.ID {
		t.Fatalf("ids: %+v %+v", topics, region)
	}
	if _, err := e.sim.AddInterestCategory(e.list, InterestCategory{Title: "topics"}); err == nil {
		t.Error("a second category titled topics was added")
	}
	if _, err := e.sim.AddInterestCategory(e.list, InterestCategory{Title: "Other", ID: "0a1b2c3d4e"}); err == nil {
		t.Error("a category reused an id")
	}
	e.seedInterests(topics, region)

	base := "/3.0/lists/" + e.list + "/interest-categories"
	r := e.do("GET", base, nil)
	cats := objects(t, r, "categories")
	if r.status != 200 || r.body["list_id"] != e.list || r.body["total_items"] != float64(2) || len(cats) != 2 {
		t.Fatalf("categories: %d %s", r.status, r.raw)
	}
	if c := cats[0]; c["id"] != topics.ID || c["title"] != "Topics" || c["type"] != "checkboxes" || c["list_id"] != e.list ||
		c["display_order"] != float64(0) || c["_links"] == nil {
		t.Fatalf("category: %v", c)
	}
	if c := cats[1]; c["id"] != region.ID || c["type"] != "radio" || c["display_order"] != float64(1) {
		t.Fatalf("second category: %v", c)
	}
	if r := e.do("GET", base+"?count=1&offset=1&fields=categories.id,total_items", nil); len(objects(t, r, "categories")) != 1 ||
		objects(t, r, "categories")[0]["id"] != region.ID || objects(t, r, "categories")[0]["title"] != nil || r.body["total_items"] != float64(2) {
		t.Fatalf("second page: %s", r.raw)
	}
	if r := e.do("GET", base+"?type=radio", nil); r.body["total_items"] != float64(1) {
		t.Fatalf("type=radio: %s", r.raw)
	}
	if r := e.do("GET", base+"/"+region.ID, nil); r.status != 200 || r.body["title"] != "Region" {
		t.Fatalf("one category: %s", r.raw)
	}

	r = e.do("GET", base+"/"+topics.ID+"/interests", nil)
	ins := objects(t, r, "interests")
	if r.status != 200 || r.body["category_id"] != topics.ID || r.body["list_id"] != e.list || r.body["total_items"] != float64(3) || len(ins) != 3 {
		t.Fatalf("interests: %s", r.raw)
	}
	for i, in := range ins {
		if in["id"] != topics.Interests[i].ID || in["name"] != topics.Interests[i].Name || in["category_id"] != topics.ID ||
			in["list_id"] != e.list || in["display_order"] != float64(i) || in["_links"] == nil {
			t.Fatalf("interest %d: %v", i, in)
		}
	}
	// subscriber_count is a string (spec); two subscribed members are in Product updates.
	if ins[0]["subscriber_count"] != "2" || ins[2]["subscriber_count"] != "0" {
		t.Fatalf("subscriber counts: %v %v", ins[0]["subscriber_count"], ins[2]["subscriber_count"])
	}
	if r := e.do("GET", base+"/"+topics.ID+"/interests?count=2&offset=2", nil); len(objects(t, r, "interests")) != 1 || r.body["total_items"] != float64(3) {
		t.Fatalf("interests page: %s", r.raw)
	}
	if r := e.do("GET", base+"/"+region.ID+"/interests/e4d3c2b1a0", nil); r.status != 200 || r.body["name"] != "Europe" || r.body["subscriber_count"] != "1" {
		t.Fatalf("one interest: %s", r.raw)
	}
	wantProblem(t, e.do("GET", base+"/"+topics.ID+"/interests/e4d3c2b1a0", nil), 404, "Resource Not Found") // Region's
	wantProblem(t, e.do("GET", base+"/ffffffffff", nil), 404, "Resource Not Found")
	wantProblem(t, e.do("GET", base+"/ffffffffff/interests", nil), 404, "Resource Not Found")
	wantProblem(t, e.do("GET", "/3.0/lists/ffffffffff/interest-categories", nil), 404, "Resource Not Found")
	wantProblem(t, e.do("GET", base+"?count=1001", nil), 400, "Invalid Resource")
	if got := e.sim.InterestCategories(e.list); len(got) != 2 || got[1].Interests[1].Name != "Americas" {
		t.Fatalf("InterestCategories: %+v", got)
	}
}

// seedInterests adds three members: two subscribed in Product updates (one also
// in Europe), one unsubscribed in Product updates.
func (e *env) seedInterests(topics, region InterestCategory) []string {
	e.t.Helper()
	past := e.clk.now().Add(-time.Hour)
	ids, err := e.sim.SeedMembers(e.list, []MemberSeed{
		{Email: "in1@acme-widgets.com", Interests: []string{topics.Interests[0].ID, region.Interests[0].ID}, Tags: []string{"vip", "2024"}, Created: past},
		{Email: "in2@acme-widgets.com", Interests: []string{topics.Interests[0].ID}, Created: past},
		{Email: "in3@acme-widgets.com", Status: "unsubscribed", Interests: []string{topics.Interests[0].ID}, Created: past},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return ids
}

// A member shows every interest of the list by id; a write sets those it names
// and leaves the others, moving last_changed; an unknown id or a wrong shape is
// refused with Mailchimp's answers, changing nothing.
func TestMemberInterests(t *testing.T) {
	e := newEnv(t, Options{})
	e.seed(1, e.clk.now().Add(-time.Hour))
	// A list without interests: no interests property.
	if r := e.do("GET", e.memberPath("a0@acme-widgets.com"), nil); r.status != 200 || strings.Contains(r.raw, `"interests"`) {
		t.Fatalf("member of a list without groups: %s", r.raw)
	}
	topics, region := e.addGroups()
	e.seedInterests(topics, region)
	t0, t1, eu, am := topics.Interests[0].ID, topics.Interests[1].ID, region.Interests[0].ID, region.Interests[1].ID
	r := e.do("GET", e.memberPath("in1@acme-widgets.com"), nil)
	in, _ := r.body["interests"].(map[string]any)
	if len(in) != 5 || in[t0] != true || in[eu] != true || in[t1] != false || in[am] != false {
		t.Fatalf("interests: %s", r.raw)
	}
	before := r.body["last_changed"]

	e.clk.add(time.Minute)
	r = e.do("PATCH", e.memberPath("in1@acme-widgets.com"), map[string]any{"interests": map[string]any{t0: false, t1: true}})
	in, _ = r.body["interests"].(map[string]any)
	if r.status != 200 || in[t0] != false || in[t1] != true || in[eu] != true || r.body["last_changed"] == before {
		t.Fatalf("patch interests: %s", r.raw)
	}
	if m, _ := e.sim.Member(e.list, "in1@acme-widgets.com"); !slices.Equal(m.Interests, slices.Sorted(slices.Values([]string{t1, eu}))) {
		t.Fatalf("member interests %v", m.Interests)
	}
	// The same values again: last_changed stays.
	stamp := fmtTime(e.clk.now())
	e.clk.add(time.Minute)
	if r := e.do("PATCH", e.memberPath("in1@acme-widgets.com"), map[string]any{"interests": map[string]any{t1: true}}); r.body["last_changed"] != stamp {
		t.Fatalf("no-op patch moved last_changed: %s", r.raw)
	}

	r = e.do("PATCH", e.memberPath("in1@acme-widgets.com"), map[string]any{"interests": map[string]any{t0: true, "ffffffffff": true}})
	if errs := wantProblem(t, r, 400, "Invalid Resource"); r.body["detail"] != "Invalid interest ID: 'ffffffffff'." || errs != nil {
		t.Fatalf("unknown interest: %s", r.raw)
	}
	errs := wantProblem(t, e.do("PUT", e.memberPath("in2@acme-widgets.com"), map[string]any{"interests": []any{t0}}), 400, "Invalid Resource")
	if fieldErrors(errs)["interests"] != "Schema describes object, array found instead" {
		t.Fatalf("interests as an array: %v", errs)
	}
	wantProblem(t, e.do("POST", e.membersPath(""), map[string]any{"email_address": "x@acme-widgets.com", "status": "subscribed",
		"interests": map[string]any{t0: "yes"}}), 400, "Invalid Resource")
	if m, _ := e.sim.Member(e.list, "in1@acme-widgets.com"); !slices.Equal(m.Interests, slices.Sorted(slices.Values([]string{t1, eu}))) {
		t.Fatalf("a refused write changed interests: %v", m.Interests)
	}
	if _, ok := e.sim.Member(e.list, "x@acme-widgets.com"); ok {
		t.Fatal("a refused add added the member")
	}

	// Batch subscribe: a member with an unknown interest fails alone.
	r = e.do("POST", "/3.0/lists/"+e.list, map[string]any{"update_existing": true, "members": []any{
		map[string]any{"email_address": "in2@acme-widgets.com", "interests": map[string]any{"0000000000": true}},
		map[string]any{"email_address": "in3@acme-widgets.com", "interests": map[string]any{am: true}},
	}})
	errsB := objects(t, r, "errors")
	if r.body["total_updated"] != float64(1) || len(errsB) != 1 || errsB[0]["email_address"] != "in2@acme-widgets.com" ||
		errsB[0]["error_code"] != "ERROR_GENERIC" || errsB[0]["error"] != "Invalid interest ID: '0000000000'." {
		t.Fatalf("batch: %s", r.raw)
	}
	if m, _ := e.sim.Member(e.list, "in3@acme-widgets.com"); !slices.Equal(m.Interests, slices.Sorted(slices.Values([]string{t0, am}))) {
		t.Fatalf("batch-updated interests %v", m.Interests)
	}
	// UpdateMember sets interests as the web app does.
	if m, err := e.sim.UpdateMember(e.list, "in2@acme-widgets.com", map[string]any{"interests": map[string]bool{t0: false, eu: true}}); err != nil ||
		!slices.Equal(m.Interests, []string{eu}) {
		t.Fatalf("UpdateMember: %+v %v", m, err)
	}
}

// POST .../tags adds (active) and removes (inactive) tags, the others stay, and
// answers 204; a change moves last_changed, none leaves it; GET .../tags lists
// them; bad bodies are Invalid Resource.
func TestMemberTagsEndpoint(t *testing.T) {
	e := newEnv(t, Options{})
	topics, region := e.addGroups()
	ids := e.seedInterests(topics, region)
	path := e.memberPath(subscriberHash("in1@acme-widgets.com")) + "/tags"
	e.clk.add(time.Minute)
	r := e.do("POST", path, map[string]any{"tags": []any{
		map[string]any{"name": "customer", "status": "active"}, map[string]any{"name": "vip", "status": "inactive"},
		map[string]any{"name": "never-had", "status": "inactive"}}})
	if r.status != 204 || r.raw != "" {
		t.Fatalf("tags: %d %q", r.status, r.raw)
	}
	m, _ := e.sim.Member(e.list, ids[0])
	if !slices.Equal(m.Tags, []string{"2024", "customer"}) || !m.LastChanged.Equal(e.clk.now()) {
		t.Fatalf("after the tags call: %v, last_changed %v (now %v)", m.Tags, m.LastChanged, e.clk.now())
	}
	// Nothing to change: 204, last_changed stays.
	e.clk.add(time.Minute)
	if r := e.do("POST", path, map[string]any{"tags": []any{map[string]any{"name": "customer", "status": "active"}}, "is_syncing": true}); r.status != 204 {
		t.Fatalf("no-op tags: %d %s", r.status, r.raw)
	}
	if m2, _ := e.sim.Member(e.list, ids[0]); !m2.LastChanged.Equal(m.LastChanged) {
		t.Fatalf("a no-op tags call moved last_changed to %v", m2.LastChanged)
	}
	// The member and the tags list show them, with ids and dates.
	r = e.do("GET", e.memberPath(ids[0]), nil)
	if tags := r.body["tags"].([]any); r.body["tags_count"] != float64(2) || len(tags) != 2 || tags[1].(map[string]any)["name"] != "customer" {
		t.Fatalf("member tags: %s", r.raw)
	}
	r = e.do("GET", path, nil)
	list := objects(t, r, "tags")
	if r.status != 200 || r.body["total_items"] != float64(2) || list[1]["name"] != "customer" || list[1]["id"] == nil ||
		list[1]["date_added"] != fmtTime(e.clk.now().Add(-time.Minute)) {
		t.Fatalf("tags list: %s", r.raw)
	}

	errs := wantProblem(t, e.do("POST", path, map[string]any{"is_syncing": false}), 400, "Invalid Resource")
	if fieldErrors(errs)[""] != "Required fields were not provided: tags" {
		t.Fatalf("no tags: %v", errs)
	}
	errs = wantProblem(t, e.do("POST", path, map[string]any{"tags": []any{map[string]any{"name": "x", "status": "on"}}}), 400, "Invalid Resource")
	if fieldErrors(errs)["status"] == "" {
		t.Fatalf("bad status: %v", errs)
	}
	errs = wantProblem(t, e.do("POST", path, map[string]any{"tags": []any{map[string]any{"status": "active"}}}), 400, "Invalid Resource")
	if fieldErrors(errs)[""] != "Required fields were not provided: name" {
		t.Fatalf("no name: %v", errs)
	}
	wantProblem(t, e.do("POST", path, map[string]any{"tags": "vip"}), 400, "Invalid Resource")
	wantProblem(t, e.do("POST", e.memberPath("nobody@acme-widgets.com")+"/tags", map[string]any{"tags": []any{}}), 404, "Resource Not Found")
	if m2, _ := e.sim.Member(e.list, ids[0]); !slices.Equal(m2.Tags, []string{"2024", "customer"}) {
		t.Fatalf("refused calls changed tags: %v", m2.Tags)
	}
	if st := e.sim.Stats(); st["POST /3.0/lists/{list_id}/members/{subscriber_hash}/tags"] != 7 {
		t.Fatalf("stats %v", st)
	}
}

// Batch subscribe adds a member's tags to those it has; with sync_tags and
// update_existing its tags become those sent, none when it is sent without;
// sync_tags without update_existing is ignored.
func TestBatchTagsAndSyncTags(t *testing.T) {
	e := newEnv(t, Options{})
	topics, region := e.addGroups()
	e.seedInterests(topics, region)
	batch := func(body map[string]any) {
		t.Helper()
		if r := e.do("POST", "/3.0/lists/"+e.list, body); r.status != 200 || r.body["error_count"] != float64(0) {
			t.Fatalf("batch: %s", r.raw)
		}
	}
	tags := func(email string) []string {
		m, _ := e.sim.Member(e.list, email)
		return m.Tags
	}
	batch(map[string]any{"update_existing": true, "members": []any{
		map[string]any{"email_address": "in1@acme-widgets.com", "tags": []any{"added"}}}})
	if got := tags("in1@acme-widgets.com"); !slices.Equal(got, []string{"vip", "2024", "added"}) {
		t.Fatalf("tags added: %v", got)
	}
	e.clk.add(time.Minute)
	batch(map[string]any{"update_existing": true, "sync_tags": true, "members": []any{
		map[string]any{"email_address": "in1@acme-widgets.com", "tags": []any{"2024", "only"}},
		map[string]any{"email_address": "in2@acme-widgets.com", "merge_fields": map[string]any{"FNAME": "Two"}}}})
	if got := tags("in1@acme-widgets.com"); !slices.Equal(got, []string{"2024", "only"}) {
		t.Fatalf("tags synced: %v", got)
	}
	if m, _ := e.sim.Member(e.list, "in1@acme-widgets.com"); !m.LastChanged.Equal(e.clk.now()) {
		t.Fatalf("synced tags left last_changed at %v", m.LastChanged)
	}
	if m, err := e.sim.UpdateMember(e.list, "in2@acme-widgets.com", map[string]any{"tags": []string{"mine"}}); err != nil || !slices.Equal(m.Tags, []string{"mine"}) {
		t.Fatalf("UpdateMember tags: %+v %v", m, err)
	}
	batch(map[string]any{"update_existing": true, "sync_tags": true, "members": []any{
		map[string]any{"email_address": "in2@acme-widgets.com", "merge_fields": map[string]any{"LNAME": "Two"}}}})
	if got := tags("in2@acme-widgets.com"); len(got) != 0 {
		t.Fatalf("a member sent without tags under sync_tags kept %v", got)
	}
	batch(map[string]any{"sync_tags": true, "members": []any{
		map[string]any{"email_address": "new@acme-widgets.com", "status": "subscribed", "tags": []any{"a", "b"}}}})
	if got := tags("new@acme-widgets.com"); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("new member's tags: %v", got)
	}
}
