package schedule

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// TestClockSetBackDuringDailyRunRunsOnce: NTP steps the clock back
// an hour while the daily 09:00 run is under way. When it ends the wall
// clock reads before 09:00: that day's run was made, it must not run again.
func TestClockSetBackDuringDailyRunRunsOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var shift atomic.Int64
		start := time.Now()
		wall := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
		rec := newRecorder()
		rec.body = func(ctx context.Context, n int) error {
			if n == 0 {
				time.Sleep(2 * time.Minute)
				shift.Add(int64(-time.Hour)) // 09:02 becomes 08:02
			}
			return nil
		}
		s := New(rec.run, Options{Now: wall})
		s.Set("a", Spec{Kind: Daily, At: "09:00", Loc: time.UTC}, false)
		defer startScheduler(t, s)()
		time.Sleep(time.Until(start.Add(9*time.Hour + 5*time.Minute)))
		synctest.Wait()
		time.Sleep(3 * time.Hour)
		synctest.Wait()
		if at, _ := rec.runs(); len(at) != 1 {
			t.Errorf("runs at %v: the daily 09:00 run was made twice after the clock was set back during it", at)
		}
	})
}

// dailyRuns runs spec from wall time from for days, returning the wall
// times of its runs.
func dailyRuns(t *testing.T, spec Spec, from time.Time, days int) []time.Time {
	var out []time.Time
	synctest.Test(t, func(t *testing.T) {
		off := time.Until(from)
		wall := func() time.Time { return time.Now().Add(off) }
		var mu = make(chan struct{}, 1)
		mu <- struct{}{}
		run := func(ctx context.Context, _, _ string) error {
			<-mu
			out = append(out, wall())
			mu <- struct{}{}
			return nil
		}
		s := New(run, Options{Now: wall, WakeCheck: time.Hour})
		s.Set("a", spec, false)
		defer startScheduler(t, s)()
		time.Sleep(time.Duration(days) * 24 * time.Hour)
		synctest.Wait()
	})
	return out
}

// TestDailyAcrossDSTRunsOncePerDay: a daily run over both DST
// changes, in zones east and west of UTC, runs once each local day, at
// its time (or just after a spring-forward gap).
func TestDailyAcrossDSTRunsOncePerDay(t *testing.T) {
	for _, c := range []struct {
		zone, at string
		from     time.Time
	}{
		{"Europe/Berlin", "02:30", time.Date(2000, 10, 27, 12, 0, 0, 0, time.UTC)},
		{"Europe/Berlin", "02:30", time.Date(2000, 3, 24, 12, 0, 0, 0, time.UTC)},
		{"America/New_York", "01:30", time.Date(2000, 10, 27, 12, 0, 0, 0, time.UTC)},
		{"America/New_York", "02:30", time.Date(2000, 4, 0, 12, 0, 0, 0, time.UTC)},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Skip(err)
		}
		runs := dailyRuns(t, Spec{Kind: Daily, At: c.at, Loc: loc}, c.from, 5)
		if len(runs) != 5 {
			t.Errorf("%s daily %s from %s: %d runs in 5 days, want 5: %v", c.zone, c.at, c.from, len(runs), runs)
		}
		seen := map[string]bool{}
		for _, r := range runs {
			d := r.In(loc).Format("2006-01-02")
			if seen[d] {
				t.Errorf("%s daily %s: ran twice on %s: %v", c.zone, c.at, d, runs)
			}
			seen[d] = true
		}
	}
}
