package mapping

import (
	"errors"
	"slices"

	"github.com/crmsync/crmsync/sync/connector"
)

// An opt-out row (rule opt-out) carries one thing only: that a person
// opted out of email. Its canonical value is the opt-out value in B's
// form ("unsubscribed", "true") or blank for every other state
// (subscribed, pending, not set), so the engine can tell an opt-out from
// anything else whatever the two vendors call it. Which values are the
// opt-out is what the row's value map writes into B (true →
// unsubscribed); a row with no map joins two checkboxes, where "true" is.

// optOutValues are the canonical B values that mean "opted out", or nil
// with the reason the row cannot be an opt-out row.
func optOutValues(c *codec, vm map[string]string) (map[string]bool, string) {
	switch {
	case c.fwd.constant:
		return nil, "a constant cannot carry an opt-out"
	case len(c.a) != 1 || len(c.b) != 1:
		return nil, "an opt-out joins one field on each side"
	case c.b[0].Type == connector.TypeMulti:
		return nil, "a multi-select cannot be an opt-out"
	}
	out := map[string]bool{}
	switch c.fwd.name {
	case "map":
		for _, v := range vm {
			if n, err := normType(v, c.b[0], false); err == nil && n != "" {
				out[n] = true
			}
		}
		if len(out) == 0 {
			return nil, "the value map names no opt-out value: map the value that means opted out (true → unsubscribed)"
		}
	case "none":
		if c.a[0].Type != connector.TypeBool || c.b[0].Type != connector.TypeBool {
			return nil, "map the value that means opted out (value_map, e.g. true → unsubscribed), or join two checkboxes"
		}
		out["true"] = true
	default:
		return nil, "an opt-out takes no transform but map"
	}
	return out, ""
}

// optOut keeps v only when it is an opt-out. A value the value map does not
// name (a checkbox's false, a status of subscribed) is no opt-out rather
// than a value to review: the row never writes it.
func (c *codec) optOut(v string, err error) (string, error) {
	var uv *UnknownValueError
	if errors.As(err, &uv) && uv.Unmapped {
		return "", nil
	}
	if err != nil || !c.out[v] {
		return "", err
	}
	return v, nil
}

// OptOutValues lists the canonical values that mean opted out, sorted,
// for display; nil unless the row is an opt-out row.
func (r Row) OptOutValues() []string {
	if r.c == nil || r.c.out == nil {
		return nil
	}
	vs := make([]string, 0, len(r.c.out))
	for v := range r.c.out {
		vs = append(vs, v)
	}
	slices.Sort(vs)
	return vs
}
