package hubspot

import (
	"context"
	"net/http"
	"strings"
)

// accountPath answers the portal's details, its time zone among them:
// {"portalId": 123456, "timeZone": "US/Eastern", "utcOffset": "-05:00",
// ...} (developers.hubspot.com/docs/api-reference/latest/account/
// account-information/guide.md; scope oauth, which every token has).
const accountPath = "/account-info/" + apiVersion + "/details"

// TimeZone reads the portal's time zone setting, the zone HubSpot shows
// its datetimes in (a task due at 8:00 AM is due that day there). HubSpot
// may name it the legacy way ("US/Eastern").
func (c *Connector) TimeZone(ctx context.Context) (string, error) {
	r, err := c.call(ctx, http.MethodGet, accountPath, nil)
	if err != nil {
		return "", err
	}
	defer c.release(r)
	if r.Status != http.StatusOK {
		return "", r.apiError()
	}
	var details struct {
		TimeZone string `json:"timeZone"`
	}
	if err := r.Decode(&details); err != nil {
		return "", err
	}
	if strings.TrimSpace(details.TimeZone) == "" {
		return "", r.Fail(`answer has no "timeZone"`)
	}
	return strings.TrimSpace(details.TimeZone), nil
}
