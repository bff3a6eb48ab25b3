package schedule

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestStoredWaitEndedElsewhere: a run refused with a 5-hour wait is
// held in the loop; the store then no longer holds the wait (the
// connection signed in to another account) and the sync runs again by its
// back-off, not 5 hours on. While the store still holds it, or cannot be
// read, the wait stands.
func TestStoredWaitEndedElsewhere(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ended bool  // the store's wait is cleared an hour after the refusal
		read  error // the store's answer
		runs  int   // runs in the 2 hours after the refusal, the refused one included
	}{
		{name: "ended", ended: true, runs: 2},
		{name: "kept", runs: 1},
		{name: "unreadable", ended: true, read: errors.New("database is locked"), runs: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var stored atomic.Int64 // unix ms of the stored wait's end; 0 = none
				rec := newRecorder()
				rec.body = func(_ context.Context, n int) error {
					if n == 0 {
						stored.Store(time.Now().Add(5 * time.Hour).UnixMilli())
						return budgetSpent{wait: 5 * time.Hour}
					}
					return nil
				}
				s := New(rec.run, Options{StoredWait: func(context.Context, string) (time.Time, error) {
					if ms := stored.Load(); ms != 0 {
						return time.UnixMilli(ms), nil
					}
					return time.Time{}, tc.read
				}})
				s.Set("orgs", Spec{Kind: Every, Every: time.Hour}, false)
				stop := startScheduler(t, s)
				defer stop()
				time.Sleep(time.Hour + time.Minute) // the first run at 1h is refused
				synctest.Wait()
				if at, _ := rec.runs(); len(at) != 1 {
					t.Fatalf("want the one refused run by now, got runs at %v", at)
				}
				if tc.ended {
					stored.Store(0)
				}
				time.Sleep(time.Hour)
				synctest.Wait()
				if at, _ := rec.runs(); len(at) != tc.runs {
					t.Errorf("runs at %v; want %d by now", at, tc.runs)
				}
			})
		})
	}
}
