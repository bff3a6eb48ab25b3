package pipedrive

import (
	"net/http"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// statusCategory is connector.StatusCategory, with 410 Gone (a record
// Pipedrive purged) as not found; notRecordGone then narrows both to a
// record's own path.
func statusCategory(status int) connector.Category {
	if status == http.StatusGone {
		return connector.CatNotFound
	}
	return connector.StatusCategory(status)
}

// codeEndpointRetired is the code of a 410 for an endpoint Pipedrive
// retired, not for a record.
const codeEndpointRetired = "ENDPOINT_RETIRED"

// notRecordGone keeps "not found" (which the engine holds as the record
// deleted in Pipedrive) for a record's own path only. Pipedrive answers
// 410 also for a v1 endpoint it retired after the v2 migration ("Old
// resource permanently unavailable", HTTP status codes; changelog
// 2026-08-01), and 404 on a collection path is the endpoint missing: both
// would otherwise read as every record of the object deleted. They fail
// instead, naming the endpoint with Pipedrive's words, as an app update is
// what fixes them.
func notRecordGone(e *connector.Error, msg string) {
	if e.Category != connector.CatNotFound {
		return
	}
	retired := e.Status == http.StatusGone && endpointRetired(msg)
	if onRecordPath(e.Endpoint) && !retired {
		return
	}
	e.Category = connector.CatTarget // every record's call would fail alike
	if retired {
		e.Code = codeEndpointRetired
	}
	e.Message = e.Endpoint + ": " + e.Message
}

// onRecordPath says whether endpoint ("PUT /api/v1/notes/{id}") addresses
// one record rather than a collection.
func onRecordPath(endpoint string) bool {
	return strings.HasSuffix(endpoint, "/{id}")
}

// endpointRetired says whether a 410's message is about the endpoint
// (deprecated, out of support, removed) rather than a purged record.
func endpointRetired(msg string) bool {
	m := strings.ToLower(msg)
	for _, w := range []string{"deprecated", "out of support", "no longer supported", "no longer available", "endpoint", "api v2"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}
