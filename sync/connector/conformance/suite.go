package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// Run runs every conformance subtest against h.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil || h.Seed == nil || h.Edit == nil || h.Get == nil {
		t.Fatalf("conformance: harness %q needs New, Seed, Edit and Get", h.Name)
	}
	if h.Object == "" || h.Fields.Email == "" || h.Fields.First == "" || h.Fields.Last == "" {
		t.Fatalf("conformance: harness %q needs Object and Fields.Email/First/Last", h.Name)
	}
	s := suite{h: h}
	t.Run("Schema", s.schema)
	t.Run("ReadFull", s.readFull)
	t.Run("ReadSinceCursor", s.readSince)
	t.Run("WriteCreate", s.writeCreate)
	t.Run("WriteUpdateOnlyGivenFields", s.writeUpdate)
	t.Run("WriteSplitsLargeBatch", s.writeSplit)
	t.Run("WritePerRecordValidation", s.writeValidation)
	t.Run("UpsertTwiceCreatesOnce", s.upsertTwice)
	t.Run("SearchByEmail", s.searchByEmail)
	t.Run("Delete", s.deleteRecords)
	t.Run("DeletedRecordIsGone", s.deletedRecordIsGone)
	t.Run("FaultRateLimitStorm", s.faultRateLimit)
	t.Run("FaultServerErrors", s.faultServerErrors)
	t.Run("FaultExpiredToken", s.faultExpiredToken)
	t.Run("FaultBudgetExhausted", s.faultBudget)
}

type suite struct{ h Harness }

