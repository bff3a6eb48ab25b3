package schedule

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// TestSlotMissedWhileStoppedRunsAtStart: a daily 02:00 sync on a laptop
// that is off every night would never run if only the slots the scheduler
// sees were run. When its loop starts and a slot has passed since the
// sync's last run (from any process), it runs once at once, as anacron
// does, then keeps its time of day. A sync whose last run came after its
// latest slot, or that never ran, waits for its slot.
func TestSlotMissedWhileStoppedRunsAtStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now() // the bubble's 2000-01-01 00:00 UTC, a Saturday
		last := map[string]time.Time{
			"atSlot":   start.Add(-22 * time.Hour), // Friday 02:00, its slot; Saturday's is not yet due
			"overdue":  start.Add(-47 * time.Hour), // Thursday 01:00: Friday's 02:00 was missed
			"ran":      start.Add(-21 * time.Hour), // Friday 03:00, after Friday's 02:00
			"never":    {},
			"interval": start.Add(-2 * time.Hour), // every 1h, last 2 h ago
		}
		recs := map[string]*recorder{}
		run := func(ctx context.Context, name, trigger string) error { return recs[name].run(ctx, name, trigger) }
		s := New(run, Options{LastRun: func(_ context.Context, name string) (time.Time, error) { return last[name], nil }})
		for name := range last {
			recs[name] = newRecorder()
			spec := Spec{Kind: Daily, At: "02:00", Loc: time.UTC}
			if name == "interval" {
				spec = Spec{Kind: Every, Every: time.Hour}
			}
			s.Set(name, spec, false)
		}
		defer startScheduler(t, s)()
		time.Sleep(time.Minute)
		synctest.Wait()
		for name, want := range map[string]int{"atSlot": 0, "overdue": 1, "ran": 0, "never": 0, "interval": 1} {
			at, triggers := recs[name].runs()
			if len(at) != want {
				t.Errorf("%s: runs at %v in the first minute, want %d", name, at, want)
			}
			if want == 1 && (len(triggers) != 1 || triggers[0] != TriggerCatchUp) {
				t.Errorf("%s: triggers %v, want one catch-up", name, triggers)
			}
		}
		// Then each keeps its schedule: Saturday 02:00 for the daily ones.
		time.Sleep(time.Until(start.Add(2*time.Hour + time.Minute)))
		synctest.Wait()
		for name, want := range map[string]int{"atSlot": 1, "overdue": 2, "ran": 1, "never": 1} {
			if at, _ := recs[name].runs(); len(at) != want {
				t.Errorf("%s: runs at %v by 02:01, want %d", name, at, want)
			}
		}
		if at, _ := recs["interval"].runs(); !slices.Equal(at, []time.Duration{0, time.Hour, 2 * time.Hour}) {
			t.Errorf("interval: runs at %v, want at start and every hour after", at)
		}
	})
}
