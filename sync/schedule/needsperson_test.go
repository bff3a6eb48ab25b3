package schedule

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

// TestNeedsPersonWaitsForItsSlot: a daily sync whose scheduled run
// stops for something only a person can give (a plan over the safety
// limits, a connection to reconnect) must "stop, notify, and wait for a
// person" (README), not re-plan on back-off every hour: each retry reads
// both CRMs again, stores another refused run and sends another
// notification, 24 a day for a sync meant to run once.
func TestNeedsPersonWaitsForItsSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		rec.body = func(context.Context, int) error {
			return fmt.Errorf("contacts needs confirmation: 40%% of records change: %w", ErrNeedsPerson)
		}
		s := New(rec.run, Options{})
		at := rec.start.Add(time.Minute).Format("15:04")
		s.Set("contacts", Spec{Kind: Daily, At: at, Loc: time.Local}, false)
		stop := startScheduler(t, s)
		time.Sleep(47 * time.Hour)
		synctest.Wait()
		runs, _ := rec.runs()
		if len(runs) != 2 {
			t.Errorf("a daily sync waiting for a person ran %d times in 47 hours (at %v), want 2: once a day", len(runs), runs)
		}
		stop()
	})
}

// TestSkippedRunIsNotAFailure: a run the RunFunc skips (the sync was
// paused or deleted by another process since it was scheduled) is neither
// a failure to back off from and notify about, nor a finished run.
func TestSkippedRunIsNotAFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		rec.body = func(context.Context, int) error { return fmt.Errorf("sync contacts is paused: %w", ErrSkipped) }
		s := New(rec.run, Options{})
		s.Set("contacts", Spec{Kind: Every, Every: 15 * time.Minute}, false)
		stop := startScheduler(t, s)
		time.Sleep(46 * time.Minute)
		synctest.Wait()
		stop()
		if runs, _ := rec.runs(); len(runs) != 3 {
			t.Errorf("a skipped sync was asked %d times in 46 minutes, want 3: on its slots, not on back-off", len(runs))
		}
		kinds := map[string]int{}
		for _, e := range drain(s.Events()) {
			kinds[e.Kind]++
		}
		if kinds[EventSkipped] != 3 || kinds[EventFailed] != 0 || kinds[EventFinished] != 0 {
			t.Errorf("events of three skipped runs: %v; want 3 skipped, none failed or finished", kinds)
		}
	})
}
