package mailchimp

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// groupsEnv is a sandbox audience with two interest categories and three
// members carrying interests and tags, over real HTTP.
type groupsEnv struct {
	*env
	c              *Connector
	list           string
	topics, region mcsim.InterestCategory
	ids            []string // contact_ids of ann, bob and cat
	logs           *bytes.Buffer
}

// Field names of the two categories.
func (g *groupsEnv) topicsField() string { return interestsPrefix + g.topics.ID }
func (g *groupsEnv) regionField() string { return interestsPrefix + g.region.ID }

// topic and place are the ids of the categories' interests, by position.
func (g *groupsEnv) topic(i int) string { return g.topics.Interests[i].ID }
func (g *groupsEnv) place(i int) string { return g.region.Interests[i].ID }

func newGroupsEnv(t *testing.T, seedVal int64) *groupsEnv {
	t.Helper()
	e := newEnv(t, mcsim.Options{Seed: seedVal})
	g := &groupsEnv{env: e, list: e.sim.DefaultListID(), logs: &bytes.Buffer{}}
	var err error
	if g.topics, err = e.sim.AddInterestCategory(g.list, mcsim.InterestCategory{Title: "Topics", Interests: []mcsim.Interest{
		{Name: "Product updates"}, {Name: "Webinars"}, {Name: "Events"}}}); err != nil {
		t.Fatal(err)
	}
	if g.region, err = e.sim.AddInterestCategory(g.list, mcsim.InterestCategory{Title: "Region", Type: "radio", Interests: []mcsim.Interest{
		{Name: "Europe"}, {Name: "Americas"}}}); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	g.ids = seed(t, e, g.list,
		mcsim.MemberSeed{Email: "ann@example.com", MergeFields: map[string]any{"FNAME": "Ann"}, Interests: []string{g.topic(0), g.place(0)},
			Tags: []string{"vip", "newsletter"}, Created: past},
		mcsim.MemberSeed{Email: "bob@example.com", MergeFields: map[string]any{"FNAME": "Bob"}, Tags: []string{"keep-me"}, Created: past},
		mcsim.MemberSeed{Email: "cat@example.com", MergeFields: map[string]any{"FNAME": "Cat"}, Tags: []string{"odd;name", "plain"}, Created: past})
	client, m := e.signIn(t)
	o := testOptions()
	o.createStatus = "subscribed"
	o.Logger = slog.New(slog.NewTextHandler(g.logs, nil))
	if g.c, err = newConnector(client, m.APIBase(), o); err != nil {
		t.Fatal(err)
	}
	return g
}

func (g *groupsEnv) member(t *testing.T, key string) mcsim.Member {
	t.Helper()
	m, ok := g.sim.Member(g.list, key)
	if !ok {
		t.Fatalf("no member %s", key)
	}
	return m
}

func sorted(vs ...string) []string { return slices.Sorted(slices.Values(vs)) }

func update(id string, fields map[string]string) connector.Op {
	return connector.Op{Kind: connector.OpUpdate, ID: id, Fields: fields}
}

// Each interest category is a multi-select named by its id and labelled by
// its title, whose options are its interests (id, labelled by name) in
// Mailchimp's order; tags are a writable multi-select with no options.
func TestSchemaOffersGroupsAndTags(t *testing.T) {
	g := newGroupsEnv(t, 21)
	sc, err := g.c.Schema(context.Background(), objMembers)
	if err != nil {
		t.Fatal(err)
	}
	for _, cat := range []mcsim.InterestCategory{g.topics, g.region} {
		f, ok := sc.Field(interestsPrefix + cat.ID)
		if !ok || f.Type != connector.TypeMulti || f.Label != cat.Title || f.ReadOnly || len(f.Options) != len(cat.Interests) {
			t.Fatalf("field for category %q: %+v (found %v)", cat.Title, f, ok)
		}
		for i, in := range cat.Interests {
			if f.Options[i] != (connector.Option{Value: in.ID, Label: in.Name}) {
				t.Errorf("%s option %d = %+v, want %s labelled %q", f.Name, i, f.Options[i], in.ID, in.Name)
			}
		}
	}
	f, ok := sc.Field(fTags)
	if !ok || f.Type != connector.TypeMulti || f.ReadOnly || f.Options != nil {
		t.Errorf("tags field %+v (found %v), want a writable multi-select with no options", f, ok)
	}
}

