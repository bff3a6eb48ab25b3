package engine_test

import (
	"flag"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/crmsync/crmsync/sync/engine"
)

var large = flag.Int("large", 0, "run TestLarge with this many contacts per side (e.g. 100000)")

// TestLarge plans and applies a first sync of N contacts per side (half
// matching by email, a quarter new on each side) and reports engine CPU
// time and peak RSS. Opt-in: go test -run TestLarge -large=100000.
func TestLarge(t *testing.T) {
	n := *large
	if n == 0 {
		t.Skip("set -large=N")
	}
	f := newFixture(t, baseDefinition(), fixtureOpts{batch: 100, page: 100})
	for i := range n {
		f.a.Put(objA, person(fmt.Sprintf("p%07d@example.com", i), "F", "L"))
		j := i
		if i%2 == 1 {
			j = n + i // half of B is new people
		}
		f.b.Put(objB, personB(fmt.Sprintf("p%07d@example.com", j), "G", "L"))
	}
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := cpuTime()
	start := time.Now()
	p := f.plan()
	planCPU := cpuTime() - cpu0
	runtime.GC()
	runtime.ReadMemStats(&m1)
	t.Logf("heap held by the plan: %d MB (in-memory CRMs before it: %d MB)", (int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/1e6, m0.HeapAlloc/1e6)
	sum, err := f.eng.Apply(f.ctx, p, engine.ApplyOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	total := cpuTime() - cpu0
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	t.Logf("N=%d: plan links %d creates %d updates %d; run %s created %d updated %d; wall %s, CPU plan %s, plan+apply %s (includes the in-memory CRMs), peak RSS %d MB",
		n, p.Counts.Link, len(p.Creates), len(p.Updates), sum.Status, sum.Created, sum.Updated, time.Since(start).Round(time.Millisecond),
		planCPU.Round(time.Millisecond), total.Round(time.Millisecond), ru.Maxrss/1024)
	if p2 := f.plan(); !p2.Empty() {
		t.Fatalf("second plan not empty:\n%s", p2.Summary())
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
