package engine

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// badField marks an indexed record the planner must not sync, with why.
// Vendor field names never start with "!".
const badField = "!bad"

// mergedField keeps, on a deleted record, the record it was merged into
// (connector.Record.MergedInto), so review can say so.
const mergedField = "!merged"

// maxValueBytes bounds one field value; anything larger is refused with a
// reason instead of being written somewhere it would be cut.
const maxValueBytes = 100_000

// indexer turns connector records into index records for one side.
type indexer struct {
	side string
	used map[string]bool
	// defaults are what the vendor reads back for fields a create leaves
	// out, where that is not blank (a checkbox's false).
	defaults map[string]string
	rules    [][]string // match rule -> fields on this side
	kinds    []string
	// also: match rule -> the field holding further values of its one
	// field on this side (connector.Field.SecondaryOf), or "".
	also []string
}

// withSecondaries reads, besides each single-field rule's field, the
// field sc declares holds its further values: read with the rest, at no
// extra call, for heldBySecondary.
func (ix indexer) withSecondaries(sc connector.Schema) indexer {
	ix.also = make([]string, len(ix.rules))
	for i, fs := range ix.rules {
		if len(fs) != 1 {
			continue
		}
		for _, f := range sc.Fields {
			if f.SecondaryOf == fs[0] {
				ix.also[i] = f.Name
				ix.used[f.Name] = true
				break
			}
		}
	}
	return ix
}

// withSideReads also reads and keeps the fields s's connector needs to
// know what a side write replaces (connector.SideWriter), so the audit
// holds it and an undo can put it back. They are no mapped field: no
// row merges or writes them.
func (ix indexer) withSideReads(s Side) indexer {
	if sw, ok := s.Conn.(connector.SideWriter); ok {
		for _, f := range sw.SideReads(s.Object) {
			ix.used[f] = true
		}
	}
	return ix
}

