package salesforce

import (
	"fmt"
	"net/http"
	"strings"
)

// The Organization: the org's one record of settings, its default time
// zone among them. Sources:
//   - [doc] Object Reference, Organization: supported calls describeSObjects(),
//     query(), retrieve(); TimeZoneSidKey (picklist, Filter, Group, Sort) is
//     the org's default time zone, named like "America/Los_Angeles"
//     (the User's TimeZoneSidKey takes the same values); Name, the company's
//     name; OrganizationType, its edition.
//   - [doc] Object Reference, Organization: DefaultCurrencyIsoCode
//     (picklist) is the org's default currency, its corporate currency
//     when multi-currency is on; in a single-currency org every amount
//     is in it.
//   - [doc] SOQL and SOSL Reference: a query answers {totalSize, done,
//     records: [{attributes: {type, url}, …fields}]}.
//
// [unverified] what the sandbox chooses: only Id, Name, OrganizationType,
// TimeZoneSidKey and DefaultCurrencyIsoCode are served, WHERE and ORDER BY are ignored (there is one
// record), the zone is UTC unless SetTimeZone names another, the currency
// USD unless SetCurrency names another, the name is
// "Sandbox Org" and the edition "Developer Edition".
//
// A user without "View Setup and Configuration" (an integration user on a
// minimal profile) may be refused the Organization: Supermetrics'
// Salesforce permissions guide sends a user refused the organization's
// information to that permission. [unverified] the refusal's wording:
// the sandbox answers as Salesforce does for an sObject type the user
// cannot see, 400 INVALID_TYPE "sObject type 'Organization' is not
// supported. …" (the same answer as for an unknown object).

// RefuseOrganization takes "View Setup and Configuration" from the
// connected user (true), so a query on Organization is refused with 400
// INVALID_TYPE, or gives it back (false, the default).
func (s *Sim) RefuseOrganization(refused bool) { s.orgRefused.Store(refused) }

// SetTimeZone sets the Organization's TimeZoneSidKey, the org's default
// time zone (e.g. "America/Los_Angeles").
func (s *Sim) SetTimeZone(name string) {
	s.zone.Set(name)
}

// SetCurrency sets the Organization's DefaultCurrencyIsoCode (e.g. "EUR").
func (s *Sim) SetCurrency(code string) {
	s.currency.Set(code)
}

// queryOrganization answers a SOQL query on Organization with its one record.
func (s *Sim) queryOrganization(w http.ResponseWriter, r *http.Request, pq *soqlQuery) {
	if s.orgRefused.Load() {
		writeInvalidType(w, "Organization")
		return
	}
	zone := s.zone.Name()
	values := map[string]any{"Id": s.opts.OrgID, "Name": "Sandbox Org", "OrganizationType": "Developer Edition", "TimeZoneSidKey": zone,
		"DefaultCurrencyIsoCode": s.currency.Code()}
	rec, err := setupRecord(r.PathValue("version"), "Organization", pq.fields, values)
	if err != nil {
		queryError(w, err)
		return
	}
	if pq.count {
		writeJSON(w, http.StatusOK, map[string]any{"totalSize": 1, "done": true, "records": []any{}})
		return
	}
	records := []orderedRecord{rec}
	if pq.limit == 0 || pq.offset > 0 {
		records = records[:0]
	}
	writeJSON(w, http.StatusOK, orderedRecord{{"totalSize", len(records)}, {"done", true}, {"records", records}})
}

// setupRecord is a query's record of a setup object (one the sandbox
// serves from fixed values, not a store): its attributes, then the fields
// selected, with their names as Salesforce spells them whatever the
// query's case; a field the object lacks is INVALID_FIELD.
func setupRecord(version, object string, fields []string, values map[string]any) (orderedRecord, error) {
	names := make(map[string]string, len(values))
	for k := range values {
		names[strings.ToLower(k)] = k
	}
	rec := orderedRecord{{"attributes", map[string]any{"type": object,
		"url": fmt.Sprintf("/services/data/%s/sobjects/%s/%s", version, object, values["Id"])}}}
	for _, f := range fields {
		name, ok := names[strings.ToLower(f)]
		if !ok {
			return nil, noSuchColumn(f, object)
		}
		rec = append(rec, kv{name, values[name]})
	}
	return rec, nil
}

// writeInvalidType answers a query on an sObject type the user cannot see
// or that does not exist.
func writeInvalidType(w http.ResponseWriter, object string) {
	writeErrors(w, http.StatusBadRequest, sfError{ErrorCode: "INVALID_TYPE",
		Message: fmt.Sprintf("sObject type '%s' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.", object)})
}

// Multi-currency. Sources:
//   - [doc] Object Reference, Opportunity (and every object with amounts):
//     CurrencyIsoCode (picklist; Defaulted on create, Restricted picklist)
//     "Available only for organizations with the multicurrency feature
//     enabled. Contains the ISO code for any currency allowed by the
//     organization."
//   - [doc] Object Reference, CurrencyType: the org's currencies, one of
//     them corporate; inactive ones do not appear in picklists.
//
// [unverified] what the sandbox chooses: CurrencyIsoCode is added to
// Opportunity and Account only, a new record without one gets the
// corporate currency (Salesforce gives the creating user's currency, the
// corporate one for the sandbox's users), and existing records are in it.

// EnableMultiCurrency turns multi-currency on with the active currencies
// codes, the first the corporate one (the Organization's
// DefaultCurrencyIsoCode): Opportunity and Account get CurrencyIsoCode, a
// restricted picklist of codes.
func (s *Sim) EnableMultiCurrency(codes ...string) error {
	if len(codes) == 0 {
		return fmt.Errorf("salesforce sandbox: multi-currency needs a corporate currency")
	}
	s.currency.Set(codes[0])
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, object := range []string{"Opportunity", "Account"} {
		st, err := s.storeFor(object)
		if err != nil {
			return err
		}
		if _, dup := st.obj.field("CurrencyIsoCode"); dup {
			return fmt.Errorf("salesforce sandbox: multi-currency is already on")
		}
		f := restricted(pick("CurrencyIsoCode", st.obj.Label+" Currency", codes...))
		f.Nillable, f.DefaultedOnCreate, f.Default = false, true, codes[0]
		f.Picklist[0].DefaultValue = true
		st.obj.Fields = append(st.obj.Fields, f)
		reindex(st.obj)
		for _, r := range st.recs {
			r.vals = append(r.vals, make([]string, len(st.obj.Fields)-len(r.vals))...)
			r.vals[len(st.obj.Fields)-1] = codes[0]
		}
	}
	return nil
}
