package zoho

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// checkLiterals refuses criteria values the field's type does not take,
// as Zoho answers such a query with 400 INVALID_QUERY rather than match
// nothing:
//   - a boolean takes only =, with 'true' or 'false' ("The supported
//     operator for Boolean field is =. You should provide the value as
//     either true or false", Kaizen #81, whose example quotes it);
//   - a number, currency or decimal takes a bare number; a quoted one is
//     refused [unverified: the docs show no numeric literal; the sandbox
//     takes the strict SQL reading so a connector writes the bare form];
//   - a date takes 'yyyy-MM-dd' and a date-time an ISO 8601 time with its
//     offset, both quoted [unverified: quoted as in Zoho's date-time examples].
//
// The body is the spec's InvalidQuery with reason, column_name and operator
// (executeCOQLQuery, "invalid operator found"); the wording of a bad value's
// reason is [unverified].
func checkLiterals(fd *fieldDef, op string, lits []coqlToken) *zerr {
	if fd == nil {
		return nil // id
	}
	refuse := func(reason string) *zerr {
		return badRequest("INVALID_QUERY", "Invalid query formed", map[string]any{"reason": reason, "column_name": fd.apiName, "operator": op})
	}
	switch fd.dataType {
	case TypeBoolean:
		if op != "=" {
			return refuse("invalid operator found")
		}
		if v := strings.ToLower(lits[0].text); v != "true" && v != "false" {
			return refuse("invalid value found")
		}
	case TypeInteger, TypeDouble, TypeCurrency:
		for _, l := range lits {
			f, err := strconv.ParseFloat(l.text, 64)
			if l.quoted || err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return refuse("invalid value found")
			}
		}
	case TypeDate, TypeDatetime:
		for _, l := range lits {
			var err error
			if fd.dataType == TypeDate {
				_, err = time.Parse(time.DateOnly, l.text)
			} else {
				_, err = parseTime(l.text)
			}
			if !l.quoted || err != nil {
				return refuse("invalid value found")
			}
		}
	}
	return nil
}