// start gives a subtest its connector and a bounded context.
func (s suite) start(t *testing.T) (context.Context, connector.Connector) {
	t.Helper()
	d := s.h.Timeout
	if d == 0 {
		d = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	c := s.h.New(t)
	if c == nil {
		t.Fatal("harness New returned nil")
	}
	return ctx, c
}

// person builds a record with the harness's vendor field names.
func (s suite) person(email, first, last string) map[string]string {
	f := s.h.Fields
	return map[string]string{f.Email: email, f.First: first, f.Last: last}
}

func email(t *testing.T, i int) string {
	name := strings.ToLower(strings.NewReplacer("/", "-", " ", "-", "_", "-").Replace(t.Name()))
	if len(name) > 40 {
		name = name[len(name)-40:]
	}
	return fmt.Sprintf("conf-%s-%d@example.com", strings.Trim(name, "-"), i)
}

func (s suite) schema(t *testing.T) {
	ctx, c := s.start(t)
	sc, err := c.Schema(ctx, s.h.Object)
	if err != nil {
		t.Fatalf("Schema(%q): %v", s.h.Object, err)
	}
	checks := []struct {
		name string
		ok   []connector.FieldType
	}{
		{s.h.Fields.Email, []connector.FieldType{connector.TypeEmail, connector.TypeString}},
		{s.h.Fields.First, []connector.FieldType{connector.TypeString, connector.TypeText}},
		{s.h.Fields.Last, []connector.FieldType{connector.TypeString, connector.TypeText}},
	}
	if s.h.Fields.Phone != "" {
		checks = append(checks, struct {
			name string
			ok   []connector.FieldType
		}{s.h.Fields.Phone, []connector.FieldType{connector.TypePhone, connector.TypeString}})
	}
	for _, ch := range checks {
		f, ok := sc.Field(ch.name)
		if !ok {
			t.Errorf("schema of %s has no field %q", s.h.Object, ch.name)
			continue
		}
		if !oneOf(f.Type, ch.ok) {
			t.Errorf("field %q has type %q, want one of %v", ch.name, f.Type, ch.ok)
		}
		if f.ReadOnly {
			t.Errorf("field %q is read-only; it must be writable", ch.name)
		}
	}
	for _, f := range sc.Fields {
		if f.Name == "" || f.Type == "" {
			t.Errorf("field %+v lacks a name or type", f)
		}
		if f.Type == connector.TypeEnum && len(f.Options) == 0 {
			t.Logf("enum field %q lists no options", f.Name)
		}
	}
}

func oneOf(v connector.FieldType, in []connector.FieldType) bool {
	for _, x := range in {
		if v == x {
			return true
		}
	}
	return false
}

// ReadAll drains a Read of object from since, failing t on an error, and
// returns the records and the last cursor: what a connector's own tests
// need to read a round trip back.
func ReadAll(t *testing.T, c connector.Connector, object string, since connector.Cursor) ([]connector.Record, connector.Cursor) {
	t.Helper()
	recs, cur, _ := readAll(t.Context(), t, c, object, since)
	return recs, cur
}

// ByID indexes records by their id.
func ByID(recs []connector.Record) map[string]connector.Record {
	m := make(map[string]connector.Record, len(recs))
	for _, r := range recs {
		m[r.ID] = r
	}
	return m
}

// readAll drains a Read and returns the records, the last cursor and the page count.
func readAll(ctx context.Context, t *testing.T, c connector.Connector, object string, since connector.Cursor) ([]connector.Record, connector.Cursor, int) {
	t.Helper()
	var recs []connector.Record
	cur, pages := since, 0
	for p, err := range c.Read(ctx, object, since) {
		if err != nil {
			t.Fatalf("Read(%q, %q) after %d pages: %v", object, since, pages, err)
		}
		pages++
		recs = append(recs, p.Records...)
		if p.Cursor != "" {
			cur = p.Cursor
		}
	}
	return recs, cur, pages
}

func (s suite) readFull(t *testing.T) {
	ctx, c := s.start(t)
	n := 25
	if s.h.PageSize > 0 {
		n = s.h.PageSize * 3 / 2
	}
	recs := make([]map[string]string, n)
	for i := range recs {
		recs[i] = s.person(email(t, i), fmt.Sprintf("First%d", i), fmt.Sprintf("Last%d", i))
	}
	ids := s.h.Seed(t, recs)
	got, cur, pages := readAll(ctx, t, c, s.h.Object, "")
	if cur == "" {
		t.Error("full read returned no cursor")
	}
	if s.h.PageSize > 0 && pages < 2 {
		t.Errorf("read %d records (page size %d) in %d page(s); want several pages", len(got), s.h.PageSize, pages)
	}
	byID := map[string]connector.Record{}
	for _, r := range got {
		if _, dup := byID[r.ID]; dup {
			t.Errorf("record %s returned twice in one full read", r.ID)
		}
		byID[r.ID] = r
	}
	for i, id := range ids {
		r, ok := byID[id]
		if !ok {
			t.Errorf("seeded record %s (%s) missing from full read", id, recs[i][s.h.Fields.Email])
			continue
		}
		for k, want := range recs[i] {
			if g := r.Fields[k]; !strings.EqualFold(g, want) {
				t.Errorf("record %s field %s = %q, want %q", id, k, g, want)
			}
		}
		if r.Modified.IsZero() {
			t.Errorf("record %s has no Modified time", id)
		}
	}
}

func (s suite) readSince(t *testing.T) {
	ctx, c := s.start(t)
	ids := s.h.Seed(t, []map[string]string{
		s.person(email(t, 0), "Ada", "One"), s.person(email(t, 1), "Bob", "Two"), s.person(email(t, 2), "Cy", "Three"),
	})
	_, cur, _ := readAll(ctx, t, c, s.h.Object, "")
	if cur == "" {
		t.Fatal("full read returned no cursor")
	}

	again, cur2, _ := readAll(ctx, t, c, s.h.Object, cur)
	if len(again) != 0 {
		t.Errorf("read since cursor with nothing changed returned %d records (first id %s); want none", len(again), again[0].ID)
	}

	// Vendors stamp modification times at a fixed resolution; wait it out so
	// the edit is strictly later than everything the cursor covers.
	res := s.h.ModifiedResolution
	if res == 0 {
		res = 10 * time.Millisecond
	}
	time.Sleep(2 * res)
	s.h.Edit(t, ids[1], map[string]string{s.h.Fields.First: "Robert"})

	changed, cur3, _ := readAll(ctx, t, c, s.h.Object, cur2)
	if len(changed) != 1 || changed[0].ID != ids[1] {
		var got []string
		for _, r := range changed {
			got = append(got, r.ID)
		}
		t.Fatalf("read since cursor returned ids %v, want only the edited %s", got, ids[1])
	}
	if v := changed[0].Fields[s.h.Fields.First]; v != "Robert" {
		t.Errorf("edited record read back %s=%q, want Robert", s.h.Fields.First, v)
	}
	if rest, _, _ := readAll(ctx, t, c, s.h.Object, cur3); len(rest) != 0 {
		t.Errorf("read after consuming the edit returned %d records; want none", len(rest))
	}
}

func (s suite) writeCreate(t *testing.T) {
	ctx, c := s.start(t)
	var ops []connector.Op
	for i := range 3 {
		ops = append(ops, connector.Op{Kind: connector.OpCreate, Fields: s.person(email(t, i), fmt.Sprintf("New%d", i), "Created")})
	}
	res, err := c.Write(ctx, s.h.Object, ops)
	if err != nil {
		t.Fatalf("Write create: %v", err)
	}
	s.assertWritten(t, ops, res)
}

// assertWritten checks one successful Result per op, in order, and that the
// backend holds each op's fields under the returned id.
func (s suite) assertWritten(t *testing.T, ops []connector.Op, res []connector.Result) {
	t.Helper()
	if len(res) != len(ops) {
		t.Fatalf("got %d results for %d ops", len(res), len(ops))
	}
	seen := map[string]int{}
	for i, r := range res {
		if r.Err != nil {
			t.Errorf("op %d failed: %v", i, r.Err)
			continue
		}
		if r.ID == "" {
			t.Errorf("op %d succeeded without an id", i)
			continue
		}
		if j, dup := seen[r.ID]; dup {
			t.Errorf("ops %d and %d got the same id %s", j, i, r.ID)
		}
		seen[r.ID] = i
		got := s.h.Get(t, r.ID)
		if got == nil {
			t.Errorf("op %d: record %s not in the backend", i, r.ID)
			continue
		}
		for k, want := range ops[i].Fields {
			if !strings.EqualFold(got[k], want) {
				t.Errorf("op %d: backend record %s has %s=%q, want %q (results out of order?)", i, r.ID, k, got[k], want)
			}
		}
	}
}

func (s suite) writeUpdate(t *testing.T) {
	ctx, c := s.start(t)
	ids := s.h.Seed(t, []map[string]string{s.person(email(t, 0), "Grace", "Hopper"), s.person(email(t, 1), "Alan", "Turing")})
	ops := []connector.Op{
		{Kind: connector.OpUpdate, ID: ids[0], Fields: map[string]string{s.h.Fields.First: "Amazing Grace"}},
		{Kind: connector.OpUpdate, ID: ids[1], Fields: map[string]string{s.h.Fields.Last: "Turing-Updated"}},
	}
	res, err := c.Write(ctx, s.h.Object, ops)
	if err != nil {
		t.Fatalf("Write update: %v", err)
	}
	if len(res) != 2 {
		t.Fatalf("got %d results for 2 ops", len(res))
	}
	for i, r := range res {
		if r.Err != nil || r.ID != ids[i] {
			t.Errorf("update %d: result %+v, want id %s and no error", i, r, ids[i])
		}
	}
	want := []map[string]string{
		s.person(email(t, 0), "Amazing Grace", "Hopper"),
		s.person(email(t, 1), "Alan", "Turing-Updated"),
	}
	for i, id := range ids {
		got := s.h.Get(t, id)
		for k, v := range want[i] {
			if !strings.EqualFold(got[k], v) {
				t.Errorf("record %s: %s=%q after update, want %q", id, k, got[k], v)
			}
		}
	}
}

func (s suite) writeSplit(t *testing.T) {
	if s.h.BatchSize <= 0 {
		t.Skip("harness sets no BatchSize")
	}
	ctx, c := s.start(t)
	ops := make([]connector.Op, s.h.BatchSize+5)
	for i := range ops {
		ops[i] = connector.Op{Kind: connector.OpCreate, Fields: s.person(email(t, i), fmt.Sprintf("Bulk%d", i), "Split")}
	}
	res, err := c.Write(ctx, s.h.Object, ops)
	if err != nil {
		t.Fatalf("Write %d creates: %v", len(ops), err)
	}
	s.assertWritten(t, ops, res)
}

func (s suite) writeValidation(t *testing.T) {
	ctx, c := s.start(t)
	ops := []connector.Op{
		{Kind: connector.OpCreate, Fields: s.person(email(t, 0), "Valid", "Before")},
		{Kind: connector.OpCreate, Fields: s.person("not-an-email", "Invalid", "Email")},
		{Kind: connector.OpCreate, Fields: s.person(email(t, 2), "Valid", "After")},
	}
	res, err := c.Write(ctx, s.h.Object, ops)
	if err != nil {
		t.Fatalf("Write with one invalid record failed as a whole: %v", err)
	}
	if len(res) != 3 {
		t.Fatalf("got %d results for 3 ops", len(res))
	}
	var re *connector.RecordError
	if !errors.As(res[1].Err, &re) {
		t.Fatalf("invalid record: Err = %v (%T), want *connector.RecordError", res[1].Err, res[1].Err)
	}
	if re.Category != connector.CatValidation || !errors.Is(res[1].Err, connector.ErrValidation) {
		t.Errorf("invalid record: category %q, want %q", re.Category, connector.CatValidation)
	}
	if re.Field != s.h.Fields.Email {
		t.Errorf("invalid record: Field %q, want %q", re.Field, s.h.Fields.Email)
	}
	if re.Message == "" || re.Vendor == "" {
		t.Errorf("invalid record: error lacks the vendor's message or name: %+v", re)
	}
	if res[1].ID != "" {
		if got := s.h.Get(t, res[1].ID); got != nil {
			t.Errorf("invalid record was created as %s", res[1].ID)
		}
	}
	s.assertWritten(t, []connector.Op{ops[0], ops[2]}, []connector.Result{res[0], res[2]})
}

func (s suite) upsertTwice(t *testing.T) {
	ctx, c := s.start(t)
	up, ok := c.(connector.Upserter)
	if !ok {
		t.Skip("connector does not implement connector.Upserter")
	}
	key, err := up.UpsertKey(ctx, s.h.Object)
	if err != nil {
		t.Fatalf("UpsertKey: %v", err)
	}
	if key == "" {
		t.Skipf("%s has no upsert key", s.h.Object)
	}
	if key != s.h.Fields.Email {
		t.Logf("upsert key for %s is %q, not the email field", s.h.Object, key)
	}
	keyVal := email(t, 0)
	if key != s.h.Fields.Email {
		keyVal = "conf-key-" + fmt.Sprint(time.Now().UnixNano())
	}
	op := func(last string) connector.Op {
		f := s.person(email(t, 0), "Idem", last)
		f[key] = keyVal
		return connector.Op{Kind: connector.OpUpsert, Fields: f}
	}
	first, err := up.Upsert(ctx, s.h.Object, key, []connector.Op{op("Potent")})
	if err != nil || len(first) != 1 || first[0].Err != nil || first[0].ID == "" {
		t.Fatalf("first upsert: %+v, %v", first, err)
	}
	if !first[0].Created {
		t.Errorf("first upsert did not report Created")
	}
	second, err := up.Upsert(ctx, s.h.Object, key, []connector.Op{op("Potent2")})
	if err != nil || len(second) != 1 || second[0].Err != nil {
		t.Fatalf("second upsert: %+v, %v", second, err)
	}
	if second[0].ID != first[0].ID {
		t.Errorf("same upsert twice gave ids %s and %s; want one record", first[0].ID, second[0].ID)
	}
	if second[0].Created {
		t.Errorf("second upsert reported Created")
	}
	got := s.h.Get(t, first[0].ID)
	if got == nil || got[s.h.Fields.Last] != "Potent2" {
		t.Errorf("backend record after two upserts: %v, want %s=Potent2", got, s.h.Fields.Last)
	}
	if sr, ok := c.(connector.Searcher); ok && key == s.h.Fields.Email {
		recs, err := sr.Lookup(ctx, s.h.Object, key, []string{keyVal})
		if err != nil {
			t.Fatalf("Lookup after upsert: %v", err)
		}
		if len(recs) != 1 {
			t.Errorf("Lookup(%s=%s) found %d records after two upserts, want 1", key, keyVal, len(recs))
		}
	}
}

func (s suite) searchByEmail(t *testing.T) {
	ctx, c := s.start(t)
	sr, ok := c.(connector.Searcher)
	if !ok {
		t.Skip("connector does not implement connector.Searcher")
	}
	ids := s.h.Seed(t, []map[string]string{
		s.person(email(t, 0), "Find", "Me"), s.person(email(t, 1), "Find", "MeToo"), s.person(email(t, 2), "Not", "Me"),
	})
	recs, err := sr.Lookup(ctx, s.h.Object, s.h.Fields.Email, []string{email(t, 0), email(t, 1), "nobody-conf@example.com"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	got := map[string]string{}
	for _, r := range recs {
		got[r.ID] = r.Fields[s.h.Fields.Email]
	}
	if len(got) != 2 {
		t.Errorf("Lookup found %v, want exactly %s and %s", got, ids[0], ids[1])
	}
	for i, id := range ids[:2] {
		if !strings.EqualFold(got[id], email(t, i)) {
			t.Errorf("Lookup: record %s email %q, want %q", id, got[id], email(t, i))
		}
	}
}

func (s suite) deleteRecords(t *testing.T) {
	ctx, c := s.start(t)
	d, ok := c.(connector.Deleter)
	if !ok {
		t.Skip("connector does not implement connector.Deleter")
	}
	ids := s.h.Seed(t, []map[string]string{s.person(email(t, 0), "Del", "Me"), s.person(email(t, 1), "Keep", "Me")})
	_, cur, _ := readAll(ctx, t, c, s.h.Object, "")
	res, err := d.Delete(ctx, s.h.Object, ids[:1])
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("Delete: %+v, %v", res, err)
	}
	if got := s.h.Get(t, ids[0]); got != nil {
		t.Errorf("deleted record %s still in the backend: %v", ids[0], got)
	}
	if got := s.h.Get(t, ids[1]); got == nil {
		t.Errorf("untouched record %s vanished", ids[1])
	}
	// The delete must be visible to a sync: through the read since the
	// cursor taken before it, or through the connector's DeletionLister.
	// A connector whose reads cannot see deletes (DeletesUnseen) must list
	// live ids (IDLister) without the deleted one, and never read it back
	// as live.
	seen := map[string]bool{}
	recs, _, _ := readAll(ctx, t, c, s.h.Object, cur)
	if du, ok := c.(connector.DeletesUnseen); ok && du.DeletesUnseen(s.h.Object) != "" {
		for _, r := range recs {
			if r.ID == ids[0] && !r.Deleted {
				t.Errorf("deleted record %s read back live", ids[0])
			}
		}
		il, ok := c.(connector.IDLister)
		if !ok {
			t.Fatalf("deletes are unseen (%s) and the connector lists no ids: a sync could never see this delete", du.DeletesUnseen(s.h.Object))
		}
		live := map[string]bool{}
		for page, err := range il.ListIDs(ctx, s.h.Object) {
			if err != nil {
				t.Fatalf("ListIDs: %v", err)
			}
			for _, id := range page {
				live[id] = true
			}
		}
		if live[ids[0]] || !live[ids[1]] {
			t.Errorf("ListIDs after the delete: %s listed %v, %s listed %v; want only the kept one", ids[0], live[ids[0]], ids[1], live[ids[1]])
		}
		return
	}
	if dl, ok := c.(connector.DeletionLister); ok {
		for page, err := range dl.ListDeleted(ctx, s.h.Object, time.Time{}) {
			if err != nil {
				t.Fatalf("ListDeleted: %v", err)
			}
			recs = append(recs, page...)
		}
	}
	for _, r := range recs {
		if r.Deleted {
			seen[r.ID] = true
		}
	}
	if !seen[ids[0]] || seen[ids[1]] {
		t.Errorf("deletes reported %v; want %s and not %s: a sync could never see this delete", seen, ids[0], ids[1])
	}
}
