package pipedrive

import "time"

// SetSearchIndexDelay changes Options.SearchIndexDelay while the company
// runs, for a test to turn the search index lag on after seeding. The
// search reads it under s.mu.
func (s *Sim) SetSearchIndexDelay(d time.Duration) {
	s.mu.Lock()
	s.opts.SearchIndexDelay = d
	s.mu.Unlock()
}
