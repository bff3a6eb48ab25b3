package mailchimp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// isoDate is the canonical date (connector.TypeDate).
const isoDate = "2006-01-02"

// birthdayLayout is the canonical birthday: month and day, no year.
const birthdayLayout = "01/02"

// layoutOf turns a merge field's date_format (MM/DD/YYYY, DD/MM/YYYY,
// MM/DD, DD/MM, YYYY-MM-DD) into a Go layout; "" when it is none of those
// shapes.
func layoutOf(format string) string {
	f := strings.ToUpper(strings.TrimSpace(format))
	if f == "" {
		return ""
	}
	layout := strings.NewReplacer("YYYY", "2006", "MM", "01", "DD", "02").Replace(f)
	rest := strings.NewReplacer("2006", "", "01", "", "02", "", "/", "", "-", "", ".", "", " ", "").Replace(layout)
	if rest != "" || !strings.Contains(layout, "01") || !strings.Contains(layout, "02") {
		return ""
	}
	return layout
}

// dateLayout is a date field's layout for writes: its date_format when that
// carries a year, else YYYY-MM-DD.
func dateLayout(mf mergeField) string {
	if l := layoutOf(mf.Options.DateFormat); strings.Contains(l, "2006") {
		return l
	}
	return isoDate
}

// birthdayLayoutOf is a birthday field's layout: its date_format (MM/DD or
// DD/MM), else MM/DD.
func birthdayLayoutOf(mf mergeField) string {
	if l := layoutOf(mf.Options.DateFormat); l != "" && !strings.Contains(l, "2006") {
		return l
	}
	return birthdayLayout
}

// readMerge renders a merge field's value canonically: a date as
// YYYY-MM-DD (read as YYYY-MM-DD or in the field's date_format), a
// birthday as MM/DD, a number as its digits, an empty value as a blank.
// A value the connector cannot read is passed on as Mailchimp wrote it.
func readMerge(mf mergeField, raw json.RawMessage) (string, error) {
	v, err := plain(raw)
	if err != nil || v == "" {
		return v, err
	}
	switch mf.Type {
	case "date":
		if t, err := time.Parse(isoDate, v); err == nil {
			return t.Format(isoDate), nil
		}
		if t, err := time.Parse(dateLayout(mf), v); err == nil {
			return t.Format(isoDate), nil
		}
	case "birthday":
		if t, err := time.Parse(birthdayLayoutOf(mf), v); err == nil {
			return t.Format(birthdayLayout), nil
		}
	}
	return v, nil
}

// readAddress splits an address merge field into its parts; an empty
// address (Mailchimp writes "") blanks every part.
func readAddress(raw json.RawMessage) (map[string]string, error) {
	out := make(map[string]string, len(addressParts))
	for _, p := range addressParts {
		out[p] = ""
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		v, err := plain(raw)
		out["addr1"] = v // a bare string: an address Mailchimp could not split
		return out, err
	}
	var parts map[string]json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil {
		return nil, err
	}
	for _, p := range addressParts {
		if v, ok := parts[p]; ok {
			s, err := plain(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", p, err)
			}
			out[p] = s
		}
	}
	return out, nil
}

// plain renders a JSON scalar as a string: null as a blank, a number as
// its digits, a boolean as true or false.
func plain(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case 'n':
		return "", nil
	case 't', 'f':
		return string(raw), nil
	case '{', '[':
		return "", fmt.Errorf("unexpected value %s", raw)
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// writeMerge converts a canonical value into what Mailchimp takes for the
// merge field: a number as a JSON number, a date in the field's
// date_format, a birthday as MM/DD or DD/MM as the field says, a blank as
// "" (Mailchimp's empty value). It returns why a value does not fit.
func writeMerge(mf mergeField, v string) (any, string) {
	if v == "" {
		return "", ""
	}
	switch mf.Type {
	case "number":
		s := strings.TrimSpace(v)
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return nil, strconv.Quote(v) + " is not a number"
		}
		return json.Number(s), ""
	case "date":
		t, err := time.Parse(isoDate, strings.TrimSpace(v))
		if err != nil {
			return nil, strconv.Quote(v) + " is not a date (YYYY-MM-DD)"
		}
		return t.Format(dateLayout(mf)), ""
	case "birthday":
		t, err := time.Parse(birthdayLayout, strings.TrimSpace(v))
		if err != nil {
			return nil, strconv.Quote(v) + " is not a birthday (MM/DD)"
		}
		return t.Format(birthdayLayoutOf(mf)), ""
	}
	return v, ""
}

// addressValue is what Mailchimp takes for an address from its parts:
// "" when every part is blank (no address), else the object, its lines
// always present (a blank clears one) and the country only when given
// (Mailchimp defaults it).
func addressValue(parts map[string]string) any {
	empty := true
	for _, v := range parts {
		empty = empty && v == ""
	}
	if empty {
		return ""
	}
	out := make(map[string]string, len(addressParts))
	for _, p := range addressParts {
		if v := parts[p]; v != "" || p != "country" {
			out[p] = v
		}
	}
	return out
}
