package zoho

import (
	"fmt"
	"net/http"
	"time"
)

// The organization's details, its time zone among them. Sources:
//   - [spec] crm-oas v8.0 org.yaml, getOrganization: GET /crm/v8/org, scope
//     ZohoCRM.org.READ, answers {"org": [OrgDetails]} (maxItems 1); time_zone is
//     required, and the example's is "America/Chicago" (an IANA name); id is a
//     string; currency "US Dollar - USD", iso_code, type "production".
//   - [doc] zoho.com/crm/developer/docs/api/v2/get-org-data: the same answer
//     ("time_zone": "Asia/Kolkata" in the deluge example).
//
// [unverified] the sandbox's own values: time_zone UTC unless SetTimeZone names
// another; iso_code USD unless SetCurrency names another; the company's name, domain and currency; only a subset of the
// required members (id, company_name, domain_name, currency, iso_code,
// time_zone, type, country_code, created_time, primary_email) is answered.

// SetTimeZone sets the organization's time zone as Zoho names it (e.g.
// "America/Los_Angeles").
func (s *Sim) SetTimeZone(name string) {
	s.zone.Set(name)
}

// SetCurrency sets the organization's home currency (iso_code, e.g.
// "EUR"); currency names it "<name> - <code>" as the spec's example does.
func (s *Sim) SetCurrency(code string) {
	s.currency.Set(code)
}

// handleOrg serves GET /crm/v8/org.
func (s *Sim) handleOrg(w http.ResponseWriter, r *http.Request) {
	zone := s.zone.Name()
	s.mu.RLock()
	mc := len(s.multiCurrency) > 0
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, map[string]any{"org": []map[string]any{{
		"id": fmt.Sprint(s.prefix), "company_name": "Sandbox Org", "domain_name": fmt.Sprintf("org%d", s.prefix),
		"currency": currencyName(s.currency.Code()), "iso_code": s.currency.Code(), "currency_symbol": currencySymbol(s.currency.Code()), "time_zone": zone, "type": "production", "mc_status": mc,
		"country_code": "US", "created_time": s.now().UTC().Truncate(24 * time.Hour).Format(time.RFC3339),
		"primary_email": s.opts.UserEmail,
	}}})
}

// currencyName is the org's currency as the spec's example names USD.
func currencyName(code string) string {
	names := map[string]string{"USD": "US Dollar", "EUR": "Euro", "GBP": "Pound Sterling", "JPY": "Japanese Yen"}
	if n, ok := names[code]; ok {
		return n + " - " + code
	}
	return code
}

// currencySymbol is the symbol of a few currencies, the code otherwise.
func currencySymbol(code string) string {
	syms := map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
	if s, ok := syms[code]; ok {
		return s
	}
	return code
}
