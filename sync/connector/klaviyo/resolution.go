package klaviyo

import (
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

var _ connector.ModifiedResolver = (*Connector)(nil)

// ModifiedResolution is one second for every object: Klaviyo's own
// guide shows a real profile's updated as whole seconds
// ("2023-07-17T15:23:14+00:00"), and its spec's examples end at ":00+00:00",
// though a fraction is described (.mmmmmm). A stamp that may have lost its
// fraction cannot order two edits in one second, so the engine holds
// such a tie for a person rather than let HubSpot's milliseconds win it.
func (c *Connector) ModifiedResolution(string) time.Duration { return time.Second }
