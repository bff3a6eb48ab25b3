package mapping

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/net/idna"
)

// KeyVersion is the version of the match keys Normalize gives. Raise it
// whenever a kind's output changes for a value it accepted before: a
// store's index holds keys computed by the build that read each record,
// and a sync whose stored keys are older is re-keyed once from the fields
// it holds (store.RekeyRecords) so that old and new keys of the same value
// match. 1: an email's Unicode domain in punycode, a pasted <…> or mailto:
// form and a trailing dot read as the plain address.
const KeyVersion = 1

// Normalize puts a match-key value into comparable form. Kinds:
//
//	email      trim + lower, a Unicode domain in punycode, without a
//	           mailto:, <>, or the domain's trailing dot; an invalid
//	           address is an error naming it
//	e164       phone number in E.164 (default region US; "e164:GB" for another)
//	lower      trim + lower
//	exact      unchanged
//	domain     the host of an email address or URL, lower, without "www."
//	text       HTML read as text, lower, all whitespace one space: a
//	           HubSpot note's HTML body matches a Salesforce Note's text
//	name       a company name: lower, punctuation (but "&") as spaces, all
//	           whitespace one space: "Acme, Inc." matches "ACME Inc"; legal
//	           forms are kept ("Acme Ltd" is not "Acme Inc")
//	number     a decimal number as number fields are compared (coerce.go,
//	           on the digits, not float64): "2500.50", "2,500.5" and
//	           "2.5005e3" are "2500.5"; "1,5" is an error, never a guess
//
// A blank value normalizes to "" without error: a blank key matches nothing.
func Normalize(kind, value string) (string, error) {
	k, arg, _ := strings.Cut(strings.ToLower(strings.TrimSpace(kind)), ":")
	if k != "exact" && Blank(value) {
		return "", nil
	}
	switch k {
	case "exact":
		return value, nil
	case "lower":
		return strings.ToLower(strings.TrimSpace(value)), nil
	case "email":
		return normalizeEmail(value)
	case "e164":
		region := "US"
		if arg != "" {
			region = strings.ToUpper(arg)
		}
		if out, ok := fastNANP(value, region); ok {
			return out, nil
		}
		return toE164(value, region)
	case "domain":
		return normalizeDomain(value)
	case "text":
		return strings.ToLower(strings.Join(strings.Fields(htmlToText(value)), " ")), nil
	case "name":
		return normalizeName(value), nil
	case "number":
		return normalizeNumber(value) // as number fields compare, so "2500.50" is the "2500.5" a CRM answers
	}
	return "", fmt.Errorf("unknown match-key normalizer %q (use email, e164, lower, exact, domain, text, name or number)", kind)
}

// CheckNormalizer reports a problem with a match-key normalizer's
// argument, as the transform does when compiled: an e164 region the phone
// library does not know ("e164:UK" for GB) would read every national
// number as no key, and a record with no key matches nothing.
func CheckNormalizer(kind string) error {
	k, arg, hasArg := strings.Cut(strings.TrimSpace(kind), ":")
	if strings.EqualFold(k, "e164") && hasArg && !phonenumbers.GetSupportedRegions()[strings.ToUpper(arg)] {
		return fmt.Errorf("%s: unknown region %q (use a two-letter code such as US, GB, DE)", kind, arg)
	}
	return nil
}

// NormalizeName is the "name" normalizer, for comparing names.
func NormalizeName(value string) string { return normalizeName(value) }

// normalizeName reads a company name as its words: lower case, each
// punctuation mark but "&" a space, whitespace runs one space.
func normalizeName(value string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(value) {
		if unicode.IsPunct(r) && r != '&' {
			r = ' '
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func normalizeEmail(value string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(value))
	// As pasted from a mail client ("<ann@x.com>", a mailto: link) or
	// typed with the root's dot ("ann@x.com.", the same DNS name): the
	// same mailbox. A plus address is kept: another mailbox.
	if strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">") {
		v = strings.TrimSpace(v[1 : len(v)-1])
	}
	v = strings.TrimPrefix(v, "mailto:")
	v = strings.TrimSuffix(v, ".")
	local, domain, ok := strings.Cut(v, "@")
	if !ok || local == "" || strings.Contains(domain, "@") || !validHost(domain) ||
		strings.ContainsAny(local, " \t\r\n<>()[],;:\"") {
		return "", fmt.Errorf("invalid email %q", value)
	}
	// A Unicode domain is its punycode one (IDNA): one CRM may hold
	// either form of the same address.
	if !isASCII(domain) {
		if a, err := idna.Lookup.ToASCII(domain); err == nil {
			domain = a
		}
	}
	return local + "@" + domain, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// validHost accepts a dotted host name without spaces or empty labels.
func validHost(h string) bool {
	if h == "" || !strings.Contains(h, ".") || strings.ContainsAny(h, " \t\r\n/\\@") {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" {
			return false
		}
	}
	return true
}

func normalizeDomain(value string) (string, error) {
	v := strings.ToLower(strings.TrimSpace(value))
	var host string
	switch {
	case strings.Contains(v, "@") && !strings.Contains(v, "/"):
		_, host, _ = strings.Cut(v, "@")
	default:
		if !strings.Contains(v, "://") {
			v = "http://" + v
		}
		u, err := url.Parse(v)
		if err != nil {
			return "", fmt.Errorf("invalid domain or URL %q", value)
		}
		host = u.Hostname()
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "www."), ".")
	if !validHost(host) {
		return "", fmt.Errorf("invalid domain or URL %q", value)
	}
	return host, nil
}
