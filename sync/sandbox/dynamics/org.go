package dynamics

import (
	"net/http"
	"strings"
)

// The organization: the environment's one row of settings, its base
// currency among them. Sources:
//   - [doc] Transaction Currency (currency) table: the base currency is
//     defined when the organization is set up and stored in its
//     Organization.BaseCurrencyID; other currencies are quoted against it.
//   - [doc] Web API, organization EntityType: entity set organizations;
//     basecurrencyid is a single-valued navigation property to
//     transactioncurrency, read as _basecurrencyid_value or expanded;
//     transactioncurrency's isocurrencycode is the ISO code ("USD").
//   - [doc] Query data, expand: $expand=nav($select=col) nests the related
//     row under the navigation property's name.
//
// [unverified] what the sandbox chooses: only organizationid,
// _basecurrencyid_value and the expanded basecurrencyid's
// transactioncurrencyid, isocurrencycode and currencyname are served; the
// base currency is USD unless SetCurrency names another (currencies.go).

// organizations answers GET organizations with the one row.
func (s *Sim) organizations(op *opReq) *opResult {
	row := map[string]any{"organizationid": s.orgID, "_basecurrencyid_value": s.currencyID, "pricingdecimalprecision": s.pricingPlaces} // s.mu is held
	if strings.Contains(strings.ToLower(op.query.Get("$expand")), "basecurrencyid") {
		code := s.currency.Code()
		row["basecurrencyid"] = map[string]any{"transactioncurrencyid": s.currencyID, "isocurrencycode": code, "currencyname": code}
	}
	return jsonResult(http.StatusOK, map[string]any{"@odata.context": op.base + apiPath + "$metadata#organizations", "value": []any{row}})
}
