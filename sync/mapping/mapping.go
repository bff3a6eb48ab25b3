// Package mapping turns a sync's field mappings into compiled rows the
// engine can compare and write. Everything here is a pure function: no I/O,
// no clocks, no globals.
//
// Canonical values are compared in B's representation. A row reads its A
// fields through the forward transform into that form (CanonA), normalizes
// B's own value the same way (CanonB), and turns a canonical value back into
// field values for either side (WriteA applies the inverse transform). The
// engine keeps base snapshots in canonical form, so formatting-only
// differences ("+1 415 555 0100" vs "+14155550100") never look like edits.
package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// Direction says which way a mapping (or a whole sync) writes.
type Direction string

const (
	AtoB    Direction = "a-to-b"
	BtoA    Direction = "b-to-a"
	TwoWay  Direction = "two-way"
	None    Direction = "none"
	Inherit Direction = "" // a field row takes the sync's direction
)

// readsA reports whether values flow from A (A is a source).
func (d Direction) readsA() bool { return d == AtoB || d == TwoWay }

// readsB reports whether values flow from B (B is a source).
func (d Direction) readsB() bool { return d == BtoA || d == TwoWay }

// Rule is a mapping's blank rule.
type Rule string

const (
	Always      Rule = "always" // "" means the same
	UnlessBlank Rule = "unless-blank"
	// OnCreate writes the row only into a record the sync creates; a
	// linked pair never merges it. It fits a field the target takes on
	// create only (a Salesforce Note's parent) and a value made up for a
	// new record (a title from a note's first line), which later edits of
	// the record must not overwrite.
	OnCreate Rule = "on-create"
	// OptOut carries an opt-out of email and nothing else: a side that
	// opted out makes the other opt out, whatever the conflict policy, and
	// no value is ever written that would opt anyone back in (optout.go).
	OptOut Rule = "opt-out"
)

// Field is one user mapping row as stored in the sync definition.
//
// A and B name one field each, or several joined with "+"
// ("firstname+lastname"): several A fields are concatenated with a space into
// one B field, one A field is split into several B fields.
type Field struct {
	A         string            `json:"a" yaml:"a"`
	B         string            `json:"b" yaml:"b"`
	Direction Direction         `json:"direction,omitempty" yaml:"direction,omitempty"`
	Rule      Rule              `json:"rule,omitempty" yaml:"rule,omitempty"`
	Transform string            `json:"transform,omitempty" yaml:"transform,omitempty"`
	ValueMap  map[string]string `json:"value_map,omitempty" yaml:"value_map,omitempty"` // A value -> B value
	// ReverseTransform is an explicit transform for b->a, needed on a
	// two-way row whose forward transform cannot be inverted.
	ReverseTransform string `json:"reverse_transform,omitempty" yaml:"reverse_transform,omitempty"`
	// ReverseValueMap is the value map of a reverse_transform map (B value
	// -> A value): a two-way map that is not one to one (HubSpot's closed
	// won and lost stages onto Pipedrive's last stage) says how B's values
	// come back.
	ReverseValueMap map[string]string `json:"reverse_value_map,omitempty" yaml:"reverse_value_map,omitempty"`
	// Default is the value used when the source is blank, or reads as
	// blank through the transform (in B's form).
	Default string `json:"default,omitempty" yaml:"default,omitempty"`
	// Together names rows a record's update writes all or none of: an
	// amount without its currency is a wrong amount, so when one row of
	// the group waits in review the others wait with it.
	Together string `json:"together,omitempty" yaml:"together,omitempty"`
}

// Problem is one thing wrong with a sync definition, named for a person.
type Problem struct {
	Row     int    // index in the mapping list; -1 for sync-level problems
	Field   string // the field the problem is about, if any
	Message string
	Label   string // the row as people see it, e.g. "phone → Phone"
}

// Error reads e.g. "mapping 3 (phone → Phone): transform e164 does not fit
// field Phone of type bool". Mapping numbers are 1-based, as in the UI.
func (p Problem) Error() string {
	if p.Row < 0 {
		return "sync: " + p.Message
	}
	if p.Label == "" {
		return fmt.Sprintf("mapping %d: %s", p.Row+1, p.Message)
	}
	return fmt.Sprintf("mapping %d (%s): %s", p.Row+1, p.Label, p.Message)
}

// UnknownValueError is a picklist value that has no mapping or is not
// allowed in the target. The engine sends the record to review instead of
// letting the write fail at the vendor.
type UnknownValueError struct {
	Field   string   // the field the value was meant for
	Value   string   // the value as read
	Allowed []string // the target's options, or the value map's keys when Unmapped
	// Unmapped is true when the value has no entry in the row's value map
	// (rather than being refused by the target's options).
	Unmapped bool
}

