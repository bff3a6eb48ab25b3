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

// linkControllers gives each row whose one B field depends on another B
// field (connector.Field.Controller) the row writing that field.
func linkControllers(rows []Row) {
	for _, r := range rows {
		if r.c == nil || len(r.c.b) != 1 || r.c.b[0].Controller == "" || len(r.c.b[0].ValidFor) == 0 {
			continue
		}
		for _, o := range rows {
			if o.c != nil && o.c != r.c && len(o.c.b) == 1 && o.c.b[0].Name == r.c.b[0].Controller {
				r.c.controlledBy = o.c
			}
		}
	}
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
