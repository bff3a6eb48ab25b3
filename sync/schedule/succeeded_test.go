package schedule

import (
	"testing"
	"testing/synctest"
	"time"
)

// TestSucceededEndsVendorWait: a run made outside the scheduler (the
// window's Sync now) that succeeds ends the vendor's wait of the last
// failure: the next run is due by the schedule, not 3 hours on.
func TestSucceededEndsVendorWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, rec, stop := vendorWaitAfterFirstRun(t)
		defer stop()
		time.Sleep(6 * time.Minute)
		synctest.Wait()
		s.Succeeded("contacts")
		time.Sleep(6 * time.Minute)
		synctest.Wait()
		if runs, _ := rec.runs(); len(runs) < 2 {
			t.Fatalf("after a successful run elsewhere the sync of every 5 minutes did not run in 6 minutes (runs at %v)", runs)
		}
	})
}
