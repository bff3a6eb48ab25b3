package dynamics

import (
	"fmt"
	"math"
	"strings"
)

// Transaction currencies. Sources:
//   - [doc] Transaction Currency (currency) table
//     (learn.microsoft.com/power-apps/developer/data-platform/transaction-currency-currency-entity):
//     each record can be in its own currency, the transaction currency; the
//     base currency is the organization's (Organization.BaseCurrencyID); every
//     money column of a row shares its one transaction currency, and Dataverse
//     adds a read-only <column>_base computed as value / exchangerate.
//   - [doc] transactioncurrency EntityType (Web API reference): entity set
//     transactioncurrencies, primary key transactioncurrencyid, primary name
//     currencyname; isocurrencycode, currencysymbol, currencyprecision,
//     exchangerate; OwnershipType OrganizationOwned.
//   - [doc] Currency (TransactionCurrency) table reference: RetrieveMultiple
//     GET /transactioncurrencies, SetState (statecode 0 Active / 1 Inactive).
//   - [doc] opportunity EntityType: transactioncurrencyid, a single-valued
//     navigation property to transactioncurrency (lookup read as
//     _transactioncurrencyid_value, bound with
//     "transactioncurrencyid@odata.bind": "/transactioncurrencies(<id>)";
//     relationship TransactionCurrency_Opportunity).
//
// [unverified] what the sandbox chooses: a row created without a currency
// takes the base one (Dataverse first tries the creating user's personal
// default currency, which the sandbox's users do not have); currencies come
// from the base one and AddCurrency, the table is read-only through the Web
// API; exchangerate and the _base columns are not simulated (crmsync
// never converts, so nothing reads them). A currency added takes its ISO
// 4217 minor unit as currencyprecision (JPY 0).
//   - [doc] currencyprecision, Edm.Int32: number of decimal places that can
//     be used for the currency; 0 to 4 ("Decimal precision in currency and
//     pricing", Dynamics 365 Sales). A money column whose PrecisionSource
//     is 2 is stored at the row's currency's precision (MoneyAttributeMetadata
//     .PrecisionSource); a value with more places is rounded, not refused
//     [unverified: half away from zero].

const currencyLookup = "transactioncurrencyid"

