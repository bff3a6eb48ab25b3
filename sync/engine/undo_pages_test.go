package engine_test

import (
	"context"
	gosync "sync"
	"testing"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
)

// lookupCounter is the real store, counting the queries that look up
// indexed records with their links (one per Pair, one per PairsOf) and
// the review items each stored batch of plan items carries.
type lookupCounter struct {
	*auditReadCounter
	mu         gosync.Mutex
	lookups    int
	peakReview int // most review items one AddPlanItems stored
	stored     int // review items stored with the plan in all
}

func (c *lookupCounter) Pair(ctx context.Context, syncID int64, side, id string) (store.PairRow, bool, error) {
	c.count()
	return c.DB.Pair(ctx, syncID, side, id)
}

func (c *lookupCounter) PairsOf(ctx context.Context, syncID int64, side string, ids []string) ([]store.PairRow, error) {
	c.count()
	return c.DB.PairsOf(ctx, syncID, side, ids)
}

func (c *lookupCounter) AddPlanItems(ctx context.Context, planID int64, items []store.PlanItem) error {
	n := 0
	for _, it := range items {
		if it.Kind == "review" {
			n++
		}
	}
	c.mu.Lock()
	c.peakReview = max(c.peakReview, n)
	c.stored += n
	c.mu.Unlock()
	return c.DB.AddPlanItems(ctx, planID, items)
}

func (c *lookupCounter) count() {
	c.mu.Lock()
	c.lookups++
	c.mu.Unlock()
}

// countingEngine is an engine over u's store that counts its lookups.
func (u *bigUndo) countingEngine() (*engine.Engine, *lookupCounter) {
	c := &lookupCounter{auditReadCounter: u.db}
	return engine.New(c, engine.Options{Now: u.clk.Now}), c
}

// TestUndoLooksUpAPageOfRecordsInOneQuery: undoing a run that
// updated 1,000 records looks the records up a page (500) at a time, one
// query per page, not one per record, and plans the same writes.
func TestUndoLooksUpAPageOfRecordsInOneQuery(t *testing.T) {
	const n = 1000
	u := newBigUndo(t, n)
	eng, c := u.countingEngine()
	u.eng = eng
	p := u.undo(t)
	if p.Counts.UpdateB != n || len(p.Review) != 0 {
		t.Fatalf("undo plan: %d updates of B, %d reviews; want %d and none\n%s", p.Counts.UpdateB, len(p.Review), n, p.Summary())
	}
	if pages := n / 500; c.lookups > pages {
		t.Errorf("the undo of %d records made %d record lookups; want one per page of 500 (%d)", n, c.lookups, pages)
	}
	u.apply(t, p, "undo")
	u.assertRestored(t, n)
}

// TestUndoOfABigFirstSyncStoresItsDeleteItemsWithEachPage: undoing
// a first sync that created 1,500 records sends each to review ("approve
// to delete"); the plan stores those items with each page, as it does
// its writes, and holds no more than the first 1,000 it lists. Applied,
// every item reaches the review queue.
func TestUndoOfABigFirstSyncStoresItsDeleteItemsWithEachPage(t *testing.T) {
	const n, listed = 1500, 1000
	u := newBigFirstSync(t, n)
	eng, c := u.countingEngine()
	u.eng = eng
	p := u.undo(t)
	if p.Counts.Review != n {
		t.Fatalf("undo plan counts %d review items, want %d\n%s", p.Counts.Review, n, p.Summary())
	}
	if len(p.Review) > listed {
		t.Errorf("the undo plan holds %d review items in memory; want at most the %d it lists", len(p.Review), listed)
	}
	if c.peakReview > 500 {
		t.Errorf("one store of plan items carried %d review items; want at most a page (500)", c.peakReview)
	}
	if p.Omitted == nil || p.Omitted.Review != n-len(p.Review) {
		t.Errorf("the plan says it leaves out %+v; want %d review items", p.Omitted, n-len(p.Review))
	}
	sum := u.apply(t, p, "undo")
	if sum.Review != n {
		t.Errorf("the undo run counts %d review items, want %d", sum.Review, n)
	}
	items, err := u.db.Reviews(u.ctx, u.syncID, "delete", "open")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != n {
		t.Fatalf("%d delete items wait in review after the undo, want %d", len(items), n)
	}
	seen := map[string]bool{}
	for _, it := range items {
		if seen[it.RecordID] || it.Field != "(created)" {
			t.Fatalf("review item %+v: repeated or not an undo's delete", it)
		}
		seen[it.RecordID] = true
	}
	if len(u.b.Live(objB)) != n {
		t.Errorf("the undo deleted records of B before anyone approved: %d left of %d", len(u.b.Live(objB)), n)
	}
}
