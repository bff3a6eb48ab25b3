package dynamics

import (
	"context"
	"net/http"
	"strings"
)

// orgCurrencyQuery reads the organization's base currency, the one every
// amount is in unless a row names another transaction currency: the
// organization row's basecurrencyid, a lookup to transactioncurrency,
// expanded to its ISO code (Transaction Currency table; organization
// EntityType on Microsoft Learn).
const orgCurrencyQuery = "/organizations?$select=organizationid&$expand=basecurrencyid($select=isocurrencycode)"

// Currency reads the organization's base currency.
func (c *Connector) Currency(ctx context.Context) (string, error) {
	r, err := c.get(ctx, orgCurrencyQuery, nil)
	if err != nil {
		return "", err
	}
	if r.Status != http.StatusOK {
		return "", r.apiError()
	}
	var body struct {
		Value []struct {
			Base *struct {
				ISO string `json:"isocurrencycode"`
			} `json:"basecurrencyid"`
		} `json:"value"`
	}
	if err := r.Decode(&body); err != nil {
		return "", err
	}
	if len(body.Value) == 0 || body.Value[0].Base == nil || strings.TrimSpace(body.Value[0].Base.ISO) == "" {
		return "", r.Fail(`answer has no "value[0].basecurrencyid.isocurrencycode"`)
	}
	return strings.ToUpper(strings.TrimSpace(body.Value[0].Base.ISO)), nil
}
