package engine

import (
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/mapping"
)

// namesDifferOnPhone keeps a phone rule from linking two people who share
// a switchboard: when rule i is e164 and a mapped name row holds a name on
// both sides that differs, r is held for review with o as its candidate.
// It reports whether r was held.
func (p *planner) namesDifferOnPhone(side string, r unlinkedRec, i int, key string, o store.IndexRow) bool {
	if kind, _, _ := strings.Cut(strings.ToLower(p.def.Match[i].Normalize), ":"); kind != "e164" {
		return false
	}
	other := otherSide(side)
	a, b := r.fields, store.DecodeFields(o.Fields)
	if side == "b" {
		a, b = b, a
	}
	// The same email on both sides is evidence of one person: a surname
	// changed, not a colleague.
	for _, row := range p.rows {
		if fieldsHold(row.AFields, "email") && fieldsHold(row.BFields, "email") {
			ca, errA := row.CanonA(a)
			cb, errB := row.CanonB(b)
			if errA == nil && errB == nil && ca != "" && strings.EqualFold(ca, cb) {
				return false
			}
		}
	}
	for _, row := range p.rows {
		if !personName(row.AFields) || !personName(row.BFields) {
			continue
		}
		ca, errA := row.CanonA(a)
		cb, errB := row.CanonB(b)
		na, nb := mapping.NormalizeName(ca), mapping.NormalizeName(cb)
		if errA != nil || errB != nil || na == "" || nb == "" || na == nb {
			continue
		}
		p.plan.Review = append(p.plan.Review, ReviewItem{Kind: "ambiguous", Side: side, RecordID: r.id,
			Reason: fmt.Sprintf("the record on side %s shares %s %q but its name is %q, not %q: a shared phone (a switchboard) is no evidence of one person; link them by hand if they are one",
				strings.ToUpper(other), p.ruleLabel(i), key, map[string]string{"a": cb, "b": ca}[side], map[string]string{"a": ca, "b": cb}[side]),
			Candidates: []Candidate{{Side: other, ID: o.ID, Rule: i + 1, Key: key}}})
		return true
	}
	return false
}

// personName reports whether fields are a person's name (firstname,
// LastName, name), not a company's or a user's.
func personName(fields []string) bool {
	if len(fields) == 0 {
		return false
	}
	for _, f := range fields {
		f = strings.ToLower(f)
		if !strings.Contains(f, "name") || strings.ContainsAny(f, ".") ||
			strings.Contains(f, "company") || strings.Contains(f, "account") || strings.Contains(f, "org") || strings.Contains(f, "user") {
			return false
		}
	}
	return true
}

func fieldsHold(fields []string, word string) bool {
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), word) {
			return true
		}
	}
	return false
}
