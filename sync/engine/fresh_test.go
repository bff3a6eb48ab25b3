package engine_test

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"testing"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/engine/memconn"
)

// editDuringRead is a memconn account whose read runs edit once, after its
// first page: a record already read is modified and so comes again at the
// end of the same read, as a CRM's paging by modified time gives it.
type editDuringRead struct {
	*memconn.Conn
	once sync.Once
	edit func()
}

func (c *editDuringRead) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		for p, err := range c.Conn.Read(ctx, object, since) {
			if !yield(p, err) {
				return
			}
			c.once.Do(c.edit)
		}
	}
}

// A first sync indexes an empty side without looking each record up
// (store.PageOptions.Fresh). A record read twice, in two index groups,
// must still be indexed, linked and created once, with its newer values.
func TestFirstSyncWithARecordReadTwice(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{batch: 100, page: 500})
	const n = 6000 // more than one index group of 5,000
	var first string
	for i := range n {
		id := f.a.Put(objA, person(fmt.Sprintf("p%05d@example.com", i), "First", fmt.Sprintf("Last%d", i)))
		if i == 0 {
			first = id
		}
	}
	conn := &editDuringRead{Conn: f.a, edit: func() { f.a.Edit(objA, first, map[string]string{"firstname": "Edited"}) }}
	a, b := f.sides()
	a.Conn = conn
	p, err := f.eng.Plan(f.ctx, f.syncID, f.def, a, b, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Counts.ReadA != n+1 {
		t.Fatalf("side A gave %d records, want %d (one of them twice)", p.Counts.ReadA, n+1)
	}
	sum, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true, Trigger: "manual"})
	if err != nil || sum.Status != "success" || sum.Created != n {
		t.Fatalf("apply: %+v, %v\n%s", sum, err, p.Summary())
	}
	if got := f.b.Count(objB); got != n {
		t.Fatalf("%d records on B, want %d", got, n)
	}
	if got := len(f.links()); got != n {
		t.Fatalf("%d links, want %d", got, n)
	}
	st, err := f.db.SideState(f.ctx, f.syncID, "a")
	if err != nil || st.Count != n {
		t.Fatalf("index of side A: %+v, %v (want %d records)", st, err, n)
	}
	if got := f.b.Get(objB, f.linkedB(first))["FirstName"]; got != "Edited" {
		t.Fatalf("the record read twice reached B as %q, want its newer value", got)
	}
	if p2, _ := f.run(); !p2.Empty() {
		t.Fatalf("second run not empty:\n%s", p2.Summary())
	}
}
