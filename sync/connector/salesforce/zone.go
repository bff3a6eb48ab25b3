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

// orgCurrencySOQL reads the org's DefaultCurrencyIsoCode (Object
// Reference, Organization: the org's default currency, its corporate
// currency when multi-currency is on).
const orgCurrencySOQL = "SELECT DefaultCurrencyIsoCode FROM Organization"

// TimeZone reads the org's default time zone, the zone Salesforce shows a
// datetime's day in for its users (an Event at 08:00 is on that day).
func (c *Conn) TimeZone(ctx context.Context) (string, error) {
	return c.orgField(ctx, orgZoneSOQL, "TimeZoneSidKey")
}

// Currency reads the org's default (corporate) currency, the one every
// amount is in without multi-currency.
func (c *Conn) Currency(ctx context.Context) (string, error) {
	code, err := c.orgField(ctx, orgCurrencySOQL, "DefaultCurrencyIsoCode")
	return strings.ToUpper(code), err
}

// orgField runs soql, a query of one field of the Organization, and
// answers that field.
func (c *Conn) orgField(ctx context.Context, soql, field string) (string, error) {
	u, err := c.dataURL(ctx, "/query", url.Values{"q": {soql}})
	if err != nil {
		return "", err
	}
	var qr queryResult
	if err := c.call(ctx, "GET", u, nil, &qr, ""); err != nil {
		return "", err
	}
	var org map[string]any
	if len(qr.Records) > 0 {
		if err := json.Unmarshal(qr.Records[0], &org); err != nil {
			return "", &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
				Message: "the Organization record: " + err.Error()}
		}
	}
	v, _ := org[field].(string)
	if strings.TrimSpace(v) == "" {
		return "", &connector.Error{Vendor: vendor, Endpoint: "GET /query", Status: 200, Category: connector.CatServer,
			Message: "answer has no Organization record with a " + field}
	}
	return strings.TrimSpace(v), nil
}
