package mailchimp

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

func calls(s map[string]int64) (n int64) {
	for _, v := range s {
		n += v
	}
	return n
}

// Updates of members that keep their address and status go through batch
// subscribe, 500 a call, instead of one PATCH each; an opted-out, cleaned,
// pending or archived member keeps its status, an address change still
// works, and a member Mailchimp refuses fails alone, naming it and the field.
func TestMailchimpUpdatesGoInBatches(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 41})
	list := e.sim.DefaultListID()
	const total, n = 1200, 1000
	rows := make([]mcsim.MemberSeed, total)
	statuses := map[int]string{0: "unsubscribed", 1: "cleaned", 2: "archived", 3: "pending", 4: "transactional"}
	for i := range rows {
		rows[i] = mcsim.MemberSeed{Email: fmt.Sprintf("m%04d@acme-widgets.com", i), Status: statuses[i],
			MergeFields: map[string]any{"FNAME": "Old", "LNAME": "Keep"}}
	}
	ids := seed(t, e, list, rows...)
	if err := e.sim.SetMergeFieldRequired(list, "LNAME", true); err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	if _, err := c.schemaOf(t.Context(), objMembers); err != nil {
		t.Fatal(err)
	}
	const moved, refused = 5, 6
	ops := make([]connector.Op, n)
	for i := range ops {
		ops[i] = connector.Op{Kind: connector.OpUpdate, ID: ids[i], Fields: map[string]string{"FNAME": fmt.Sprintf("New%d", i)}}
	}
	ops[moved].Fields[fEmail] = "moved@acme-widgets.com"
	ops[refused].Fields["LNAME"] = ""
	before := calls(e.sim.Stats())
	res := write(t, c, ops...)
	spent := calls(e.sim.Stats()) - before

	for i, r := range res {
		if i == refused {
			continue
		}
		if r.Err != nil || r.ID != ids[i] {
			t.Errorf("op %d: %+v, want member %s updated", i, r, ids[i])
		}
	}
	var re *connector.RecordError
	if !errors.As(res[refused].Err, &re) || re.RecordID != ids[refused] || re.Field != "LNAME" || !strings.Contains(re.Message, "Please enter a value") {
		t.Errorf("refused op: %v (%+v), want member %s failing on LNAME with Mailchimp's message", res[refused].Err, re, ids[refused])
	}
	for i := range n {
		m, ok := e.sim.Member(list, ids[i])
		want := fmt.Sprintf("New%d", i)
		if i == refused {
			want = "Old"
		}
		wantStatus := statuses[i]
		if wantStatus == "" {
			wantStatus = "subscribed"
		}
		if !ok || m.MergeFields["FNAME"] != want || m.MergeFields["LNAME"] != "Keep" || m.Status != wantStatus {
			t.Fatalf("member %d: %+v, want FNAME %s, LNAME Keep, status %s", i, m, want, wantStatus)
		}
	}
	if m, _ := e.sim.Member(list, ids[moved]); m.Email != "moved@acme-widgets.com" {
		t.Errorf("moved member's address is %s", m.Email)
	}
	if got := e.sim.Count(list); got != total-1 {
		t.Errorf("audience holds %d members not archived, want %d (none added, none revived)", got, total-1)
	}
	// A scan of the audience (1,000 a page), two batch subscribes, and a
	// few single calls for the members that cannot go in a batch.
	if spent > 12 {
		t.Errorf("%d updates spent %d calls, want about ceil(%d/500) plus a scan: %v", n, spent, n, e.sim.Stats())
	}
}

