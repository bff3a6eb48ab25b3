package timecursor

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// A cursor round-trips; one of another vendor is refused; a record read at
// the cursor's second is read once, a new one of that second is admitted,
// and a later record moves the cursor.
func TestCursor(t *testing.T) {
	if _, err := Parse("pd1|", "hs1|123"); err == nil {
		t.Fatal("a HubSpot cursor was accepted")
	}
	at := time.Date(2026, 12, 3, 10, 20, 30, 0, time.UTC)
	fp := strconv.FormatUint(Fingerprint(rec("7", at)), 16)
	cur, err := Parse("pd1|", "pd1|2026-12-03T10:20:30Z|7:"+fp+",9:"+fp)
	if _, seen := cur.seen["9"]; err != nil || !cur.At.Equal(at) || cur.seen["7"] == 0 || !seen {
		t.Fatalf("Parse: %+v %v", cur, err)
	}
	if cur.Admit(rec("7", at)) || !cur.Admit(rec("8", at)) || !cur.Admit(rec("7", at.Add(time.Second))) {
		t.Fatal("Admit: a record read at the cursor's second came back, or a new one was dropped")
	}
	if got := cur.String(); got != "pd1|2026-12-03T10:20:31Z|7:"+fp {
		t.Fatalf("cursor after a later record: %q", got)
	}
	var zero Cursor
	if zero.String() != "" || !zero.Admit(rec("1", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))) {
		t.Fatal("the zero cursor must admit everything and write nothing until it has read")
	}
}

// rec is a record read with id and modified time mod, its one field the id.
func rec(id string, mod time.Time) connector.Record {
	return connector.Record{ID: id, Modified: mod, Fields: map[string]string{"name": "n" + id}}
}

// A record edited again within the cursor's second keeps its modified time
// (the vendor's resolution is a second): it is read again because its
// fields changed, and not when they did not. A cursor written before
// fingerprints reads its second's records again once; an entry that is
// not id:hex is refused.
func TestEditedWithinCursorSecond(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 20, 30, 0, time.UTC)
	var cur Cursor
	first := rec("7", at)
	if !cur.Admit(first) {
		t.Fatal("a new record was dropped")
	}
	again, err := Parse("", cur.String())
	if err != nil {
		t.Fatal(err)
	}
	edited := rec("7", at)
	edited.Fields["name"] = "renamed"
	if again.Admit(rec("7", at)) || !again.Admit(edited) || again.Admit(edited) {
		t.Fatal("an unchanged record came back, or one edited within the cursor's second was lost")
	}
	deleted := edited
	deleted.Deleted = true
	if !again.Admit(deleted) {
		t.Fatal("a record deleted within the cursor's second was lost")
	}
	old, err := Parse("pd1|", "pd1|2026-12-03T10:20:30Z|7")
	if err != nil || !old.Admit(rec("7", at)) || old.Admit(rec("7", at)) {
		t.Fatalf("old cursor: its second must be read again once (%v)", err)
	}
	for _, bad := range []string{"pd1|2026-12-03T10:20:30Z|7:zz", "pd1|2026-12-03T10:20:30Z|:1f"} {
		if _, err := Parse("pd1|", bad); err == nil {
			t.Errorf("cursor %q was accepted", bad)
		}
	}
}

// Page keeps the records the cursor admits, in order, with the cursor
// after them, and stops at the first item it cannot convert.
func TestPage(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	cur, err := Parse("x1|", "x1|"+at.Format(time.RFC3339)+"|a:"+strconv.FormatUint(Fingerprint(connector.Record{ID: "a"}), 16))
	if err != nil {
		t.Fatal(err)
	}
	rec := func(id string) (connector.Record, error) {
		if id == "bad" {
			return connector.Record{}, errors.New("unreadable")
		}
		mod := at
		if id == "c" {
			mod = at.Add(time.Second)
		}
		return connector.Record{ID: id, Modified: mod}, nil
	}
	page, err := Page(&cur, []string{"a", "b", "c"}, rec)
	if err != nil || len(page.Records) != 2 || page.Records[0].ID != "b" || page.Records[1].ID != "c" {
		t.Fatalf("page %+v %v, want b and c (a was read before)", page, err)
	}
	if want := "x1|" + at.Add(time.Second).Format(time.RFC3339) + "|c:1"; string(page.Cursor) != want {
		t.Fatalf("cursor %q, want %q", page.Cursor, want)
	}
	if _, err := Page(&cur, []string{"d", "bad"}, rec); err == nil {
		t.Fatal("an unreadable item gave no error")
	}
}

// A fine cursor keeps the fraction: a record changed again later in the
// same second is admitted, one older than the cursor (the filter reached
// back a second) is not, and the cursor writes and reads its microseconds.
func TestFineCursor(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 0, 0, 250_000_000, time.UTC)
	fp := strconv.FormatUint(Fingerprint(rec("p1", at)), 16)
	cur, err := ParseFine("kl1|", "kl1|"+at.Format(time.RFC3339Nano)+"|p1:"+fp)
	if err != nil || !cur.At.Equal(at) {
		t.Fatalf("ParseFine: %+v %v", cur, err)
	}
	if cur.Admit(rec("p1", at)) || cur.Admit(rec("p0", at.Add(-100*time.Millisecond))) {
		t.Fatal("a profile read before, or older than the cursor, was admitted")
	}
	later := at.Add(300*time.Microsecond + 7*time.Microsecond)
	if !cur.Admit(rec("p1", later)) {
		t.Fatal("a profile changed again within the second it was read in was dropped")
	}
	want := "kl1|2026-12-04T10:00:00.250307Z|p1:" + fp
	if got := cur.String(); got != want {
		t.Fatalf("cursor %q, want %q", got, want)
	}
	if again, err := ParseFine("kl1|", want); err != nil || !again.At.Equal(later) {
		t.Fatalf("round trip: %+v %v", again, err)
	}
}
