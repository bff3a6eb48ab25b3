package hubspot

import (
	"fmt"
	"strconv"
	"time"
)

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

// IndexLate keeps one record out of search for d on the portal's clock,
// while records written after it are found: HubSpot's index does not
// promise to take writes in order [unverified], so an edit may appear
// after later ones. Other reads (by id, batch read) see it at once.
func (s *Sim) IndexLate(object, id string, d time.Duration) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("hubspot sandbox: index late: id %q: %w", id, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.storeNamed(object)
	if !ok || st.byID[n] == nil {
		return fmt.Errorf("hubspot sandbox: index late: no %s %s", object, id)
	}
	if s.late == nil {
		s.late = map[*record]int64{}
	}
	s.late[st.byID[n]] = s.now().Add(d).UnixMilli()
	return nil
}

// indexLate reports whether search still misses rec (IndexLate). Callers
// hold s.mu.
func (s *Sim) indexLate(rec *record) bool {
	until, ok := s.late[rec]
	return ok && s.now().UnixMilli() < until
}
