package mapping

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// normalizeNumber coerces a number written by people or CRMs into a plain
// decimal: "1,234.50" -> "1234.5", "$ 42" -> "42", "-0.0" -> "0". It works on
// the digits, not through float64, so large or precise values survive.
// Commas count only as thousands separators in groups of three; "1,5" is
// ambiguous (a decimal comma?) and therefore an error, never a guess.
func normalizeNumber(s string) (string, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	s = strings.TrimSpace(strings.Trim(s, "$€£¥"))
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	s = strings.TrimSpace(strings.Trim(s, "$€£¥"))
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		// Vendors answer JSON numbers in exponent form (1e+21, 1e-07);
		// expanded on the digits so they compare equal to the plain form.
		plain, ok := expandExponent(s[:i], s[i+1:])
		if !ok {
			return "", fmt.Errorf("number %q is not a number", in)
		}
		s = plain
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if strings.Contains(intPart, ",") {
		groups := strings.Split(intPart, ",")
		for i, g := range groups {
			if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
				return "", fmt.Errorf("number %q: ambiguous or invalid digit grouping", in)
			}
		}
		intPart = strings.Join(groups, "")
	}
	if (intPart == "" && frac == "") || !allDigits(intPart) || !allDigits(frac) || (hasDot && frac == "" && intPart == "") {
		return "", fmt.Errorf("number %q is not a number", in)
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	frac = strings.TrimRight(frac, "0")
	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, nil
}

// expandExponent writes mant×10^exp as a plain decimal, exactly.
func expandExponent(mant, exp string) (string, bool) {
	e, err := strconv.Atoi(exp)
	intPart, frac, _ := strings.Cut(mant, ".")
	if err != nil || e > 400 || e < -400 || intPart+frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return "", false
	}
	digits, point := intPart+frac, len(intPart)+e
	switch {
	case point <= 0:
		return "0." + strings.Repeat("0", -point) + digits, true
	case point >= len(digits):
		return digits + strings.Repeat("0", point-len(digits)), true
	}
	return digits[:point] + "." + digits[point:], true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// normalizeBool reads the usual spellings of yes and no.
func normalizeBool(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return "", nil
	case "true", "t", "yes", "y", "1", "on", "checked":
		return "true", nil
	case "false", "f", "no", "n", "0", "off", "unchecked":
		return "false", nil
	}
	return "", fmt.Errorf("value %q is not a yes/no value", s)
}

// divideTransform builds "divide:N": B holds A's number divided by N and
// rounded to a whole number, and A gets B's number times N back. It turns
// HubSpot's call duration in milliseconds into Salesforce's whole seconds
// (divide:1000). The rounding cannot loop: a value read back from B and
// multiplied divides to itself again.
func divideTransform(arg string) (transform, error) {
	n, err := strconv.ParseFloat(arg, 64)
	if err != nil || n <= 0 || math.IsInf(n, 0) {
		return transform{}, fmt.Errorf("transform divide needs a positive number to divide by, e.g. divide:1000")
	}
	forward := func(s string) (string, error) {
		v, err := normalizeNumber(s)
		if err != nil || v == "" {
			return v, err
		}
		f, _ := strconv.ParseFloat(v, 64)
		return normalizeNumber(strconv.FormatFloat(math.Round(f/n), 'f', -1, 64))
	}
	inverse := func(s string) (string, error) {
		v, err := normalizeNumber(s)
		if err != nil || v == "" {
			return v, err
		}
		f, _ := strconv.ParseFloat(v, 64)
		return normalizeNumber(strconv.FormatFloat(f*n, 'f', -1, 64))
	}
	return transform{name: "divide", forward: forward, canon: normalizeNumber, inverse: inverse,
		aTypes: withText(connector.TypeNumber), bTypes: withText(connector.TypeNumber)}, nil
}

// clockUnits are the units hhmm:UNIT and mmss:UNIT read A's number in, in
// milliseconds.
var clockUnits = map[string]float64{"ms": 1, "s": 1000, "min": 60000}