// A read gives each category the ids of the interests the member is in,
// joined by ";", and the tags' names; a tag whose name holds ";" is left
// out, with a warning naming it.
func TestReadGroupsAndTags(t *testing.T) {
	g := newGroupsEnv(t, 22)
	recs, _, _ := read(t, g.c, objMembers, "")
	byID := map[string]connector.Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	want := []map[string]string{
		{g.topicsField(): g.topic(0), g.regionField(): g.place(0), fTags: "vip;newsletter"},
		{g.topicsField(): "", g.regionField(): "", fTags: "keep-me"},
		{g.topicsField(): "", g.regionField(): "", fTags: "plain"},
	}
	for i, id := range g.ids {
		for k, v := range want[i] {
			if got, ok := byID[id].Fields[k]; !ok || got != v {
				t.Errorf("member %d: %s = %q (read: %v), want %q", i, k, got, ok, v)
			}
		}
	}
	if !strings.Contains(g.logs.String(), "odd;name") || !strings.Contains(g.logs.String(), g.ids[2]) {
		t.Errorf("no warning naming the tag odd;name of %s; logged %q", g.ids[2], g.logs.String())
	}
}

// Writing a category sets that category's interests only: the member's
// interests in another category stay, in the update, upsert and create
// paths alike, and a read gives back what was written.
func TestWriteGroupsChangesOnlyThatCategory(t *testing.T) {
	g := newGroupsEnv(t, 23)
	ann := g.ids[0]
	res := write(t, g.c, update(ann, map[string]string{g.topicsField(): g.topic(2) + ";" + g.topic(1)}))
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	if got, want := g.member(t, ann).Interests, sorted(g.topic(1), g.topic(2), g.place(0)); !slices.Equal(got, want) {
		t.Errorf("after writing Topics: interests %v, want %v (Region kept)", got, want)
	}
	recs, err := g.c.Lookup(context.Background(), objMembers, fEmail, []string{"ann@example.com"})
	if err != nil || len(recs) != 1 || recs[0].Fields[g.topicsField()] != g.topic(1)+";"+g.topic(2) || recs[0].Fields[g.regionField()] != g.place(0) {
		t.Errorf("read back: %+v %v", recs, err)
	}

	// An upsert of an existing member and a create: the same.
	up, err := g.c.Upsert(context.Background(), objMembers, fEmail, []connector.Op{{Kind: connector.OpUpsert,
		Fields: map[string]string{fEmail: "ann@example.com", fStatus: "subscribed", g.regionField(): g.place(1)}}})
	if err != nil || up[0].Err != nil || up[0].ID != ann {
		t.Fatalf("upsert: %+v %v", up, err)
	}
	if got, want := g.member(t, ann).Interests, sorted(g.topic(1), g.topic(2), g.place(1)); !slices.Equal(got, want) {
		t.Errorf("after upserting Region: interests %v, want %v (Topics kept)", got, want)
	}
	res = write(t, g.c, add(map[string]string{fEmail: "new@example.com", fStatus: "subscribed", g.topicsField(): g.topic(0)}))
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	if got := g.member(t, res[0].ID).Interests; !slices.Equal(got, []string{g.topic(0)}) {
		t.Errorf("created member's interests %v, want only %s", got, g.topic(0))
	}
}

