package hubspot

import (
	"fmt"
	"net/http"
)

// Account information: the portal's settings, its time zone among them.
// Sources:
//   - [doc] developers.hubspot.com/docs/api-reference/latest/account/
//     account-information/guide.md: GET /account-info/2026-03/details
//     (scope oauth) answers the portal's details, e.g. {"portalId":
//     123456, "accountType": "STANDARD", "timeZone": "US/Eastern", ...};
//     the v3 path (/account-info/v3/details) answers the same.
//   - [doc] .../2026-03/account/account-information/get-account-details:
//     required accountType (STANDARD, DEVELOPER_TEST, SANDBOX,
//     APP_DEVELOPER), additionalCurrencies, companyCurrency,
//     dataHostingLocation, portalId, timeZone, uiDomain, utcOffset ("the
//     UTC offset of the portal's time zone, represented as a string"),
//     utcOffsetMilliseconds; optional createdAt, portalName.
//   - [doc] the legacy GET /integrations/v1/me and its 2019-01-17
//     changelog: timeZone is the portal's setting, legacy names included
//     ("US/Eastern"), utcOffset "-05:00", utcOffsetMilliseconds -18000000.
//
// [unverified] the sandbox's own values: UTC unless SetTimeZone names
// another zone, the offset the zone has now, companyCurrency USD unless
// SetCurrency names another, no additional currencies, hosting na1.

// SetCurrency sets the portal's company currency (an ISO code, "EUR").
func (s *Sim) SetCurrency(code string) {
	s.currency.Set(code)
}

// SetTimeZone sets the portal's time zone as HubSpot names it (an IANA
// name or a legacy one such as "US/Eastern").
func (s *Sim) SetTimeZone(name string) {
	s.zone.Set(name)
}

func (s *Sim) handleAccountDetails(w http.ResponseWriter, r *http.Request) {
	zone := s.zone.Name()
	_, off := s.now().In(s.zone.Location()).Zone()
	sign, abs := "+", off
	if off < 0 {
		sign, abs = "-", -off
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"portalId": s.opts.HubID, "accountType": "STANDARD", "timeZone": zone,
		"companyCurrency": s.currency.Code(), "additionalCurrencies": []string{}, "dataHostingLocation": "na1",
		"uiDomain": "app.hubspot.com", "utcOffset": fmt.Sprintf("%s%02d:%02d", sign, abs/3600, abs%3600/60),
		"utcOffsetMilliseconds": int64(off) * 1000,
	})
}
