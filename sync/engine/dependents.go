package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// Dependent picklists: a field whose allowed options depend on another
// field of the same record (connector.Field.Controller), as a Salesforce
// state depends on its country. A value valid for no controller value the
// record will hold is refused by the CRM (Salesforce's State and
// Country/Territory Picklists) or, worse, stored without a word (a custom
// dependent picklist: Salesforce's API does not check it, see the
// sandbox's write.go); it is held back here instead, before any call, as
// a rejected review item naming both fields, while the rest of the record
// is written.

// dependents are, per side, the fields of its schema that have a
// controller mapped by a row (a controller the sync does not read is not
// known, so its dependents are left to the CRM).
func dependents(rows []mapping.Row, schemas map[string]connector.Schema) map[string][]connector.Field {
	out := map[string][]connector.Field{}
	for side, sc := range schemas {
		for _, f := range sc.Fields {
			if f.Controller != "" && rowsWrite(rows, side, f.Controller) {
				out[side] = append(out[side], f)
			}
		}
	}
	return out
}

// rowsWrite says whether a row reads or writes field on side.
func rowsWrite(rows []mapping.Row, side, field string) bool {
	return slices.ContainsFunc(rows, func(r mapping.Row) bool { return slices.Contains(rowFields(r, side), field) })
}

// dependentProblem says why w, a write to a record that holds current
// (nil for a create), would leave dependent field f with a value its
// controller does not allow: the value refused, the reason and the field
// of w to hold back (f, or its controller when only that changes, as a
// new country the record's state is not in); "" reason when it would not.
// Only values f lists are checked: any other is the picklist's own check.
func dependentProblem(f connector.Field, w *Write, current map[string]string) (value, why, held string) {
	v, ctrl := current[f.Name], current[f.Controller]
	held = f.Name
	i := slices.IndexFunc(w.Changes, func(c Change) bool { return c.Field == f.Name })
	if i >= 0 {
		v = w.Changes[i].New
	}
	j := slices.IndexFunc(w.Changes, func(c Change) bool { return c.Field == f.Controller })
	if j >= 0 {
		ctrl = w.Changes[j].New
		if i < 0 {
			held = f.Controller
		}
	}
	allowed, known := f.ValidFor[v]
	if (i < 0 && j < 0) || v == "" || !known || slices.Contains(allowed, ctrl) {
		return "", "", ""
	}
	if ctrl == "" {
		return v, fmt.Sprintf("%s: %q needs a %s, and the record has none (%q is valid for %s)", f.Name, v, f.Controller, v, strings.Join(allowed, ", ")), held
	}
	value = v
	if held == f.Controller {
		value = ctrl
	}
	return value, fmt.Sprintf("%s: %q is not valid for %s %q (%q is valid for %s; %s %q allows %s)", f.Name, v, f.Controller, ctrl,
		v, strings.Join(allowed, ", "), f.Controller, ctrl, strings.Join(validUnder(f, ctrl), ", ")), held
}

// validUnder lists f's values valid when its controller holds ctrl, sorted.
func validUnder(f connector.Field, ctrl string) []string {
	var out []string
	for v, cs := range f.ValidFor {
		if slices.Contains(cs, ctrl) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	slices.Sort(out)
	return out
}

// holdDependents takes out of a pair's writes every dependent value its
// controller will not allow, with its row's base (so it is tried again),
// and adds a rejected review item for each.
func (m merger) holdDependents(out *pairOut, a, b recView) {
	for _, t := range []struct {
		side           string
		w              *Write
		target, source recView
	}{{"a", out.toA, a, b}, {"b", out.toB, b, a}} {
		if t.w == nil {
			continue
		}
		for _, f := range m.deps[t.side] {
			v, why, held := dependentProblem(f, t.w, t.target.fields)
			if why == "" {
				continue
			}
			for _, r := range m.rows {
				if fs := rowFields(r, t.side); slices.Contains(fs, held) && dropRow(t.w, r.Key, fs) {
					out.reviews = append(out.reviews, ReviewItem{Kind: "rejected", Side: otherSide(t.side), RecordID: t.source.id, OtherID: t.target.id,
						Field: r.Key, Reason: why, Values: &Values{A: v}})
				}
			}
		}
	}
	if out.toA != nil && len(out.toA.Changes) == 0 {
		out.toA = nil
	}
	if out.toB != nil && len(out.toB.Changes) == 0 {
		out.toB = nil
	}
}

// createProblem is the rejected review item for a create whose dependent
// value its controller will not allow, if any: the record waits whole,
// as a create with any value it cannot carry does.
func (m merger) createProblem(w *Write, side, source string) (ReviewItem, bool) {
	for _, f := range m.deps[w.Side] {
		if v, why, _ := dependentProblem(f, w, nil); why != "" {
			key := f.Name
			for _, r := range m.rows {
				if slices.Contains(rowFields(r, w.Side), f.Name) {
					key = r.Key
				}
			}
			return ReviewItem{Kind: "rejected", Side: side, RecordID: source, Field: key, Reason: why, Values: &Values{A: v}}, true
		}
	}
	return ReviewItem{}, false
}

// settleTyped is v, a value a person decided for a record to create from
// side's fields, settled by that record's controller values (mapping.Row.Settle).
func settleTyped(r mapping.Row, v, side string, fields map[string]string) string {
	if side == "a" {
		return r.Settle(v, fields, nil)
	}
	return r.Settle(v, nil, fields)
}
