package pipedrive

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// The connected user's details, their time zone among them (pipedrive's v1
// spec, getCurrentUser; only the base scope):
//
//	GET /api/v1/users/me   {"success": true, "data": {"id": …, "timezone_name": "Europe/Tallinn", "timezone_offset": "+03:00", …}}
//
// Pipedrive keeps the time zone per user and shows a datetime's day in the
// viewer's; the user who connected is the one whose days the sync keeps.
const mePath = "/api/v1/users/me"

// TimeZone reads the connected user's time zone (timezone_name, an IANA
// name).
func (c *Connector) TimeZone(ctx context.Context) (string, error) {
	r, err := c.call(ctx, http.MethodGet, mePath, nil)
	if err != nil {
		return "", err
	}
	if r.Status != http.StatusOK {
		return "", r.apiError()
	}
	var env envelope
	if err := r.Decode(&env); err != nil {
		return "", err
	}
	var me struct {
		TimeZone string `json:"timezone_name"`
	}
	if len(env.Data) > 0 {
		if err := json.Unmarshal(env.Data, &me); err != nil {
			return "", r.Fail("data is not a user: " + err.Error())
		}
	}
	if strings.TrimSpace(me.TimeZone) == "" {
		return "", r.Fail(`answer has no "data.timezone_name"`)
	}
	return strings.TrimSpace(me.TimeZone), nil
}
