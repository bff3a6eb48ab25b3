package zoho

import (
	"context"
	"net/http"
	"strings"
)

// An organization with multiple currencies gives Deals (and other modules
// with amounts) a Currency picklist holding an ISO code. Its active
// currencies come from the currencies API (crm-oas v8.0 currencies.yaml,
// getCurrencies; scope ZohoCRM.settings.currencies.READ):
//
//	GET /crm/v8/org/currencies   {"currencies": [{"iso_code": "USD", "is_active": true, "is_base": true, …}]}
//
// and 403 CURRENCIES_NOT_ENABLED when multi-currency is off.
const (
	currenciesPath       = apiRoot + "/org/currencies"
	scopeCurrenciesRead  = "ZohoCRM.settings.currencies.READ"
	currencyField        = "Currency"
	errCurrenciesOff     = "CURRENCIES_NOT_ENABLED"
	currencyPicklistType = "picklist"
)

// withCurrencies makes the module's Currency field a picklist of the
// organization's active currencies, read once with the fields metadata (and
// cached with it), so a deal in a currency the organization has not enabled
// is refused before writing. When Zoho refuses them (a connection made
// before the scope was asked for) the field is read-only, kept so in the
// cache until it expires: the amounts are taken to be in the home currency,
// as without multi-currency, and no run spends a call asking again.
func (c *Connector) withCurrencies(ctx context.Context, items []fieldItem) error {
	i := -1
	for j, it := range items {
		if it.APIName == currencyField && it.DataType == currencyPicklistType {
			i = j
		}
	}
	if i < 0 {
		return nil
	}
	r, err := c.call(ctx, http.MethodGet, currenciesPath, nil, nil)
	if err != nil {
		return err
	}
	if r.Status != http.StatusOK {
		if r.apiError().Code != errCurrenciesOff {
			items[i].ReadOnly = true
		}
		return nil
	}
	var body struct {
		Currencies []struct {
			ISOCode  string `json:"iso_code"`
			IsActive bool   `json:"is_active"`
		} `json:"currencies"`
	}
	if err := r.Decode(&body); err != nil {
		return err
	}
	items[i].PickListValues = items[i].PickListValues[:0:0]
	for _, cu := range body.Currencies {
		if code := strings.TrimSpace(cu.ISOCode); cu.IsActive && code != "" {
			items[i].PickListValues = append(items[i].PickListValues, struct {
				ActualValue  string `json:"actual_value"`
				DisplayValue string `json:"display_value"`
			}{code, code})
		}
	}
	return nil
}
