package hubspot

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// LockWrites makes every write answer 423 Locked for d from now, as HubSpot
// does when a portal takes a large volume of writes in a short time:
// "Locks will last for 2 seconds, so if you receive a 423 error, you should
// include a delay of at least 2 seconds between your API requests"
// (developers.hubspot.com/docs/api-reference/error-handling). A locked
// request changes nothing.
func (s *Sim) LockWrites(d time.Duration) {
	s.mu.Lock()
	s.lockedUntil = s.now().Add(d)
	s.mu.Unlock()
}

// lockable answers 423 while the writes are locked. HubSpot documents the
// status and the lock's length, not the body: this one is its usual Error.
func (s *Sim) lockable(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.RLock()
		locked := s.now().Before(s.lockedUntil)
		s.mu.RUnlock()
		if locked {
			writeJSON(w, http.StatusLocked, map[string]any{"status": "error",
				"message": "The portal is locked while it takes a large volume of writes; try again in 2 seconds.", "correlationId": correlationID()})
			return
		}
		h(w, r)
	}
}

// SetMigrating makes every API call answer 477 Migration in Progress with a
// Retry-After of d (zero ends it): "Returned when a HubSpot account is
// currently being migrated between data hosting locations. HubSpot will
// return a Retry-After response header indicating how many seconds to
// wait before retrying the request (typically up to 24 hours)" (Error
// handling).
func (s *Sim) SetMigrating(d time.Duration) {
	s.mu.Lock()
	s.migrating = d
	s.mu.Unlock()
}

// migrationRefused answers 477 while SetMigrating is on.
func (s *Sim) migrationRefused(w http.ResponseWriter) bool {
	s.mu.RLock()
	d := s.migrating
	s.mu.RUnlock()
	if d <= 0 {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	writeJSON(w, 477, map[string]any{"status": "error",
		"message": "This account is being migrated between data hosting locations.", "correlationId": correlationID()})
	return true
}