// secondaryKeys are the match keys of rule i that fields hold as further
// values of the rule's field: none where the rule has no such field.
func (ix indexer) secondaryKeys(i int, fields map[string]string) []string {
	if i >= len(ix.also) || ix.also[i] == "" {
		return nil
	}
	var out []string
	for _, v := range connector.SplitMulti(fields[ix.also[i]]) {
		if k, err := mapping.Normalize(ix.kinds[i], v); err == nil && k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func newIndexer(side string, def Definition, rows []mapping.Row, extra string) indexer {
	ix := indexer{side: side, used: map[string]bool{}, defaults: map[string]string{}}
	for _, r := range rows {
		r.ReadBackDefaults(side, ix.defaults)
		fs := r.AFields
		if side == "b" {
			fs = r.BFields
		}
		for _, f := range fs {
			ix.used[f] = true
		}
	}
	for _, m := range def.Match {
		spec := m.A
		if side == "b" {
			spec = m.B
		}
		fs := splitPlus(spec)
		for _, f := range fs {
			ix.used[f] = true
		}
		ix.rules = append(ix.rules, fs)
		ix.kinds = append(ix.kinds, m.Normalize)
	}
	filters := def.Filters.A
	if side == "b" {
		filters = def.Filters.B
	}
	for _, f := range filters {
		if _, linked := f.LinkedBy(); !linked { // another sync's links, not a field
			ix.used[f.Field] = true
		}
	}
	if extra != "" {
		ix.used[extra] = true
	}
	return ix
}

// fields lists the used fields: what a read of this side must return.
func (ix indexer) fields() []string {
	out := make([]string, 0, len(ix.used))
	for f := range ix.used {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// record keeps only the used fields and marks malformed records as bad.
func (ix indexer) record(r connector.Record) store.IndexRecord {
	out := store.IndexRecord{ID: r.ID, Deleted: r.Deleted, Fields: make(map[string]string, len(ix.used))}
	if !r.Modified.IsZero() {
		out.Modified = r.Modified.UnixMilli()
	}
	for f := range ix.used {
		v, ok := r.Fields[f]
		if !ok {
			continue
		}
		switch {
		case !utf8.ValidString(v):
			return ix.bad(out, "field "+f+" is not valid UTF-8")
		case len(v) > maxValueBytes:
			return ix.bad(out, "field "+f+" holds "+strconv.Itoa(len(v))+" bytes, more than "+strconv.Itoa(maxValueBytes))
		case strings.ContainsRune(v, 0):
			return ix.bad(out, "field "+f+" contains a NUL character")
		}
		out.Fields[f] = v
	}
	if !out.Deleted {
		out.Keys = ix.keys(out.Fields)
	} else if r.MergedInto != "" {
		out.Fields[mergedField] = r.MergedInto
	}
	return out
}

func (ix indexer) bad(r store.IndexRecord, why string) store.IndexRecord {
	return store.IndexRecord{ID: r.ID, Modified: r.Modified, Deleted: r.Deleted, Fields: map[string]string{badField: why}}
}

// ruleOf returns the match rule whose only field on this side is field,
// or -1: the rule whose key index holds an upsert key's values.
func (ix indexer) ruleOf(field string) int {
	for i, fs := range ix.rules {
		if len(fs) == 1 && fs[0] == field {
			return i
		}
	}
	return -1
}

// holdsMatch reports whether have, a record found by keyField after a
// create whose outcome is unknown, carries the match values the create
// sent. Where keyField is matched on, finding it is enough; where it is
// not (an email the vendor keeps unique, in a sync matching by phone), a
// record holding it with other match values held it before and refused
// the create: it is someone else's, for review, not this create's.
// A value the lookup did not return is not held against the record.
func (ix indexer) holdsMatch(have, sent map[string]string, keyField string) bool {
	if ix.ruleOf(keyField) >= 0 {
		return true
	}
	norm := func(kind, v string) string {
		if k, err := mapping.Normalize(kind, v); err == nil {
			return k
		}
		return strings.ToLower(strings.TrimSpace(v))
	}
	for i, fs := range ix.rules {
		if len(fs) != 1 {
			continue
		}
		s, sentOK := sent[fs[0]]
		h, haveOK := have[fs[0]]
		if !sentOK || !haveOK || strings.TrimSpace(s) == "" {
			continue
		}
		if norm(ix.kinds[i], s) != norm(ix.kinds[i], h) {
			return false
		}
	}
	return true
}

// keys computes every match key of a record: "" where a rule gives none.
func (ix indexer) keyList(fields map[string]string) []string {
	out := make([]string, len(ix.rules))
	for i, fs := range ix.rules {
		out[i] = matchKey(ix.kinds[i], fs, fields)
	}
	return out
}

func (ix indexer) keys(fields map[string]string) []store.RecordKey {
	var out []store.RecordKey
	for i, k := range ix.keyList(fields) {
		if k != "" {
			out = append(out, store.RecordKey{Rule: i, Key: k})
		}
	}
	return out
}

// matchKey normalizes every part; a blank or invalid part gives no key, so
// a record without an email never matches "everybody without an email".
func matchKey(kind string, fs []string, fields map[string]string) string {
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		v, err := mapping.Normalize(kind, fields[f])
		if err != nil || v == "" {
			return ""
		}
		parts = append(parts, v)
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "|")
}

// passes reports whether a record meets every filter of its side.
func passes(fs []Filter, fields map[string]string) bool {
	for _, f := range fs {
		v := fields[f.Field]
		ok := true
		switch f.Op {
		case "eq":
			ok = v == f.Value
		case "neq":
			ok = v != f.Value
		case "contains":
			ok = strings.Contains(strings.ToLower(v), strings.ToLower(f.Value))
		case "includes":
			// One of a multi-select's values, as SOQL's INCLUDES: "Champion"
			// is not included in "Champion Plus".
			ok = slices.ContainsFunc(connector.SplitMulti(v), func(x string) bool { return strings.EqualFold(x, strings.TrimSpace(f.Value)) })
		case "starts-with":
			// Salesforce ids start with their object's key prefix: a
			// Note's ParentId starts with 003 when it is a Contact's.
			ok = strings.HasPrefix(strings.ToLower(v), strings.ToLower(f.Value))
		case "empty":
			ok = strings.TrimSpace(v) == ""
		case "not-empty":
			ok = strings.TrimSpace(v) != ""
		case "gt", "lt":
			c := compareValues(v, f.Value)
			ok = (f.Op == "gt" && c > 0) || (f.Op == "lt" && c < 0)
		}
		if !ok {
			return false
		}
	}
	return true
}

// compareValues compares numerically when both parse as numbers, else as
// strings (which orders ISO dates correctly).
func compareValues(x, y string) int {
	fx, ex := strconv.ParseFloat(strings.TrimSpace(x), 64)
	fy, ey := strconv.ParseFloat(strings.TrimSpace(y), 64)
	if ex == nil && ey == nil {
		switch {
		case fx < fy:
			return -1
		case fx > fy:
			return 1
		}
		return 0
	}
	return strings.Compare(x, y)
}
