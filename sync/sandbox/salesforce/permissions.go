package salesforce

import "net/http"

// API access. A user whose profile and permission sets lack the API
// Enabled permission still signs in through OAuth, and every REST call
// is refused with 403 API_CURRENTLY_DISABLED, "API is disabled for this
// User" (the error code is in the API's StatusCode list and restforce's
// error codes; the message as Adobe's Sales Connect diagnostics for
// Salesforce quote it: "User doesn't have API Access ... Salesforce Admin
// needs to grant the user API Access"). REST API "Status Codes and Error
// Responses": 403, "The request has been refused. Verify that the
// logged-in user has appropriate permissions"; REQUEST_LIMIT_EXCEEDED
// is the one 403 about limits. [unverified: that the refusal is not
// counted against the daily allocation.]

// DisableAPI takes the API Enabled permission from the connected user
// (true) or gives it back (false): every REST call is refused with 403
// API_CURRENTLY_DISABLED. The access and refresh tokens stay valid.
func (s *Sim) DisableAPI(disabled bool) { s.apiDisabled.Store(disabled) }

// writeAPIDisabled answers a REST call of a user without API Enabled.
func writeAPIDisabled(w http.ResponseWriter) {
	writeErrors(w, http.StatusForbidden, sfError{Message: "API is disabled for this User", ErrorCode: "API_CURRENTLY_DISABLED"})
}

// DisableAPIForWrites takes API Enabled away as the next write arrives, as
// an administrator might between a run's read and its writes: every call
// but a GET is refused with 403 API_CURRENTLY_DISABLED (true), until
// given back (false).
func (s *Sim) DisableAPIForWrites(disabled bool) { s.writesDisabled.Store(disabled) }