func transactionCurrencyDef() *entityDef {
	attrs := []*attrDef{
		{name: "transactioncurrencyid", schema: "TransactionCurrencyId", display: "Transaction Currency", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		str("currencyname", "CurrencyName", "Currency Name", 100, "Text", "SystemRequired"),
		str("isocurrencycode", "ISOCurrencyCode", "Currency Code", 5, "Text", "SystemRequired"),
		str("currencysymbol", "CurrencySymbol", "Currency Symbol", 10, "Text", "SystemRequired"),
		integer("currencyprecision", "CurrencyPrecision", "Currency Precision", 0, 4),
	}
	attrs = append(attrs, systemAttrs("transactioncurrency")...)
	return newEntity(&entityDef{logical: "transactioncurrency", set: "transactioncurrencies", schema: "TransactionCurrency", display: "Currency",
		displayPlural: "Currencies", primaryID: "transactioncurrencyid", primaryName: "currencyname", objectTypeCode: 9105,
		ownership: "OrganizationOwned", readOnlyAPI: true, defaultStatus: 1, metadataID: "5b7d1e2a-3c4f-4a6b-9d8e-7f0a1b2c3d49", attrs: attrs})
}

// currencyAttr is a table's transactioncurrencyid lookup.
func currencyAttr(rel string) *attrDef {
	return &attrDef{name: currencyLookup, schema: "TransactionCurrencyId", display: "Currency", kind: kindLookup, edm: edmGUID, required: "None",
		create: true, update: true, targets: []string{"transactioncurrency"}, navs: []string{currencyLookup},
		rels: []string{rel}, cascade: []string{"RemoveLink"}}
}

// addBaseCurrency stores the base currency's row; called from New.
func (s *Sim) addBaseCurrency() {
	t := s.tables["transactioncurrencies"]
	now := s.nowSecond()
	t.insert(&record{id: s.currencyID, vals: currencyVals(s.currency.Code()), lookupType: map[string]string{}, created: now, modified: now, version: s.version})
}

func currencyVals(code string) map[string]any {
	return map[string]any{"isocurrencycode": code, "currencyname": code, "currencysymbol": code, "currencyprecision": int64(isoPlaces(code)),
		"statecode": int64(0), "statuscode": int64(1)}
}

// isoPlaces is a currency's ISO 4217 minor unit, for the ones that are not 2.
func isoPlaces(code string) int {
	switch strings.ToUpper(code) {
	case "JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "XPF", "RWF", "KMF", "GNF", "DJF", "BIF", "VUV":
		return 0
	case "BHD", "KWD", "OMR", "JOD", "TND", "LYD", "IQD":
		return 3
	}
	return 2
}

// SetCurrencyPrecision sets the currencyprecision (0..4) of the currency
// with the ISO code, as an administrator does in Settings > Currencies.
func (s *Sim) SetCurrencyPrecision(code string, places int) error {
	if places < 0 || places > 4 {
		return fmt.Errorf("dynamics sandbox: currency precision %d is not 0..4", places)
	}
	id := s.CurrencyID(code)
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables["transactioncurrencies"]
	old := t.byID[id]
	if old == nil {
		return fmt.Errorf("dynamics sandbox: no currency %q", code)
	}
	r := old.clone()
	r.vals["currencyprecision"] = int64(places)
	r.modified, r.version = s.nowSecond(), s.nextVersion()
	t.replace(old, r)
	return nil
}

// roundMoney stores a row's money columns at their PrecisionSource 2
// places: those of the row's currency (the column's Precision without one);
// a column of PrecisionSource 0 at its own Precision.
func (s *Sim) roundMoney(t *table, r *record) {
	places := -1
	if id, _ := r.vals[currencyLookup].(string); id != "" {
		if c := s.tables["transactioncurrencies"].byID[strings.ToLower(id)]; c != nil {
			if p, ok := c.vals["currencyprecision"].(int64); ok {
				places = int(p)
			}
		}
	}
	for _, a := range t.def.attrs {
		f, ok := r.vals[a.name].(float64)
		if a.kind != kindMoney || !ok {
			continue
		}
		p := a.precision
		switch {
		case a.orgPrecision:
			p = s.pricingPlaces
		case places >= 0 && !a.ownPrecision:
			p = places
		}
		r.vals[a.name] = roundTo(f, p)
	}
}

// roundTo rounds half away from zero at places decimals.
func roundTo(f float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(f*p) / p
}

// SetCurrency sets the organization's base currency's ISO code ("EUR").
func (s *Sim) SetCurrency(code string) {
	s.currency.Set(code)
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables["transactioncurrencies"]
	if old := t.byID[s.currencyID]; old != nil {
		r := old.clone()
		for k, v := range currencyVals(code) {
			r.vals[k] = v
		}
		r.modified, r.version = s.nowSecond(), s.nextVersion()
		t.replace(old, r)
	}
}

// AddCurrency adds an active transaction currency by its ISO code and
// returns its id (that of the currency already there with the code).
func (s *Sim) AddCurrency(code string) (string, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != 3 {
		return "", fmt.Errorf("dynamics sandbox: %q is no ISO currency code", code)
	}
	if id := s.CurrencyID(code); id != "" {
		return id, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables["transactioncurrencies"]
	now := s.nowSecond()
	r := &record{id: s.newGUID(), vals: currencyVals(code), lookupType: map[string]string{}, created: now, modified: now, version: s.nextVersion()}
	t.insert(r)
	return r.id, nil
}

// CurrencyID is the id of the currency with the ISO code, "" if none.
func (s *Sim) CurrencyID(code string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, r := range s.tables["transactioncurrencies"].idIdx {
		if c, _ := r.vals["isocurrencycode"].(string); strings.EqualFold(c, code) {
			return r.id
		}
	}
	return ""
}

// CurrencyCode is the ISO code of the currency with the id, "" if none.
func (s *Sim) CurrencyCode(id string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r := s.tables["transactioncurrencies"].byID[strings.ToLower(id)]; r != nil {
		c, _ := r.vals["isocurrencycode"].(string)
		return c
	}
	return ""
}

// defaultCurrency gives a new row of a table with a transaction currency
// the base one.
func (s *Sim) defaultCurrency(t *table, vals map[string]any, lookups map[string]string) {
	if a := t.def.byName[currencyLookup]; a != nil && vals[currencyLookup] == nil && t.def.set != "transactioncurrencies" {
		vals[currencyLookup], lookups[currencyLookup] = s.currencyID, "transactioncurrency"
	}
}
