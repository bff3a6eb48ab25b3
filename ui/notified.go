package ui

import "context"

// loadNotified reads which failures were notified before this start and
// whose notification still stands, so a restart does not tell a standing
// failure again. It runs once at start, before the scheduler, so a
// catch-up run failing at once finds them; a failure notified meanwhile
// is kept.
func (u *UI) loadNotified(ctx context.Context) {
	if u.a == nil {
		return
	}
	told, err := u.a.NotifiedFailures(ctx)
	if err != nil {
		u.log.Warn("the failures notified before could not be read", "err", err)
		return
	}
	if u.notified == nil {
		u.notified = map[string]string{}
	}
	for sync, key := range told {
		if _, ok := u.notified[sync]; !ok {
			u.notified[sync] = key
		}
	}
}

// rememberNotified notes that sync's failure key was notified (UI
// goroutine), in memory and, off the UI goroutine, in the data file.
func (u *UI) rememberNotified(sync, key string) {
	if u.notified == nil {
		u.notified = map[string]string{}
	}
	u.notified[sync] = key
	u.storeNotified(sync, key)
}

// forgetNotified drops sync's notified failure: a run of it succeeded, so
// its next failure is news (UI goroutine).
func (u *UI) forgetNotified(sync string) {
	if _, ok := u.notified[sync]; !ok {
		return // nothing stored either: no write per successful run
	}
	delete(u.notified, sync)
	u.storeNotified(sync, "")
}

func (u *UI) storeNotified(sync, key string) {
	if u.a == nil {
		return
	}
	u.bgErr(func(ctx context.Context) error { return u.a.SetNotifiedFailure(ctx, sync, key) }, func(err error) {
		if err != nil {
			u.log.Warn("the notified failure could not be stored", "sync", sync, "err", err)
		}
	})
}
