package zoho

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
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

// orgDetails is the part of the organization's details the connector
// reads: its time zone and its home currency's ISO code (iso_code; the
// spec's example "USD", beside currency "US Dollar - USD").
type orgDetails struct {
	TimeZone string `json:"time_zone"`
	ISOCode  string `json:"iso_code"`
	// MCStatus says whether multiple currencies are on (a required member
	// of the spec's org item).
	MCStatus *bool `json:"mc_status"`
}

// mcStatusKey keeps mc_status in the metadata cache, stored by every
// read of the organization, so MultiCurrency after Currency costs no call.
const mcStatusKey = "org/mc_status"

// org reads the organization's details; member names the one the caller
// needs, failed when the answer lacks it.
func (c *Connector) org(ctx context.Context, member string, get func(orgDetails) string) (string, error) {
	r, err := c.call(ctx, http.MethodGet, orgPath, nil, nil)
	if err != nil {
		return "", err
	}
	if r.Status != http.StatusOK {
		return "", r.apiError()
	}
	var body struct {
		Org []orgDetails `json:"org"`
	}
	if err := r.Decode(&body); err != nil {
		return "", err
	}
	if len(body.Org) > 0 && body.Org[0].MCStatus != nil {
		_ = c.meta.Store(ctx, mcStatusKey, []byte(strconv.FormatBool(*body.Org[0].MCStatus))) // the cache's owner logs its failures
	}
	if len(body.Org) == 0 || strings.TrimSpace(get(body.Org[0])) == "" {
		return "", r.Fail(`answer has no "org[0].` + member + `"`)
	}
	return strings.TrimSpace(get(body.Org[0])), nil
}

// TimeZone reads the organization's time zone, the zone Zoho shows its
// datetimes in (an Event starting at 08:00 there is on that day).
func (c *Connector) TimeZone(ctx context.Context) (string, error) {
	return c.org(ctx, "time_zone", func(o orgDetails) string { return o.TimeZone })
}

// Currency reads the organization's home currency, the one every amount
// is in without multi-currency.
func (c *Connector) Currency(ctx context.Context) (string, error) {
	code, err := c.org(ctx, "iso_code", func(o orgDetails) string { return o.ISOCode })
	return strings.ToUpper(code), err
}

// MultiCurrency reports whether the organization has multiple currencies
// on (its Deals then carry a Currency), from the metadata cache when an
// earlier read of the organization kept it.
func (c *Connector) MultiCurrency(ctx context.Context) (bool, error) {
	if !connector.FreshSchema(ctx) {
		if b, ok, _ := c.meta.Lookup(ctx, mcStatusKey); ok {
			if on, err := strconv.ParseBool(string(b)); err == nil {
				return on, nil
			}
		}
	}
	v, err := c.org(ctx, "mc_status", func(o orgDetails) string {
		if o.MCStatus == nil {
			return ""
		}
		return strconv.FormatBool(*o.MCStatus)
	})
	return v == "true", err
}
