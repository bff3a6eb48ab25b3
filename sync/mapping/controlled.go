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
// The dependent field may be on either side: Salesforce is side A of some
// syncs and side B of others.

// linkControllers gives each row whose one field on a side depends on
// another field of that side (connector.Field.Controller) the row writing
// that field, per side.
func linkControllers(rows []Row) {
	for _, r := range rows {
		for _, side := range []string{"a", "b"} {
			if f, ok := r.c.dependent(side); ok {
				r.c.controlledBy[sideIndex(side)] = controllerRow(rows, r.c, side, f.Controller)
			}
		}
	}
}

// controllerRow is the row other than c whose one field on side is named
// name, or nil.
func controllerRow(rows []Row, c *codec, side, name string) *codec {
	for _, o := range rows {
		if f, ok := o.c.only(side); ok && o.c != c && f.Name == name {
			return o.c
		}
	}
	return nil
}

// sideIndex is side's index in codec.controlledBy.
func sideIndex(side string) int {
	if side == "a" {
		return 0
	}
	return 1
}

// only is c's one field on side, if it has exactly one.
func (c *codec) only(side string) (connector.Field, bool) {
	if c == nil {
		return connector.Field{}, false
	}
	fs := c.b
	if side == "a" {
		fs = c.a
	}
	if len(fs) != 1 {
		return connector.Field{}, false
	}
	return fs[0], true
}

// dependent is c's one field on side when it is a dependent picklist.
func (c *codec) dependent(side string) (connector.Field, bool) {
	f, ok := c.only(side)
	return f, ok && f.Controller != "" && len(f.ValidFor) > 0
}

// settle is canon, a canonical value of the row, as the option of its
// dependent field on side that the controller value settles, when canon
// names several options and exactly one of them is valid under it;
// otherwise canon unchanged. other is the record the value comes from
// (side's other side), whose controller value is what the sync writes to
// side; nil when there is none.
func (c *codec) settle(side, canon string, other map[string]string) string {
	by := c.controlledBy[sideIndex(side)]
	f, ok := c.dependent(side)
	if by == nil || !ok || canon == "" || other == nil {
		return canon
	}
	v, ok := c.valueOn(side, canon)
	if !ok {
		return canon
	}
	if _, err := normOption(strings.TrimSpace(v), f, true); err == nil {
		return canon // names one option already, or the field takes any value
	}
	ctrl, ok := by.writtenFrom(side, other)
	if !ok {
		return canon
	}
	s := settleOption(v, f, ctrl)
	if s == v {
		return canon
	}
	return c.canonOn(side, s, canon)
}

// Settle is canon, a value a person typed for a record whose pair reads
// a and b (either nil when it has none), as the option the record's
// controller value settles where canon names several ("WA" with
// Australia is Western Australia), as a value read is settled. Unsettled,
// a decided "WA" was refused as ambiguous and went back to review.
func (r Row) Settle(canon string, a, b map[string]string) string {
	if r.c == nil {
		return canon
	}
	return r.c.settle("a", r.c.settle("b", canon, a), b)
}

// writtenFrom is the value c writes to its one field on side when its
// other side's record holds other; false when it writes none.
func (c *codec) writtenFrom(side string, other map[string]string) (string, bool) {
	var canon string
	var err error
	if side == "b" {
		canon, err = c.canonA(other)
	} else {
		canon, err = c.canonB(other)
	}
	if err != nil || canon == "" {
		return "", false
	}
	return c.valueOn(side, canon)
}

// valueOn is canon as c writes it to its one field on side, an option
// named by its own value where it names one: B's field holds the
// canonical form itself; A's goes through the inverse transform.
func (c *codec) valueOn(side, canon string) (string, bool) {
	f, ok := c.only(side)
	if !ok {
		return "", false
	}
	v := canon
	if side == "a" {
		var err error
		if v, err = c.toA(canon, nil); err != nil {
			return "", false
		}
	}
	v, err := normType(v, f, false)
	return v, err == nil
}

// canonOn is the canonical form of v, a value of c's one field on side;
// fallback when it has none.
func (c *codec) canonOn(side, v, fallback string) string {
	if side == "b" {
		return v
	}
	canon, err := c.canonA(map[string]string{c.a[0].Name: v})
	if err != nil || canon == "" {
		return fallback
	}
	return canon
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

// optionOfA is v, B's free text read for a plain row onto A's picklist,
// as the one option of A it names ("AU" is Salesforce's "Australia"):
// the value A is written and reads back, so B's "AU" and A's "Australia"
// compare equal, as canonA compares them when the picklist is B's.
// Compared as typed, A's name read back looked like A's edit, written
// over B's text, and an edit of B's met it as a conflict.
func (c *codec) optionOfA(v string) string {
	if c.fwd.name != "none" || c.rev != nil || len(c.a) != 1 || len(c.b) != 1 || c.a[0].Type != connector.TypeEnum || !foldable(c.b[0].Type) {
		return v
	}
	if o, err := normOption(v, c.a[0], true); err == nil {
		return o
	}
	return v
}
