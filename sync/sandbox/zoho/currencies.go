package zoho

import (
	"fmt"
	"net/http"
	"slices"
)

// Multi-currency. Sources:
//   - [doc] zoho.com/crm/developer/docs/api/v8/enable-multi-currency: the
//     administrator enables it (POST /org/currencies/actions/enable) with a
//     home currency, which cannot be changed afterwards; Enterprise and
//     Ultimate editions.
//   - [spec] crm-oas v8.0 currencies.yaml, getCurrencies: GET
//     /crm/v8/org/currencies answers {"currencies": [{"iso_code", "is_base",
//     "is_active", "exchange_rate": "1.000000000", "name": "US Dollar - USD",
//     "symbol", "id", …}]}, and 403 CURRENCIES_NOT_ENABLED "Multi currency is
//     not enabled" when it is off.
//
// [unverified] what the sandbox chooses: Deals get Currency (a picklist of
// the active currencies' ISO codes; a value outside them is INVALID_DATA
// with its supported values, as any picklist's) and Exchange_Rate (a
// double); a deal written without a currency is in the home one, at rate 1,
// and existing deals are in it. Exchange rates are 1: crmsync never
// converts, so nothing reads them.

// EnableMultiCurrency turns multi-currency on with the active currencies
// codes, the first the home one (the org's iso_code).
func (s *Sim) EnableMultiCurrency(codes ...string) error {
	if len(codes) == 0 {
		return fmt.Errorf("zoho sandbox: multi-currency needs a home currency")
	}
	s.currency.Set(codes[0])
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.modules[ModuleDeals]
	if m.field("Currency") != nil {
		return fmt.Errorf("zoho sandbox: multi-currency is already on")
	}
	cur, rate := pick("Currency", "Currency", slices.Clone(codes)), f("Exchange_Rate", "Exchange Rate", TypeDouble, 16)
	rate.decimals = 9
	for _, fd := range []*fieldDef{cur, rate} {
		fd.id = s.nextID()
		n := len(m.fields) - numSystemFields(m.name)
		m.fields = slices.Insert(m.fields, n, fd)
		m.byName[fd.apiName] = fd
	}
	s.multiCurrency = slices.Clone(codes)
	for _, r := range m.st.byID {
		r.values["Currency"], r.values["Exchange_Rate"] = codes[0], 1.0
	}
	m.st.invalidate()
	return nil
}

// deriveCurrency gives a deal written without a currency the home one.
func (s *Sim) deriveCurrency(r *record) {
	if len(s.multiCurrency) == 0 {
		return
	}
	if r.str("Currency") == "" {
		r.values["Currency"] = s.multiCurrency[0]
	}
	if r.values["Exchange_Rate"] == nil {
		r.values["Exchange_Rate"] = 1.0
	}
}

// handleCurrencies serves GET /crm/v8/org/currencies.
func (s *Sim) handleCurrencies(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	codes := slices.Clone(s.multiCurrency)
	s.mu.RUnlock()
	if len(codes) == 0 {
		writeErr(w, &zerr{status: http.StatusForbidden, code: "CURRENCIES_NOT_ENABLED", message: "Multi currency is not enabled"})
		return
	}
	out := make([]any, len(codes))
	for i, c := range codes {
		out[i] = map[string]any{"iso_code": c, "name": currencyName(c), "symbol": currencySymbol(c), "is_base": i == 0,
			"is_active": true, "exchange_rate": "1.000000000", "prefix_symbol": true, "id": idString(s.prefix*1_000_000_000_000 + 800_000_000 + int64(i))}
	}
	writeJSON(w, http.StatusOK, map[string]any{"currencies": out})
}
