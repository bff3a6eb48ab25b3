package mailchimp

import (
	"strings"
	"testing"
	"time"
)

func fieldErrors(errs []any) map[string]string {
	out := map[string]string{}
	for _, x := range errs {
		fe := x.(map[string]any)
		out[fe["field"].(string)] = fe["message"].(string)
	}
	return out
}

func TestPostAdd(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("POST", e.membersPath(""), map[string]any{"email_address": "new.person@acme-widgets.com", "status": "subscribed",
		"merge_fields": map[string]any{"FNAME": "New", "LNAME": "Person"}, "tags": []string{"trial"}, "language": "fr", "vip": true})
	if r.status != 200 || r.body["id"] != subscriberHash("new.person@acme-widgets.com") || r.body["full_name"] != "New Person" ||
		r.body["tags_count"] != float64(1) || r.body["vip"] != true || r.body["language"] != "fr" ||
		r.body["last_changed"] != fmtTime(e.clk.now()) || r.body["timestamp_opt"] != fmtTime(e.clk.now()) {
		t.Fatalf("add: %d %s", r.status, r.raw)
	}
	if len(r.body["contact_id"].(string)) != 32 {
		t.Fatalf("contact_id %v", r.body["contact_id"])
	}
	r = e.do("POST", e.membersPath(""), map[string]any{"email_address": "NEW.person@acme-widgets.com", "status": "pending"})
	if wantProblem(t, r, 400, "Member Exists"); r.body["detail"] != "NEW.person@acme-widgets.com is already a list member. Use PUT to insert or update list members." {
		t.Fatalf("exists: %s", r.raw)
	}
	r = e.do("POST", e.membersPath(""), map[string]any{"email_address": "not-an-address", "status": "subscribed"})
	if wantProblem(t, r, 400, "Invalid Resource"); r.body["detail"] != "not-an-address looks fake or invalid, please enter a real email address." {
		t.Fatalf("fake: %s", r.raw)
	}
	wantProblem(t, e.do("POST", e.membersPath(""), map[string]any{"email_address": "fooboo@example.com", "status": "subscribed"}), 400, "Invalid Resource")
	errs := wantProblem(t, e.do("POST", e.membersPath(""), map[string]any{"merge_fields": map[string]any{}}), 400, "Invalid Resource")
	if fe := fieldErrors(errs); fe[""] != "Required fields were not provided: email_address, status" {
		t.Fatalf("required: %v", fe)
	}
	errs = wantProblem(t, e.do("POST", e.membersPath(""), map[string]any{"email_address": "x@acme-widgets.com", "status": "active"}), 400, "Invalid Resource")
	if fe := fieldErrors(errs); !strings.Contains(fe["status"], "subscribed") {
		t.Fatalf("enum: %v", fe)
	}
	errs = wantProblem(t, e.do("POST", e.membersPath(""), map[string]any{"email_address": nil, "status": "subscribed"}), 400, "Invalid Resource")
	if fe := fieldErrors(errs); fe["email_address"] != "Schema describes string, NULL found instead" {
		t.Fatalf("type: %v", fe)
	}
	wantProblem(t, e.request("POST", e.membersPath(""), nil, map[string]string{"Authorization": "Bearer " + e.token}), 400, "JSON Parse Error")
	wantProblem(t, e.do("POST", "/3.0/lists/0123456789/members", map[string]any{"email_address": "y@acme-widgets.com", "status": "subscribed"}),
		404, "Resource Not Found")
}