func (e *UnknownValueError) Error() string {
	const maxShown = 10
	allowed := e.Allowed
	more := ""
	if len(allowed) > maxShown {
		more = fmt.Sprintf(", … (%d more)", len(allowed)-maxShown)
		allowed = allowed[:maxShown]
	}
	if e.Unmapped {
		return fmt.Sprintf("value %q has no entry in the value map for %s (mapped: %s%s)",
			e.Value, e.Field, strings.Join(allowed, ", "), more)
	}
	return fmt.Sprintf("value %q is not allowed in %s (allowed: %s%s)",
		e.Value, e.Field, strings.Join(allowed, ", "), more)
}

// ErrNotRead means a record lacks a mapped field: the connector did not read
// it, which is different from a blank. Treating it as blank would overwrite
// real data, so the row refuses.
var ErrNotRead = errors.New("field was not read")

// ErrNotInvertible means a row was asked to write A but its transform has no
// inverse and no reverse transform was given.
var ErrNotInvertible = errors.New("transform cannot be inverted")

// Row is one compiled mapping.
type Row struct {
	Key         string    // stable key for base snapshots, e.g. "firstname>FirstName"
	AFields     []string  // A fields read or written
	BFields     []string  // B fields read or written
	Dir         Direction // effective: AtoB, BtoA or TwoWay, never Inherit or None
	UnlessBlank bool      // never overwrite a value with a blank
	OnCreate    bool      // written into created records only, never merged
	OptOut      bool      // carries opt-outs only (rule opt-out)
	// Set is true when the canonical value is a multi-select selection:
	// the engine merges concurrent edits option by option (MergeSets).
	Set       bool
	Transform string // the forward transform's name, for display
	Together  string // the group of rows written all or none (Field.Together)
	c         *codec
}

// Notes say what the row will not carry, for the plan's warnings: the
// users of an owner row with no counterpart on the other side.
func (r Row) Notes() []string {
	if r.c == nil {
		return nil
	}
	var out []string
	if r.Dir.readsA() {
		out = append(out, r.c.fwd.notes...)
	}
	if r.Dir.readsB() {
		out = append(out, r.c.fwd.notesRev...)
	}
	return out
}

// Normalize puts a canonical value a person typed into the form CanonB
// gives (a multi-select's options sorted, a number's digits), so it
// compares equal to what B reads back. A value that does not fit is kept
// as typed; writing it reports why.
func (r Row) Normalize(canon string) string {
	if r.c == nil || len(r.c.b) != 1 {
		return canon
	}
	if v, err := normType(canon, r.c.b[0], false); err == nil {
		return v
	}
	return canon
}

// Address says whether the row carries an email address of side ("a" or
// "b"): its one field there is an email field. An opt-out tied to the
// address (HubSpot's, Klaviyo's) reads as lifted when it changes.
func (r Row) Address(side string) bool {
	if r.c == nil || r.OptOut {
		return false
	}
	fs := r.c.a
	if side == "b" {
		fs = r.c.b
	}
	return len(fs) == 1 && fs[0].Type == connector.TypeEmail
}

// CanonA reads A's fields and returns the canonical value (B's form).
func (r Row) CanonA(fields map[string]string) (string, error) {
	if r.c == nil {
		return "", errors.New("mapping: row was not compiled")
	}
	if r.OptOut {
		return r.c.optOut(r.c.canonA(fields))
	}
	return r.c.canonA(fields)
}

// CanonB reads B's fields and returns the canonical value, normalized so
// formatting-only differences compare equal.
func (r Row) CanonB(fields map[string]string) (string, error) {
	if r.c == nil {
		return "", errors.New("mapping: row was not compiled")
	}
	if r.OptOut {
		return r.c.optOut(r.c.canonB(fields))
	}
	return r.c.canonB(fields)
}

// Defaulted says whether side ("a" or "b") reads as the row's default
// only because its source is blank. The merge treats such a value as the
// blank it stands for wherever a blank would not overwrite (rule
// unless-blank, a pair linked this run): a default fills a blank, never a
// value.
func (r Row) Defaulted(side string, fields map[string]string) bool {
	if r.c == nil || r.c.def == "" {
		return false
	}
	bare := *r.c
	bare.def = ""
	var v string
	var err error
	switch {
	case side == "a" && r.Dir.readsA():
		v, err = bare.canonA(fields)
	case side == "b" && r.Dir == BtoA:
		v, err = bare.canonB(fields)
	default:
		return false
	}
	return err == nil && v == ""
}

