package salesforce

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// State and Country/Territory Picklists. Sources:
//   - [doc] Salesforce Help, "Integration Values for State and
//     Country/Territory Picklists": once enabled, the text State/Province
//     and Country fields become integration-value fields and "for each
//     … a picklist-typed State Code or Country Code field is created";
//     integration values default to the full ISO names.
//   - [doc] Salesforce Help, "State, Country, and Territory Picklist
//     Fields": codes are the two-letter ISO codes and "case insensitive".
//   - [doc] Salesforce Help, "State and Country/Territory Picklist
//     Field-Syncing Logic": writing a valid code fills the integration
//     value and the other way round; removing the country code removes
//     the state code and both integration values; "the new state isn't in
//     the new country: no changes are saved. You get an error message";
//     on create, mismatched integration and code values take the code's.
//   - [doc] third-party reports of the API's answer (salesforce.stackexchange,
//     "Are State and Country Picklist values enforced for data inserted
//     through the API"; StoreConnect's sync-error guide): a value other
//     than the integration value is FIELD_INTEGRITY_EXCEPTION; an unknown
//     code reads "The BillingStateCode field contains EP, which isn't an
//     available state. Your administrator can add it for you."
//   - [doc] describe: the state code's controllerName is the country code
//     field, and each of its picklist values carries validFor, a base64
//     bitmap over the controller's values, most significant bit first.
//
// [unverified] what the sandbox chooses: the integration value is the
// name (the default) and must be written exactly; the wording for a bad
// integration value is the one users quote ("There's a problem with this
// country, even though it may appear correct. …"); a state without a
// country is refused with "A country/territory must be specified before
// specifying a state value for field: …"; an update naming a code and an
// integration value that disagree is refused like a bad integration value;
// the code fields are restricted in describe; only Contact (Mailing) and
// Account (Billing) get them; the list of countries is short.

// Country is one country/territory of the org's picklists, with its states.
type Country struct {
	Code, Name string
	States     []State
}

// State is one state or province.
type State struct{ Code, Name string }

// DefaultCountries is a short list in the shape of Salesforce's own: two
// "WA"s (Washington, Western Australia) as the real list has, countries
// with states and countries without.
func DefaultCountries() []Country {
	return []Country{
		{Code: "US", Name: "United States", States: []State{{"CA", "California"}, {"NY", "New York"}, {"TX", "Texas"}, {"WA", "Washington"}}},
		{Code: "CA", Name: "Canada", States: []State{{"BC", "British Columbia"}, {"ON", "Ontario"}, {"QC", "Quebec"}}},
		{Code: "AU", Name: "Australia", States: []State{{"NSW", "New South Wales"}, {"WA", "Western Australia"}}},
		{Code: "GB", Name: "United Kingdom"},
		{Code: "DE", Name: "Germany"},
		{Code: "FR", Name: "France"},
		{Code: "IE", Name: "Ireland"},
	}
}

// addressGroup is one address's four fields by index.
type addressGroup struct {
	prefix                                 string
	country, countryCode, state, stateCode int
}

// addressPrefixes are the addresses that get code fields, per object.
var addressPrefixes = map[string]string{"Contact": "Mailing", "Account": "Billing"}

