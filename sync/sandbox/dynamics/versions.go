package dynamics

import "net/http"

// Optimistic concurrency is "supported on all out-of-box tables enabled
// for offline sync and all custom tables" (Microsoft Learn, "Optimistic
// concurrency"), each table saying so in IsOptimisticConcurrencyEnabled.
// An update sent with a row version to a table without it fails with
// OptimisticConcurrencyNotEnabled (-2147088243, the same page); the
// status and message the Web API answers it with are [unverified].

const codeConcurrencyNotEnabled = "0x8006088D"

// DisableOptimisticConcurrency makes the table behind entitySet one
// without optimistic concurrency: an update or delete naming a row version
// (If-Match other than *) is refused; If-Match: * still updates.
func (s *Sim) DisableOptimisticConcurrency(entitySet string) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noVersions == nil {
		s.noVersions = map[*entityDef]bool{}
	}
	s.noVersions[t.def] = true
	return nil
}

// errNoVersions refuses a row version on t. The caller holds s.mu.
func errNoVersions(t *table) *apiError {
	return newErr(http.StatusBadRequest, codeConcurrencyNotEnabled,
		"Optimistic concurrency is not enabled for entity %s.", t.def.logical) // [unverified] wording
}
