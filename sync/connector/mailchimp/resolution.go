package mailchimp

import (
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

var _ connector.ModifiedResolver = (*Connector)(nil)

// ModifiedResolution is one second for every object: Mailchimp's last_changed is ISO 8601 to the second.
// Two edits in one second carry the same time, so the newer policy cannot
// order them (the engine holds such a tie for a person).
func (c *Connector) ModifiedResolution(string) time.Duration { return time.Second }
