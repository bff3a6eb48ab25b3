// Package timecursor is the read cursor of a vendor whose incremental
// reads filter by a modified time of one-second resolution, inclusive or
// not: the newest time read, and the ids read at that second. ParseFine
// gives the same cursor at the resolution the vendor's times carry.
//
// A cursor is prefix + the newest time read (RFC 3339, seconds) + "|" +
// the records read with that time, comma-separated, each as its id + ":" +
// a fingerprint of its fields as read (hex). The next read starts at that
// second again, so records changed in the same second after the read are
// not missed, and the ids say which of that second's records were read
// already, so they are not read twice. A record edited again within that
// second keeps its modified time, so only its fields tell: it is read
// again when its fingerprint differs. A cursor of an older format has no
// fingerprints, and its second's records are read again once.
//
// Re-reading the last second costs calls when a bulk write stamped many
// records with it, on every run while nothing newer arrives. So a read
// that reaches the end of its listing records when it began by the
// server's clock (Start); once that is SettleMargin after the cursor's
// second ended, every record of that second had been read, and the next
// read may ask strictly after the cursor (Settled).
package timecursor

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// Cursor is a parsed cursor; the zero Cursor reads everything.
type Cursor struct {
	prefix string
	At     time.Time         // the newest modified time read
	seen   map[string]uint64 // ids read with modified time == At -> fingerprint; 0 = unknown
	fine   bool              // see ParseFine
	// Start is when the last read that reached the end of its listing
	// began, by the server's clock rounded down; zero = unknown.
	Start time.Time
}

// SettleMargin is how long after a second ends every write stamped in it is
// taken to be committed and listed (the Salesforce and HubSpot connectors
// allow the same 5 s).
const SettleMargin = 5 * time.Second

// Settled reports whether a complete read began SettleMargin after the
// cursor's second ended, so it read every record of that second and the
// next read need not look back.
func (c Cursor) Settled() bool {
	sec := c.At.Truncate(time.Second)
	return !c.At.IsZero() && !c.Start.IsZero() && !sec.Add(time.Second+SettleMargin).After(c.Start)
}

// ServerStart is the server time, from a response's Date header, that a
// read whose first response carried it began no earlier than; zero when
// the header is missing. Date has one-second resolution: round down once
// more.
func ServerStart(h http.Header) time.Time {
	d, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return time.Time{}
	}
	return d.UTC().Add(-time.Second)
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
	ids, start, hasStart := strings.Cut(ids, "|")
	t, err := time.Parse(time.RFC3339Nano, ts) // also reads whole seconds
	if !ok || err != nil {
		return cur, fmt.Errorf("unreadable cursor %q", c)
	}
	if hasStart {
		st, err := time.Parse(time.RFC3339, start)
		if err != nil {
			return cur, fmt.Errorf("unreadable cursor %q: %w", c, err)
		}
		cur.Start = st.UTC()
	}
	cur.At, cur.seen = t.UTC(), map[string]uint64{}
	for _, e := range strings.Split(ids, ",") {
		if e == "" {
			continue
		}
		id, fp, err := parseSeen(e)
		if err != nil {
			return cur, fmt.Errorf("unreadable cursor %q: %w", c, err)
		}
		cur.seen[id] = fp
	}
	return cur, nil
}

// parseSeen reads one "id:fingerprint" of a cursor, or a bare id (a cursor
// written before fingerprints: 0, so the record is read again).
func parseSeen(e string) (string, uint64, error) {
	i := strings.LastIndexByte(e, ':')
	if i < 0 {
		return e, 0, nil
	}
	fp, err := strconv.ParseUint(e[i+1:], 16, 64)
	if err != nil || i == 0 {
		return "", 0, fmt.Errorf("bad entry %q", e)
	}
	return e[:i], fp, nil
}

// Fingerprint sums an FNV-1a hash of each field (name and value) and the
// delete mark, so the fields' order does not matter; never 0, which means
// unknown. It is stable across runs, as the cursor is stored.
func Fingerprint(rec connector.Record) uint64 {
	var sum uint64
	for k, v := range rec.Fields {
		sum += fnv1a(fnv1a(fnv1a(fnvOffset, k), "\x00"), v)
	}
	if rec.Deleted {
		sum ^= 0x9e3779b97f4a7c15
	}
	return max(sum, 1)
}

const fnvOffset, fnvPrime = 14695981039346656037, 1099511628211

// fnv1a continues an FNV-1a hash h over s, without allocating.
func fnv1a(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// Admit reports whether a record read now is new to the cursor (not read
// before with the same modified time and fields), and moves the cursor
// past it.
func (c *Cursor) Admit(rec connector.Record) bool {
	id, mod, fp := rec.ID, rec.Modified.UTC(), Fingerprint(rec)
	if !c.fine {
		mod = mod.Truncate(time.Second)
	}
	switch {
	case mod.Before(c.At) && c.fine:
		return false // read before: the filter reaches back a second
	case mod.Before(c.At):
		return true // sorted reads never go back; a clock step did
	case mod.Equal(c.At) && c.seen != nil:
		if c.seen[id] == fp {
			return false // read before, unchanged since
		}
	default:
		c.At, c.seen = mod, map[string]uint64{}
	}
	c.seen[id] = fp
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
		if c.Admit(rec) {
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
	for id, fp := range c.seen {
		ids = append(ids, id+":"+strconv.FormatUint(fp, 16))
	}
	sort.Strings(ids)
	layout := time.RFC3339
	if c.fine {
		layout = time.RFC3339Nano
	}
	out := c.prefix + c.At.Format(layout) + "|" + strings.Join(ids, ",")
	if !c.Start.IsZero() {
		out += "|" + c.Start.UTC().Format(time.RFC3339)
	}
	return out
}