// WriteA turns a canonical value into the A field values to write, applying
// the inverse (or explicit reverse) transform.
func (r Row) WriteA(canon string) (map[string]string, error) {
	fvs, err := r.AppendWriteA(nil, canon)
	return fieldMap(fvs), err
}

// WriteB turns a canonical value into the B field values to write.
func (r Row) WriteB(canon string) (map[string]string, error) {
	fvs, err := r.AppendWriteB(nil, canon)
	return fieldMap(fvs), err
}

// FieldValue is one field's value to write.
type FieldValue struct{ Field, Value string }

// AppendWriteA is WriteA appending to dst instead of making a map. The
// planner writes every row of every record it creates, and a map per row
// was its largest allocation (BENCHMARKS.md, fix 42).
func (r Row) AppendWriteA(dst []FieldValue, canon string) ([]FieldValue, error) {
	return r.AppendWriteAOnto(dst, canon, nil)
}

// AppendWriteAOnto is AppendWriteA for an update of a record whose
// fields, as read, are current: a value the canonical form holds only
// part of keeps the rest of the field's current value. A date written
// back onto a datetime (date:ZONE) moves the day and keeps the time of
// day, where AppendWriteA (a create) gives the day's start. The result
// still reads back as canon.
func (r Row) AppendWriteAOnto(dst []FieldValue, canon string, current map[string]string) ([]FieldValue, error) {
	if r.c == nil {
		return dst, errors.New("mapping: row was not compiled")
	}
	return r.c.writeA(dst, canon, current)
}

// AppendWriteB is WriteB appending to dst.
func (r Row) AppendWriteB(dst []FieldValue, canon string) ([]FieldValue, error) {
	return r.AppendWriteBOnto(dst, canon, nil)
}

// AppendWriteBOnto is AppendWriteB for an update of a record whose
// fields, as read, are current: a date on A written onto a datetime on B
// (datetime:ZONE) moves the day and keeps the time of day.
func (r Row) AppendWriteBOnto(dst []FieldValue, canon string, current map[string]string) ([]FieldValue, error) {
	if r.c == nil {
		return dst, errors.New("mapping: row was not compiled")
	}
	return r.c.writeB(dst, canon, current)
}

// fieldMap is fvs as a map, nil when empty (a failed write).
func fieldMap(fvs []FieldValue) map[string]string {
	if len(fvs) == 0 {
		return nil
	}
	m := make(map[string]string, len(fvs))
	for _, fv := range fvs {
		m[fv.Field] = fv.Value
	}
	return m
}

// ReadBackDefaults adds to dst, for each of the row's fields on side ("a"
// or "b") that the vendor reads back with a value when a create left it
// out, that value (connector.Field.Default).
func (r Row) ReadBackDefaults(side string, dst map[string]string) {
	if r.c == nil {
		return
	}
	fs := r.c.a
	if side == "b" {
		fs = r.c.b
	}
	for _, f := range fs {
		if f.Default != "" {
			dst[f.Name] = f.Default
		}
	}
}

// Invertible reports whether the row can write A (inverse or reverse
// transform available).
func (r Row) Invertible() bool {
	return r.c != nil && (r.c.rev != nil || r.c.fwd.inverse != nil) && len(r.AFields) > 0
}

// MergeSets merges two edits of a multi-select selection made since base,
// option by option: an option one side added or removed is added or
// removed, and one both sides changed changed the same way, so edits never
// conflict. Without a base (a new link) nothing can have been removed and
// the result is the union. The values are canonical; so is the result.
func MergeSets(a, b, base string, hasBase bool) string {
	inA, inB, inBase := setOf(a), setOf(b), setOf(base)
	var out []string
	for _, v := range slices.Concat(connector.SplitMulti(a), connector.SplitMulti(b), connector.SplitMulti(base)) {
		keep := inA[v] || inB[v]
		if hasBase {
			keep = inB[v] // A left it as it was
			if inA[v] != inBase[v] {
				keep = inA[v] // A changed it; B left it or changed it alike
			}
		}
		if keep && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return strings.Join(out, connector.MultiSep)
}

// SameSet says whether two multi-select values hold the same options,
// whatever their order.
func SameSet(x, y string) bool {
	a, b := connector.SplitMulti(x), connector.SplitMulti(y)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func setOf(v string) map[string]bool {
	m := map[string]bool{}
	for _, x := range connector.SplitMulti(v) {
		m[x] = true
	}
	return m
}
