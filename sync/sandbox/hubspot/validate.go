package hubspot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// validEmail is a pragmatic check close to what HubSpot rejects.
func validEmail(v string) bool {
	at := strings.IndexByte(v, '@')
	if at <= 0 || at != strings.LastIndexByte(v, '@') || strings.ContainsAny(v, " \t,;<>") {
		return false
	}
	dom := v[at+1:]
	dot := strings.LastIndexByte(dom, '.')
	return dot > 0 && dot < len(dom)-2
}

// validNumber says whether v, a number property's value as sent (raw),
// is one HubSpot takes. A string holds only digits, one optional leading
// minus and one optional decimal point: HubSpot restricts number values
// "to contain only numeric digits, an optional single negative sign
// ("-"), and an optional single decimal point"; "Attempts to save values
// on numeric properties with commas, spaces or multiple period/dot
// symbols via the API will be rejected with an HTTP 400" [doc
// https://developers.hubspot.com/changelog/upcoming-api-number-value-changes,
// and for contacts since 2023 https://developers.hubspot.com/changelog/
// upcoming-increased-validation-for-contact-updates-made-through-apis],
// so "1e5", "+5" or "NaN" too. The later ban on leading and trailing
// whitespace in non-string values was cancelled (changelog "Breaking
// Change: Enhanced Validations for Non-String Properties…"), which does
// not matter here: a space is no digit. [unverified: a JSON number
// literal in exponent form is taken here as any float the JSON parser
// reads; crmsync's mapping sends numbers as plain digits anyway.]
func validNumber(raw any, v string) bool {
	if _, isString := raw.(string); !isString {
		_, err := strconv.ParseFloat(v, 64)
		return err == nil
	}
	digits := strings.TrimPrefix(v, "-")
	intPart, frac, _ := strings.Cut(digits, ".")
	onlyDigits := func(s string) bool { return !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) }
	return intPart+frac != "" && onlyDigits(intPart) && onlyDigits(frac)
}

// parseDateMillis accepts epoch milliseconds or ISO-8601 (date or date-time).
func parseDateMillis(v string) (int64, bool) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UnixMilli(), true
		}
	}
	return 0, false
}

// validateProps checks a properties map against the schema and converts it to
// index -> normalised value. It returns HubSpot error details for every bad value.
func validateProps(sc *Schema, props map[string]any) (map[int]string, []errDetail) {
	out := make(map[int]string, len(props))
	var errs []errDetail
	bad := func(name, code, msg string) {
		errs = append(errs, errDetail{Message: msg, Code: code, In: name, Context: map[string][]string{"propertyName": {name}}})
	}
	for name, raw := range props {
		idx, ok := sc.prop(name)
		if !ok {
			bad(name, "PROPERTY_DOESNT_EXIST", fmt.Sprintf("Property \"%s\" does not exist", name))
			continue
		}
		p := sc.Props[idx]
		if idx == pObjectID || idx == pModified || p.Calculated {
			continue // HubSpot silently ignores writes to system-maintained values
		}
		if p.ReadOnly {
			bad(name, "READ_ONLY_VALUE", fmt.Sprintf("%s is a read only property; its value cannot be set.", name))
			continue
		}
		v := stringify(raw)
		if v == "" {
			out[idx] = ""
			continue
		}
		switch {
		case name == "email":
			v = strings.TrimSpace(v)
			if !validEmail(v) {
				bad(name, "INVALID_EMAIL", fmt.Sprintf("Email address %s is invalid", v))
				continue
			}
			v = strings.ToLower(v) // HubSpot stores emails lower-cased
		case p.Type == typeNumber:
			// Kept as sent ("2500.50" reads back so) [unverified: HubSpot's
			// docs and spec collection do not say whether it reads back
			// "2500.5"; crmsync compares numbers normalised either way].
			if !validNumber(raw, v) {
				bad(name, "INVALID_DECIMAL", fmt.Sprintf("%s was not a valid number.", v))
				continue
			}
		case p.Type == typeDate:
			// A date property holds a day: midnight UTC as epoch ms, or
			// the day itself (properties guide: "An ISO 8601 formatted value
			// representing a specific day, month, and year"). It reads back
			// as YYYY-MM-DD [unverified: the read form, and the refusal of
			// another time of day and its words].
			ms, ok := parseDateMillis(v)
			if !ok {
				bad(name, "INVALID_DATE", fmt.Sprintf("%s was not a valid long or ISO-8601 date.", v))
				continue
			}
			if ms%(24*60*60*1000) != 0 {
				bad(name, "INVALID_DATE", fmt.Sprintf("%s is at %s UTC, not midnight!", v, msToTime(ms).Format("15:04:05.000")))
				continue
			}
			v = msToTime(ms).Format(time.DateOnly)
		case p.Type == typeDateTime:
			ms, ok := parseDateMillis(v)
			if !ok {
				bad(name, "INVALID_DATE", fmt.Sprintf("%s was not a valid long or ISO-8601 date.", v))
				continue
			}
			if idx == pCreate {
				v = strconv.FormatInt(ms, 10)
			} else {
				v = isoMillis(ms)
			}
		case p.Type == typeBool:
			if v != "true" && v != "false" {
				bad(name, "INVALID_BOOLEAN", fmt.Sprintf("%s was not a valid boolean.", v))
				continue
			}
		case p.ExternalOptions:
			// The values are checked against the portal's state by the
			// caller (ownerErrors), not against Options.
			v = strings.TrimSpace(v)
		case p.Type == typeEnum:
			values := []string{v}
			if p.FieldType == "checkbox" { // several options, separated by ";"
				values = values[:0]
				for _, o := range strings.Split(v, ";") {
					if o = strings.TrimSpace(o); o != "" {
						values = append(values, o)
					}
				}
				v = strings.Join(values, ";")
			}
			if wrong := firstNotAllowed(values, p.Options); wrong != "" {
				var allowed []string
				for _, o := range p.Options {
					allowed = append(allowed, o.Value)
				}
				bad(name, "INVALID_OPTION", fmt.Sprintf("%s was not one of the allowed options: [%s]", wrong, strings.Join(allowed, ", ")))
				continue
			}
		}
		out[idx] = v
	}
	return out, errs
}

// firstNotAllowed returns the first value that is none of the options.
func firstNotAllowed(values []string, options []Option) string {
	for _, v := range values {
		if !slices.ContainsFunc(options, func(o Option) bool { return o.Value == v }) {
			return v
		}
	}
	return ""
}

// validationMessage renders HubSpot's "Property values were not valid" summary.
func validationMessage(errs []errDetail) string {
	var parts []string
	for _, e := range errs {
		parts = append(parts, fmt.Sprintf(`{"isValid":false,"message":%q,"error":%q,"name":%q}`, e.Message, e.Code, e.In))
	}
	return "Property values were not valid: [" + strings.Join(parts, ",") + "]"
}
