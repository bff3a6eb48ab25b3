package pipedrive

import (
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

var _ connector.ModifiedResolver = (*Connector)(nil)

// ModifiedResolution is one second for every object: Pipedrive stamps update_time in whole seconds ("YYYY-MM-DD HH:MM:SS" UTC).
// Two edits in one second carry the same time, so the newer policy cannot
// order them (the engine holds such a tie for a person).
func (c *Connector) ModifiedResolution(string) time.Duration { return time.Second }