// EnableStateCountryPicklists turns on State and Country/Territory
// Picklists with countries (DefaultCountries when none): Contact and
// Account get <prefix>CountryCode and <prefix>StateCode, and writes of the
// address are checked.
func (s *Sim) EnableStateCountryPicklists(countries ...Country) error {
	if len(countries) == 0 {
		countries = DefaultCountries()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for object, prefix := range addressPrefixes {
		st, err := s.storeFor(object)
		if err != nil {
			return err
		}
		o := st.obj
		if _, dup := o.field(prefix + "CountryCode"); dup {
			return fmt.Errorf("salesforce sandbox: state and country picklists are already on")
		}
		country, state := codeFields(o.Label, prefix, countries)
		o.Fields = append(o.Fields, country, state)
		reindex(o)
		for _, r := range st.recs {
			r.vals = append(r.vals, make([]string, len(o.Fields)-len(r.vals))...)
		}
		g := addressGroup{prefix: prefix}
		g.country, _ = o.field(prefix + "Country")
		g.state, _ = o.field(prefix + "State")
		g.countryCode, _ = o.field(prefix + "CountryCode")
		g.stateCode, _ = o.field(prefix + "StateCode")
		prev := o.rule
		o.rule = func(o *Object, base []string, vals map[int]string) *recError {
			if prev != nil {
				if e := prev(o, base, vals); e != nil {
					return e
				}
			}
			return checkAddress(o, g, base, vals)
		}
	}
	return nil
}

// codeFields are an address's country code and state code picklists, the
// state's values valid for their country through validFor.
func codeFields(objectLabel, prefix string, countries []Country) (Field, Field) {
	country := typed(prefix+"CountryCode", prefix+" Country Code", "picklist")
	country.Restricted, country.address = true, "country"
	state := typed(prefix+"StateCode", prefix+" State/Province Code", "picklist")
	state.Restricted, state.address, state.Controller = true, "state", country.Name
	for i, c := range countries {
		country.Picklist = append(country.Picklist, PicklistValue{Value: c.Code, Label: c.Name, Active: true})
		for _, st := range c.States {
			state.Picklist = append(state.Picklist, PicklistValue{Value: st.Code, Label: st.Name, Active: true, ValidFor: validForBits(i, len(countries))})
		}
	}
	return country, state
}

// validForBits is the validFor of a value valid for the controller's
// value at index i of n.
func validForBits(i, n int) string {
	b := make([]byte, (n+7)/8)
	b[i/8] |= 0x80 >> (i % 8)
	return base64.StdEncoding.EncodeToString(b)
}

// validFor says whether pv is valid when the controller holds its value
// at index i.
func validFor(pv PicklistValue, i int) bool {
	b, err := base64.StdEncoding.DecodeString(pv.ValidFor)
	return err == nil && i/8 < len(b) && b[i/8]&(0x80>>(i%8)) != 0
}

// fieldIntegrity is Salesforce's per-record answer for a bad address value.
func fieldIntegrity(field, msg string) *recError {
	return &recError{StatusCode: "FIELD_INTEGRITY_EXCEPTION", Message: msg, Fields: []string{field}}
}

// checkAddress validates and completes one address of a write: codes and
// integration values are kept in step, and the state must be valid for
// the country.
func checkAddress(o *Object, g addressGroup, base []string, vals map[int]string) *recError {
	ci, e := settleCountry(o, g, base, vals)
	if e != nil {
		return e
	}
	return settleState(o, g, ci, base, vals)
}

// current is field i's value once vals apply to base.
func current(base []string, vals map[int]string, i int) (string, bool) {
	v, set := vals[i]
	if !set && base != nil {
		v = base[i]
	}
	return v, set
}

// settleCountry resolves the country a write leaves, returning its index
// in the country picklist (-1 for none).
func settleCountry(o *Object, g addressGroup, base []string, vals map[int]string) (int, *recError) {
	pl := o.Fields[g.countryCode].Picklist
	text, textSet := vals[g.country]
	code, codeSet := vals[g.countryCode]
	switch {
	case codeSet && code != "":
		i := pickByValue(pl, code, -1, nil)
		if i < 0 {
			return -1, fieldIntegrity(o.Fields[g.countryCode].Name, fmt.Sprintf("The %s field contains %s, which isn't an available country/territory. Your administrator can add it for you.", o.Fields[g.countryCode].Name, code))
		}
		if textSet && text != "" && text != pl[i].Label && base != nil {
			return -1, badCountry(o, g)
		}
		vals[g.countryCode], vals[g.country] = pl[i].Value, pl[i].Label
		return i, nil
	case textSet && text != "":
		i := pickByLabel(pl, text, -1, nil)
		if i < 0 {
			return -1, badCountry(o, g)
		}
		vals[g.countryCode] = pl[i].Value
		return i, nil
	case textSet || codeSet:
		// The country removed: Salesforce removes the state with it.
		vals[g.country], vals[g.countryCode] = "", ""
		if _, set := vals[g.state]; !set {
			vals[g.state], vals[g.stateCode] = "", ""
		}
		return -1, nil
	}
	code, _ = current(base, vals, g.countryCode)
	return pickByValue(pl, code, -1, nil), nil
}

func badCountry(o *Object, g addressGroup) *recError {
	return fieldIntegrity(o.Fields[g.country].Name, "There's a problem with this country, even though it may appear correct. Please select a country/territory from the list of valid countries.")
}

func badState(o *Object, g addressGroup) *recError {
	return fieldIntegrity(o.Fields[g.state].Name, "There's a problem with this state, even though it may appear correct. Please select a state from the list of valid states.")
}

// settleState checks the state a write leaves against country ci.
func settleState(o *Object, g addressGroup, ci int, base []string, vals map[int]string) *recError {
	pl := o.Fields[g.stateCode].Picklist
	text, textSet := vals[g.state]
	code, codeSet := vals[g.stateCode]
	_, countryChanged := vals[g.countryCode]
	if !textSet && !codeSet {
		if !countryChanged || base == nil {
			return nil
		}
		// A new country must still hold the record's state.
		text, textSet = current(base, nil, g.state)
		if text == "" {
			return nil
		}
	}
	if (textSet && text == "" && !codeSet) || (codeSet && code == "" && !textSet) || (text == "" && code == "") {
		vals[g.state], vals[g.stateCode] = "", ""
		return nil
	}
	if ci < 0 {
		return fieldIntegrity(o.Fields[g.state].Name, fmt.Sprintf("A country/territory must be specified before specifying a state value for field: %s", o.Fields[g.state].Label))
	}
	var i int
	if codeSet && code != "" {
		if i = pickByValue(pl, code, ci, validFor); i < 0 {
			return fieldIntegrity(o.Fields[g.stateCode].Name, fmt.Sprintf("The %s field contains %s, which isn't an available state. Your administrator can add it for you.", o.Fields[g.stateCode].Name, code))
		}
	} else if i = pickByLabel(pl, text, ci, validFor); i < 0 {
		return badState(o, g)
	}
	vals[g.stateCode], vals[g.state] = pl[i].Value, pl[i].Label
	return nil
}

// pickByValue finds an active value by code, case-insensitively, among
// those valid for controller value ci (when valid is set).
func pickByValue(pl []PicklistValue, v string, ci int, valid func(PicklistValue, int) bool) int {
	for i, pv := range pl {
		if pv.Active && strings.EqualFold(pv.Value, v) && (valid == nil || valid(pv, ci)) {
			return i
		}
	}
	return -1
}

// pickByLabel finds an active value whose label (the integration value)
// is exactly v, among those valid for controller value ci.
func pickByLabel(pl []PicklistValue, v string, ci int, valid func(PicklistValue, int) bool) int {
	for i, pv := range pl {
		if pv.Active && pv.Label == v && (valid == nil || valid(pv, ci)) {
			return i
		}
	}
	return -1
}
