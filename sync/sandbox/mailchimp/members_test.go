package mailchimp

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

func emails(ms []map[string]any) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i], _ = m["email_address"].(string)
	}
	return out
}

func TestMemberShape(t *testing.T) {
	e := newEnv(t, Options{})
	ids, err := e.sim.SeedMembers(e.list, []MemberSeed{{Email: "Grace.Hopper@Navy-Labs.org", Tags: []string{"vip", "2024"},
		MergeFields: map[string]any{"FNAME": "Grace", "LNAME": "Hopper", "PHONE": "+1 555-0100", "BIRTHDAY": "12/09",
			"ADDRESS": map[string]any{"addr1": "1 Navy Way", "city": "Arlington", "state": "VA", "zip": "22202"}},
		Created: e.clk.now().Add(-48 * time.Hour), Modified: e.clk.now().Add(-time.Hour)}, {Email: "empty@navy-labs.org"}})
	if err != nil {
		t.Fatal(err)
	}
	r := e.do("GET", e.memberPath("grace.hopper@navy-labs.org"), nil)
	b := r.body
	if r.status != 200 || b["id"] != subscriberHash("grace.hopper@navy-labs.org") || b["contact_id"] != ids[0] ||
		b["email_address"] != "Grace.Hopper@Navy-Labs.org" || b["full_name"] != "Grace Hopper" || b["status"] != "subscribed" ||
		b["list_id"] != e.list || b["email_type"] != "html" || b["unique_email_id"] == "" || b["web_id"] == nil ||
		b["tags_count"] != float64(2) || len(b["tags"].([]any)) != 2 || b["_links"] == nil {
		t.Fatalf("member: %s", r.raw)
	}
	if b["last_changed"] != "2026-11-03T09:15:30+00:00" || b["timestamp_opt"] != "2026-11-01T10:15:30+00:00" {
		t.Fatalf("times: %v %v", b["last_changed"], b["timestamp_opt"])
	}
	mf := b["merge_fields"].(map[string]any)
	addr, _ := mf["ADDRESS"].(map[string]any)
	if mf["BIRTHDAY"] != "12/09" || mf["COMPANY"] != "" || mf["INTEREST"] != "" || addr["city"] != "Arlington" ||
		addr["country"] != "US" || addr["addr2"] != "" || len(mf) != 7 {
		t.Fatalf("merge fields: %v", mf)
	}
	// An empty member's ADDRESS is "", as are its other fields.
	r = e.do("GET", e.memberPath("empty@navy-labs.org"), nil)
	if mf := r.body["merge_fields"].(map[string]any); mf["ADDRESS"] != "" || mf["FNAME"] != "" || r.body["full_name"] != "" {
		t.Fatalf("empty merge fields: %v", mf)
	}
	// The path takes the hash, the address or the contact_id.
	for _, key := range []string{subscriberHash("grace.hopper@navy-labs.org"), "GRACE.HOPPER@navy-labs.org", ids[0]} {
		if r := e.do("GET", e.memberPath(key), nil); r.status != 200 || r.body["contact_id"] != ids[0] {
			t.Fatalf("key %s: %d", key, r.status)
		}
	}
	wantProblem(t, e.do("GET", e.memberPath("nobody@navy-labs.org"), nil), 404, "Resource Not Found")
	wantProblem(t, e.do("GET", "/3.0/lists/ffffffffff/members", nil), 404, "Resource Not Found")
}

