package hubspot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// maxCursorIDs bounds the ids a cursor remembers from its overlap window;
// past it the window is narrowed to the newest ids (a bulk import can touch
// thousands of records a second), so nothing repeats and the cursor stays small.
const maxCursorIDs = 2000

// window tracks, for an incremental read, the newest modified time seen
// (hwm) and the records emitted within the overlap window before it, so a
// re-query from hwm-overlap skips what was already emitted while a record
// modified again still comes back.
type window struct {
	hwm     int64            // newest modified ms seen; -1 = nothing yet
	overlap int64            // ms
	start   int64            // a narrowed window start from the cursor; -1 = hwm-overlap
	seen    map[string]int64 // id -> modified ms when emitted
	// indexed is a server time before which every modification was in the
	// search index when this read began (its first response's Date minus
	// the overlap); -1 = unknown. The next read need not look back past it.
	indexed int64
	// swept is the clock's ms at the last look-back read (sweep.go), or at
	// the first read; -1 = unknown (a cursor from before sweeps).
	swept int64
}

func newWindow(overlapMs int64) *window {
	return &window{hwm: -1, overlap: overlapMs, start: -1, seen: map[string]int64{}, indexed: -1, swept: -1}
}

// from is where the next query starts (GTE).
func (w *window) from() int64 {
	if w.hwm < 0 {
		return 0
	}
	return max(0, w.hwm-w.overlap, w.start)
}

// admit reports whether a record should be emitted, and records it.
func (w *window) admit(id string, mod int64) bool {
	if prev, ok := w.seen[id]; ok && mod <= prev {
		return false
	}
	w.seen[id] = mod
	if mod > w.hwm {
		w.hwm = mod
		w.prune()
	}
	return true
}

// prune forgets ids that fell out of the overlap window, keeping memory
// bounded by the write rate, not the CRM size.
func (w *window) prune() {
	cut := w.hwm - w.overlap
	for id, m := range w.seen {
		if m < cut {
			delete(w.seen, id)
		}
	}
}

// cursor encodes the window as "hs2:<swept>:<hwm>:<start>:<id>@<ms>,...";
// "hs1:" cursors, without swept, are still read.
func (w *window) cursor() connector.Cursor {
	if w.hwm < 0 {
		return ""
	}
	type entry struct {
		id  string
		mod int64
	}
	start := max(0, w.hwm-w.overlap)
	if w.indexed > start {
		// Everything up to the index time was visible to this read, so
		// the next one only re-queries from there (at most from hwm).
		start = min(w.hwm, w.indexed)
	}
	var es []entry
	for id, m := range w.seen {
		if m >= start {
			es = append(es, entry{id, m})
		}
	}
	sort.Slice(es, func(i, j int) bool {
		if es[i].mod != es[j].mod {
			return es[i].mod > es[j].mod
		}
		return es[i].id < es[j].id
	})
	if len(es) > maxCursorIDs {
		// Keep every id at the cut's timestamp so the narrowed window
		// (GTE cut) still skips all of them.
		cut := es[maxCursorIDs-1].mod
		n := maxCursorIDs
		for n < len(es) && es[n].mod == cut {
			n++
		}
		es, start = es[:n], cut
	}
	var b strings.Builder
	fmt.Fprintf(&b, "hs2:%d:%d:%d:", max(w.swept, 0), w.hwm, start)
	for i, e := range es {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s@%d", e.id, e.mod)
	}
	return connector.Cursor(b.String())
}

// parseCursor restores a window; the empty cursor reads everything.
func parseCursor(c connector.Cursor, overlapMs int64) (*window, error) {
	w := newWindow(overlapMs)
	if c == "" {
		return w, nil
	}
	s := string(c)
	if rest, ok := strings.CutPrefix(s, "hs2:"); ok {
		sw, tail, _ := strings.Cut(rest, ":")
		n, err := strconv.ParseInt(sw, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("hubspot: cursor has a bad sweep time %q", sw)
		}
		w.swept, s = n, "hs1:"+tail
	}
	parts := strings.SplitN(s, ":", 4)
	if len(parts) != 4 || parts[0] != "hs1" {
		return nil, fmt.Errorf("hubspot: cursor %.40q is not a HubSpot cursor", string(c))
	}
	hwm, err1 := strconv.ParseInt(parts[1], 10, 64)
	start, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || hwm < 0 || start < 0 || start > hwm {
		return nil, fmt.Errorf("hubspot: cursor has bad timestamps %q, %q", parts[1], parts[2])
	}
	w.hwm, w.start = hwm, start
	if parts[3] == "" {
		return w, nil
	}
	for _, e := range strings.Split(parts[3], ",") {
		id, ms, ok := strings.Cut(e, "@")
		m, err := strconv.ParseInt(ms, 10, 64)
		if !ok || id == "" || err != nil {
			return nil, fmt.Errorf("hubspot: cursor has a bad entry %.40q", e)
		}
		w.seen[id] = m
	}
	return w, nil
}
