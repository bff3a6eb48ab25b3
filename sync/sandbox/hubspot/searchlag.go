package hubspot

import "time"

// SetSearchIndexDelay changes Options.SearchIndexDelay while the portal
// runs, for a test to turn the search index lag on after seeding.
func (s *Sim) SetSearchIndexDelay(d time.Duration) {
	s.mu.Lock()
	s.opts.SearchIndexDelay = d
	s.mu.Unlock()
}

// indexedUpTo is the epoch ms up to which writes have reached the
// search index: a record created or updated after it is not found
// by search yet. Zero when the index does not lag. Callers hold s.mu.
func (s *Sim) indexedUpTo() int64 {
	d := s.opts.SearchIndexDelay
	if d <= 0 {
		return 0
	}
	return s.now().Add(-d).UnixMilli()
}

// indexed reports whether search sees rec (see indexedUpTo).
func indexed(rec *record, upTo int64) bool {
	return upTo == 0 || max(rec.created, rec.modified) <= upTo
}
