package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	gosync "sync"
	"testing"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/engine/memconn"
)

// errorReadCounter is the real store, counting the most record-level
// errors one read handed the engine.
type errorReadCounter struct {
	*store.DB
	mu   gosync.Mutex
	peak int
}

func (c *errorReadCounter) note(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.peak = max(c.peak, n)
}

func (c *errorReadCounter) RunErrors(ctx context.Context, runID int64) ([]store.RunErrorRow, error) {
	rows, err := c.DB.RunErrors(ctx, runID)
	c.note(len(rows))
	return rows, err
}

func (c *errorReadCounter) RunErrorsPage(ctx context.Context, runID, afterID int64, limit int) ([]store.RunErrorRow, error) {
	rows, err := c.DB.RunErrorsPage(ctx, runID, afterID, limit)
	c.note(len(rows))
	return rows, err
}

// TestStopCountsUnknownWithoutReadingEveryError: a first run
// creates 1,200 records in B; B refuses the first 1,000 one by one (a
// validation rule) and then answers 429 to the sixth create call, so the
// run stops with that batch's 200 creates of unknown outcome. Counting
// them must read the errors of those 200 records at most, not the run's
// 1,000 (a run failing 100k records would hold them all in memory at the
// stop), and still count 200.
func TestStopCountsUnknownWithoutReadingEveryError(t *testing.T) {
	const n, refused, batch = 1200, 1000, 200
	ctx := context.Background()
	clk := newClock()
	def := baseDefinition()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetClock(clk.Now)
	counter := &errorReadCounter{DB: db}
	eng := engine.New(counter, engine.Options{Now: clk.Now})
	a := memconn.New(memconn.Options{Vendor: "hubspot-mem", IDPrefix: "a", BatchSize: 100, PageSize: 500, UpsertKey: "email", Schemas: []connector.Schema{schemaA()}, Clock: clk.Now})
	b := memconn.New(memconn.Options{Vendor: "salesforce-mem", IDPrefix: "b", BatchSize: batch, PageSize: 2000, Schemas: []connector.Schema{schemaB()}, Clock: clk.Now})
	var mu gosync.Mutex
	writes := 0
	b.SetFaults(memconn.Faults{
		Record: func(object string, op connector.Op) error {
			if strings.HasPrefix(op.Fields["LastName"], "Refused") {
				return &connector.RecordError{Vendor: "salesforce-mem", Object: object, Category: connector.CatValidation, Field: "LastName",
					Code: "FIELD_CUSTOM_VALIDATION_EXCEPTION", Message: "refused by a rule"}
			}
			return nil
		},
		Call: func(c memconn.CallInfo) (error, bool) {
			if c.Kind != "write" {
				return nil, false
			}
			mu.Lock()
			defer mu.Unlock()
			if writes++; writes > refused/batch {
				return &connector.Error{Vendor: "salesforce-mem", Endpoint: c.Kind, Status: 429, Category: connector.CatRateLimit, Message: "slow down"}, false
			}
			return nil, false
		},
	})
	js, _ := json.Marshal(def)
	syncID, err := db.SaveSync(ctx, def.Name, string(js))
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		last := fmt.Sprintf("Lee%04d", i)
		if i < refused {
			last = fmt.Sprintf("Refused%04d", i)
		}
		a.Put(objA, person(fmt.Sprintf("p%04d@example.com", i), "Ann", last))
	}
	sa := engine.Side{Conn: a, Object: objA, BatchSize: a.BatchSize(), Calls: a.Calls}
	sb := engine.Side{Conn: b, Object: objB, BatchSize: b.BatchSize(), Calls: b.Calls}
	p, err := eng.Plan(ctx, syncID, def, sa, sb, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := eng.Apply(ctx, p, engine.ApplyOptions{Confirm: true, Trigger: "manual"})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	t.Logf("run: %+v", sum)
	if sum.Stopped == nil || sum.Failed != refused {
		t.Fatalf("the run did not stop after %d refusals: %+v", refused, sum)
	}
	if sum.Unknown != batch {
		t.Errorf("the stopped run counts %d creates of unknown outcome; want the %d of the call the 429 cut short", sum.Unknown, batch)
	}
	if counter.peak > batch {
		t.Errorf("counting the unknown creates read %d of the run's %d errors at once; want at most the %d records the stop left unknown", counter.peak, refused, batch)
	}
}