// Batched updates set interests, properties and blanks as a PATCH does,
// keep each member's tags (sync_tags is never sent), and an op that sets
// tags still goes alone, by difference.
func TestMailchimpBatchedUpdatesKeepTagsAndSetInterests(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 42})
	list := e.sim.DefaultListID()
	cat, err := e.sim.AddInterestCategory(list, mcsim.InterestCategory{Title: "Topics", Interests: []mcsim.Interest{{Name: "News"}, {Name: "Offers"}}})
	if err != nil {
		t.Fatal(err)
	}
	news, offers := cat.Interests[0].ID, cat.Interests[1].ID
	rows := make([]mcsim.MemberSeed, 8)
	for i := range rows {
		rows[i] = mcsim.MemberSeed{Email: fmt.Sprintf("t%d@acme-widgets.com", i), Tags: []string{"vip-list"}, Interests: []string{news},
			MergeFields: map[string]any{"FNAME": "Old", "LNAME": "Keep"}}
	}
	ids := seed(t, e, list, rows...)
	c := e.connect(t)
	ops := make([]connector.Op, len(ids))
	for i := range ops {
		ops[i] = connector.Op{Kind: connector.OpUpdate, ID: ids[i], Fields: map[string]string{
			"FNAME": "", interestsPrefix + cat.ID: offers, fLanguage: "fr", fVIP: "true"}}
	}
	ops[0].Fields[fTags] = "new-tag"
	before := e.sim.Stats()
	for i, r := range write(t, c, ops...) {
		if r.Err != nil || r.ID != ids[i] {
			t.Errorf("op %d: %+v", i, r)
		}
	}
	after := e.sim.Stats()
	if got := after["PATCH /3.0/lists/{list_id}/members/{subscriber_hash}"] - before["PATCH /3.0/lists/{list_id}/members/{subscriber_hash}"]; got != 1 {
		t.Errorf("%d PATCHes, want 1 (the op with tags): %v", got, after)
	}
	for i, id := range ids {
		m, _ := e.sim.Member(list, id)
		wantTags := "vip-list"
		if i == 0 {
			wantTags = "new-tag"
		}
		if m.MergeFields["FNAME"] != "" || m.MergeFields["LNAME"] != "Keep" || m.Language != "fr" || !m.VIP || m.Status != "subscribed" ||
			strings.Join(m.Interests, ",") != offers || strings.Join(m.Tags, ",") != wantTags {
			t.Errorf("member %d: %+v", i, m)
		}
	}
}

// sixOldMembers is a sandbox (of seed) whose default audience holds six
// members, <prefix>0 to 5 @acme-widgets.com, all with FNAME Old; it returns
// the sandbox, the audience and the members' ids.
func sixOldMembers(t *testing.T, seed int64, prefix string) (*mcsim.Sim, string, []string) {
	t.Helper()
	sim := mcsim.New(mcsim.Options{Seed: seed, PathPrefix: "/mailchimp", AcceptReservedDomains: true})
	list := sim.DefaultListID()
	rows := make([]mcsim.MemberSeed, 6)
	for i := range rows {
		rows[i] = mcsim.MemberSeed{Email: fmt.Sprintf("%s%d@acme-widgets.com", prefix, i), MergeFields: map[string]any{"FNAME": "Old"}}
	}
	ids, err := sim.SeedMembers(list, rows)
	if err != nil {
		t.Fatal(err)
	}
	return sim, list, ids
}

// connectBehind serves sim behind h (a handler that may meddle before
// passing requests on to sim) and connects to it as the app does.
func connectBehind(t *testing.T, sim *mcsim.Sim, h http.Handler) *Connector {
	t.Helper()
	e := &env{sim: sim, base: conformance.Serve(t, "/mailchimp", h)}
	return e.connect(t)
}

// fnameUpdates are updates setting each member of ids's FNAME to name.
func fnameUpdates(ids []string, name string) []connector.Op {
	ops := make([]connector.Op, len(ids))
	for i := range ops {
		ops[i] = connector.Op{Kind: connector.OpUpdate, ID: ids[i], Fields: map[string]string{"FNAME": name}}
	}
	return ops
}

// A member archived between the scan and the batch subscribe that brings
// it back is archived again, and its update fails naming it; a member whose
// address changed meanwhile is not added as a new one but updated by PATCH.
func TestMailchimpBatchedUpdateRaces(t *testing.T) {
	sim, list, ids := sixOldMembers(t, 43, "r")
	var once sync.Once
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/lists/"+list) {
			once.Do(func() {
				if err := sim.Archive(list, ids[0]); err != nil {
					t.Error(err)
				}
				if _, err := sim.UpdateMember(list, ids[1], map[string]any{fEmail: "elsewhere@acme-widgets.com"}); err != nil {
					t.Error(err)
				}
			})
		}
		sim.ServeHTTP(w, r)
	})
	res := write(t, connectBehind(t, sim, h), fnameUpdates(ids, "New")...)
	if m, _ := sim.Member(list, ids[0]); m.Status != "archived" {
		t.Errorf("member archived meanwhile is %s", m.Status)
	}
	var re *connector.RecordError
	if !errors.As(res[0].Err, &re) || re.RecordID != ids[0] {
		t.Errorf("archived member's update: %v, want a failure naming %s", res[0].Err, ids[0])
	}
	if got := sim.Count(list); got != len(ids)-1 {
		t.Errorf("audience holds %d members, want %d: none added", got, len(ids)-1)
	}
	if m, _ := sim.Member(list, ids[1]); res[1].Err != nil || m.Email != "elsewhere@acme-widgets.com" || m.MergeFields["FNAME"] != "New" {
		t.Errorf("member whose address moved: %v, %+v, want it updated by its contact_id", res[1].Err, m)
	}
	for i := 2; i < len(ids); i++ {
		if m, _ := sim.Member(list, ids[i]); res[i].Err != nil || m.MergeFields["FNAME"] != "New" {
			t.Errorf("member %d: %v, %+v", i, res[i].Err, m)
		}
	}
}

