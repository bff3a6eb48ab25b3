package dynamics

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/conformance"
	"github.com/crmsync/crmsync/sync/connector/timecursor"
	dsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
)

// TestNoChangeReadAfterBulkSecondReadsOnce: an import stamps more
// rows than a page holds (5,000) with one modifiedon second. A read
// resumes with modifiedon ge the cursor's second (the ids read skip what
// was read), so every later read while nothing changes listed that
// second's rows again: two calls where one says "nothing new". Once a
// complete read began SettleMargin after that second, the next asks
// after it: one call, no rows; a row changed later still arrives.
func TestNoChangeReadAfterBulkSecondReadsOnce(t *testing.T) {
	var mu sync.Mutex
	now := time.Now().UTC().Truncate(time.Second)
	step := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	e := newEnv(t, dsim.Options{Seed: 43, Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	c := e.connect(t)
	const rows = PageSize + 1
	var last string
	for i := range rows {
		r, err := e.sim.Create("crmsync_projects", map[string]any{"crmsync_name": fmt.Sprintf("Bulk %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		last = r.ID
	}
	const object = "crmsync_projects"
	listings := func() int64 { return e.sim.Stats()["GET /api/data/v9.2/"+object] }
	recs, cur := conformance.ReadAll(t, c, object, "")
	if len(recs) != rows {
		t.Fatalf("first read: %d rows, want %d", len(recs), rows)
	}
	step(timecursor.SettleMargin + 2*time.Second) // the import's second is settled
	recs, cur = conformance.ReadAll(t, c, object, cur)
	if len(recs) != 0 {
		t.Fatalf("read after the settle: %d rows, want none", len(recs))
	}
	for i := 1; i <= 2; i++ {
		before := listings()
		var got []connector.Record
		got, cur = conformance.ReadAll(t, c, object, cur)
		if n := listings() - before; len(got) != 0 || n != 1 {
			t.Errorf("no-change read %d: %d rows in %d calls, want none in 1", i, len(got), n)
		}
	}
	step(time.Second)
	if _, err := e.sim.Update(object, last, map[string]any{"crmsync_name": "Bulk renamed"}); err != nil {
		t.Fatal(err)
	}
	recs, _ = conformance.ReadAll(t, c, object, cur)
	if len(recs) != 1 || recs[0].Fields["crmsync_name"] != "Bulk renamed" {
		t.Fatalf("read after an edit: %d rows %v, want the renamed one", len(recs), recs)
	}
}
