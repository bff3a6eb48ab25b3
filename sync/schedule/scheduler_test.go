package schedule

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// recorder is a RunFunc that records each run's start (relative to the
// bubble's start) and trigger, and checks runs never overlap.
type recorder struct {
	start   time.Time
	mu      sync.Mutex
	at      []time.Duration
	trigger []string
	running atomic.Int32
	overlap atomic.Bool
	body    func(ctx context.Context, n int) error // optional; n counts from 0
}

func newRecorder() *recorder { return &recorder{start: time.Now()} }

func (r *recorder) run(ctx context.Context, _ string, trigger string) error {
	if r.running.Add(1) > 1 {
		r.overlap.Store(true)
	}
	defer r.running.Add(-1)
	r.mu.Lock()
	n := len(r.at)
	r.at = append(r.at, time.Since(r.start))
	r.trigger = append(r.trigger, trigger)
	r.mu.Unlock()
	if r.body != nil {
		return r.body(ctx, n)
	}
	return nil
}

func (r *recorder) runs() ([]time.Duration, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.at), slices.Clone(r.trigger)
}

// startScheduler runs s in the bubble and returns a stop function that
// cancels it and waits for Run to return.
func startScheduler(t *testing.T, s *Scheduler) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	}
}

func drain(ch <-chan Event) []Event {
	var out []Event
	for {
		select {
		case e := <-ch:
			out = append(out, e)
		default:
			return out
		}
	}
}

func kinds(es []Event) []string {
	var out []string
	for _, e := range es {
		if e.Kind != EventNext {
			out = append(out, e.Kind)
		}
	}
	return out
}

func TestEveryRunsOnSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		s := New(rec.run, Options{})
		s.Set("a", Spec{Kind: Every, Every: 15 * time.Minute}, false)
		stop := startScheduler(t, s)
		time.Sleep(46 * time.Minute)
		synctest.Wait()
		at, trig := rec.runs()
		want := []time.Duration{15 * time.Minute, 30 * time.Minute, 45 * time.Minute}
		if !slices.Equal(at, want) || !slices.Equal(trig, []string{"schedule", "schedule", "schedule"}) {
			t.Errorf("runs at %v (%v), want %v all scheduled", at, trig, want)
		}
		evs := drain(s.Events())
		if got := kinds(evs); !slices.Equal(got, []string{"started", "finished", "started", "finished", "started", "finished"}) {
			t.Errorf("events = %v", got)
		}
		if last := evs[len(evs)-1]; last.Kind != EventNext || !last.Next.Equal(rec.start.Add(60*time.Minute)) {
			t.Errorf("last event = %+v, want next at +60m", last)
		}
		stop()
	})
}

func TestBackoffAfterFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		var healthy atomic.Bool
		rec.body = func(context.Context, int) error {
			if healthy.Load() {
				return nil
			}
			return errors.New("hubspot: 503")
		}
		s := New(rec.run, Options{BaseBackoff: time.Minute, MaxBackoff: 4 * time.Minute})
		s.Set("a", Spec{Kind: Every, Every: time.Hour}, false)
		stop := startScheduler(t, s)
		time.Sleep(76 * time.Minute)
		synctest.Wait()
		at, _ := rec.runs()
		m := time.Minute
		want := []time.Duration{60 * m, 61 * m, 63 * m, 67 * m, 71 * m, 75 * m} // 1m, 2m, 4m, then capped at 4m
		if !slices.Equal(at, want) {
			t.Fatalf("failing runs at %v, want %v", at, want)
		}
		var failed int
		for _, e := range drain(s.Events()) {
			if e.Kind == EventFailed && e.Err != nil && e.Err.Error() == "hubspot: 503" {
				failed++
			}
		}
		if failed != 6 {
			t.Errorf("%d failed events carrying the error, want 6", failed)
		}
		healthy.Store(true)
		time.Sleep(65 * time.Minute) // to +141m
		synctest.Wait()
		at, _ = rec.runs()
		want = append(want, 79*m, 139*m) // success resets: back to hourly
		if !slices.Equal(at, want) {
			t.Errorf("runs at %v, want %v", at, want)
		}
		stop()
	})
}

