package timecursor

import (
	"testing"
	"time"
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
