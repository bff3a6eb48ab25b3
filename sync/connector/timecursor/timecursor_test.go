package timecursor

import (
	"errors"
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
	cur, err := Parse("pd1|", "pd1|2026-12-03T10:20:30Z|7,9")
	if err != nil || cur.At.Format("15:04:05") != "10:20:30" || !cur.seen["7"] || !cur.seen["9"] {
		t.Fatalf("Parse: %+v %v", cur, err)
	}
	if cur.Admit("7", cur.At) || !cur.Admit("8", cur.At) || !cur.Admit("7", cur.At.Add(time.Second)) {
		t.Fatal("Admit: a record read at the cursor's second came back, or a new one was dropped")
	}
	if got := cur.String(); got != "pd1|2026-12-03T10:20:31Z|7" {
		t.Fatalf("cursor after a later record: %q", got)
	}
	var zero Cursor
	if zero.String() != "" || !zero.Admit("1", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatal("the zero cursor must admit everything and write nothing until it has read")
	}
}

// Page keeps the records the cursor admits, in order, with the cursor
// after them, and stops at the first item it cannot convert.
func TestPage(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	cur, err := Parse("x1|", "x1|"+at.Format(time.RFC3339)+"|a")
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
	if want := "x1|" + at.Add(time.Second).Format(time.RFC3339) + "|c"; string(page.Cursor) != want {
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
	cur, err := ParseFine("kl1|", "kl1|"+at.Format(time.RFC3339Nano)+"|p1")
	if err != nil || !cur.At.Equal(at) {
		t.Fatalf("ParseFine: %+v %v", cur, err)
	}
	if cur.Admit("p1", at) || cur.Admit("p0", at.Add(-100*time.Millisecond)) {
		t.Fatal("a profile read before, or older than the cursor, was admitted")
	}
	later := at.Add(300*time.Microsecond + 7*time.Microsecond)
	if !cur.Admit("p1", later) {
		t.Fatal("a profile changed again within the second it was read in was dropped")
	}
	want := "kl1|2026-12-04T10:00:00.250307Z|p1"
	if got := cur.String(); got != want {
		t.Fatalf("cursor %q, want %q", got, want)
	}
	if again, err := ParseFine("kl1|", want); err != nil || !again.At.Equal(later) {
		t.Fatalf("round trip: %+v %v", again, err)
	}
}
