package engine_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine/memconn"
)

// TestBothSidesAtOnce: the two CRMs are read at the same time, and written
// at the same time. Side A's first read (and first write) waits for side
// B's; done one side after the other, B would only start once A gave up
// waiting. The wait is a guard against hanging, not a measure of time.
func TestBothSidesAtOnce(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	f.a.Put(objA, person("only-a@example.com", "Ada", "A"))
	f.b.Put(objB, personB("only-b@example.com", "Bob", "B"))

	phase := func(kind string) string {
		switch kind {
		case "read":
			return "read"
		case "schema", "lookup":
			return ""
		}
		return "write"
	}
	var mu sync.Mutex
	started := map[string]chan struct{}{"read": make(chan struct{}), "write": make(chan struct{})}
	var once [2]sync.Once
	var overlapped [2]atomic.Bool
	f.b.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
		switch phase(c.Kind) {
		case "read":
			once[0].Do(func() { close(started["read"]) })
		case "write":
			once[1].Do(func() { close(started["write"]) })
		}
		return nil, false
	}})
	waited := map[string]bool{}
	f.a.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
		p := phase(c.Kind)
		mu.Lock()
		first := p != "" && !waited[p]
		waited[p] = true
		mu.Unlock()
		if !first {
			return nil, false
		}
		select {
		case <-started[p]:
			if p == "read" {
				overlapped[0].Store(true)
			} else {
				overlapped[1].Store(true)
			}
		case <-time.After(10 * time.Second):
		}
		return nil, false
	}})

	_, sum := f.run()
	if sum.Created != 2 {
		t.Fatalf("created %d, want one on each side", sum.Created)
	}
	if !overlapped[0].Load() {
		t.Error("side B was not read while side A's read was under way")
	}
	if !overlapped[1].Load() {
		t.Error("side B was not written while side A's write was under way")
	}
}

// TestStopOnOneSideLetsTheOtherFinish: side A's token is revoked before
// the writes; the run stops for A, but B, another CRM, still gets its
// record, and the run says it was partial and why.
func TestStopOnOneSideLetsTheOtherFinish(t *testing.T) {
	f := newFixture(t, baseDefinition(), fixtureOpts{})
	f.a.Put(objA, person("only-a@example.com", "Ada", "A"))
	f.b.Put(objB, personB("only-b@example.com", "Bob", "B"))
	p := f.plan()
	f.a.SetFaults(memconn.Faults{Call: func(c memconn.CallInfo) (error, bool) {
		if c.Kind != "read" && c.Kind != "schema" && c.Kind != "lookup" {
			return &connector.Error{Vendor: "hubspot-mem", Endpoint: c.Kind, Status: 401, Category: connector.CatAuth, Message: "token revoked"}, false
		}
		return nil, false
	}})
	beforeA, beforeB := f.a.Count(objA), f.b.Count(objB)
	sum, err := f.eng.Apply(f.ctx, p, engineApply(true))
	if err != nil {
		t.Fatal(err)
	}
	if f.b.Count(objB) != beforeB+1 || f.a.Count(objA) != beforeA {
		t.Fatalf("records A %d -> %d, B %d -> %d: want only B's create", beforeA, f.a.Count(objA), beforeB, f.b.Count(objB))
	}
	if sum.Status != "partial" || sum.Created != 1 || !strings.Contains(sum.Message, "token revoked") {
		t.Fatalf("summary %+v, want partial with 1 created and A's stop named", sum)
	}
}
