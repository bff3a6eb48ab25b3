package schedule

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestSuccessInAnotherProcessEndsWait: the window's scheduler waits
// 3 hours after a vendor's daily limit; `crmsync sync run` in a terminal
// then succeeds (the limit was raised). The scheduler hears nothing from
// that process (no Succeeded call), so it must read it from the store when
// it wakes: the card's error clears (EventCleared) and the every-5-minutes
// sync runs again by its schedule, not 3 hours on.
func TestSuccessInAnotherProcessEndsWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var otherOK atomic.Int64 // unix ms of the other process's success; 0 = none
		rec := newRecorder()
		rec.body = func(_ context.Context, n int) error {
			if n == 0 {
				return budgetSpent{wait: 3 * time.Hour}
			}
			return nil
		}
		s := New(rec.run, Options{SucceededSince: func(_ context.Context, name string, since time.Time) (bool, error) {
			ms := otherOK.Load()
			return ms != 0 && time.UnixMilli(ms).After(since), nil
		}})
		s.Set("contacts", Spec{Kind: Every, Every: 5 * time.Minute}, false)
		stop := startScheduler(t, s)
		defer stop()
		time.Sleep(6 * time.Minute) // the first run at 5m hits the limit
		synctest.Wait()
		if runs, _ := rec.runs(); len(runs) != 1 {
			t.Fatalf("want the one refused run by now, got runs at %v", runs)
		}
		otherOK.Store(time.Now().UnixMilli())
		time.Sleep(7 * time.Minute)
		synctest.Wait()
		if runs, _ := rec.runs(); len(runs) < 2 {
			t.Fatalf("a run in another process succeeded, yet the sync of every 5 minutes did not run in the 7 minutes after (runs at %v)", runs)
		}
		cleared := false
		for _, e := range drain(s.Events()) {
			cleared = cleared || e.Kind == EventCleared
		}
		if !cleared {
			t.Errorf("no %q event: the window's card keeps the old failure", EventCleared)
		}
	})
}

// TestFailureElsewhereKeepsWait: only a success ends the wait; a run
// elsewhere that failed too (SucceededSince false, or its read failing)
// leaves the vendor's wait standing.
func TestFailureElsewhereKeepsWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder()
		rec.body = func(_ context.Context, n int) error { return budgetSpent{wait: 3 * time.Hour} }
		s := New(rec.run, Options{SucceededSince: func(context.Context, string, time.Time) (bool, error) {
			return false, errors.New("database is locked")
		}})
		s.Set("contacts", Spec{Kind: Every, Every: 5 * time.Minute}, false)
		stop := startScheduler(t, s)
		defer stop()
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		if runs, _ := rec.runs(); len(runs) != 1 {
			t.Fatalf("the vendor's 3-hour wait was not kept: runs at %v", runs)
		}
	})
}
