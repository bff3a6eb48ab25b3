package salesforce

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	sfsim "github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// clock is the sandbox's settable clock; the HTTP Date header stays real
// time, so a clock an hour back makes every read start long after the
// writes it sees, and a clock an hour ahead makes every read start "within
// the margin" of them.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

const (
	queryKey     = "GET /services/data/v67.0/queryAll"
	queryMoreKey = "GET /services/data/v67.0/query/{locator}"
)

// clockOrg is a sandbox org whose clock starts at the 100 ms mark of a
// second offset from now.
func clockOrg(t *testing.T, offset time.Duration) (*org, *clock, time.Time) {
	t.Helper()
	t0 := time.Now().Add(offset).UTC().Truncate(time.Second).Add(100 * time.Millisecond)
	clk := &clock{t: t0}
	return newOrgWith(t, sfsim.Options{PathPrefix: mount, Seed: 7, Now: clk.Now}), clk, t0
}

// createContacts makes n contacts at the sandbox clock's current instant.
func createContacts(t *testing.T, o *org, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		r, err := o.sim.Create("Contact", map[string]string{"LastName": "Bulk"})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = r.ID
	}
	return ids
}

// readResult is one Read: ids in order, the page cursors, the query and
// queryMore calls it cost (from the sandbox's own counters).
type readResult struct {
	ids         []string
	cursors     []connector.Cursor
	query, more int64
}

func readAll(t *testing.T, o *org, c *Conn, since connector.Cursor, stopAfter int) readResult {
	t.Helper()
	before := o.sim.Stats()
	var res readResult
	for p, err := range c.Read(bg, "Contact", since) {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Records {
			res.ids = append(res.ids, r.ID)
		}
		res.cursors = append(res.cursors, p.Cursor)
		if stopAfter > 0 && len(res.cursors) == stopAfter {
			break // as a crash after this page was stored
		}
	}
	after := o.sim.Stats()
	res.query, res.more = after[queryKey]-before[queryKey], after[queryMoreKey]-before[queryMoreKey]
	return res
}

