package timecursor

import (
	"net/http"
	"testing"
	"time"
)

// TestSettledRoundTrip: a cursor keeps the start of the complete read
// that made it, an older cursor without one still parses, and it is
// settled only once that start is SettleMargin past the end of its second.
func TestSettledRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 20, 30, 0, time.UTC)
	cur, err := Parse("zo1|", "zo1|2026-12-03T10:20:30Z|7:1f")
	if err != nil || !cur.Start.IsZero() || cur.Settled() {
		t.Fatalf("older cursor: %+v %v", cur, err)
	}
	cur.Start = at.Add(time.Second + SettleMargin - time.Second)
	if cur.Settled() {
		t.Fatalf("settled with start %v, within the margin of %v", cur.Start, at)
	}
	cur.Start = ServerStart(http.Header{"Date": {at.Add(time.Second + SettleMargin + time.Second).Format(http.TimeFormat)}})
	again, err := Parse("zo1|", cur.String())
	if err != nil || !again.Start.Equal(cur.Start) || !again.Settled() || again.String() != cur.String() {
		t.Fatalf("round trip of %q: %+v %v", cur.String(), again, err)
	}
}
