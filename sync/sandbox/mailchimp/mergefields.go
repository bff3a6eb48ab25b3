package mailchimp

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Merge field types (the spec's Merge_Field.type enum).
var mergeTypes = []string{"text", "number", "address", "phone", "date", "url", "imageurl", "radio", "dropdown", "birthday", "zip"}

// mergeField is one of an audience's merge fields (the spec's Merge_Field).
type mergeField struct {
	id             int
	tag, name, typ string
	required       bool
	public         bool
	defaultValue   string
	order          int
	size           int
	choices        []string
	dateFormat     string
	phoneFormat    string
	defaultCountry int
	helpText       string
}

// usCountry is the United States in Mailchimp's country codes (options.default_country).
const usCountry = 164

// defaultMergeFields are those of a new audience (FNAME, LNAME, ADDRESS, PHONE,
// BIRTHDAY; merge-fields doc), then COMPANY and a dropdown for enums. EMAIL is merge
// field 0 and is not listed by the merge-fields endpoint.
func defaultMergeFields() []*mergeField {
	return []*mergeField{
		{tag: "FNAME", name: "First Name", typ: "text", public: true, size: 25},
		{tag: "LNAME", name: "Last Name", typ: "text", public: true, size: 25},
		{tag: "ADDRESS", name: "Address", typ: "address", defaultCountry: usCountry},
		{tag: "PHONE", name: "Phone Number", typ: "phone"},
		{tag: "BIRTHDAY", name: "Birthday", typ: "birthday", dateFormat: "MM/DD"},
		{tag: "COMPANY", name: "Company", typ: "text", size: 25},
		{tag: "INTEREST", name: "Interest", typ: "dropdown", choices: []string{"Product updates", "Events", "Partner offers"}},
	}
}

// addField appends a merge field with the next merge_id; display_order starts at 2
// (EMAIL is 1).
func (l *list) addField(f *mergeField) {
	l.nextMergeID++
	f.id = l.nextMergeID
	f.order = len(l.fields) + 2
	l.fields = append(l.fields, f)
}

func (l *list) field(tag string) (int, *mergeField) {
	for i, f := range l.fields {
		if f.tag == tag {
			return i, f
		}
	}
	return -1, nil
}

// applyMerge sets the merge_fields of a write on a copy of vals. Schema errors (a value
// of the wrong JSON type) make an Invalid Resource with the 'errors' array; value
// errors make "Your merge fields were invalid.". Tags match case-insensitively;
// unknown tags and EMAIL are ignored [unverified].
func (l *list) applyMerge(vals []any, in map[string]any) (out []any, schema, invalid []fieldError) {
	out = make([]any, len(l.fields))
	copy(out, vals)
	upper := make(map[string]any, len(in))
	for k, v := range in {
		upper[strings.ToUpper(k)] = v
	}
	for i, f := range l.fields {
		v, ok := upper[f.tag]
		if !ok {
			continue
		}
		stored, msg, bad := f.normalize(v)
		switch {
		case bad:
			// The validator's message for a value none of the field's schemas take
			// (OperationCode issue #692: merge_fields.FNAME with null).
			schema = append(schema, fieldError{Field: "merge_fields." + f.tag, Message: "Data did not match any of the schemas described in anyOf."})
		case msg != "":
			invalid = append(invalid, fieldError{Field: f.tag, Message: msg})
		default:
			out[i] = stored
		}
	}
	return out, schema, invalid
}

// missingRequired lists required fields left empty: "Please enter a value" (verified in
// mailchimp-for-wordpress issue #545).
func (l *list) missingRequired(vals []any) []fieldError {
	var errs []fieldError
	for i, f := range l.fields {
		if f.required && valAt(vals, i) == nil {
			errs = append(errs, fieldError{Field: f.tag, Message: "Please enter a value"})
		}
	}
	return errs
}

// normalize checks one value and gives its stored form (nil = empty). bad reports a
// JSON type the field cannot take; msg a value it refuses.
func (f *mergeField) normalize(v any) (stored any, msg string, bad bool) {
	if n, ok := v.(json.Number); ok && f.typ != "number" {
		v = n.String()
	}
	s, isString := v.(string)
	if f.typ == "address" {
		return normalizeAddress(v)
	}
	if f.typ == "number" {
		switch x := v.(type) {
		case json.Number:
			n, err := x.Float64()
			return n, "", err != nil
		case string:
			if strings.TrimSpace(x) == "" {
				return nil, "", false
			}
			if n, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return n, "", false
			}
			return nil, "Please enter a number", false // [unverified]
		}
		return nil, "", true
	}
	if !isString {
		return nil, "", true
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, "", false
	}
	switch f.typ {
	case "date":
		if d, ok := parseDate(s, f.dateFormat); ok {
			return d, "", false
		}
		return nil, "Please enter the date", false // mailchimp-for-wordpress issue #662
	case "birthday":
		if b, ok := parseBirthday(s, f.dateFormat); ok {
			return b, "", false
		}
		return nil, "Please enter a month (01-12) and a day (01-31)", false // mc-magento2 issue #987
	case "radio", "dropdown":
		if slices.Contains(f.choices, s) {
			return s, "", false
		}
		// mc-magento issue #885 and mailchimp-for-wordpress issue #529.
		return nil, "Value must be one of: " + strings.Join(f.choices, ", ") + " (not " + s + ")", false
	case "phone":
		if f.phoneFormat == "US" && !usPhone(s) {
			return nil, "Please enter a valid phone number", false // [unverified]
		}
	case "url", "imageurl":
		if strings.ContainsAny(s, " \t") || !strings.Contains(s, ".") {
			return nil, "Please enter a valid URL", false // [unverified]
		}
	case "zip":
		if !usZip(s) {
			return nil, "Please enter a valid zip code", false // [unverified]
		}
	}
	return s, "", false
}

