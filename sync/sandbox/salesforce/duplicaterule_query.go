package salesforce

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The DuplicateRule sObject: the org's duplicate rules, readable by query.
// Sources:
//   - [doc] Object Reference for the Salesforce Platform, DuplicateRule
//     (developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-duplicaterule.html):
//     "Represents a duplicate rule for detecting duplicate records";
//     supported calls describeSObjects(), describeLayout(), query(),
//     retrieve(), search(); "As of Summer '20 and later, only users with
//     the View Setup and Configuration permission can access this
//     object". Fields: DeveloperName (string), IsActive (boolean, read
//     only, API 35.0 and later), Language (picklist), MasterLabel
//     (string, the rule's label), NamespacePrefix (string, nillable),
//     SobjectType (picklist, "the type of object the duplicate rule is
//     defined for, for example Account, Contact, Lead"), SobjectSubtype.
//     Rules are created in Setup, not through the API.
//   - [doc] SOQL and SOSL Reference: a query answers {totalSize, done,
//     records: [{attributes: {type, url}, …fields}]}.
//
// [unverified] what the sandbox chooses: Id, DeveloperName, MasterLabel
// (the developer name with spaces for underscores), IsActive, SobjectType,
// NamespacePrefix (null) and Language ("en_US") are served; WHERE takes
// =, != and IN (NOT, AND, OR) on them, ORDER BY is ignored; a user
// without View Setup and Configuration (RefuseOrganization) is answered
// 400 INVALID_TYPE, as for the Organization. The rules are those given
// to AddDuplicateRule: the sandbox does not invent the standard ones.

// duplicateRulePrefix is the DuplicateRule key prefix.
const duplicateRulePrefix = "0Bm"

// queryDuplicateRules answers a SOQL query on DuplicateRule.
func (s *Sim) queryDuplicateRules(w http.ResponseWriter, r *http.Request, pq *soqlQuery) {
	if s.orgRefused.Load() {
		writeInvalidType(w, "DuplicateRule")
		return
	}
	type row map[string]any
	var rows []row
	s.mu.RLock()
	for _, st := range s.stores {
		for _, rule := range st.obj.dupRules {
			rows = append(rows, row{"Id": rule.id, "DeveloperName": rule.Name, "MasterLabel": strings.ReplaceAll(rule.Name, "_", " "),
				"IsActive": !rule.Inactive, "SobjectType": st.obj.Name, "NamespacePrefix": nil, "Language": "en_US"})
		}
	}
	s.mu.RUnlock()
	sort.Slice(rows, func(i, j int) bool { return rows[i]["Id"].(string) < rows[j]["Id"].(string) })
	names := map[string]string{}
	for _, k := range []string{"Id", "DeveloperName", "MasterLabel", "IsActive", "SobjectType", "NamespacePrefix", "Language"} {
		names[strings.ToLower(k)] = k
	}
	match := func(row) (bool, error) { return true, nil }
	if pq.where != nil {
		var eval func(c *cond, rw row) (bool, error)
		eval = func(c *cond, rw row) (bool, error) {
			switch {
			case c.not != nil:
				ok, err := eval(c.not, rw)
				return !ok, err
			case c.and != nil || c.or != nil:
				isAnd, parts := c.and != nil, c.and
				if !isAnd {
					parts = c.or
				}
				for _, p := range parts {
					ok, err := eval(p, rw)
					if err != nil {
						return false, err
					}
					if ok != isAnd {
						return !isAnd, nil
					}
				}
				return isAnd, nil
			}
			name, ok := names[strings.ToLower(c.field)]
			if !ok {
				return false, noSuchColumn(c.field, "DuplicateRule")
			}
			have := ""
			switch v := rw[name].(type) {
			case string:
				have = strings.ToLower(v)
			case bool:
				have = strconv.FormatBool(v)
			}
			in := false
			for _, l := range c.lits {
				if strings.ToLower(l.text) == have && (l.kind == tString) == (name != "IsActive") {
					in = true
				}
			}
			switch c.op {
			case "=", "IN":
				return in, nil
			case "!=", "NOT IN":
				return !in, nil
			}
			return false, malformed("the sandbox filters DuplicateRule with =, != and IN only, not %s", c.op)
		}
		match = func(rw row) (bool, error) { return eval(pq.where, rw) }
	}
	var hits []row
	for _, rw := range rows {
		ok, err := match(rw)
		if err != nil {
			queryError(w, err)
			return
		}
		if ok {
			hits = append(hits, rw)
		}
	}
	if pq.offset > 0 {
		hits = hits[min(pq.offset, len(hits)):]
	}
	if pq.limit >= 0 && len(hits) > pq.limit {
		hits = hits[:pq.limit]
	}
	if pq.count {
		writeJSON(w, http.StatusOK, map[string]any{"totalSize": len(hits), "done": true, "records": []any{}})
		return
	}
	records := []orderedRecord{}
	for _, rw := range hits {
		rec, err := setupRecord(r.PathValue("version"), "DuplicateRule", pq.fields, rw)
		if err != nil {
			queryError(w, err)
			return
		}
		records = append(records, rec)
	}
	writeJSON(w, http.StatusOK, orderedRecord{{"totalSize", len(records)}, {"done", true}, {"records", records}})
}
