package brevo

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/jsonscan"
)

// toRecord converts a contact into a canonical record: its own fields,
// then every attribute of the schema ("" when the contact has none) and
// any other attribute it carries, as text.
func toRecord(d *schemaData, ct contact) (connector.Record, error) {
	if ct.ID == 0 {
		return connector.Record{}, fmt.Errorf("a contact without an id")
	}
	id := strconv.FormatInt(ct.ID, 10)
	mod, err := parseTime(ct.ModifiedAt)
	if err != nil {
		return connector.Record{}, fmt.Errorf("contact %s: modifiedAt %q is not a date and time", id, ct.ModifiedAt)
	}
	f := make(map[string]string, 10+len(d.Attributes))
	f[fID] = id
	f[fEmail] = deref(ct.Email)
	f[fExtID] = deref(ct.ExtID)
	if f[fExtID] == "" {
		f[fExtID] = jsonscan.Scalar(ct.Attributes["EXT_ID"], connector.MultiSep)
	}
	f[fEmailBlacklisted] = strconv.FormatBool(ct.EmailBlacklisted)
	f[fSMSBlacklisted] = strconv.FormatBool(ct.SMSBlacklisted)
	if d.ListsOK {
		ids := make([]string, len(ct.ListIDs))
		for i, l := range ct.ListIDs {
			ids[i] = strconv.FormatInt(l, 10)
		}
		f[fListIDs] = strings.Join(ids, connector.MultiSep)
	}
	f[fCreated] = canonicalTime(ct.CreatedAt)
	f[fModified] = mod.Format(time.RFC3339)
	known := map[string]bool{}
	for _, a := range d.Attributes {
		if covered[strings.ToUpper(a.Name)] {
			continue
		}
		known[a.Name] = true
		f[a.Name] = attrValue(a, ct.Attributes[a.Name])
	}
	for k, raw := range ct.Attributes {
		if !known[k] && !covered[strings.ToUpper(k)] {
			f[k] = jsonscan.Scalar(raw, connector.MultiSep)
		}
	}
	return connector.Record{ID: id, Fields: f, Modified: mod}, nil
}

// attrValue is an attribute's value in canonical form by the attribute's
// type: a date as YYYY-MM-DD, a category by its enumeration value (Brevo
// may answer with the label [unverified which]), a multiple-choice as its
// options joined by MultiSep, anything else as text.
func attrValue(a attribute, raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return ""
	}
	switch fieldType(a) {
	case connector.TypeDate:
		v := jsonscan.Scalar(raw, connector.MultiSep)
		if t, err := parseTime(v); err == nil {
			return t.Format("2006-01-02")
		}
		if len(v) >= 10 {
			if _, err := time.Parse("2006-01-02", v[:10]); err == nil {
				return v[:10]
			}
		}
		return v
	case connector.TypeEnum:
		v := jsonscan.Scalar(raw, connector.MultiSep)
		for _, e := range a.Enumeration {
			if strings.EqualFold(e.Label, v) {
				return e.Value.String()
			}
		}
		return v
	case connector.TypeMulti:
		var vs []string
		if json.Unmarshal(raw, &vs) == nil {
			return strings.Join(vs, connector.MultiSep)
		}
	}
	return jsonscan.Scalar(raw, connector.MultiSep)
}

// wireValue is the value a write sends for attribute a: null for a blank
// (which clears it [unverified: the reference names no way to clear one;
// null is what the SDKs' nullable attributes send]), a number for a float,
// a bool for a boolean, the enumeration value for a category (a label is
// looked up), a list for a multiple-choice, text otherwise.
func wireValue(a attribute, v string) (any, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	switch fieldType(a) {
	case connector.TypeNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", v)
		}
		return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), nil
	case connector.TypeBool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", v)
		}
		return b, nil
	case connector.TypeDate:
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return nil, fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
		}
		return v, nil
	case connector.TypeEnum:
		for _, e := range a.Enumeration {
			if e.Value.String() == v || strings.EqualFold(e.Label, v) {
				return e.Value, nil
			}
		}
		return nil, fmt.Errorf("%q is not one of the values of %s", v, a.Name)
	case connector.TypeMulti:
		return connector.SplitMulti(v), nil
	}
	return v, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// parseTime reads Brevo's date-times: RFC 3339 with milliseconds and an
// offset (2017-05-12T12:30:00.000+02:00), in UTC.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// canonicalTime is a date-time in RFC 3339 UTC seconds, or "" when it
// does not parse.
func canonicalTime(s string) string {
	t, err := parseTime(s)
	if err != nil {
		return ""
	}
	return t.Format(time.RFC3339)
}
