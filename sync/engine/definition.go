package engine

import (
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// Definition is one sync as the user defined it. It is stored as JSON in
// syncs.definition.
type Definition struct {
	Name      string            `json:"name"`
	A         SideDef           `json:"a"`
	B         SideDef           `json:"b"`
	Direction mapping.Direction `json:"direction"`
	Fields    []mapping.Field   `json:"fields"`
	// Match rules in order; the first should be the normalized email.
	Match     []MatchRule `json:"match"`
	Unmatched string      `json:"unmatched"` // create | skip | review
	Conflict  string      `json:"conflict"`  // prefer-a | prefer-b | newer | review
	Filters   Filters     `json:"filters,omitempty"`
	Schedule  string      `json:"schedule,omitempty"` // validated by sync/schedule
	Safety    Safety      `json:"safety,omitempty"`
	// TestLimit, when > 0, plans only the first N records of each side.
	TestLimit int `json:"test_limit,omitempty"`
}

// SideDef names a side: a connection and an object type.
type SideDef struct {
	Connection string `json:"connection"`
	Object     string `json:"object"`
}

// MatchRule pairs an A field and a B field whose normalized values must be
// equal. A and B may join several fields with "+" (e.g. "lastname+company");
// the key is then every part normalized and joined, and blank when any part is.
type MatchRule struct {
	A         string `json:"a"`
	B         string `json:"b"`
	Normalize string `json:"normalize"` // email | e164 | lower | exact | domain
}

// Filters include a record only when every filter of its side holds.
type Filters struct {
	A []Filter `json:"a,omitempty"`
	B []Filter `json:"b,omitempty"`
}

// Filter is "field op value".
type Filter struct {
	Field string `json:"field"`
	Op    string `json:"op"` // eq | neq | contains | empty | not-empty | gt | lt
	Value string `json:"value,omitempty"`
}

// Safety holds the rails that make a plan stop and ask.
type Safety struct {
	// MaxChangePercent of the target's records (default 25) - with a floor
	// of 50 records - above which creates+updates need confirmation.
	MaxChangePercent int `json:"max_change_percent,omitempty"`
	// MaxChanges, when > 0, is an absolute limit on creates+updates.
	MaxChanges int `json:"max_changes,omitempty"`
	// PropagateDeletes sends deletes to review; they are never automatic.
	PropagateDeletes bool `json:"propagate_deletes,omitempty"`
}

// Policies.
const (
	UnmatchedCreate = "create"
	UnmatchedSkip   = "skip"
	UnmatchedReview = "review"

	ConflictPreferA = "prefer-a"
	ConflictPreferB = "prefer-b"
	ConflictNewer   = "newer"
	ConflictReview  = "review"
)

var (
	// FilterOps are a filter's operators; the editor offers them.
	FilterOps = []string{"eq", "neq", "contains", "includes", "starts-with", "empty", "not-empty", "gt", "lt"}
	// Normalizers are the match rules' key normalizers (mapping.Normalize).
	Normalizers = []string{"email", "e164", "lower", "exact", "domain", "text"}
)

func oneOf(v string, set ...string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

func syncProblem(field, format string, args ...any) mapping.Problem {
	return mapping.Problem{Row: -1, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ValidateStatic checks what can be checked without the schemas.
func (d Definition) ValidateStatic() []mapping.Problem {
	var ps []mapping.Problem
	if strings.TrimSpace(d.Name) == "" {
		ps = append(ps, syncProblem("name", "the sync needs a name"))
	}
	for _, s := range []struct {
		label string
		d     SideDef
	}{{"A", d.A}, {"B", d.B}} {
		if s.d.Connection == "" {
			ps = append(ps, syncProblem("", "side %s needs a connection", s.label))
		}
		if s.d.Object == "" {
			ps = append(ps, syncProblem("", "side %s needs an object type", s.label))
		}
	}
	if !oneOf(string(d.Direction), string(mapping.AtoB), string(mapping.BtoA), string(mapping.TwoWay)) {
		ps = append(ps, syncProblem("direction", "direction %q must be a-to-b, b-to-a or two-way", d.Direction))
	}
	if len(d.Fields) == 0 {
		ps = append(ps, syncProblem("fields", "map at least one field"))
	}
	if len(d.Match) == 0 {
		ps = append(ps, syncProblem("match", "add at least one match rule (normalized email first), or every record would be unmatched"))
	}
	for i, m := range d.Match {
		if m.A == "" || m.B == "" {
			ps = append(ps, syncProblem("match", "match rule %d needs a field on both sides", i+1))
		}
		kind, _, _ := strings.Cut(m.Normalize, ":")
		if !oneOf(kind, Normalizers...) {
			ps = append(ps, syncProblem("match", "match rule %d: normalizer %q must be one of %s", i+1, m.Normalize, strings.Join(Normalizers, ", ")))
		}
	}
	if !oneOf(d.Unmatched, UnmatchedCreate, UnmatchedSkip, UnmatchedReview) {
		ps = append(ps, syncProblem("unmatched", "unmatched policy %q must be create, skip or review", d.Unmatched))
	}
	if !oneOf(d.Conflict, ConflictPreferA, ConflictPreferB, ConflictNewer, ConflictReview) {
		ps = append(ps, syncProblem("conflict", "conflict policy %q must be prefer-a, prefer-b, newer or review", d.Conflict))
	}
	for _, fs := range []struct {
		label string
		fs    []Filter
	}{{"A", d.Filters.A}, {"B", d.Filters.B}} {
		for i, f := range fs.fs {
			if f.Field == "" {
				ps = append(ps, syncProblem("filters", "filter %d of side %s needs a field", i+1, fs.label))
			}
			if !oneOf(f.Op, FilterOps...) {
				ps = append(ps, syncProblem("filters", "filter %d of side %s: operator %q must be one of %s", i+1, fs.label, f.Op, strings.Join(FilterOps, ", ")))
			}
		}
	}
	if d.Safety.MaxChangePercent < 0 || d.Safety.MaxChangePercent > 100 {
		ps = append(ps, syncProblem("safety", "max change percent %d must be between 0 and 100", d.Safety.MaxChangePercent))
	}
	if d.Safety.MaxChanges < 0 {
		ps = append(ps, syncProblem("safety", "max changes %d must not be negative", d.Safety.MaxChanges))
	}
	if d.TestLimit < 0 {
		ps = append(ps, syncProblem("test_limit", "test limit %d must not be negative", d.TestLimit))
	}
	return ps
}

// Validate checks the definition against both schemas and names every
// problem: missing fields, type mismatches, transforms that do not fit,
// directions that contradict the sync's, unknown policies, and a create
// policy into a side whose required fields are not all mapped.
func (d Definition) Validate(a, b connector.Schema) []mapping.Problem {
	ps := d.ValidateStatic()
	rows, mps := mapping.Compile(d.Fields, d.Direction, a, b)
	ps = append(ps, mps...)
	for i, m := range d.Match {
		for _, f := range splitPlus(m.A) {
			if _, ok := a.Field(f); !ok {
				ps = append(ps, syncProblem(f, "match rule %d: side A has no field %q", i+1, f))
			}
		}
		for _, f := range splitPlus(m.B) {
			if _, ok := b.Field(f); !ok {
				ps = append(ps, syncProblem(f, "match rule %d: side B has no field %q", i+1, f))
			}
		}
	}
	for _, f := range d.Filters.A {
		if _, ok := a.Field(f.Field); f.Field != "" && !ok {
			ps = append(ps, syncProblem(f.Field, "filter: side A has no field %q", f.Field))
		}
	}
	for _, f := range d.Filters.B {
		if _, ok := b.Field(f.Field); f.Field != "" && !ok {
			ps = append(ps, syncProblem(f.Field, "filter: side B has no field %q", f.Field))
		}
	}
	if d.Unmatched == UnmatchedCreate && len(mps) == 0 {
		if d.Direction == mapping.AtoB || d.Direction == mapping.TwoWay {
			ps = append(ps, requiredMapped("B", b, rows, func(r mapping.Row) ([]string, bool) { return r.BFields, r.Dir != mapping.BtoA })...)
		}
		if d.Direction == mapping.BtoA || d.Direction == mapping.TwoWay {
			ps = append(ps, requiredMapped("A", a, rows, func(r mapping.Row) ([]string, bool) { return r.AFields, r.Dir != mapping.AtoB })...)
		}
	}
	return ps
}

// requiredMapped names each required, writable field of a side that no row
// writes, since creating records there would fail at the vendor.
func requiredMapped(label string, s connector.Schema, rows []mapping.Row, written func(mapping.Row) ([]string, bool)) []mapping.Problem {
	have := map[string]bool{}
	for _, r := range rows {
		if fs, ok := written(r); ok {
			for _, f := range fs {
				have[f] = true
			}
		}
	}
	var ps []mapping.Problem
	for _, f := range s.Fields {
		if f.Required && !f.ReadOnly && !have[f.Name] {
			ps = append(ps, syncProblem(f.Name, "unmatched policy \"create\" creates records on side %s, but its required field %q is not mapped towards it", label, f.Name))
		}
	}
	return ps
}

func splitPlus(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "+") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
