package pipedrive

import (
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

var _ connector.LookupLagger = (*Connector)(nil)

// searchLag is how long a person Pipedrive made may stay out of its
// search: items are indexed after the write, and Pipedrive gives no
// figure, so it is HubSpot's "few moments" (5 s) read the same way.
const searchLag = 5 * time.Second

// LookupLag is searchLag for the one lookup the connector has, persons by
// email (GET /v2/persons/search); others are refused (ErrNoLookup).
func (c *Connector) LookupLag(object, field string) time.Duration {
	if object == "persons" && field == "email" {
		if c.lookupLag > 0 {
			return c.lookupLag
		}
		return searchLag
	}
	return 0
}
