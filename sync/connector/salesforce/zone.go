package salesforce

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// The org's time zone is its Organization record's TimeZoneSidKey (Object
// Reference, Organization: "the default time zone", a picklist of names
// such as "America/Los_Angeles"), read with one SOQL query:
//
//	SELECT TimeZoneSidKey FROM Organization
//
// Every org has exactly one Organization record, readable by any user.
const orgZoneSOQL = "SELECT TimeZoneSidKey FROM Organization"

// TimeZone reads the org's default time zone, the zone Salesforce shows a
// datetime's day in for its users (an Event at 08:00 is on that day).
func (c *Conn) TimeZone(ctx context.Context) (string, error) {
	u, err := c.dataURL(ctx, "/query", url.Values{"q": {orgZoneSOQL}})
	if err != nil {
		return "", err
	}
	var qr queryResult
	if err := c.call(ctx, "GET", u, nil, &qr, ""); err != nil {
		return "", err
	}
	var org struct{ TimeZoneSidKey string }
	if len(qr.Records) > 0 {
		if err := json.Unmarshal(qr.Records[0], &org); err != nil {
			return "", &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
				Message: "the Organization record: " + err.Error()}
		}
	}
	if strings.TrimSpace(org.TimeZoneSidKey) == "" {
		return "", &connector.Error{Vendor: vendor, Endpoint: "GET /query", Status: 200, Category: connector.CatServer,
			Message: "answer has no Organization record with a TimeZoneSidKey"}
	}
	return strings.TrimSpace(org.TimeZoneSidKey), nil
}
