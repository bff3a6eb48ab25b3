package mailchimp

import (
	"fmt"
	"sync"
	"testing"
	"time"

	mcsim "github.com/crmsync/crmsync/sync/sandbox/mailchimp"
)

// A bulk import stamps many members with one second; the cursor keeps their
// ids. Members of that second edited before the next run leave it for the
// end of the list, so the next run must not step over the seen count as if
// they were still there: every edit must be read (over HTTP, sandbox).
func TestReadAfterBulkSecondMissesNoEdit(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	tick := func() { mu.Lock(); now = now.Add(time.Second); mu.Unlock() }
	e := newEnv(t, mcsim.Options{Seed: 41, Now: clock})
	list := e.sim.DefaultListID()
	rows := make([]mcsim.MemberSeed, 30)
	for i := range rows {
		rows[i] = mcsim.MemberSeed{Email: fmt.Sprintf("bulk%02d@example.com", i), Created: now}
	}
	cids, err := e.sim.SeedMembers(list, rows)
	if err != nil {
		t.Fatal(err)
	}
	c := e.connect(t)
	c.pageSize = 10
	recs, cur := readAll(t, c, "")
	if len(recs) < 30 {
		t.Fatalf("first read: %d records, want 30", len(recs))
	}
	edited := map[string]bool{}
	for i := range 5 {
		tick()
		if _, err := e.sim.UpdateMember(list, cids[i], map[string]any{"FNAME": fmt.Sprintf("Edit%d", i)}); err != nil {
			t.Fatal(err)
		}
		edited[cids[i]] = true
	}
	tick()
	again, _ := readAll(t, c, cur)
	got := ids(again)
	for id := range edited {
		if got[id] == 0 {
			t.Errorf("member %s edited after the bulk second was never read (read %v)", id, got)
		}
	}
}