func TestMembersPagingSortAndSince(t *testing.T) {
	e := newEnv(t, Options{})
	base := e.clk.now().Add(-30 * 24 * time.Hour)
	e.seed(25, base)
	// Default page: 10 in creation order, total_items counts all.
	r := e.do("GET", e.membersPath(""), nil)
	if ms := objects(t, r, "members"); len(ms) != 10 || r.body["total_items"] != float64(25) || ms[0]["email_address"] != "a0@acme-widgets.com" ||
		r.body["list_id"] != e.list || r.body["_links"] == nil {
		t.Fatalf("first page: %d members, %v", len(ms), r.body["total_items"])
	}
	var all []string
	for off := 0; off < 25; off += 7 {
		r := e.do("GET", e.membersPath(fmt.Sprintf("count=7&offset=%d", off)), nil)
		all = append(all, emails(objects(t, r, "members"))...)
	}
	if len(all) != 25 || all[24] != "a24@acme-widgets.com" {
		t.Fatalf("paged: %v", all)
	}
	if r := e.do("GET", e.membersPath("count=5&offset=100"), nil); len(objects(t, r, "members")) != 0 || r.body["total_items"] != float64(25) {
		t.Fatalf("past the end: %s", r.raw)
	}
	// Member 3 changes now: it sorts last by last_changed.
	if _, err := e.sim.UpdateMember(e.list, "a3@acme-widgets.com", map[string]any{"FNAME": "Changed"}); err != nil {
		t.Fatal(err)
	}
	r = e.do("GET", e.membersPath("count=1000&sort_field=last_changed&sort_dir=ASC"), nil)
	if got := emails(objects(t, r, "members")); len(got) != 25 || got[0] != "a0@acme-widgets.com" || got[24] != "a3@acme-widgets.com" {
		t.Fatalf("asc: %v", got)
	}
	r = e.do("GET", e.membersPath("count=2&sort_field=last_changed&sort_dir=DESC"), nil)
	if got := emails(objects(t, r, "members")); got[0] != "a3@acme-widgets.com" || got[1] != "a24@acme-widgets.com" {
		t.Fatalf("desc: %v", got)
	}
	// since_last_changed is strict: member 20 changed exactly at the instant and is left out.
	since := url.QueryEscape(fmtTime(base.Add(20 * time.Minute)))
	r = e.do("GET", e.membersPath("count=1000&sort_field=last_changed&since_last_changed="+since), nil)
	if got := emails(objects(t, r, "members")); r.body["total_items"] != float64(5) || got[0] != "a21@acme-widgets.com" || got[4] != "a3@acme-widgets.com" {
		t.Fatalf("since: %v %v", got, r.body["total_items"])
	}
	// The same filter without a sort field, and with before_last_changed (strict too).
	before := url.QueryEscape(fmtTime(base.Add(23 * time.Minute)))
	r = e.do("GET", e.membersPath("since_last_changed="+since+"&before_last_changed="+before), nil)
	if got := emails(objects(t, r, "members")); len(got) != 2 || got[0] != "a21@acme-widgets.com" || got[1] != "a22@acme-widgets.com" {
		t.Fatalf("since and before: %v", got)
	}
	// A value that does not parse (a "+" sent unescaped becomes a space) is ignored.
	r = e.do("GET", e.membersPath("since_last_changed="+fmtTime(base.Add(20*time.Minute))), nil)
	if r.status != 200 || r.body["total_items"] != float64(25) {
		t.Fatalf("unparseable since: %d %v", r.status, r.body["total_items"])
	}
	// Other sort fields and filters.
	r = e.do("GET", e.membersPath("count=3&sort_field=timestamp_signup&sort_dir=DESC"), nil)
	if got := emails(objects(t, r, "members")); got[0] != "a24@acme-widgets.com" {
		t.Fatalf("signup desc: %v", got)
	}
	if r := e.do("GET", e.membersPath("count=1000"), nil); r.status != 200 || len(objects(t, r, "members")) != 25 {
		t.Fatalf("count=1000: %d", r.status)
	}
	errs := wantProblem(t, e.do("GET", e.membersPath("count=1001"), nil), 400, "Invalid Resource")
	if len(errs) != 1 || errs[0].(map[string]any)["field"] != "count" {
		t.Fatalf("count errors: %v", errs)
	}
	wantProblem(t, e.do("GET", e.membersPath("status=gone"), nil), 400, "Invalid Resource")
	wantProblem(t, e.do("GET", e.membersPath("sort_field=email"), nil), 400, "Invalid Resource")
	if r := e.do("GET", e.membersPath("status=unsubscribed"), nil); r.body["total_items"] != float64(0) {
		t.Fatalf("status filter: %s", r.raw)
	}
	uid := objects(t, e.do("GET", e.membersPath("count=1"), nil), "members")[0]["unique_email_id"].(string)
	if r := e.do("GET", e.membersPath("unique_email_id="+uid), nil); r.body["total_items"] != float64(1) {
		t.Fatalf("unique_email_id filter: %s", r.raw)
	}
}

func TestFieldsAndExcludeFields(t *testing.T) {
	e := newEnv(t, Options{})
	e.seed(3, e.clk.now())
	r := e.do("GET", e.membersPath("fields=members.id,members.email_address,members.merge_fields.FNAME,total_items"), nil)
	if len(r.body) != 2 || r.body["total_items"] != float64(3) {
		t.Fatalf("top level: %s", r.raw)
	}
	ms := objects(t, r, "members")
	mf, _ := ms[0]["merge_fields"].(map[string]any)
	if len(ms) != 3 || len(ms[0]) != 3 || ms[0]["id"] != subscriberHash("a0@acme-widgets.com") || len(mf) != 1 || mf["FNAME"] != "First0" {
		t.Fatalf("members: %v", ms)
	}
	r = e.do("GET", e.membersPath("exclude_fields=members._links,members.merge_fields,_links"), nil)
	ms = objects(t, r, "members")
	if _, has := r.body["_links"]; has || ms[0]["_links"] != nil || ms[0]["merge_fields"] != nil || ms[0]["email_address"] == nil ||
		r.body["total_items"] != float64(3) {
		t.Fatalf("exclude: %s", r.raw)
	}
	r = e.do("GET", e.memberPath("a1@acme-widgets.com")+"?fields=email_address,status", nil)
	if len(r.body) != 2 || r.body["status"] != "subscribed" {
		t.Fatalf("one member: %s", r.raw)
	}
}

