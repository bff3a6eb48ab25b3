package hubspot

import (
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

var _ connector.LookupLagger = (*Connector)(nil)

// LookupLag is the search index's lag for every object: Lookup goes
// through CRM search, where "it may take a few moments for newly created
// or updated objects to appear" (CRM search guide, Limitations). It is the
// window an incremental read re-queries for the same lag (overlap, 5 s).
func (c *Connector) LookupLag(object, field string) time.Duration { return c.overlap }
