package mailchimp

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

func readAll(t *testing.T, c *Connector, since connector.Cursor) ([]connector.Record, connector.Cursor) {
	t.Helper()
	var recs []connector.Record
	cur := since
	for p, err := range c.Read(context.Background(), objMembers, since) {
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		recs = append(recs, p.Records...)
		cur = p.Cursor
	}
	return recs, cur
}

func ids(recs []connector.Record) map[string]int {
	out := map[string]int{}
	for _, r := range recs {
		out[r.ID]++
	}
	return out
}

// A member changed while a read pages through the audience moves to the
// end of the list; a running offset would then step over the member after
// it. Every member must be read, under either reading of "since".
func TestReadMissesNoMemberChangedDuringTheRead(t *testing.T) {
	for _, inclusive := range []bool{false, true} {
		f, c := newFake(t)
		f.inclusive = inclusive
		c.pageSize = 10
		base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		var times []time.Time
		for i := range 35 {
			times = append(times, base.Add(time.Duration(i)*time.Second))
		}
		f.seed(times...)
		f.beforeList = func(n int) {
			if n == 1 { // after the first page: members already read change
				f.touch(2, base.Add(time.Hour))
				f.touch(5, base.Add(time.Hour+time.Second))
			}
		}
		recs, cur := readAll(t, c, "")
		got := ids(recs)
		for i := range 35 {
			if got["c"+strconv.Itoa(i)] == 0 {
				t.Errorf("inclusive=%v: member c%d never read (read %d records)", inclusive, i, len(recs))
			}
		}
		again, _ := readAll(t, c, cur)
		if len(again) != 0 {
			t.Errorf("inclusive=%v: read after the cursor returned %d records, want none", inclusive, len(again))
		}
	}
}

// A bulk import can give more members one second than a page holds: the
// read must still get through them all, and a read from the cursor
// returns none of them again.
func TestReadPagesThroughASecondLargerThanAPage(t *testing.T) {
	for _, inclusive := range []bool{false, true} {
		f, c := newFake(t)
		f.inclusive = inclusive
		c.pageSize = 10
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		var times []time.Time
		for range 25 {
			times = append(times, at.Add(-time.Second))
		}
		for range 47 {
			times = append(times, at)
		}
		times = append(times, at.Add(time.Second))
		f.seed(times...)
		recs, cur := readAll(t, c, "")
		got := ids(recs)
		if len(got) != len(times) {
			t.Fatalf("inclusive=%v: read %d distinct members of %d", inclusive, len(got), len(times))
		}
		for id, n := range got {
			if n > 1 {
				t.Errorf("inclusive=%v: member %s read %d times", inclusive, id, n)
			}
		}
		if again, _ := readAll(t, c, cur); len(again) != 0 {
			t.Errorf("inclusive=%v: read after the cursor returned %d records", inclusive, len(again))
		}
		// A member changed in the cursor's second after the read is read.
		f.mu.Lock()
		f.members[30].Changed = at.Add(time.Second)
		f.mu.Unlock()
		if edit, _ := readAll(t, c, cur); len(edit) != 1 || edit[0].ID != "c30" {
			t.Errorf("inclusive=%v: read after an edit returned %v, want c30", inclusive, ids(edit))
		}
	}
}

func TestReadRecordShape(t *testing.T) {
	f, c := newFake(t)
	f.seed(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	recs, cur := readAll(t, c, "")
	if len(recs) != 1 || cur == "" {
		t.Fatalf("read %d records, cursor %q", len(recs), cur)
	}
	r := recs[0]
	want := map[string]string{fEmail: "m0@example.com", fStatus: "subscribed", "FNAME": "F0", "LNAME": "", fVIP: "false",
		fTags: "a;b", fRating: "2", fLastChanged: "2026-03-01T09:00:00Z"}
	for k, v := range want {
		if r.Fields[k] != v {
			t.Errorf("field %s = %q, want %q", k, r.Fields[k], v)
		}
	}
	if r.ID != "c0" || !r.Modified.Equal(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)) || r.Deleted {
		t.Errorf("record %+v", r)
	}
	for _, q := range f.requests {
		if strings.Contains(q, "/members?") && !strings.Contains(q, "sort_field=last_changed") {
			t.Errorf("list call %s is not sorted by last_changed", q)
		}
	}
}

// Archived members are left out of the read and listed by ListDeleted,
// deleted, with the archive's time.
func TestListDeletedListsArchivedMembers(t *testing.T) {
	f, c := newFake(t)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	f.seed(at, at.Add(time.Second), at.Add(2*time.Second))
	f.members[1].Status, f.members[1].Changed = archived, at.Add(time.Hour)
	recs, _ := readAll(t, c, "")
	if got := ids(recs); got["c1"] != 0 || len(got) != 2 {
		t.Errorf("read returned %v, want c0 and c2", got)
	}
	for _, since := range []time.Time{{}, at.Add(30 * time.Minute)} {
		var del []connector.Record
		for page, err := range c.ListDeleted(context.Background(), objMembers, since) {
			if err != nil {
				t.Fatal(err)
			}
			del = append(del, page...)
		}
		if len(del) != 1 || del[0].ID != "c1" || !del[0].Deleted || !del[0].Modified.Equal(at.Add(time.Hour)) {
			t.Errorf("ListDeleted(%v) = %+v, want c1 deleted at %v", since, del, at.Add(time.Hour))
		}
	}
	var late []connector.Record
	for page, err := range c.ListDeleted(context.Background(), objMembers, at.Add(2*time.Hour)) {
		if err != nil {
			t.Fatal(err)
		}
		late = append(late, page...)
	}
	if len(late) != 0 {
		t.Errorf("ListDeleted after the archive = %+v, want none", late)
	}
}
