package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

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

// SideName names side "a" or "b" for a person by its connection and
// object ("salesforce-sandbox Contact"), "side A" or "side B" where the
// definition names neither: nobody thinks of their CRMs as A and B.
func (d Definition) SideName(side string) string {
	s := d.A
	if side == "b" {
		s = d.B
	}
	if n := s.Name(); n != "" {
		return n
	}
	return "side " + strings.ToUpper(side)
}

// sideObject names side "a" or "b" in an error, by its connection and
// object where the definition names them ("salesforce-sandbox Contact"),
// else "side A (Contact)" with the object the run reads.
func (d Definition) sideObject(side, object string) string {
	if n := d.sideDef(side).Name(); n != "" {
		return n
	}
	return fmt.Sprintf("side %s (%s)", strings.ToUpper(side), object)
}

// inSide names side "a" or "b" after a record in an engine text ("1001
// in salesforce-sandbox Contact"), "on side B" where the definition names
// neither, as app.SideNames.InText reads the texts stored before.
func (d Definition) inSide(side string) string {
	if n := d.sideDef(side).Name(); n != "" {
		return "in " + n
	}
	return "on side " + strings.ToUpper(side)
}

// Name is the side's connection and object, "" where neither is set.
func (s SideDef) Name() string { return strings.TrimSpace(s.Connection + " " + s.Object) }

// MatchRule pairs an A field and a B field whose normalized values must be
// equal. A and B may join several fields with "+" (e.g. "lastname+company");
// the key is then every part normalized and joined, and blank when any part is.
type MatchRule struct {
	A         string `json:"a"`
	B         string `json:"b"`
	Normalize string `json:"normalize"` // email | e164 | lower | exact | domain | text | name | number
	// Also names field rows (by a row's A or B field, as in Fields) whose
	// values must also agree for a match by this rule to link: where one
	// differs, both sides non-blank, the pair waits in review naming the
	// field. Empty: an e164 rule holds people whose mapped names differ
	// (namesDifferOnPhone), any other rule links on its key alone.
	Also []string `json:"also,omitempty"`
}

// Filters include a record only when every filter of its side holds.
type Filters struct {
	A []Filter `json:"a,omitempty"`
	B []Filter `json:"b,omitempty"`
}

// Filter is "field op value". A field "linked:SYNC" is no field of the
// record but whether sync SYNC has it: links it to a live record, or holds
// it in review to be matched ("true" or "false", with eq or neq):
// {field: "linked:contacts", op: eq, value: "false"} keeps the
// HubSpot contacts the contacts sync has not linked, so a leads sync
// leaves to it those that have a Salesforce Contact, as HubSpot's own
// integration syncs a contact with its Contact rather than a Lead.
type Filter struct {
	Field string `json:"field"`
	Op    string `json:"op"` // eq | neq | contains | empty | not-empty | gt | lt
	Value string `json:"value,omitempty"`
}

// linkedPrefix starts a filter field that asks whether another sync
// links the record.
const linkedPrefix = "linked:"

// LinkedBy returns the sync a "linked:SYNC" filter names.
func (f Filter) LinkedBy() (string, bool) {
	name, ok := strings.CutPrefix(f.Field, linkedPrefix)
	return strings.TrimSpace(name), ok
}

