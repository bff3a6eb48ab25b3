package dynamics

import (
	"net/http"
	"strings"
)

// checkRow checks a row about to be stored: its status reason belongs to
// its state, then its alternate keys.
//
// A row's statuscode must be one of its statecode's status reasons. A
// create cannot set statecode (IsValidForCreate false in the table
// references): a new row is in state 0, and a create that names a status
// reason of another state is refused, "2 is not a valid status code for
// state code AccountState.Active on account with Id <id>." (0x80048408;
// the answer Dataverse gives to a POST of an inactive account, quoted on
// Stack Overflow "Create inactive account": create the row, then PATCH its
// statecode and statuscode). An update is checked the same way
// [unverified: a PATCH of statuscode alone].
func (s *Sim) checkRow(t *table, r *record) *apiError {
	states, statuses := t.def.byName["statecode"], t.def.byName["statuscode"]
	if states != nil && statuses != nil {
		state, _ := t.get(r, states).(int64)
		status, _ := t.get(r, statuses).(int64)
		for _, o := range statuses.options {
			if o.value != status || o.state == state {
				continue
			}
			label := ""
			for _, so := range states.options {
				if so.value == state {
					label = so.label
				}
			}
			return newErr(http.StatusBadRequest, "0x80048408", "%d is not a valid status code for state code %sState.%s on %s with Id %s.",
				status, t.def.schema, label, t.def.logical, r.id)
		}
	}
	return s.checkKeys(t, r)
}

// checkKeys refuses a row whose alternate key values another row already has:
// 412 DuplicateRecordEntityKey (web service error codes).
func (s *Sim) checkKeys(t *table, r *record) *apiError {
	for _, k := range t.keys {
		v, ok := keyValue(k, r)
		if !ok {
			continue
		}
		if id, taken := k.index[v]; taken && id != r.id {
			var vals []string
			for _, a := range k.attrs {
				vals = append(vals, valueString(r.vals[a]))
			}
			return newErr(http.StatusPreconditionFailed, codeDuplicateKey,
				"A record that has the attribute values %s already exists. The entity key %s requires that this set of attributes contains unique values. Select unique values and try again.",
				strings.Join(vals, ", "), k.name)
		}
	}
	return nil
}
