package dynamics

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/crmsync/crmsync/sync/connector"
)

// A row's money columns (an opportunity's estimatedvalue) are in its
// transaction currency, transactioncurrencyid: a lookup to
// transactioncurrency, read as _transactioncurrencyid_value, written with
// "transactioncurrencyid@odata.bind": "/transactioncurrencies(<id>)"
// (Transaction Currency (currency) table; transactioncurrency and
// opportunity EntityTypes on Microsoft Learn). The connector offers it as
// a picklist of the organization's active currencies by ISO code, read
// with one query and cached as the users are, with each one's
// currencyprecision: a money column whose PrecisionSource is 2 is stored
// at its row's currency's places (MoneyAttributeMetadata.PrecisionSource).
//
//	GET /transactioncurrencies?$select=transactioncurrencyid,isocurrencycode,currencyprecision&$filter=statecode eq 0
const (
	currencyField   = "transactioncurrencyid"
	currenciesQuery = "/transactioncurrencies?$select=transactioncurrencyid,isocurrencycode,currencyprecision&$filter=statecode%20eq%200"
	// "active2": lists cached before currencyprecision was read hold none.
	currenciesKey = "dynamics/v9.2/transactioncurrency/active2"
)

var transactioncurrencies = table{set: "transactioncurrencies", logical: "transactioncurrency", id: "transactioncurrencyid"}

// currencyMap translates a currency's id to its ISO code and back; a
// schema with a currency field holds one, filled by loadCurrencies.
type currencyMap struct {
	mu     sync.Mutex
	byID   map[string]string
	byCode map[string]string
	places map[string]int // by code
}

func (m *currencyMap) code(id string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.byID[strings.ToLower(strings.TrimSpace(id))]
	return c, ok
}

func (m *currencyMap) id(code string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.byCode[strings.ToUpper(strings.TrimSpace(code))]
	return id, ok
}

// scales are the places by code, and by "" (a row whose currency is not
// read) when all currencies have the same.
func (m *currencyMap) scales() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]int, len(m.places)+1)
	same := -1
	for c, p := range m.places {
		out[c] = p
		if same == -1 || same == p {
			same = p
		} else {
			same = -2
		}
	}
	if same >= 0 {
		out[""] = same
	}
	return out
}

func (m *currencyMap) codes() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.byCode))
	for c := range m.byCode {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// currencies are the organization's active currencies, each an option
// whose Value is the ISO code and Label the id, then its currencyprecision
// after a space: held for the connector's
// lifetime and kept in the metadata cache, so a run spends no call on them.
func (c *Connector) currencies(ctx context.Context) ([]connector.Option, error) {
	opts, err := c.curs.Options(ctx, c.meta, currenciesKey, connector.FreshSchema(ctx), func(ctx context.Context) ([]connector.Option, bool, error) {
		opts, err := c.queryCurrencies(ctx)
		return opts, err == nil, err
	})
	if err != nil {
		return nil, fmt.Errorf("dynamics: transaction currencies: %w", err)
	}
	return opts, nil
}

func (c *Connector) queryCurrencies(ctx context.Context) ([]connector.Option, error) {
	opts := []connector.Option{}
	for next := currenciesQuery; next != ""; {
		r, err := c.get(ctx, next, pageHeader(nil))
		if err != nil {
			return nil, err
		}
		if r.Status != http.StatusOK {
			return nil, r.apiError()
		}
		var p struct {
			Value []struct {
				ID     string `json:"transactioncurrencyid"`
				ISO    string `json:"isocurrencycode"`
				Places *int   `json:"currencyprecision"`
			} `json:"value"`
			NextLink string `json:"@odata.nextLink"`
		}
		if err := r.Decode(&p); err != nil {
			return nil, err
		}
		if p.Value == nil {
			return nil, r.Fail(`answer has no "value" list of currencies`)
		}
		for _, cu := range p.Value {
			if code := strings.ToUpper(strings.TrimSpace(cu.ISO)); code != "" && cu.ID != "" {
				label := strings.ToLower(cu.ID)
				if cu.Places != nil {
					label += " " + strconv.Itoa(*cu.Places)
				}
				opts = append(opts, connector.Option{Value: code, Label: label})
			}
		}
		next = p.NextLink
	}
	return opts, nil
}

// loadCurrencies fills the schema's currency map.
func (c *Connector) loadCurrencies(ctx context.Context, sc *schema) error {
	if sc.cur == nil {
		return nil
	}
	opts, err := c.currencies(ctx)
	if err != nil {
		return err
	}
	byID, byCode, places := make(map[string]string, len(opts)), make(map[string]string, len(opts)), make(map[string]int, len(opts))
	for _, o := range opts {
		id, p, _ := strings.Cut(o.Label, " ")
		byID[id], byCode[o.Value] = o.Value, id
		if n, err := strconv.Atoi(p); err == nil {
			places[o.Value] = n
		}
	}
	sc.cur.mu.Lock()
	sc.cur.byID, sc.cur.byCode, sc.cur.places = byID, byCode, places
	sc.cur.mu.Unlock()
	return nil
}

// withCurrencyOptions gives the schema's currency field the codes as options.
func withCurrencyOptions(sc *schema, out connector.Schema) connector.Schema {
	if sc.cur == nil {
		return out
	}
	out.Fields = append([]connector.Field(nil), out.Fields...) // the held schema is shared
	scales := sc.cur.scales()
	for i := range out.Fields {
		if out.Fields[i].ScaleBy == currencyField {
			out.Fields[i].Scales = scales
		}
		if out.Fields[i].Name == currencyField {
			out.Fields[i].Options = nil
			for _, code := range sc.cur.codes() {
				out.Fields[i].Options = append(out.Fields[i].Options, connector.Option{Value: code, Label: code})
			}
		}
	}
	return out
}

// MultiCurrency reports whether the organization has more than one active
// currency, so its opportunities may be in another than the base one.
func (c *Connector) MultiCurrency(ctx context.Context) (bool, error) {
	opts, err := c.currencies(ctx)
	return len(opts) > 1, err
}

// currencyBind is the bind of an ISO code; every row with money has a
// currency, so a blank is refused rather than sent.
func currencyBind(sc *schema, id, v string) (string, *connector.RecordError) {
	code := strings.ToUpper(strings.TrimSpace(v))
	if code == "" {
		return "", refuse(sc.Object, id, currencyField, "CURRENCY_REQUIRED", "a row's amounts are in its currency; transactioncurrencyid cannot be cleared")
	}
	cid, ok := sc.cur.id(code)
	if !ok {
		return "", refuse(sc.Object, id, currencyField, "INVALID_VALUE",
			fmt.Sprintf("%q is not an active currency of this organization (%s)", code, strings.Join(sc.cur.codes(), ", ")))
	}
	return "/" + transactioncurrencies.set + "(" + cid + ")", nil
}