func TestArchivedListingAndDeletePermanent(t *testing.T) {
	e := newEnv(t, Options{})
	ids := e.seed(3, e.clk.now().Add(-time.Hour))
	e.clk.add(time.Minute)
	if r := e.do("DELETE", e.memberPath("a1@acme-widgets.com"), nil); r.status != 204 {
		t.Fatalf("archive: %d %s", r.status, r.raw)
	}
	r := e.do("GET", e.memberPath(ids[1]), nil)
	if r.status != 200 || r.body["status"] != "archived" || r.body["last_changed"] != fmtTime(e.clk.now()) {
		t.Fatalf("archived member: %s", r.raw)
	}
	if got := emails(objects(t, e.do("GET", e.membersPath(""), nil), "members")); len(got) != 2 || got[1] != "a2@acme-widgets.com" {
		t.Fatalf("archived members are not listed without a status: %v", got)
	}
	if got := emails(objects(t, e.do("GET", e.membersPath("status=archived"), nil), "members")); len(got) != 1 || got[0] != "a1@acme-widgets.com" {
		t.Fatalf("status=archived: %v", got)
	}
	if r := e.do("GET", "/3.0/lists/"+e.list, nil); r.body["stats"].(map[string]any)["member_count"] != float64(2) {
		t.Fatalf("member_count: %v", r.body["stats"])
	}
	// Re-adding with PUT brings the same contact back.
	r = e.do("PUT", e.memberPath("a1@acme-widgets.com"), map[string]any{"email_address": "a1@acme-widgets.com", "status_if_new": "subscribed"})
	if r.status != 200 || r.body["status"] != "subscribed" || r.body["contact_id"] != ids[1] {
		t.Fatalf("unarchive: %s", r.raw)
	}
	// POST brings an archived member back too.
	e.do("DELETE", e.memberPath("a2@acme-widgets.com"), nil)
	if r := e.do("POST", e.membersPath(""), map[string]any{"email_address": "a2@acme-widgets.com", "status": "pending"}); r.status != 200 ||
		r.body["status"] != "pending" || r.body["contact_id"] != ids[2] {
		t.Fatalf("re-add by POST: %s", r.raw)
	}
	// delete-permanent: gone, and the address cannot come back through the API.
	if r := e.do("POST", e.memberPath(ids[0])+"/actions/delete-permanent", nil); r.status != 204 {
		t.Fatalf("delete-permanent: %d %s", r.status, r.raw)
	}
	wantProblem(t, e.do("GET", e.memberPath("a0@acme-widgets.com"), nil), 404, "Resource Not Found")
	wantProblem(t, e.do("POST", e.memberPath("a0@acme-widgets.com")+"/actions/delete-permanent", nil), 404, "Resource Not Found")
	r = e.do("POST", e.membersPath(""), map[string]any{"email_address": "a0@acme-widgets.com", "status": "pending"})
	if wantProblem(t, r, 400, "Forgotten Email Not Subscribed"); !strings.HasSuffix(r.body["detail"].(string), "The contact must re-subscribe to get back on the list.") {
		t.Fatalf("forgotten: %s", r.raw)
	}
	if e.sim.Count(e.list) != 2 || len(e.sim.Members(e.list)) != 2 {
		t.Fatalf("count %d", e.sim.Count(e.list))
	}
}

// TestLargeAudience pages 50,000 members by last_changed, 1000 at a time.
func TestLargeAudience(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	e := newEnv(t, Options{})
	const n = 50_000
	rows := make([]MemberSeed, n)
	base := e.clk.now().Add(-n * time.Second)
	for i := range rows {
		rows[i] = MemberSeed{Email: fmt.Sprintf("m%d@bulk-audience.com", i), MergeFields: map[string]any{"FNAME": "F", "LNAME": "L"},
			Modified: base.Add(time.Duration((i*7919)%n) * time.Second)}
	}
	if _, err := e.sim.SeedMembers(e.list, rows); err != nil {
		t.Fatal(err)
	}
	since := url.QueryEscape(fmtTime(base.Add((n - 2500) * time.Second)))
	seen, last := 0, ""
	start := time.Now()
	for off := 0; ; off += 1000 {
		r := e.do("GET", e.membersPath(fmt.Sprintf("count=1000&offset=%d&sort_field=last_changed&since_last_changed=%s"+
			"&fields=members.email_address,members.last_changed,total_items", off, since)), nil)
		ms := objects(t, r, "members")
		for _, m := range ms {
			if lc := m["last_changed"].(string); lc < last {
				t.Fatalf("out of order: %s after %s", lc, last)
			} else {
				last = lc
			}
		}
		seen += len(ms)
		if len(ms) < 1000 {
			if r.body["total_items"] != float64(2499) {
				t.Fatalf("total %v", r.body["total_items"])
			}
			break
		}
	}
	if seen != 2499 {
		t.Fatalf("saw %d", seen)
	}
	t.Logf("paged %d of %d members in %v", seen, n, time.Since(start))
}
