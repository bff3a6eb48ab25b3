// Package timecursor is the read cursor of a vendor whose incremental
// reads filter by a modified time of one-second resolution, inclusive or
// not: the newest time read, and the ids read at that second. ParseFine
// gives the same cursor at the resolution the vendor's times carry.
//
// A cursor is prefix + the newest time read (RFC 3339, seconds) + "|" +
// the ids read with that time, comma-separated. The next read starts at
// that second again, so records changed in the same second after the read
// are not missed, and the ids say which of that second's records were
// read already, so they are not read twice.
package timecursor

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// Cursor is a parsed cursor; the zero Cursor reads everything.
type Cursor struct {
	prefix string
	At     time.Time       // the newest modified time read
	seen   map[string]bool // ids read with modified time == At
	fine   bool            // see ParseFine
}

// Parse reads a cursor written with prefix ("" is the zero cursor).
func Parse(prefix, c string) (Cursor, error) { return parse(Cursor{prefix: prefix}, c) }

// ParseFine reads a cursor that keeps modified times as finely as the
// vendor gives them (Klaviyo's microseconds), for a read whose filter
// takes whole seconds and so starts up to a second before the cursor: a
// record older than the cursor was read before and is not admitted, and
// one changed again within the second it was read in is.
func ParseFine(prefix, c string) (Cursor, error) { return parse(Cursor{prefix: prefix, fine: true}, c) }

func parse(cur Cursor, c string) (Cursor, error) {
	if c == "" {
		return cur, nil
	}
	s, ok := strings.CutPrefix(c, cur.prefix)
	ts, ids, _ := strings.Cut(s, "|")
	t, err := time.Parse(time.RFC3339Nano, ts) // also reads whole seconds
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

// Admit reports whether a record read now is new to the cursor, and moves
// the cursor past it.
func (c *Cursor) Admit(id string, mod time.Time) bool {
	mod = mod.UTC()
	if !c.fine {
		mod = mod.Truncate(time.Second)
	}
	switch {
	case mod.Before(c.At) && c.fine:
		return false // read before: the filter reaches back a second
	case mod.Before(c.At):
		return true // sorted reads never go back; a clock step did
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

// Page converts the items of a page as read into records, keeps those
// Admit lets through, and gives them as the page to yield, with the cursor
// after them. It stops at the first item toRecord refuses.
func Page[T any](c *Cursor, items []T, toRecord func(T) (connector.Record, error)) (connector.Page, error) {
	recs := make([]connector.Record, 0, len(items))
	for _, it := range items {
		rec, err := toRecord(it)
		if err != nil {
			return connector.Page{}, err
		}
		if c.Admit(rec.ID, rec.Modified) {
			recs = append(recs, rec)
		}
	}
	return connector.Page{Records: recs, Cursor: connector.Cursor(c.String())}, nil
}

// String writes the cursor; "" while nothing was read.
func (c Cursor) String() string {
	if c.At.IsZero() {
		return ""
	}
	ids := make([]string, 0, len(c.seen))
	for id := range c.seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	layout := time.RFC3339
	if c.fine {
		layout = time.RFC3339Nano
	}
	return c.prefix + c.At.Format(layout) + "|" + strings.Join(ids, ",")
}