// The tags field is the whole set: an update adds and removes the
// difference, an upsert replaces the set, a create sets it; a member
// written in the same call without tags keeps its own; a tag the field
// cannot show (its name holds ";") is never removed.
func TestWriteTagsReplacesTheSet(t *testing.T) {
	g := newGroupsEnv(t, 24)
	ann, bob, cat := g.ids[0], g.ids[1], g.ids[2]
	before := g.member(t, ann).LastChanged
	time.Sleep(1100 * time.Millisecond) // last_changed has one-second resolution
	res := write(t, g.c,
		update(ann, map[string]string{fTags: "newsletter;customer"}),
		update(bob, map[string]string{"FNAME": "Robert"}),
		update(cat, map[string]string{fTags: "plain2", "FNAME": "Catherine"}))
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("update %d: %v", i, r.Err)
		}
	}
	if m := g.member(t, ann); !slices.Equal(sorted(m.Tags...), sorted("newsletter", "customer")) || !m.LastChanged.After(before) {
		t.Errorf("ann after the update: tags %v, last_changed %v (was %v)", m.Tags, m.LastChanged, before)
	}
	if m := g.member(t, bob); !slices.Equal(m.Tags, []string{"keep-me"}) || m.MergeFields["FNAME"] != "Robert" {
		t.Errorf("bob, updated without tags: tags %v, FNAME %v", m.Tags, m.MergeFields["FNAME"])
	}
	if m := g.member(t, cat); !slices.Equal(sorted(m.Tags...), sorted("odd;name", "plain2")) || m.MergeFields["FNAME"] != "Catherine" {
		t.Errorf("cat: tags %v, FNAME %v; want odd;name kept and plain replaced by plain2", m.Tags, m.MergeFields["FNAME"])
	}

	// One upsert: ann's tags replaced, bob's untouched.
	batches := g.sim.Stats()["POST /3.0/lists/{list_id}"]
	up, err := g.c.Upsert(context.Background(), objMembers, fEmail, []connector.Op{
		{Kind: connector.OpUpsert, Fields: map[string]string{fEmail: "ann@example.com", fStatus: "subscribed", fTags: "solo"}},
		{Kind: connector.OpUpsert, Fields: map[string]string{fEmail: "bob@example.com", fStatus: "subscribed", "LNAME": "Builder"}},
		{Kind: connector.OpUpsert, Fields: map[string]string{fEmail: "dee@example.com", fStatus: "subscribed", fTags: "fresh;new"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range up {
		if r.Err != nil {
			t.Fatalf("upsert %d: %v", i, r.Err)
		}
	}
	if m := g.member(t, ann); !slices.Equal(m.Tags, []string{"solo"}) {
		t.Errorf("ann after the upsert: tags %v, want [solo]", m.Tags)
	}
	if m := g.member(t, bob); !slices.Equal(m.Tags, []string{"keep-me"}) || m.MergeFields["LNAME"] != "Builder" {
		t.Errorf("bob, upserted without tags beside a member with tags: tags %v, LNAME %v; want keep-me kept", m.Tags, m.MergeFields["LNAME"])
	}
	if m := g.member(t, up[2].ID); !up[2].Created || !slices.Equal(sorted(m.Tags...), sorted("fresh", "new")) {
		t.Errorf("dee, upserted new: %+v, tags %v", up[2], m.Tags)
	}
	if n := g.sim.Stats()["POST /3.0/lists/{list_id}"] - batches; n != 3 {
		t.Errorf("%d batch subscribe calls, want 3: new members, then those on the list with and without sync_tags", n)
	}
	res = write(t, g.c, add(map[string]string{fEmail: "eve@example.com", fStatus: "subscribed", fTags: "lead"}))
	if m := g.member(t, "eve@example.com"); res[0].Err != nil || !slices.Equal(m.Tags, []string{"lead"}) {
		t.Errorf("create with tags: %v, tags %v", res[0].Err, m.Tags)
	}

	// An update to the tags it has writes nothing.
	tagCalls := g.sim.Stats()["POST /3.0/lists/{list_id}/members/{subscriber_hash}/tags"]
	if res := write(t, g.c, update(ann, map[string]string{fTags: "solo"})); res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	if n := g.sim.Stats()["POST /3.0/lists/{list_id}/members/{subscriber_hash}/tags"]; n != tagCalls {
		t.Errorf("an update to the same tags made %d tags calls", n-tagCalls)
	}
}

// A blank value clears: no interest of that category (the others stay),
// no tags (but one the field cannot show).
func TestClearingGroupsAndTags(t *testing.T) {
	g := newGroupsEnv(t, 25)
	ann, cat := g.ids[0], g.ids[2]
	res := write(t, g.c, update(ann, map[string]string{g.topicsField(): "", fTags: ""}), update(cat, map[string]string{fTags: ""}))
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("update %d: %v", i, r.Err)
		}
	}
	if m := g.member(t, ann); !slices.Equal(m.Interests, []string{g.place(0)}) || len(m.Tags) != 0 {
		t.Errorf("ann cleared: interests %v (want Region's %s kept), tags %v", m.Interests, g.place(0), m.Tags)
	}
	if m := g.member(t, cat); !slices.Equal(m.Tags, []string{"odd;name"}) {
		t.Errorf("cat cleared: tags %v, want only odd;name", m.Tags)
	}
	up, err := g.c.Upsert(context.Background(), objMembers, fEmail, []connector.Op{{Kind: connector.OpUpsert,
		Fields: map[string]string{fEmail: "bob@example.com", fStatus: "subscribed", fTags: ""}}})
	if err != nil || up[0].Err != nil {
		t.Fatalf("upsert clearing tags: %+v %v", up, err)
	}
	if m := g.member(t, "bob@example.com"); len(m.Tags) != 0 {
		t.Errorf("bob after an upsert with no tags: %v", m.Tags)
	}
	recs, _, _ := read(t, g.c, objMembers, "")
	for _, r := range recs {
		if r.ID == ann && (r.Fields[g.topicsField()] != "" || r.Fields[fTags] != "" || r.Fields[g.regionField()] != g.place(0)) {
			t.Errorf("ann read back: %v", r.Fields)
		}
	}
}

// An interest id Mailchimp does not hold fails its own record, naming the
// category's field and Mailchimp's message, and changes nothing; the other
// records of the call are written. So in a batch subscribe.
func TestUnknownInterestFailsOnlyItsRecord(t *testing.T) {
	g := newGroupsEnv(t, 26)
	ann, bob := g.ids[0], g.ids[1]
	const gone = "0123456789"
	res, err := g.c.Write(context.Background(), objMembers, []connector.Op{
		update(ann, map[string]string{g.topicsField(): g.topic(1) + ";" + gone, "FNAME": "Changed"}),
		update(bob, map[string]string{g.regionField(): g.place(1)}),
	})
	if err != nil {
		t.Fatal(err)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.Field != g.topicsField() || re.RecordID != ann || !errors.Is(res[0].Err, connector.ErrValidation) ||
		!strings.Contains(re.Message, "Invalid interest ID: '"+gone+"'.") {
		t.Errorf("unknown interest: %v (%+v), want a validation error on %s with Mailchimp's message", res[0].Err, re, g.topicsField())
	}
	if m := g.member(t, ann); m.MergeFields["FNAME"] != "Ann" || !slices.Equal(m.Interests, sorted(g.topic(0), g.place(0))) {
		t.Errorf("ann after the refused write: %v %v", m.MergeFields["FNAME"], m.Interests)
	}
	if res[1].Err != nil || !slices.Equal(g.member(t, bob).Interests, []string{g.place(1)}) {
		t.Errorf("bob, in the same call: %v, interests %v", res[1].Err, g.member(t, bob).Interests)
	}

	up, err := g.c.Upsert(context.Background(), objMembers, fEmail, []connector.Op{
		{Kind: connector.OpUpsert, Fields: map[string]string{fEmail: "new1@example.com", fStatus: "subscribed", g.regionField(): gone}},
		{Kind: connector.OpUpsert, Fields: map[string]string{fEmail: "new2@example.com", fStatus: "subscribed", g.regionField(): g.place(0)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	re = nil
	if !errors.As(up[0].Err, &re) || re.Field != g.regionField() || re.RecordID != "new1@example.com" || !strings.Contains(re.Message, "Invalid interest ID") {
		t.Errorf("batch with an unknown interest: %v (%+v)", up[0].Err, re)
	}
	if _, ok := g.sim.Member(g.list, "new1@example.com"); ok {
		t.Error("the refused member was added")
	}
	if up[1].Err != nil || !slices.Equal(g.member(t, "new2@example.com").Interests, []string{g.place(0)}) {
		t.Errorf("the other member of the batch: %+v", up[1])
	}
}

// The difference of two tag sets; a name holding ";" is never removed.
func TestTagChanges(t *testing.T) {
	got := tagChanges([]string{"a", "b", "x;y"}, []string{"b", "c"})
	want := []memberTag{{"c", "active"}, {"a", "inactive"}}
	if !slices.Equal(got, want) {
		t.Errorf("tagChanges = %v, want %v", got, want)
	}
	if got := tagChanges([]string{"a"}, []string{"a"}); got != nil {
		t.Errorf("no change: %v", got)
	}
}