// clockTransform builds "hhmm:UNIT" (step a minute) or "mmss:UNIT" (step a
// second): A holds a length as a number of UNIT (ms, s or min), B as two
// numbers joined by a colon, the second under 60 ("HH:MM" or "MM:SS"),
// rounded to the step. hhmm:ms turns HubSpot's call duration in
// milliseconds into a Pipedrive activity's duration, mmss:ms into a Zoho
// call's Call_Duration. Like divide, the rounding cannot loop: a length
// read back from B converts to itself again.
func clockTransform(name, arg string, step float64) (transform, error) {
	unit, ok := clockUnits[arg]
	if !ok {
		return transform{}, fmt.Errorf("transform %s needs the unit A counts in: %s:ms, %s:s or %s:min", name, name, name, name)
	}
	forward := func(s string) (string, error) {
		v, err := normalizeNumber(s)
		if err != nil || v == "" {
			return v, err
		}
		f, _ := strconv.ParseFloat(v, 64)
		if f < 0 {
			return "", fmt.Errorf("%q is not a length", s)
		}
		n := int64(math.Round(f * unit / step))
		return fmt.Sprintf("%02d:%02d", n/60, n%60), nil
	}
	canon := func(s string) (string, error) { return canonClock(name, s) }
	inverse := func(s string) (string, error) {
		c, err := canon(s)
		if err != nil || c == "" {
			return c, err
		}
		var big, small int
		fmt.Sscanf(c, "%d:%d", &big, &small)
		return normalizeNumber(strconv.FormatFloat(float64(big*60+small)*step/unit, 'f', -1, 64))
	}
	return transform{name: name, forward: forward, canon: canon, inverse: inverse,
		aTypes: withText(connector.TypeNumber), bTypes: plainText}, nil
}

// canonClock normalizes a length written as H:MM or HH:MM (hhmm), or
// M:SS or MM:SS (mmss).
func canonClock(name, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	var big, small int
	if n, err := fmt.Sscanf(s, "%d:%d", &big, &small); err != nil || n != 2 || big < 0 || small < 0 || small > 59 {
		return "", fmt.Errorf("%q is not a length as %s", s, map[string]string{"hhmm": "HH:MM", "mmss": "MM:SS"}[name])
	}
	return fmt.Sprintf("%02d:%02d", big, small), nil
}

// spanTransform is "span": A is a start and an end, two instants joined
// (a: start+end), B the time between them as HH:MM, to the minute; a
// HubSpot meeting's start and end make a Pipedrive activity's duration.
// Either end missing gives no length. One-way: a length cannot be turned
// back into a start and an end.
func spanTransform() transform {
	forward := func(s string) (string, error) {
		parts := strings.Fields(s)
		if len(parts) != 2 {
			return "", nil // a start or an end alone has no length
		}
		start, k1, err1 := parseTimeValue(parts[0])
		end, k2, err2 := parseTimeValue(parts[1])
		if err := errors.Join(err1, err2); err != nil || k1 != kindInstant || k2 != kindInstant {
			return "", fmt.Errorf("span needs a start and an end, two instants: %q", s)
		}
		if end.Before(start) {
			return "", fmt.Errorf("%s ends before it starts (%s)", parts[1], parts[0])
		}
		// B's start (wallclock) has whole minutes: the length runs from
		// there, so that start plus length (endat) reads back this length
		// and a start with seconds does not take a minute off at each merge.
		m := int64(math.Round(end.Sub(start.Truncate(time.Minute)).Minutes()))
		return fmt.Sprintf("%02d:%02d", m/60, m%60), nil
	}
	return transform{name: "span", forward: forward, canon: func(s string) (string, error) { return canonClock("hhmm", s) },
		whyNot: "a length cannot be turned back into a start and an end",
		aTypes: withText(connector.TypeDateTime), bTypes: plainText}
}