func TestPutUpsertAndLastChanged(t *testing.T) {
	e := newEnv(t, Options{})
	path := e.memberPath(subscriberHash("up@acme-widgets.com"))
	errs := wantProblem(t, e.do("PUT", path, map[string]any{"email_address": "up@acme-widgets.com", "status": "subscribed"}), 400, "Invalid Resource")
	if fieldErrors(errs)[""] != "Required fields were not provided: status_if_new" {
		t.Fatalf("status_if_new: %v", errs)
	}
	r := e.do("PUT", path, map[string]any{"email_address": "up@acme-widgets.com", "status_if_new": "subscribed",
		"merge_fields": map[string]any{"FNAME": "Up"}})
	created := r.body["last_changed"]
	if r.status != 200 || r.body["status"] != "subscribed" || created != fmtTime(e.clk.now()) {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	contact := r.body["contact_id"]
	// The same values again: nothing changes, last_changed stays.
	e.clk.add(time.Hour)
	r = e.do("PUT", path, map[string]any{"email_address": "up@acme-widgets.com", "status_if_new": "unsubscribed",
		"merge_fields": map[string]any{"FNAME": "Up"}})
	if r.status != 200 || r.body["last_changed"] != created || r.body["status"] != "subscribed" || r.body["contact_id"] != contact {
		t.Fatalf("no-op put: %s", r.raw)
	}
	// A change moves it; status on an existing member is applied.
	r = e.do("PUT", e.memberPath("up@acme-widgets.com"), map[string]any{"status": "unsubscribed", "merge_fields": map[string]any{"LNAME": "Down"}})
	mf := r.body["merge_fields"].(map[string]any)
	if r.status != 200 || r.body["last_changed"] != fmtTime(e.clk.now()) || r.body["status"] != "unsubscribed" ||
		mf["FNAME"] != "Up" || mf["LNAME"] != "Down" || r.body["unsubscribe_reason"] == nil {
		t.Fatalf("update: %s", r.raw)
	}
	// An admin's unsubscribe through the API can be undone through the API.
	e.clk.add(time.Minute)
	if r := e.do("PUT", e.memberPath(contact.(string)), map[string]any{"status": "subscribed"}); r.status != 200 ||
		r.body["status"] != "subscribed" || r.body["timestamp_opt"] != fmtTime(e.clk.now()) {
		t.Fatalf("resubscribe: %d %s", r.status, r.raw)
	}
	// A hash that is not the body's address's.
	wantProblem(t, e.do("PUT", e.memberPath(subscriberHash("other@acme-widgets.com")),
		map[string]any{"email_address": "third@acme-widgets.com", "status_if_new": "subscribed"}), 400, "Invalid Resource")
	// An address another member holds, sent to a path that names no one.
	wantProblem(t, e.do("PUT", e.memberPath(subscriberHash("nobody@acme-widgets.com")),
		map[string]any{"email_address": "up@acme-widgets.com", "status_if_new": "subscribed"}), 400, "Member Exists")
}

func TestPatchEmailChangeKeepsContactID(t *testing.T) {
	e := newEnv(t, Options{})
	ids := e.seed(2, e.clk.now().Add(-time.Hour))
	r := e.do("PATCH", e.memberPath("a0@acme-widgets.com"), map[string]any{"email_address": "renamed@acme-widgets.com"})
	if r.status != 200 || r.body["contact_id"] != ids[0] || r.body["id"] != subscriberHash("renamed@acme-widgets.com") ||
		r.body["email_address"] != "renamed@acme-widgets.com" || r.body["last_changed"] != fmtTime(e.clk.now()) {
		t.Fatalf("email change: %s", r.raw)
	}
	wantProblem(t, e.do("GET", e.memberPath("a0@acme-widgets.com"), nil), 404, "Resource Not Found")
	if r := e.do("GET", e.memberPath(ids[0]), nil); r.body["email_address"] != "renamed@acme-widgets.com" {
		t.Fatalf("by contact_id: %s", r.raw)
	}
	if m, ok := e.sim.Member(e.list, ids[0]); !ok || m.Email != "renamed@acme-widgets.com" || m.ID != subscriberHash("renamed@acme-widgets.com") {
		t.Fatalf("go side: %+v", m)
	}
	wantProblem(t, e.do("PATCH", e.memberPath(ids[0]), map[string]any{"email_address": "a1@acme-widgets.com"}), 400, "Member Exists")
	wantProblem(t, e.do("PATCH", e.memberPath(ids[0]), map[string]any{"status": "transactional"}), 400, "Invalid Resource")
	wantProblem(t, e.do("PATCH", e.memberPath("ghost@acme-widgets.com"), map[string]any{"vip": true}), 404, "Resource Not Found")
}

func TestMergeFieldValidation(t *testing.T) {
	e := newEnv(t, Options{})
	e.seed(1, e.clk.now())
	if err := e.sim.SetMergeFieldRequired(e.list, "LNAME", true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sim.AddMergeField(e.list, MergeField{Tag: "RENEWAL", Name: "Renewal", Type: "date"}); err != nil {
		t.Fatal(err)
	}
	add := func(merge map[string]any, query string) reply {
		return e.do("POST", e.membersPath(query), map[string]any{"email_address": "v@acme-widgets.com", "status": "subscribed", "merge_fields": merge})
	}
	r := add(map[string]any{"FNAME": "V"}, "")
	errs := wantProblem(t, r, 400, "Invalid Resource")
	if r.body["detail"] != "Your merge fields were invalid." || fieldErrors(errs)["LNAME"] != "Please enter a value" {
		t.Fatalf("required: %s", r.raw)
	}
	cases := []struct {
		merge map[string]any
		field string
		msg   string
	}{
		{map[string]any{"BIRTHDAY": "13/40"}, "BIRTHDAY", "Please enter a month (01-12) and a day (01-31)"},
		{map[string]any{"INTEREST": "Gardening"}, "INTEREST", "Value must be one of: Product updates, Events, Partner offers (not Gardening)"},
		{map[string]any{"ADDRESS": map[string]any{"addr1": "1 Main St", "city": "Austin"}}, "ADDRESS", "Please enter a complete address"},
		{map[string]any{"RENEWAL": "someday"}, "RENEWAL", "Please enter the date"},
	}
	for _, c := range cases {
		c.merge["LNAME"] = "Set"
		errs := wantProblem(t, add(c.merge, ""), 400, "Invalid Resource")
		if got := fieldErrors(errs)[c.field]; got != c.msg {
			t.Fatalf("%s: %q, want %q", c.field, got, c.msg)
		}
	}
	errs = wantProblem(t, add(map[string]any{"FNAME": nil, "LNAME": "Set"}, ""), 400, "Invalid Resource")
	if fieldErrors(errs)["merge_fields.FNAME"] != "Data did not match any of the schemas described in anyOf." {
		t.Fatalf("null: %v", errs)
	}
	// skip_merge_validation lets a required field stay empty; good values are stored in form.
	r = add(map[string]any{"FNAME": "V", "BIRTHDAY": "2/9", "RENEWAL": "12/31/2027", "INTEREST": "Events",
		"ADDRESS": "1 Main St  Austin  TX  78701"}, "skip_merge_validation=true")
	mf, _ := r.body["merge_fields"].(map[string]any)
	if r.status != 200 || mf["LNAME"] != "" || mf["BIRTHDAY"] != "02/09" || mf["RENEWAL"] != "2027-12-31" || mf["INTEREST"] != "Events" ||
		mf["ADDRESS"].(map[string]any)["zip"] != "78701" {
		t.Fatalf("skip: %d %s", r.status, r.raw)
	}
	// A PATCH that leaves the required field empty is refused too, unless skipped.
	wantProblem(t, e.do("PATCH", e.memberPath("v@acme-widgets.com"), map[string]any{"vip": true}), 400, "Invalid Resource")
	if r := e.do("PATCH", e.memberPath("v@acme-widgets.com")+"?skip_merge_validation=true", map[string]any{"vip": true}); r.status != 200 {
		t.Fatalf("patch skip: %d %s", r.status, r.raw)
	}
}

func TestComplianceState(t *testing.T) {
	e := newEnv(t, Options{})
	if _, err := e.sim.SeedMembers(e.list, []MemberSeed{{Email: "gone@acme-widgets.com", Status: "unsubscribed"},
		{Email: "bounced@acme-widgets.com", Status: "cleaned"}, {Email: "fine@acme-widgets.com"}}); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"gone@acme-widgets.com", "bounced@acme-widgets.com"} {
		r := e.do("PUT", e.memberPath(addr), map[string]any{"email_address": addr, "status": "subscribed", "status_if_new": "subscribed"})
		if wantProblem(t, r, 400, "Member In Compliance State"); r.body["detail"] != addr+
			" is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed." {
			t.Fatalf("%s: %s", addr, r.raw)
		}
	}
	wantProblem(t, e.do("PATCH", e.memberPath("gone@acme-widgets.com"), map[string]any{"status": "subscribed"}), 400, "Member In Compliance State")
	// pending sends a confirmation email, which is allowed; other edits too.
	if r := e.do("PATCH", e.memberPath("gone@acme-widgets.com"), map[string]any{"status": "pending"}); r.status != 200 || r.body["status"] != "pending" {
		t.Fatalf("pending: %d %s", r.status, r.raw)
	}
	if r := e.do("PATCH", e.memberPath("bounced@acme-widgets.com"), map[string]any{"merge_fields": map[string]any{"FNAME": "B"}}); r.status != 200 {
		t.Fatalf("edit: %d %s", r.status, r.raw)
	}
	// The contact unsubscribing themselves puts them in the same state.
	if err := e.sim.ContactUnsubscribe(e.list, "fine@acme-widgets.com"); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, e.do("PATCH", e.memberPath("fine@acme-widgets.com"), map[string]any{"status": "subscribed"}), 400, "Member In Compliance State")
}

