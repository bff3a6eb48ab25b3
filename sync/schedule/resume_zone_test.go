package schedule

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// failingForHours runs an every-5-minutes sync that fails for three hours,
// long enough for back-off to reach its hourly ceiling.
func failingForHours(t *testing.T) (*Scheduler, *recorder, *atomic.Bool, func()) {
	rec := newRecorder()
	var broken atomic.Bool
	broken.Store(true)
	rec.body = func(context.Context, int) error {
		if broken.Load() {
			return errors.New("HTTP 401 INVALID_AUTHENTICATION")
		}
		return nil
	}
	s := New(rec.run, Options{})
	s.Set("contacts", Spec{Kind: Every, Every: 5 * time.Minute}, false)
	stop := startScheduler(t, s)
	time.Sleep(3 * time.Hour)
	synctest.Wait()
	return s, rec, &broken, stop
}

// vendorWaitAfterFirstRun starts a scheduler running contacts every 5
// minutes whose first run the vendor refuses with "come back in 3 hours"
// (a spent budget) and whose later runs succeed. Call it inside a
// synctest bubble; stop ends the scheduler.
func vendorWaitAfterFirstRun(t *testing.T) (*Scheduler, *recorder, func()) {
	rec := newRecorder()
	rec.body = func(_ context.Context, n int) error {
		if n == 0 {
			return budgetSpent{wait: 3 * time.Hour}
		}
		return nil
	}
	s := New(rec.run, Options{})
	s.Set("contacts", Spec{Kind: Every, Every: 5 * time.Minute}, false)
	return s, rec, startScheduler(t, s)
}

// TestResumeResetsBackoff: pausing a failing sync, fixing the cause
// and resuming it is a person saying "try again": the next run comes at its
// normal slot, not after the hour of back-off its old failures earned.
func TestResumeResetsBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, rec, broken, stop := failingForHours(t)
		defer stop()
		s.Pause("contacts")
		synctest.Wait()
		broken.Store(false)
		before, _ := rec.runs()
		s.Resume("contacts")
		time.Sleep(6 * time.Minute)
		synctest.Wait()
		if after, _ := rec.runs(); len(after) == len(before) {
			t.Fatalf("a resumed sync of every 5 minutes did not run in the 6 minutes after its resume (runs at %v)", after)
		}
	})
}

// TestScheduleEditResetsBackoff: editing a failing sync's schedule is
// also a person's "try again".
func TestScheduleEditResetsBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, rec, broken, stop := failingForHours(t)
		defer stop()
		broken.Store(false)
		before, _ := rec.runs()
		s.Set("contacts", Spec{Kind: Every, Every: 10 * time.Minute}, false)
		time.Sleep(11 * time.Minute)
		synctest.Wait()
		if after, _ := rec.runs(); len(after) == len(before) {
			t.Fatalf("a sync whose schedule was edited to every 10 minutes did not run in the 11 minutes after (runs at %v)", after)
		}
	})
}

// TestResumeKeepsVendorWait: a resume forgets back-off, not the
// vendor's own "come back in 3 hours" (a spent daily budget).
func TestResumeKeepsVendorWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, rec, stop := vendorWaitAfterFirstRun(t)
		defer stop()
		time.Sleep(6 * time.Minute)
		s.Pause("contacts")
		synctest.Wait()
		s.Resume("contacts")
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		if runs, _ := rec.runs(); len(runs) != 1 {
			t.Fatalf("resumed during the vendor's 3-hour wait, the sync ran at %v; want once, before the wait", runs)
		}
		time.Sleep(time.Hour + 6*time.Minute)
		synctest.Wait()
		if runs, _ := rec.runs(); len(runs) < 2 {
			t.Fatalf("the sync did not run after the vendor's wait ended (runs at %v)", runs)
		}
	})
}

// TestDailyFollowsZoneChange: "daily 09:00" without a zone is 09:00
// where the laptop is. Its owner flies from Berlin to New York while the
// app runs: the next runs are at 09:00 New York, not at 03:00 (09:00 Berlin).
func TestDailyFollowsZoneChange(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		var zone atomic.Pointer[time.Location]
		zone.Store(berlin)
		rec := newRecorder() // the bubble starts at midnight UTC
		s := New(rec.run, Options{Location: zone.Load})
		spec, err := Parse("daily 09:00")
		if err != nil {
			t.Fatal(err)
		}
		s.Set("contacts", spec, false)
		stop := startScheduler(t, s)
		defer stop()
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		zone.Store(newYork) // the laptop's zone, changed on landing
		time.Sleep(38*time.Hour + 30*time.Minute)
		synctest.Wait()
		runs, _ := rec.runs()
		// 09:00 New York in January is 14:00 UTC.
		if want := []time.Duration{14 * time.Hour, 38 * time.Hour}; !slices.Equal(runs, want) {
			t.Fatalf("daily 09:00 after the zone changed to New York ran at %v after midnight UTC; want %v", runs, want)
		}
	})
}

// TestMachineZoneRereadsLocaltime: on Linux the zone is the link
// /etc/localtime, which timedatectl set-timezone replaces while the app
// runs; the reader sees the new zone, where time.Local keeps the old.
func TestMachineZoneRereadsLocaltime(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the machine's zone is re-read on Linux and macOS only")
	}
	t.Setenv("TZ", "")
	os.Unsetenv("TZ") // TZ would fix the zone for the process
	link := filepath.Join(t.TempDir(), "localtime")
	for _, name := range []string{"Europe/Berlin", "America/New_York"} {
		os.Remove(link)
		if err := os.Symlink(filepath.Join("/usr/share/zoneinfo", name), link); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(link); err != nil {
			t.Skipf("no zoneinfo: %v", err)
		}
		if got := machineZoneFrom(link); got.String() != name {
			t.Fatalf("with %s linked to %s, the machine's zone is %q", link, name, got)
		}
	}
	if got := machineZoneFrom(filepath.Join(t.TempDir(), "none")); got != time.Local {
		t.Fatalf("without the file the machine's zone is %v, want time.Local", got)
	}
}
