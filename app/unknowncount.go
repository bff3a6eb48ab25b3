package app

import (
	"fmt"

	"github.com/crmsync/crmsync/sync/engine"
)

// UnknownCount is ", outcome unknown N" for the counts line of a run a
// stop cut short inside a call (s.Unknown records the CRM may hold), so a
// stopped run's "created 0, updated 0" does not read as nothing written;
// "" when there are none.
func UnknownCount(s engine.RunSummary) string {
	if s.Unknown == 0 {
		return ""
	}
	return fmt.Sprintf(", outcome unknown %d (settled at the next run)", s.Unknown)
}
