package connector

import "time"

// LookupLagger is implemented by a Searcher whose Lookup goes through a
// search index that lags writes (HubSpot's CRM search, Pipedrive's item
// search): a record the vendor made a moment ago is not found yet. After
// a create whose answer was lost, the engine waits LookupLag past the
// failed call before it looks the records up, or it would take them for
// missing and create them twice. Zero means the lookup reads the records
// themselves (no lag).
type LookupLagger interface {
	LookupLag(object, field string) time.Duration
}
