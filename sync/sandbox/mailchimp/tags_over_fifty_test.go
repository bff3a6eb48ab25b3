package mailchimp

import (
	"fmt"
	"testing"
	"time"
)

// A member read returns at most 50 of its tags; tags_count counts them all and the
// member's tags endpoint lists them all. Spec (mailchimp-marketing-python-sdk,
// ListMembers.tags): "Returns up to 50 tags applied to this member. To retrieve all
// tags see Member Tags."; tags_count: "The number of tags applied to this member."
func TestMemberTagsCappedAt50(t *testing.T) {
	e := newEnv(t, Options{})
	tags := make([]string, 55)
	for i := range tags {
		tags[i] = fmt.Sprintf("t%02d", i)
	}
	base := e.clk.now().Add(-time.Hour)
	ids, err := e.sim.SeedMembers(e.list, []MemberSeed{{Email: "many@acme-widgets.com", Tags: tags, Created: base, Modified: base}})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, m map[string]any) {
		t.Helper()
		got, _ := m["tags"].([]any)
		if len(got) != 50 || m["tags_count"] != float64(55) {
			t.Fatalf("%s: %d tags, tags_count %v; want 50 and 55", what, len(got), m["tags_count"])
		}
	}
	check("member", e.do("GET", e.memberPath(ids[0]), nil).body)
	check("list", objects(t, e.do("GET", e.membersPath(""), nil), "members")[0])
	r := e.do("GET", e.memberPath(ids[0])+"/tags?count=1000", nil)
	if list := objects(t, r, "tags"); len(list) != 55 || r.body["total_items"] != float64(55) {
		t.Fatalf("tags endpoint: %d tags, total %v", len(list), r.body["total_items"])
	}
}
