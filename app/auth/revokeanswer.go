package auth

import (
	"encoding/json"
	"strings"
)

// revokeAnswer is a revoke endpoint's JSON body: RFC 7009's error fields,
// and the status some vendors answer with (Zoho Accounts:
// {"status":"success"}).
type revokeAnswer struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Message     string `json:"message"`
	Status      string `json:"status"`
	parsed      bool
}

// parseRevokeAnswer reads body; an empty or non-JSON body parses as
// nothing, which refuses nothing.
func parseRevokeAnswer(body []byte) revokeAnswer {
	var a revokeAnswer
	a.parsed = json.Unmarshal(body, &a) == nil
	return a
}

// refused says whether the body refuses the revoke whatever the HTTP
// status: Zoho Accounts answers its token endpoint's refusals with 200 and
// an "error", so a 200 naming an error, or a failure status, did not
// revoke the grant. Another status ("success", "ok") confirms it.
func (a revokeAnswer) refused() bool {
	return a.Error != "" || strings.EqualFold(a.Status, "failure") || strings.EqualFold(a.Status, "error")
}
