package mapping

import (
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// Dependent picklists whose options share a name or code: Salesforce's
// state picklist lists "WA" for Washington and for Western Australia. The
// record's controller value, as the sync writes it, settles which option
// a value means, so "WA" with Australia is Western Australia, compared
// and written as such. With no controller value, or one the field's
// ValidFor does not know, the value stays ambiguous and goes to review.

// linkControllers gives each row whose one B (or A) field depends on
// another field of its side (connector.Field.Controller) the row writing
// that field: the dependent picklist may be on either side of a sync.
func linkControllers(rows []Row) {
	for _, r := range rows {
		if r.c == nil {
			continue
		}
		r.c.controlledBy = controllerRow(rows, r.c, func(c *codec) []connector.Field { return c.b })
		r.c.controlledByA = controllerRow(rows, r.c, func(c *codec) []connector.Field { return c.a })
	}
}

// controllerRow is the row other than c writing the field that controls
// c's one field on one side (side gives a codec's fields there), or nil.
func controllerRow(rows []Row, c *codec, side func(*codec) []connector.Field) *codec {
	fs := side(c)
	if len(fs) != 1 || fs[0].Controller == "" || len(fs[0].ValidFor) == 0 {
		return nil
	}
	var found *codec
	for _, o := range rows {
		if o.c != nil && o.c != c && len(side(o.c)) == 1 && side(o.c)[0].Name == fs[0].Controller {
			found = o.c
		}
	}
	return found
}

// settleB is v, a value for B's one field, as the option the controller
// value an A record's write gives B settles, when v names several options
// and exactly one of them is valid under it; otherwise v unchanged.
func (c *codec) settleB(v string, fields map[string]string) string {
	if c.controlledBy == nil || v == "" {
		return v
	}
	if _, err := normOption(strings.TrimSpace(v), c.b[0], true); err == nil {
		return v // names one option already, or the field takes any value
	}
	ctrl, err := c.controlledBy.canonA(fields)
	if err != nil || ctrl == "" {
		return v
	}
	return settleOption(v, c.b[0], ctrl)
}

// settleA is settleB for a row whose dependent picklist is A's one field:
// v, B's canonical value, as the option of A's field that the controller
// value a B record's write gives A settles, when v names several options
// and exactly one of them is valid under it; otherwise v unchanged.
func (c *codec) settleA(v string, fields map[string]string) string {
	if c.controlledByA == nil || v == "" || len(c.a) != 1 {
		return v
	}
	if _, err := normOption(strings.TrimSpace(v), c.a[0], true); err == nil {
		return v
	}
	canon, err := c.controlledByA.canonB(fields)
	if err != nil || canon == "" {
		return v
	}
	written, err := c.controlledByA.writeA(nil, canon, nil)
	if err != nil || len(written) != 1 || written[0].Value == "" {
		return v
	}
	return settleOption(v, c.a[0], written[0].Value)
}

// settleOption is the one option of f that v names (by value or label,
// in any case) and that is valid when f's controller holds ctrl, or v when
// there is not exactly one.
func settleOption(v string, f connector.Field, ctrl string) string {
	v = strings.TrimSpace(v)
	found := ""
	for _, o := range f.Options {
		if !strings.EqualFold(o.Value, v) && !strings.EqualFold(o.Label, v) || !slices.Contains(f.ValidFor[o.Value], ctrl) {
			continue
		}
		if found != "" && found != o.Value {
			return v
		}
		found = o.Value
	}
	if found == "" {
		return v
	}
	return found
}
