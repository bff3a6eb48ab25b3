package hubspot

import (
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

var _ connector.LookupLagger = (*Connector)(nil)

// LookupLag is the search index's lag for a lookup that goes through CRM
// search, where "it may take a few moments for newly created or updated
// objects to appear" (CRM search guide, Limitations): the window an
// incremental read re-queries for the same lag (overlap, 5 s). A lookup
// by record id, a contact's email or a unique property reads the records
// through batch/read (lookupread.go) and does not lag.
func (c *Connector) LookupLag(object, field string) time.Duration {
	if c.readsDirectly(object, field) {
		return 0
	}
	if c.lookupLag > 0 {
		return c.lookupLag
	}
	return c.overlap
}
