package hubspot

import (
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// searchCalls counts the portal's search calls so far.
func searchCalls(sim *hssim.Sim) int64 {
	var n int64
	for k, v := range sim.Stats() {
		if strings.HasSuffix(k, "/search") {
			n += v
		}
	}
	return n
}

// TestLateIndexedEditReadNextDay: an edit HubSpot's search index
// takes after a later one (and after the read overlap) is behind the
// cursor once search shows it. The read that day still costs one call and
// misses it; the next day's read looks back and brings it, once.
func TestLateIndexedEditReadNextDay(t *testing.T) {
	clk := &auditClock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	e := newEnv(t, hssim.Options{Now: clk.now})
	a, err := e.sim.Create("contacts", map[string]string{"email": "late@example.com", "firstname": "Before"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.sim.Create("contacts", map[string]string{"email": "prompt@example.com", "firstname": "Before"})
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions()
	o.now = clk.now
	c, err := newConnector(e.oauthClient(t), e.base, o)
	if err != nil {
		t.Fatal(err)
	}
	read := func(since connector.Cursor) (map[string]connector.Record, connector.Cursor, int64) {
		t.Helper()
		calls := searchCalls(e.sim)
		got := map[string]connector.Record{}
		cur := since
		for p, err := range c.Read(t.Context(), "contacts", since) {
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			for _, r := range p.Records {
				got[r.ID] = r
			}
			if p.Cursor != "" {
				cur = p.Cursor
			}
		}
		return got, cur, searchCalls(e.sim) - calls
	}
	_, cur, _ := read("")

	clk.add(time.Minute)
	if _, err := e.sim.Update("contacts", a.ID, map[string]string{"firstname": "Lagged"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.IndexLate("contacts", a.ID, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	clk.add(10 * time.Second)
	if _, err := e.sim.Update("contacts", b.ID, map[string]string{"firstname": "Prompt"}); err != nil {
		t.Fatal(err)
	}
	clk.add(10 * time.Second)
	got, cur, _ := read(cur)
	if _, ok := got[b.ID]; !ok {
		t.Fatalf("the read after both edits did not bring the promptly indexed one (%s): %v", b.ID, got)
	}

	// Search shows the late edit now, dated behind the cursor.
	clk.add(15 * time.Minute)
	got, cur, calls := read(cur)
	t.Logf("same day: %d records, %d search calls", len(got), calls)
	if calls != 1 {
		t.Errorf("a read with nothing new made %d search calls; want 1", calls)
	}

	clk.add(24 * time.Hour)
	got, cur, _ = read(cur)
	r, ok := got[a.ID]
	if !ok || r.Fields["firstname"] != "Lagged" {
		t.Fatalf("the next day's read did not bring the edit search indexed late (contact %s firstname Lagged); got %v", a.ID, got)
	}
	// The look-back is once a day: the read after it is one call again.
	got, _, calls = read(cur)
	if calls != 1 || len(got) != 0 {
		t.Errorf("the read after the day's look-back made %d search calls and brought %d records; want 1 and none", calls, len(got))
	}
}
