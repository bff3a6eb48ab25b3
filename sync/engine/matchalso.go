package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/mapping"
)

// heldByAlso keeps rule i from linking r to its one candidate o when a
// field the rule must also agree on differs: r is held for review with o
// as its candidate. A rule without an "also" list falls back to the
// check its kind makes by default (namesDifferOnPhone for e164), so a
// sync saved before the setting existed matches as it did. It reports
// whether r was held.
func (p *planner) heldByAlso(side string, r unlinkedRec, i int, key string, o store.IndexRow) bool {
	also := p.def.Match[i].Also
	if len(also) == 0 {
		return p.namesDifferOnPhone(side, r, i, key, o)
	}
	a, b := r.fields, store.DecodeFields(o.Fields)
	if side == "b" {
		a, b = b, a
	}
	for _, name := range also {
		for _, row := range rowsNamed(p.rows, name) {
			ca, errA := row.CanonA(a)
			cb, errB := row.CanonB(b)
			// A row's default stands for a blank source, which says nothing.
			if row.Defaulted("a", a) {
				ca = ""
			}
			if row.Defaulted("b", b) {
				cb = ""
			}
			if errA != nil || errB != nil || !disagree(ca, cb) {
				continue
			}
			p.holdForAlso(side, r.id, i, key, o.ID, name, map[string]string{"a": ca, "b": cb})
			return true
		}
	}
	return false
}

// holdForAlso puts r in review with o as its candidate, saying which
// field of rule i's "also" list differs and both values.
func (p *planner) holdForAlso(side, id string, i int, key, otherID, field string, vals map[string]string) {
	other := otherSide(side)
	p.plan.Review = append(p.plan.Review, ReviewItem{Kind: "ambiguous", Side: side, RecordID: id,
		Reason: fmt.Sprintf("the record on side %s shares %s %q but its %s is %q, not %q: match rule %d must also agree on %s; link them by hand if they are one",
			strings.ToUpper(other), p.ruleLabel(i), key, field, vals[other], vals[side], i+1, field),
		Candidates: []Candidate{{Side: other, ID: otherID, Rule: i + 1, Key: key}}})
}

// disagree reports whether two canonical values of a row differ with both
// present: a blank on either side is something unknown, not a difference.
// Case and spacing aside, as a person reads a name.
func disagree(a, b string) bool {
	if mapping.Blank(a) || mapping.Blank(b) {
		return false
	}
	return !strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// rowsNamed returns the rows that name a field "also" lists: as the row's
// A or B side is written ("firstname+lastname"), or one of its fields.
func rowsNamed(rows []mapping.Row, name string) []mapping.Row {
	var out []mapping.Row
	for _, r := range rows {
		if fieldsNamed(r.AFields, name) || fieldsNamed(r.BFields, name) {
			out = append(out, r)
		}
	}
	return out
}

func fieldsNamed(fields []string, name string) bool {
	name = strings.TrimSpace(name)
	if name == "" {
		return false
	}
	return strings.EqualFold(strings.Join(fields, "+"), name) ||
		slices.ContainsFunc(fields, func(f string) bool { return strings.EqualFold(f, name) })
}

// alsoProblems names each "also" field of d's match rules that no field
// row maps: it could never be compared, and the rule would link as if it
// were not there.
func (d Definition) alsoProblems() []mapping.Problem {
	var ps []mapping.Problem
	for i, m := range d.Match {
		for _, name := range m.Also {
			if !slices.ContainsFunc(d.Fields, func(f mapping.Field) bool {
				return fieldsNamed(splitPlus(f.A), name) || fieldsNamed(splitPlus(f.B), name)
			}) {
				ps = append(ps, syncProblem("match", "match rule %d (%s/%s): must also agree on %q, but no field row maps %q; name a row's A or B field, or remove it", i+1, m.A, m.B, name, name))
			}
		}
	}
	return ps
}
