package klaviyo

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// cursor is the read cursor: the newest updated time read, at the
// precision Klaviyo gives it (microseconds: YYYY-MM-DDTHH:MM:SS.mmmmmm),
// and the ids read with exactly that time. It is timecursor's scheme
// without the truncation to seconds, so a profile updated again within
// the second it was read in is read again; where Klaviyo answers whole
// seconds it behaves as timecursor does.
//
// Written as cursorPrefix + the time (RFC 3339 with fraction) + "|" + the
// ids, comma-separated.
type cursor struct {
	At   time.Time
	seen map[string]bool
}

// parseCursor reads a cursor ("" is the zero cursor: read everything).
func parseCursor(c string) (cursor, error) {
	var cur cursor
	if c == "" {
		return cur, nil
	}
	s, ok := strings.CutPrefix(c, cursorPrefix)
	ts, ids, _ := strings.Cut(s, "|")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil {
		return cur, fmt.Errorf("unreadable cursor %q", c)
	}
	cur.At, cur.seen = t.UTC(), map[string]bool{}
	for _, id := range strings.Split(ids, ",") {
		if id != "" {
			cur.seen[id] = true
		}
	}
	return cur, nil
}

// admit reports whether a profile read now is new to the cursor, and
// moves the cursor past it.
func (c *cursor) admit(id string, mod time.Time) bool {
	mod = mod.UTC()
	switch {
	case mod.Before(c.At):
		return false // read before: the filter reaches back a second
	case mod.Equal(c.At) && c.seen != nil:
		if c.seen[id] {
			return false
		}
	default:
		c.At, c.seen = mod, map[string]bool{}
	}
	c.seen[id] = true
	return true
}

// String writes the cursor; "" while nothing was read.
func (c cursor) String() string {
	if c.At.IsZero() {
		return ""
	}
	ids := make([]string, 0, len(c.seen))
	for id := range c.seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return cursorPrefix + c.At.Format(time.RFC3339Nano) + "|" + strings.Join(ids, ",")
}
