package jsonscan

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Scalar is a JSON value as text, for vendors whose fields may hold any
// JSON type (Klaviyo's custom properties, Brevo's attributes): a string's
// contents, a number or a bool as written, the scalars of an array joined
// by sep, and "" for null, an object or anything unreadable.
func Scalar(v []byte, sep string) string {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || v[0] == '{' || string(v) == "null":
		return ""
	case v[0] == '"':
		s, err := String(v)
		if err != nil {
			return ""
		}
		return s
	case v[0] == '[':
		var out []string
		var elems []json.RawMessage
		if json.Unmarshal(v, &elems) != nil {
			return ""
		}
		for _, e := range elems {
			if x := Scalar(e, sep); x != "" {
				out = append(out, x)
			}
		}
		return strings.Join(out, sep)
	}
	return string(v)
}
