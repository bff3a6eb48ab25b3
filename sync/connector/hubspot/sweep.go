package hubspot

import "time"

// HubSpot's search index takes writes "a few moments" after they are made
// (CRM search guide) with no upper bound given [unverified], and an edit
// indexed after the read overlap (5 s) is dated behind the cursor by the
// time search shows it. So at most once a day a read looks back past the
// overlap, to a little before the previous such read, as Pipedrive's ids
// are compared once a day (cursors.deletes_since); the records it reads
// again unchanged are no change to the engine (store SkipUnchanged).
const (
	sweepEvery = 24 * time.Hour
	// sweepBack reaches before the previous sweep, for an edit made just
	// before it that the index had not taken yet, and for a laptop clock
	// ahead of HubSpot's.
	sweepBack = time.Hour
)

// sweepFrom returns where a read from w looks back to when a sweep is due
// at now (ms on the app's clock), and whether one is. A read without a
// sweep time (the first, or a cursor from before sweeps) starts counting
// the day from now.
func (w *window) sweepFrom(now int64) (int64, bool) {
	if w.hwm < 0 || w.swept < 0 {
		return 0, false
	}
	if now-w.swept < sweepEvery.Milliseconds() {
		return 0, false
	}
	return max(0, w.swept-sweepBack.Milliseconds()), true
}
