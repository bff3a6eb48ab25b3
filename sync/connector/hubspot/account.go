package hubspot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// accountPath answers the portal's details, its time zone and currency
// among them: {"portalId": 123456, "timeZone": "US/Eastern", "utcOffset":
// "-05:00", "companyCurrency": "USD", "additionalCurrencies": [], ...}
// (developers.hubspot.com/docs/api-reference/latest/account/
// account-information/guide.md; scope oauth, which every token has).
const accountPath = "/account-info/" + apiVersion + "/details"

// accountDetails is the part of the portal's details the connector reads.
type accountDetails struct {
	PortalID        json.Number `json:"portalId"`
	TimeZone        string      `json:"timeZone"`
	CompanyCurrency string      `json:"companyCurrency"`
	// missing fails a read of a member the answer lacked.
	missing func(member string) error
}

// details reads the portal's details. With reuse, an answer kept by the
// last read is taken instead, once: the app reads the zone and then the
// currency, and one call answers both. Every other read asks HubSpot.
func (c *Connector) details(ctx context.Context, reuse bool) (accountDetails, error) {
	c.mu.Lock()
	d := c.account
	c.account = nil
	c.mu.Unlock()
	if reuse && d != nil {
		return *d, nil
	}
	r, err := c.call(ctx, http.MethodGet, accountPath, nil)
	if err != nil {
		return accountDetails{}, err
	}
	defer c.release(r)
	if r.Status != http.StatusOK {
		return accountDetails{}, r.apiError()
	}
	var got accountDetails
	if err := r.Decode(&got); err != nil {
		return accountDetails{}, err
	}
	got.TimeZone, got.CompanyCurrency = strings.TrimSpace(got.TimeZone), strings.ToUpper(strings.TrimSpace(got.CompanyCurrency))
	fail := r.Fail("")
	got.missing = func(member string) error {
		e := *fail
		e.Message = `answer has no "` + member + `"`
		return &e
	}
	c.mu.Lock()
	c.account = &got
	c.mu.Unlock()
	return got, nil
}

// TimeZone reads the portal's time zone setting, the zone HubSpot shows
// its datetimes in (a task due at 8:00 AM is due that day there). HubSpot
// may name it the legacy way ("US/Eastern").
func (c *Connector) TimeZone(ctx context.Context) (string, error) {
	d, err := c.details(ctx, false)
	if err == nil && d.TimeZone == "" {
		err = d.missing("timeZone")
	}
	return d.TimeZone, err
}

// Currency reads the portal's company currency, the one a deal without a
// deal_currency_code is in, from the answer TimeZone just had if any.
func (c *Connector) Currency(ctx context.Context) (string, error) {
	d, err := c.details(ctx, true)
	if err == nil && d.CompanyCurrency == "" {
		err = d.missing("companyCurrency")
	}
	return d.CompanyCurrency, err
}