var addressParts = []string{"addr1", "addr2", "city", "state", "zip", "country"}

// address is a stored ADDRESS value, its parts in addressParts' order; a struct
// rather than a map keeps 50,000 members small.
type address [6]string

// normalizeAddress takes the address object, or "" for none, or the legacy string with
// parts separated by two spaces. addr1, city, state and zip are needed: "Please enter
// a complete address" (verbb/formie issue #2387). country defaults to US.
func normalizeAddress(v any) (any, string, bool) {
	const incomplete = "Please enter a complete address"
	var addr address
	switch x := v.(type) {
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, "", false
		}
		parts := strings.Split(x, "  ")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		switch len(parts) {
		case 4:
			parts = []string{parts[0], "", parts[1], parts[2], parts[3]}
		case 5, 6:
		default:
			return nil, incomplete, false
		}
		copy(addr[:], parts)
	case map[string]any:
		for i, k := range addressParts {
			switch p := x[k].(type) {
			case nil:
			case string:
				addr[i] = strings.TrimSpace(p)
			case json.Number:
				addr[i] = p.String()
			default:
				return nil, "", true
			}
		}
	default:
		return nil, "", true
	}
	if addr[0] == "" || addr[2] == "" || addr[3] == "" || addr[4] == "" {
		return nil, incomplete, false
	}
	if addr[5] == "" {
		addr[5] = "US"
	}
	return addr, "", false
}

// parseDate takes YYYY-MM-DD or the field's date_format; it stores YYYY-MM-DD.
func parseDate(s, format string) (string, bool) {
	layouts := []string{time.DateOnly}
	switch strings.ToUpper(format) {
	case "DD/MM/YYYY":
		layouts = append(layouts, "02/01/2006")
	default:
		layouts = append(layouts, "01/02/2006")
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// parseBirthday takes MM/DD (or DD/MM for that date_format) and stores it in the
// field's format.
func parseBirthday(s, format string) (string, bool) {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return "", false
	}
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return "", false
	}
	month, day := x, y
	if strings.ToUpper(format) == "DD/MM" {
		month, day = y, x
	}
	if month < 1 || month > 12 || day < 1 || day > time.Date(2024, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return "", false
	}
	if strings.ToUpper(format) == "DD/MM" {
		return fmt.Sprintf("%02d/%02d", day, month), true
	}
	return fmt.Sprintf("%02d/%02d", month, day), true
}

func usPhone(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n == 10 || n == 11 && strings.HasPrefix(strings.TrimLeft(s, "+ ("), "1")
}

func usZip(s string) bool {
	d := strings.ReplaceAll(s, "-", "")
	if len(d) != 5 && len(d) != 9 {
		return false
	}
	for _, r := range d {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// wireValue renders a stored value: "" for empty, the address object with all its
// parts, numbers as numbers.
func wireValue(v any) any {
	switch x := v.(type) {
	case nil:
		return ""
	case address:
		out := make(map[string]any, len(x))
		for i, k := range addressParts {
			out[k] = x[i]
		}
		return out
	}
	return v
}