// A batch subscribe refused as a whole (were Mailchimp to require a status
// after all: the spec marks none) loses no update: each goes by PATCH.
func TestMailchimpBatchRefusedWholeFallsBackToPatch(t *testing.T) {
	sim, list, ids := sixOldMembers(t, 44, "w")
	var refusedBatches int
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/lists/"+list) {
			refusedBatches++
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"type":"https://mailchimp.com/developer/marketing/docs/errors/","title":"Invalid Resource","status":400,"detail":"The resource submitted could not be validated. For field-specific details, see the 'errors' array.","instance":"","errors":[{"field":"members.0.status","message":"This value should not be blank."}]}`)
			return
		}
		sim.ServeHTTP(w, r)
	})
	res := write(t, connectBehind(t, sim, h), fnameUpdates(ids, "New")...)
	if refusedBatches == 0 {
		t.Fatal("no batch subscribe was sent: the test shows nothing")
	}
	for i := range ids {
		if m, _ := sim.Member(list, ids[i]); res[i].Err != nil || m.MergeFields["FNAME"] != "New" {
			t.Errorf("member %d: %v, %+v, want it updated by PATCH", i, res[i].Err, m)
		}
	}
}

// The engine hands updates over BatchSize at a time: the audience is read
// once per session, not once per write, and a member whose address a
// write changed is not named by its old one in a later batch.
func TestMailchimpBatchedUpdatesScanOncePerSession(t *testing.T) {
	e := newEnv(t, mcsim.Options{Seed: 45})
	list := e.sim.DefaultListID()
	rows := make([]mcsim.MemberSeed, 1500)
	for i := range rows {
		rows[i] = mcsim.MemberSeed{Email: fmt.Sprintf("s%04d@acme-widgets.com", i), MergeFields: map[string]any{"FNAME": "Old"}}
	}
	ids := seed(t, e, list, rows...)
	c := e.connect(t)
	if _, err := c.schemaOf(t.Context(), objMembers); err != nil {
		t.Fatal(err)
	}
	update := func(from, to int, fields func(i int) map[string]string) {
		t.Helper()
		ops := make([]connector.Op, 0, to-from)
		for i := from; i < to; i++ {
			ops = append(ops, connector.Op{Kind: connector.OpUpdate, ID: ids[i], Fields: fields(i)})
		}
		for j, r := range write(t, c, ops...) {
			if r.Err != nil {
				t.Fatalf("op %d: %v", from+j, r.Err)
			}
		}
	}
	before := e.sim.Stats()
	update(0, 500, func(i int) map[string]string {
		f := map[string]string{"FNAME": "First"}
		if i == 7 {
			f[fEmail] = "renamed@acme-widgets.com"
		}
		return f
	})
	update(0, 500, func(int) map[string]string { return map[string]string{"FNAME": "Second"} })
	update(500, 1000, func(int) map[string]string { return map[string]string{"FNAME": "Second"} })
	after := e.sim.Stats()
	const scanKey = "GET /3.0/lists/{list_id}/members"
	if got := after[scanKey] - before[scanKey]; got != 2 {
		t.Errorf("audience read %d times for three writes, want its 2 pages once (stats %v)", got, after)
	}
	if m, _ := e.sim.Member(list, ids[7]); m.Email != "renamed@acme-widgets.com" || m.MergeFields["FNAME"] != "Second" {
		t.Errorf("renamed member: %+v, want its new address kept and FNAME Second", m)
	}
	if got := e.sim.Count(list); got != len(ids) {
		t.Errorf("audience holds %d members, want %d: none added", got, len(ids))
	}
	for i := range 1000 {
		if m, _ := e.sim.Member(list, ids[i]); m.MergeFields["FNAME"] != "Second" {
			t.Fatalf("member %d: %+v, want FNAME Second", i, m)
		}
	}
}
