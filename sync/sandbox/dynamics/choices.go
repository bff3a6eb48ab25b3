package dynamics

import (
	"net/http"
	"strconv"
	"strings"
)

// errBadOption refuses a choice value that is not one of the column's options, for a
// choice and for each value of a multi-select choice column: Dataverse's
// PicklistValueOutOfRange error, code 0x8004431A, whose catalogue message is "The
// picklist value is out of the range." (Web service error codes,
// https://learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes).
// The message names the value, the column and the table as the platform words its
// validation errors [unverified: the parameterised wording is observed platform
// behaviour, not shown on learn.microsoft.com].
func errBadOption(e *entityDef, a *attrDef, n int64) *apiError {
	return newErr(http.StatusBadRequest, codeBadOption,
		"A validation error occurred. The value %d of '%s' on record of type '%s' is outside the valid range.", n, a.name, e.logical)
}

// maxChoices is how many options one multi-select column may hold: "only 150 options
// can be selected for a single column" (multi-select-picklist).
const maxChoices = 150

// parseChoices reads a multi-select choice column's value as the Web API takes it, "a
// string containing comma separated number values" such as "1, 9"
// (https://learn.microsoft.com/power-apps/developer/data-platform/multi-select-picklist),
// and returns it as queries return it, "1,9": without spaces, in the order given, each
// value once [unverified: order and repeats]. Every value must be one of the column's
// options, else PicklistValueOutOfRange (errBadOption). "" clears the column
// [unverified]; a value that is not a whole number is a conversion error [unverified
// message].
func parseChoices(e *entityDef, a *attrDef, s string) (string, *apiError) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	var out []string
	seen := map[int64]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		n, err := strconv.ParseInt(p, 10, 32)
		if err != nil {
			return "", newErr(http.StatusBadRequest, codeODataGeneric, "Cannot convert the literal '%s' to the expected type 'Edm.Int32'.", p)
		}
		if !a.hasOption(n) {
			return "", errBadOption(e, a, n)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, formatInt(n))
		}
	}
	if len(out) > maxChoices {
		return "", newErr(http.StatusBadRequest, codeBadOption, // [unverified code and message]
			"A validation error occurred. The value of '%s' on record of type '%s' has %d options; at most %d can be selected.", a.name, e.logical, len(out), maxChoices)
	}
	return strings.Join(out, ","), nil
}