func (r readResult) last(t *testing.T) connector.Cursor {
	t.Helper()
	if len(r.cursors) == 0 {
		t.Fatal("read returned no page")
	}
	return r.cursors[len(r.cursors)-1]
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// After a bulk write stamps 2,500 records in one second, a later read that
// finds nothing new costs exactly one query call (the Id tiebreak skips the
// second's records server side), and a later change costs one call too.
func TestReadAfterBulkWriteCostsOneQuery(t *testing.T) {
	o, clk, t0 := clockOrg(t, -time.Hour)
	ids := createContacts(t, o, 2500)
	c := o.connect(t, 0)

	full := readAll(t, o, c, "", 0)
	if !sameSet(full.ids, ids) || len(full.ids) != 2500 {
		t.Fatalf("full read returned %d records, want the 2500 created", len(full.ids))
	}
	again := readAll(t, o, c, full.last(t), 0)
	if len(again.ids) != 0 || again.query != 1 || again.more != 0 {
		t.Fatalf("no-change read: %d records, %d query + %d queryMore calls; want 0 records, 1 + 0 calls",
			len(again.ids), again.query, again.more)
	}

	k, err := parseCursor(full.last(t))
	if err != nil || !k.tiebreak() || !k.sec.Equal(t0.Truncate(time.Second)) {
		t.Fatalf("cursor %.80q: tiebreak=%v err=%v", full.last(t), k != nil && k.tiebreak(), err)
	}

	// Edits in a later second: only they come back, in one call.
	clk.Set(t0.Add(3 * time.Second))
	for _, id := range []string{ids[0], ids[2499]} {
		if _, err := o.sim.Update("Contact", id, map[string]string{"MailingCity": "Oslo"}); err != nil {
			t.Fatal(err)
		}
	}
	changed := readAll(t, o, c, full.last(t), 0)
	if !sameSet(changed.ids, []string{ids[0], ids[2499]}) || changed.query != 1 || changed.more != 0 {
		t.Fatalf("changed read: ids %v, %d + %d calls", changed.ids, changed.query, changed.more)
	}
}

// When the read that made the cursor began within the margin of the
// cursor's second, a record with a smaller Id updated later in that same
// second must still come back: the resumed read uses the >= fallback.
func TestReadFallbackKeepsSameSecondUpdate(t *testing.T) {
	o, clk, t0 := clockOrg(t, time.Hour) // the Date header is an hour before the stamps
	ids := createContacts(t, o, 5)
	c := o.connect(t, 0)
	full := readAll(t, o, c, "", 0)
	if !sameSet(full.ids, ids) {
		t.Fatalf("full read ids %v", full.ids)
	}
	clk.Set(t0.Add(200 * time.Millisecond)) // same second as the cursor
	if _, err := o.sim.Update("Contact", ids[0], map[string]string{"MailingCity": "Oslo"}); err != nil {
		t.Fatal(err)
	}
	next := readAll(t, o, c, full.last(t), 0)
	if !slices.Equal(next.ids, []string{ids[0]}) {
		t.Fatalf("after a same-second update of %s the read returned %v", ids[0], next.ids)
	}
	// Its cursor skips that version next time; nothing repeats.
	if again := readAll(t, o, c, next.last(t), 0); len(again.ids) != 0 {
		t.Fatalf("repeat read returned %v", again.ids)
	}
	k, err := parseCursor(full.last(t))
	if err != nil || k.tiebreak() || k.lastID != ids[4] {
		t.Fatalf("cursor %q: want the fallback after the newest id, err=%v", full.last(t), err)
	}
}

// A cursor stored after page 1 of 2 resumes with no loss and no repeat,
// whether the resumed query may use the Id tiebreak or not.
func TestReadResumesMidRead(t *testing.T) {
	for _, tc := range []struct {
		name     string
		offset   time.Duration
		tiebreak bool
		calls    int64 // query + queryMore of the resumed read
	}{
		{"tiebreak", -time.Hour, true, 1},
		{"fallback", time.Hour, false, 2}, // >= the second fetches all 2,500 again
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, _, _ := clockOrg(t, tc.offset)
			ids := createContacts(t, o, 2500)
			c := o.connect(t, 0)
			first := readAll(t, o, c, "", 1)
			if len(first.ids) != PageSize || len(first.cursors) != 1 {
				t.Fatalf("page 1 held %d records", len(first.ids))
			}
			rest := readAll(t, o, c, first.cursors[0], 0)
			seen := map[string]bool{}
			for _, id := range append(slices.Clone(first.ids), rest.ids...) {
				if seen[id] {
					t.Fatalf("record %s handed out twice", id)
				}
				seen[id] = true
			}
			if len(seen) != len(ids) || !sameSet(append(first.ids, rest.ids...), ids) {
				t.Fatalf("got %d distinct records, want %d", len(seen), len(ids))
			}
			if got := rest.query + rest.more; got != tc.calls {
				t.Fatalf("resumed read cost %d calls, want %d", got, tc.calls)
			}
			k, err := parseCursor(first.cursors[0])
			if err != nil || k.tiebreak() != tc.tiebreak {
				t.Fatalf("page-1 cursor: tiebreak=%v err=%v", k != nil && k.tiebreak(), err)
			}
		})
	}
}

// A cursor in the older "<instant>|<ids>" format still resumes correctly
// (through the fallback) and is replaced by the current format.
func TestReadOldFormatCursor(t *testing.T) {
	o, clk, t0 := clockOrg(t, -time.Hour)
	ids := createContacts(t, o, 3)
	old := connector.Cursor(t0.Format(time.RFC3339Nano) + "|" + strings.Join(ids, ","))
	k, err := parseCursor(old)
	if err != nil || k.tiebreak() || len(k.ids) != 3 {
		t.Fatalf("old cursor parsed as %+v, %v", k, err)
	}
	clk.Set(t0.Add(2 * time.Second))
	if _, err := o.sim.Update("Contact", ids[1], map[string]string{"MailingCity": "Oslo"}); err != nil {
		t.Fatal(err)
	}
	clk.Set(t0.Add(3 * time.Second))
	added := createContacts(t, o, 1)

	c := o.connect(t, 0)
	res := readAll(t, o, c, old, 0)
	if !slices.Equal(res.ids, []string{ids[1], added[0]}) {
		t.Fatalf("old-cursor read returned %v, want [%s %s]", res.ids, ids[1], added[0])
	}
	if cur := string(res.last(t)); !strings.HasPrefix(cur, cursorV3+"|") {
		t.Fatalf("new cursor %q not in the current format", cur)
	}
	if again := readAll(t, o, c, res.last(t), 0); len(again.ids) != 0 || again.query != 1 {
		t.Fatalf("read after it returned %v in %d calls", again.ids, again.query)
	}
}
