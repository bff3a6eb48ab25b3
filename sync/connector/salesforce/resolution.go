package salesforce

import (
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

var _ connector.ModifiedResolver = (*Conn)(nil)

// ModifiedResolution is one second for every object: Salesforce stamps LastModifiedDate and SystemModstamp in whole seconds (the API shows ".000").
// Two edits in one second carry the same time, so the newer policy cannot
// order them (the engine holds such a tie for a person).
func (c *Conn) ModifiedResolution(string) time.Duration { return time.Second }
