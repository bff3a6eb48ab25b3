package zoho

import (
	"context"
	"net/http"
	"strings"
)

// The organization's details, its time zone among them (crm-oas v8.0
// org.yaml, getOrganization; scope ZohoCRM.org.READ):
//
//	GET /crm/v8/org   {"org": [{"id": "…", "time_zone": "America/Chicago", …}]}
//
// time_zone is required in the spec's org item and its example is an IANA
// name; Zoho shows a datetime's day in it.
const (
	orgPath      = "/crm/v8/org"
	scopeOrgRead = "ZohoCRM.org.READ"
)

// TimeZone reads the organization's time zone, the zone Zoho shows its
// datetimes in (an Event starting at 08:00 there is on that day).
func (c *Connector) TimeZone(ctx context.Context) (string, error) {
	r, err := c.call(ctx, http.MethodGet, orgPath, nil, nil)
	if err != nil {
		return "", err
	}
	if r.Status != http.StatusOK {
		return "", r.apiError()
	}
	var body struct {
		Org []struct {
			TimeZone string `json:"time_zone"`
		} `json:"org"`
	}
	if err := r.Decode(&body); err != nil {
		return "", err
	}
	if len(body.Org) == 0 || strings.TrimSpace(body.Org[0].TimeZone) == "" {
		return "", r.Fail(`answer has no "org[0].time_zone"`)
	}
	return strings.TrimSpace(body.Org[0].TimeZone), nil
}