func TestGoAPIUpdateMovesLastChanged(t *testing.T) {
	e := newEnv(t, Options{})
	ids := e.seed(1, e.clk.now().Add(-time.Hour))
	before, _ := e.sim.Member(e.list, ids[0])
	e.clk.add(time.Minute)
	m, err := e.sim.UpdateMember(e.list, ids[0], map[string]any{"FNAME": "First0"})
	if err != nil || !m.LastChanged.Equal(before.LastChanged) {
		t.Fatalf("no-op update moved last_changed: %v %v", m.LastChanged, err)
	}
	m, err = e.sim.UpdateMember(e.list, ids[0], map[string]any{"FNAME": "Edited", "COMPANY": "Acme", "status": "unsubscribed"})
	if err != nil || !m.LastChanged.Equal(e.clk.now()) || m.MergeFields["FNAME"] != "Edited" || m.Status != "unsubscribed" {
		t.Fatalf("update: %+v %v", m, err)
	}
	if _, err := e.sim.UpdateMember(e.list, ids[0], map[string]any{"BIRTHDAY": "99/99"}); err == nil {
		t.Fatal("bad birthday accepted")
	}
	if _, err := e.sim.UpdateMember(e.list, "nobody", nil); err == nil {
		t.Fatal("unknown member")
	}
	if err := e.sim.Archive(e.list, "a0@acme-widgets.com"); err != nil {
		t.Fatal(err)
	}
	if m, _ := e.sim.Member(e.list, subscriberHash("a0@acme-widgets.com")); m.Status != "archived" {
		t.Fatalf("archive: %+v", m)
	}
	other := e.sim.CreateList("other")
	if ids, err := e.sim.SeedMembers(other, []MemberSeed{{Email: "a0@acme-widgets.com"}}); err != nil || len(ids) != 1 || e.sim.Count(other) != 1 {
		t.Fatalf("second list: %v %v", ids, err)
	}
	if _, err := e.sim.SeedMembers(other, []MemberSeed{{Email: "a0@acme-widgets.com"}}); err == nil {
		t.Fatal("duplicate seed accepted")
	}
	if err := e.sim.DeletePermanently(other, "a0@acme-widgets.com"); err != nil || e.sim.Count(other) != 0 {
		t.Fatalf("delete: %v", err)
	}
}
