package hubspot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
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
	if got.TimeZone != "" {
		c.zone = got.TimeZone
	}
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

// dailyReset is when a spent daily limit resets: "The daily limits reset
// at midnight based on the time zone setting of the HubSpot account"
// (developers.hubspot.com/apisbytier), for a 429 DAILY without
// Retry-After. The zone is this session's read or the one the app keeps
// in the connection's metadata cache (connector.AccountZoneKey), however
// old: a portal's zone seldom changes, and a call now would be refused.
// Midnight is reckoned from HubSpot's Date, else this machine's clock; ok
// is false when no zone is known.
func (c *Connector) dailyReset(resp *http.Response) (at time.Time, wait time.Duration, ok bool) {
	c.mu.Lock()
	zone := c.zone
	c.mu.Unlock()
	if zone == "" && resp.Request != nil {
		// The attempt's context may be over by now (the transport ends
		// it with the attempt); the cache is a local read.
		if b, found, _ := c.meta.Last(context.WithoutCancel(resp.Request.Context()), connector.AccountZoneKey); found {
			zone = string(b)
		}
	}
	if zone == "" {
		return time.Time{}, 0, false
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, 0, false
	}
	now, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		now = c.now()
	}
	local := now.In(loc)
	y, m, d := local.Date()
	at = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	return at, at.Sub(now), true
}