func TestSyncNowCoalesces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		release := make(chan struct{})
		rec.body = func(ctx context.Context, n int) error {
			if n == 0 {
				<-release
			}
			return nil
		}
		s := New(rec.run, Options{})
		s.Set("a", Spec{Kind: Manual}, false)
		stop := startScheduler(t, s)
		if s.SyncNow("missing") {
			t.Error("SyncNow(unknown sync) = true")
		}
		if !s.SyncNow("a") {
			t.Fatal("SyncNow = false")
		}
		synctest.Wait() // the first run is in flight, blocked
		for range 5 {
			if !s.SyncNow("a") {
				t.Fatal("SyncNow during a run = false, want true (coalesced)")
			}
		}
		close(release)
		time.Sleep(time.Hour)
		synctest.Wait()
		at, trig := rec.runs()
		if len(at) != 2 || !slices.Equal(trig, []string{"manual", "manual"}) {
			t.Errorf("runs %v %v: want the first run plus exactly one coalesced run", at, trig)
		}
		if rec.overlap.Load() {
			t.Error("two runs of one sync overlapped")
		}
		stop()
	})
}

func TestPauseResume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		s := New(rec.run, Options{})
		s.Set("a", Spec{Kind: Every, Every: 10 * time.Minute}, true)
		stop := startScheduler(t, s)
		time.Sleep(time.Hour)
		synctest.Wait()
		if at, _ := rec.runs(); len(at) != 0 {
			t.Fatalf("paused sync ran at %v", at)
		}
		if s.SyncNow("a") {
			t.Error("SyncNow on a paused sync = true")
		}
		s.Resume("a")
		time.Sleep(11 * time.Minute)
		synctest.Wait()
		if at, _ := rec.runs(); !slices.Equal(at, []time.Duration{70 * time.Minute}) {
			t.Fatalf("after resume runs at %v, want one at 70m (10m after resuming)", at)
		}
		s.Pause("a")
		time.Sleep(time.Hour)
		synctest.Wait()
		if at, _ := rec.runs(); len(at) != 1 {
			t.Errorf("paused again, yet runs at %v", at)
		}
		if got := kinds(drain(s.Events())); !slices.Equal(got, []string{"paused", "resumed", "started", "finished", "paused"}) {
			t.Errorf("events = %v", got)
		}
		// Changing the schedule while paused keeps it paused.
		s.Set("a", Spec{Kind: Every, Every: time.Minute}, true)
		time.Sleep(time.Hour)
		synctest.Wait()
		if at, _ := rec.runs(); len(at) != 1 {
			t.Errorf("paused sync with a new schedule ran: %v", at)
		}
		stop()
	})
}

// TestCatchUpAfterSleep simulates a laptop asleep for three hours: the
// monotonic clock (timers) stands still while the wall clock jumps.
func TestCatchUpAfterSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var slept atomic.Int64
		wall := func() time.Time { return time.Now().Add(time.Duration(slept.Load())) }
		rec := newRecorder()
		s := New(rec.run, Options{Now: wall})
		s.Set("a", Spec{Kind: Every, Every: 15 * time.Minute}, false)
		stop := startScheduler(t, s)
		time.Sleep(16 * time.Minute)
		synctest.Wait()
		slept.Add(int64(3 * time.Hour)) // twelve slots missed
		time.Sleep(2 * time.Minute)     // wake: the next wall-clock check notices
		synctest.Wait()
		_, trig := rec.runs()
		if !slices.Equal(trig, []string{"schedule", "catch-up"}) {
			t.Fatalf("triggers %v, want one catch-up run after the sleep", trig)
		}
		time.Sleep(16 * time.Minute)
		synctest.Wait()
		at, trig := rec.runs()
		if !slices.Equal(trig, []string{"schedule", "catch-up", "schedule"}) {
			t.Errorf("triggers %v, want the normal schedule to resume", trig)
		}
		if at[2]-at[1] != 15*time.Minute {
			t.Errorf("runs at %v: want the next run one interval after the catch-up", at)
		}
		// A short nap (less than one interval late) is just a late run.
		slept.Add(int64(20 * time.Minute))
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		if _, trig = rec.runs(); trig[len(trig)-1] != "schedule" || len(trig) != 4 {
			t.Errorf("triggers %v, want a plain late scheduled run", trig)
		}
		stop()
	})
}

func TestShutdownWaitsForRunInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		var finished atomic.Bool
		var sawCancel atomic.Bool
		rec.body = func(ctx context.Context, _ int) error {
			<-ctx.Done()
			sawCancel.Store(true)
			time.Sleep(5 * time.Second) // finishing the current batch
			finished.Store(true)
			return ctx.Err()
		}
		s := New(rec.run, Options{})
		s.Set("a", Spec{Kind: Manual}, false)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		s.SyncNow("a")
		synctest.Wait()
		cancel()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("Run returned while a run was still in flight")
		default:
		}
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
		if !sawCancel.Load() || !finished.Load() {
			t.Errorf("run saw cancel=%v finished=%v, want both", sawCancel.Load(), finished.Load())
		}
	})
}

func TestRemoveThenSetNeverOverlaps(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		var log []string
		var mu sync.Mutex
		note := func(s string) { mu.Lock(); log = append(log, s); mu.Unlock() }
		rec.body = func(ctx context.Context, n int) error {
			note("start")
			defer note("end")
			if n == 0 {
				<-ctx.Done()
				time.Sleep(time.Second) // slow to stop
			}
			return nil
		}
		s := New(rec.run, Options{})
		s.Set("a", Spec{Kind: Manual}, false)
		stop := startScheduler(t, s)
		s.SyncNow("a")
		synctest.Wait()
		s.Remove("a")
		s.Set("a", Spec{Kind: Manual}, false)
		if !s.SyncNow("a") {
			t.Fatal("SyncNow on the re-added sync = false")
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		mu.Lock()
		got := slices.Clone(log)
		mu.Unlock()
		if !slices.Equal(got, []string{"start", "end", "start", "end"}) || rec.overlap.Load() {
			t.Errorf("log %v overlap=%v: the new run must wait for the removed one", got, rec.overlap.Load())
		}
		stop()
	})
}

func TestEventsNeverBlockAndPanicsBecomeFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		rec.body = func(_ context.Context, n int) error {
			if n == 0 {
				panic("boom")
			}
			return nil
		}
		s := New(rec.run, Options{EventBuffer: 2, BaseBackoff: time.Minute})
		s.Set("a", Spec{Kind: Every, Every: time.Minute}, false)
		stop := startScheduler(t, s)
		time.Sleep(30*time.Minute + 30*time.Second) // nobody reads events
		synctest.Wait()
		if at, _ := rec.runs(); len(at) != 30 {
			t.Errorf("%d runs, want 30: a full event buffer must not stall the loop", len(at))
		}
		evs := drain(s.Events())
		if len(evs) != 2 || evs[1].Kind != EventNext || evs[0].Kind != EventFinished {
			t.Errorf("buffered events = %+v, want the newest two (finished, next)", evs)
		}
		stop()
	})
}

// budgetSpent is a run's error carrying the vendor's wait, as a spent
// daily budget's does.
type budgetSpent struct{ wait time.Duration }

func (e budgetSpent) Error() string          { return "hubspot: 429 DAILY" }
func (e budgetSpent) WaitFor() time.Duration { return e.wait }

// TestWaiterHoldsRetriesUntilItsTime: a run refused with a wait (a daily
// budget spent, resetting in 5h) is not tried again on back-off every few
// minutes, each try a refused call, but once the wait is over; a success
// then brings the sync back to its schedule.
func TestWaiterHoldsRetriesUntilItsTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		rec.body = func(_ context.Context, n int) error {
			if n == 0 {
				return fmt.Errorf("run 1: %w", budgetSpent{5 * time.Hour})
			}
			return nil
		}
		s := New(rec.run, Options{BaseBackoff: time.Minute, MaxBackoff: 4 * time.Minute})
		s.Set("a", Spec{Kind: Every, Every: time.Hour}, false)
		stop := startScheduler(t, s)
		time.Sleep(7*time.Hour + time.Minute)
		synctest.Wait()
		at, _ := rec.runs()
		h := time.Hour
		if want := []time.Duration{h, 6 * h, 7 * h}; !slices.Equal(at, want) {
			t.Errorf("runs at %v, want %v: the retry waits out the budget, then hourly", at, want)
		}
		stop()
	})
}
