package brevo

import (
	"strconv"
	"strings"
	"time"
)

// The custom normal attributes the sandbox account has beside Brevo's defaults,
// the ones the app's ready-made sync maps.
const (
	AttrFirstName = "FIRSTNAME"
	AttrLastName  = "LASTNAME"
	AttrSMS       = "SMS"
	AttrCompany   = "COMPANY"
	AttrJobTitle  = "JOB_TITLE"
	AttrCity      = "CITY"
)

// Attribute is one contact attribute of the account, as GET /v3/contacts/attributes
// lists it: category (normal, transactional, category, calculated, global), name,
// type (text, date, float, boolean, id; category attributes carry an enumeration
// instead).
type Attribute struct {
	Category, Name, Type string
	Enumeration          []EnumValue
}

// EnumValue is one value of a category attribute.
type EnumValue struct {
	Value int64
	Label string
}

// defaultAttributes are those of a new account [unverified: the docs list the
// categories and types but not a new account's attributes; these are the
// long-standing Sendinblue defaults plus the identifier attributes the contact
// endpoints name (SMS, WHATSAPP, LANDLINE_NUMBER, EXT_ID)], then the sandbox's
// custom text attributes COMPANY, JOB_TITLE and CITY.
func defaultAttributes() []Attribute {
	return []Attribute{
		{Category: "normal", Name: AttrLastName, Type: "text"},
		{Category: "normal", Name: AttrFirstName, Type: "text"},
		{Category: "normal", Name: AttrSMS, Type: "text"},
		{Category: "normal", Name: "WHATSAPP", Type: "text"},
		{Category: "normal", Name: "LANDLINE_NUMBER", Type: "text"},
		{Category: "normal", Name: "EXT_ID", Type: "text"},
		{Category: "normal", Name: AttrCompany, Type: "text"},
		{Category: "normal", Name: AttrJobTitle, Type: "text"},
		{Category: "normal", Name: AttrCity, Type: "text"},
		{Category: "category", Name: "DOUBLE_OPT-IN", Enumeration: []EnumValue{{1, "Yes"}, {2, "No"}}},
		{Category: "transactional", Name: "ORDER_ID", Type: "id"},
		{Category: "transactional", Name: "ORDER_DATE", Type: "date"},
		{Category: "transactional", Name: "ORDER_PRICE", Type: "float"},
	}
}

// coerce checks an attribute value against its type. Per the create-contact
// reference, a value that does not match the attribute's type is ignored (ok
// false), not an error. A nil value or "" clears the attribute [unverified].
func coerce(a Attribute, v any) (out any, ok bool) {
	if v == nil {
		return nil, true
	}
	if a.Category == "category" {
		var n int64
		switch x := v.(type) {
		case float64:
			n = int64(x)
		case string:
			for _, e := range a.Enumeration {
				if strings.EqualFold(e.Label, x) {
					n = e.Value
				}
			}
		}
		for _, e := range a.Enumeration {
			if e.Value == n {
				return n, true
			}
		}
		return nil, false
	}
	switch a.Type {
	case "text", "id":
		switch x := v.(type) {
		case string:
			return x, true
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), true
		}
	case "float":
		if x, isNum := v.(float64); isNum {
			return x, true
		}
	case "boolean":
		if x, isBool := v.(bool); isBool {
			return x, true
		}
	case "date":
		if x, isStr := v.(string); isStr {
			if _, err := time.Parse("2006-01-02", x); err == nil {
				return x, true
			}
		}
	}
	return nil, false
}

// normalizeSMS applies the rule of the changelog "SMS number validation improved":
// a number is accepted only with its country code, as "+91 9788824675", "0091
// 9788824675", "919788824675", "+44 (0)7771234567" or "+1 (206) 123-4567".
// Spaces, dashes, dots and parentheses are dropped, as is a trunk "(0)". Without
// "+" or "00", at least 11 digits are needed so that a bare national number is
// refused [that threshold, and the stored "+<digits>" form, are unverified].
func normalizeSMS(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "(0)", "")
	intl := false
	switch {
	case strings.HasPrefix(s, "+"):
		intl, s = true, s[1:]
	case strings.HasPrefix(s, "00"):
		intl, s = true, s[2:]
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	if len(d) < 8 || len(d) > 15 || d[0] == '0' || (!intl && len(d) < 11) {
		return "", false
	}
	return "+" + d, true
}

// validEmail is a plain syntax check: one "@", a non-empty local part, a dotted
// domain, no spaces [Brevo's exact rule is unverified].
func validEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || strings.ContainsAny(e, " \t<>,;\"") || strings.Contains(domain, "@") {
		return false
	}
	dot := strings.LastIndex(domain, ".")
	return dot > 0 && dot < len(domain)-2
}
