package engine

import "github.com/crmsync/crmsync/sync/mapping"

// blankParts reads a joined side (firstname+lastname) changed since the
// base to a value with a part blank as blank, when the other side holds a
// value: an unless-blank row never overwrites a value with a blank, and a
// cleared last name is a blank, not a new whole name. Otherwise a last
// name cleared in HubSpot reached Pipedrive ("Bo" for "Bo Force") and came
// round a cycle of syncs to Salesforce, whose own last-name row kept it.
func blankParts(r mapping.Row, a, b recView, bv, ca, cb string) (string, string) {
	if ca != bv && cb != "" && partBlank(r.AFields, a.fields) {
		ca = ""
	}
	if cb != bv && ca != "" && partBlank(r.BFields, b.fields) {
		cb = ""
	}
	return ca, cb
}

// partBlank says whether fields join several fields one of which is blank.
func partBlank(fields []string, vals map[string]string) bool {
	if len(fields) < 2 {
		return false
	}
	for _, f := range fields {
		if vals[f] == "" {
			return true
		}
	}
	return false
}
