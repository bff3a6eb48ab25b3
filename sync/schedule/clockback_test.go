package schedule

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestClockSetBackDoesNotStallSchedule: a laptop boots with its clock
// hours ahead (a dual-boot machine whose hardware clock holds local time)
// and NTP then sets it back three hours. An "every 15m" sync must keep
// running about every 15 minutes, not wait until the wall clock catches up
// with the time it planned under the wrong clock (three hours of nothing).
func TestClockSetBackDoesNotStallSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var shift atomic.Int64
		wall := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
		rec := newRecorder()
		s := New(rec.run, Options{Now: wall})
		s.Set("a", Spec{Kind: Every, Every: 15 * time.Minute}, false)
		defer startScheduler(t, s)()
		time.Sleep(16 * time.Minute)
		synctest.Wait()
		if at, _ := rec.runs(); len(at) != 1 {
			t.Fatalf("runs at %v before the clock change, want one", at)
		}
		shift.Add(int64(-3 * time.Hour)) // NTP correction
		time.Sleep(30 * time.Minute)
		synctest.Wait()
		at, _ := rec.runs()
		if len(at) < 2 {
			t.Fatalf("runs at %v: none in the 30 minutes after the clock was set back 3h; want the 15m schedule to go on", at)
		}
		if at[1]-at[0] > 16*time.Minute {
			t.Errorf("runs at %v: the run after the clock change came %v after the previous one, want about 15m", at, at[1]-at[0])
		}
	})
}

// TestClockSetBackDailyRunsOnce: a daily 09:00 sync has just run when
// NTP sets the clock back ten minutes (to 08:50). It must not run a second
// time at 09:00 on the corrected clock: that day's run was made.
func TestClockSetBackDailyRunsOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var shift atomic.Int64
		start := time.Now() // the bubble's 2000-01-01 00:00 UTC
		wall := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
		rec := newRecorder()
		s := New(rec.run, Options{Now: wall})
		s.Set("a", Spec{Kind: Daily, At: "09:00", Loc: time.UTC}, false)
		defer startScheduler(t, s)()
		time.Sleep(time.Until(start.Add(9*time.Hour + time.Minute)))
		synctest.Wait()
		if at, _ := rec.runs(); len(at) != 1 {
			t.Fatalf("runs at %v by 09:01, want one", at)
		}
		shift.Add(int64(-11 * time.Minute)) // 09:01 becomes 08:50
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		if at, _ := rec.runs(); len(at) != 1 {
			t.Errorf("runs at %v: the daily run was made again after the clock was set back 11 minutes", at)
		}
		time.Sleep(24 * time.Hour)
		synctest.Wait()
		if at, _ := rec.runs(); len(at) != 2 {
			t.Errorf("runs at %v: want the next day's run", at)
		}
	})
}
