package mailchimp

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// A member read carries at most 50 of its tags (tags_count counts them all): the
// tags field must still hold every tag, on a read, a look-up and the diff an
// update writes, or a sync copies a cut set and never removes the rest.
func TestTagsBeyondFifty(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 7})
	c := e.connect(t)
	list := e.sim.DefaultListID()
	tags := make([]string, 55)
	for i := range tags {
		tags[i] = fmt.Sprintf("t%02d", i)
	}
	ids := seed(t, e, list, mcsim.MemberSeed{Email: "many@acme-widgets.com", Tags: tags, Created: time.Now().Add(-time.Hour)})

	recs, _, _ := read(t, c, objMembers, "")
	if len(recs) != 1 || !slices.Equal(sorted(connector.SplitMulti(recs[0].Fields[fTags])...), tags) {
		t.Fatalf("read: %d records, tags %q; want all 55", len(recs), recs[0].Fields[fTags])
	}
	found, err := c.Lookup(context.Background(), objMembers, fEmail, []string{"many@acme-widgets.com"})
	if err != nil || len(found) != 1 || len(connector.SplitMulti(found[0].Fields[fTags])) != 55 {
		t.Fatalf("lookup: %v, %d records", err, len(found))
	}
	// Dropping t54, a tag past the first 50, takes it off.
	want := strings.Join(tags[:54], connector.MultiSep)
	if res := write(t, c, update(ids[0], map[string]string{fTags: want, "FNAME": "Many"})); res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	if m, _ := e.sim.Member(list, ids[0]); slices.Contains(m.Tags, "t54") || len(m.Tags) != 54 {
		t.Fatalf("after dropping t54: %d tags, t54 kept: %v", len(m.Tags), slices.Contains(m.Tags, "t54"))
	}
}