// FilterSyncs lists the syncs d's "linked:SYNC" filters name, each once,
// side A's first.
func FilterSyncs(d Definition) []string {
	var out []string
	for _, f := range append(slices.Clone(d.Filters.A), d.Filters.B...) {
		if name, ok := f.LinkedBy(); ok && name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
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
	// UnmatchedCreateInA creates side B's unmatched records in A and skips
	// side A's (UnmatchedCreateInB the other way): a contacts sync that
	// brings Salesforce Contacts to HubSpot but leaves a HubSpot contact
	// with no Contact to a leads sync, which makes it a Lead.
	UnmatchedCreateInA = "create-in-a"
	UnmatchedCreateInB = "create-in-b"

	ConflictPreferA = "prefer-a"
	ConflictPreferB = "prefer-b"
	ConflictNewer   = "newer"
	ConflictReview  = "review"
)

var (
	// FilterOps are a filter's operators; the editor offers them.
	FilterOps = []string{"eq", "neq", "contains", "includes", "starts-with", "empty", "not-empty", "gt", "lt"}
	// Normalizers are the match rules' key normalizers (mapping.Normalize).
	Normalizers = []string{"email", "e164", "lower", "exact", "domain", "text", "name", "number"}
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
		} else if err := mapping.CheckNormalizer(m.Normalize); err != nil {
			ps = append(ps, syncProblem("match", "match rule %d: normalizer %v", i+1, err))
		}
	}
	ps = append(ps, d.alsoProblems()...)
	if !oneOf(d.Unmatched, UnmatchedCreate, UnmatchedSkip, UnmatchedReview, UnmatchedCreateInA, UnmatchedCreateInB) {
		ps = append(ps, syncProblem("unmatched", "unmatched policy %q must be create, create-in-a, create-in-b, skip or review", d.Unmatched))
	}
	if !oneOf(d.Conflict, ConflictPreferA, ConflictPreferB, ConflictNewer, ConflictReview) {
		ps = append(ps, syncProblem("conflict", "conflict policy %q must be prefer-a, prefer-b, newer or review", d.Conflict))
	}
	for _, fs := range []struct {
		label string
		fs    []Filter
	}{{d.SideName("a"), d.Filters.A}, {d.SideName("b"), d.Filters.B}} {
		for i, f := range fs.fs {
			if f.Field == "" {
				ps = append(ps, syncProblem("filters", "filter %d of %s needs a field", i+1, fs.label))
			}
			if !oneOf(f.Op, FilterOps...) {
				ps = append(ps, syncProblem("filters", "filter %d of %s: operator %q must be one of %s", i+1, fs.label, f.Op, strings.Join(FilterOps, ", ")))
			}
			if name, ok := f.LinkedBy(); ok && (name == "" || name == d.Name || !oneOf(f.Op, "eq", "neq") || !oneOf(f.Value, "true", "false")) {
				ps = append(ps, syncProblem("filters", "filter %d of %s: %q takes another sync's name, eq or neq, and true or false", i+1, fs.label, f.Field))
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
	rows, mps := mapping.Compile(d.Fields, d.Direction, a, b)
	return d.ValidateCompiled(a, b, rows, mps)
}

// ValidateCompiled is Validate with d's mappings compiled already into
// rows and their problems mps (as mapping.Compile gives them): the editor
// re-compiles only the rows a person edits.
func (d Definition) ValidateCompiled(a, b connector.Schema, rows []mapping.Row, mps []mapping.Problem) []mapping.Problem {
	ps := d.ValidateStatic()
	ps = append(ps, mps...)
	for i, m := range d.Match {
		for _, f := range splitPlus(m.A) {
			if _, ok := a.Field(f); !ok {
				ps = append(ps, syncProblem(f, "match rule %d: %s has no field %q", i+1, d.SideName("a"), f))
			}
		}
		for _, f := range splitPlus(m.B) {
			if _, ok := b.Field(f); !ok {
				ps = append(ps, syncProblem(f, "match rule %d: %s has no field %q", i+1, d.SideName("b"), f))
			}
		}
		ps = append(ps, d.numberRuleProblems(i, m, a, b)...)
	}
	for _, fs := range []struct {
		label string
		fs    []Filter
		s     connector.Schema
	}{{d.SideName("a"), d.Filters.A, a}, {d.SideName("b"), d.Filters.B, b}} {
		for i, f := range fs.fs {
			if _, linked := f.LinkedBy(); linked {
				continue // no field: the links of another sync
			}
			fd, ok := fs.s.Field(f.Field)
			if f.Field != "" && !ok {
				ps = append(ps, syncProblem(f.Field, "filter: %s has no field %q", fs.label, f.Field))
			}
			if why := filterValueProblem(f, fd); ok && why != "" {
				ps = append(ps, syncProblem("filters", "filter %d of %s: %s", i+1, fs.label, why))
			}
		}
	}
	if d.CreatesIn("b") && len(mps) == 0 && d.Direction != mapping.BtoA {
		ps = append(ps, requiredMapped(d.inSide("b"), b, rows, func(r mapping.Row) ([]string, bool) { return r.BFields, r.Dir != mapping.BtoA })...)
	}
	if d.CreatesIn("a") && len(mps) == 0 && d.Direction != mapping.AtoB {
		ps = append(ps, requiredMapped(d.inSide("a"), a, rows, func(r mapping.Row) ([]string, bool) { return r.AFields, r.Dir != mapping.AtoB })...)
	}
	return ps
}

// filterValueProblem says why a filter's value is never one its field
// holds as read ("Customer" for HubSpot's "customer", "yes" for a
// checkbox's "true"), or is compared as text where a number or a date is
// meant, so the filter would quietly leave out every record; "" when it
// is fine.
func filterValueProblem(f Filter, fd connector.Field) string {
	if f.Value == "" {
		return ""
	}
	switch f.Op {
	case "eq", "neq":
		switch {
		case fd.Type == connector.TypeBool && f.Value != "true" && f.Value != "false":
			return fmt.Sprintf("%s is a checkbox: compare it with true or false, not %q", fd.Name, f.Value)
		case fd.Type == connector.TypeEnum && len(fd.Options) > 0 && !mapping.IsOwnerField(fd) &&
			!slices.ContainsFunc(fd.Options, func(o connector.Option) bool { return o.Value == f.Value }):
			// Only a value that is an option's label or another case of
			// its value is refused: a value no option resembles may be
			// one the vendor no longer offers but records still hold
			// (Salesforce keeps a deactivated picklist value on them).
			for _, o := range fd.Options {
				if strings.EqualFold(o.Value, strings.TrimSpace(f.Value)) || strings.EqualFold(o.Label, strings.TrimSpace(f.Value)) {
					return fmt.Sprintf("%q is not a value of %s, which holds %q (shown as %q): did you mean %q?", f.Value, fd.Name, o.Value, o.Label, o.Value)
				}
			}
		}
	case "gt", "lt":
		v := strings.TrimSpace(f.Value)
		switch fd.Type {
		case connector.TypeNumber:
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				return fmt.Sprintf("%s is a number, and %q is not one", fd.Name, f.Value)
			}
		case connector.TypeDate, connector.TypeDateTime:
			if _, err := time.Parse(time.DateOnly, v[:min(len(v), len(time.DateOnly))]); err != nil {
				return fmt.Sprintf("%s is a date: write %q as YYYY-MM-DD", fd.Name, f.Value)
			}
		}
	}
	return ""
}

// CreatesIn says whether the sync creates, in side ("a" or "b"), the
// other side's unmatched records.
func (d Definition) CreatesIn(side string) bool {
	switch d.Unmatched {
	case UnmatchedCreate:
		return true
	case UnmatchedCreateInA:
		return side == "a"
	case UnmatchedCreateInB:
		return side == "b"
	}
	return false
}

// requiredMapped names each required, writable field of a side that no row
// writes, since creating records there would fail at the vendor.
func requiredMapped(in string, s connector.Schema, rows []mapping.Row, written func(mapping.Row) ([]string, bool)) []mapping.Problem {
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
			ps = append(ps, syncProblem(f.Name, "unmatched policy \"create\" creates records %s, but its required field %q is not mapped towards it", in, f.Name))
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

// numberRuleProblems refuses match rule i on a number field compared as
// text: "2500.50" and the "2500.5" a CRM gives back would be two keys,
// and the record created again. The number normalizer compares them as
// numbers.
func (d Definition) numberRuleProblems(i int, m MatchRule, a, b connector.Schema) []mapping.Problem {
	if kind, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(m.Normalize)), ":"); kind == "number" {
		return nil
	}
	var ps []mapping.Problem
	for _, s := range []struct {
		label, spec string
		schema      connector.Schema
	}{{d.inSide("a"), m.A, a}, {d.inSide("b"), m.B, b}} {
		for _, f := range splitPlus(s.spec) {
			if fd, ok := s.schema.Field(f); ok && fd.Type == connector.TypeNumber {
				ps = append(ps, syncProblem(f, "match rule %d: %q %s is a number field, compared as text by %q (2500.50 and 2500.5 would not match); use the number normalizer", i+1, f, s.label, m.Normalize))
			}
		}
	}
	return ps
}
