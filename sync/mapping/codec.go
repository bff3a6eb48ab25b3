package mapping

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/crmsync/crmsync/sync/connector"
)

// codec is a compiled row's behaviour. Invariants the engine relies on (and
// the tests check): CanonB(WriteB(c)) == c, and for invertible rows
// CanonA(WriteA(c)) == c, so our own writes read back as no-ops.
type codec struct {
	dir  Direction
	a, b []connector.Field
	fwd  transform
	rev  *transform      // explicit b->a transform
	def  string          // default (canonical) when the source is blank
	out  map[string]bool // an opt-out row's opt-out values (optout.go)
	// scaleBy is the row writing the B field b[0].ScaleBy names (linkScales).
	scaleBy *codec
	// controlledBy is, per side (A, B), the row writing the field that
	// side's one field's Controller names (linkControllers), whose value
	// settles an ambiguous option.
	controlledBy [2]*codec
}

func names(fs []connector.Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// readJoined reads the named fields; several are joined with a space.
func readJoined(fields map[string]string, fs []connector.Field) (string, error) {
	if len(fs) == 1 {
		v, ok := fields[fs[0].Name]
		if !ok {
			return "", fmt.Errorf("%s: %w", fs[0].Name, ErrNotRead)
		}
		return v, nil
	}
	parts := make([]string, 0, len(fs))
	for _, f := range fs {
		v, ok := fields[f.Name]
		if !ok {
			return "", fmt.Errorf("%s: %w", f.Name, ErrNotRead)
		}
		parts = append(parts, v)
	}
	return joinWords(parts), nil
}

// Blank says whether v shows nothing: only spaces (a no-break space too)
// and zero-width characters, such as a zero-width space or byte order mark
// pasted from a web page. Such a value is a blank, so it never overwrites
// a value where a blank would not.
func Blank(v string) bool {
	return strings.TrimFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff'
	}) == ""
}

// joinWords joins the non-blank parts with single spaces.
func joinWords(parts []string) string {
	var words []string
	for _, p := range parts {
		words = append(words, strings.Fields(p)...)
	}
	return strings.Join(words, " ")
}

// splitName splits a full name at the last space: "Mary Ann Smith" ->
// "Mary Ann", "Smith"; a single word is the last name (CRMs require it).
func splitName(v string, n int) ([]string, error) {
	switch n {
	case 1:
		return []string{v}, nil
	case 2:
		v = joinWords([]string{v})
		i := strings.LastIndex(v, " ")
		if i < 0 {
			return []string{"", v}, nil
		}
		return []string{v[:i], v[i+1:]}, nil
	}
	return nil, fmt.Errorf("cannot split a value into %d fields (two at most: first/last)", n)
}

func (c *codec) canonA(fields map[string]string) (string, error) {
	switch {
	case c.fwd.constant && len(c.a) == 0:
		return c.constant(c.b)
	case c.fwd.constant: // A is only the target of a constant
		raw, err := readJoined(fields, c.a)
		if err != nil {
			return "", err
		}
		if v, err := normType(raw, c.a[0], false); err == nil {
			return v, nil
		}
		return strings.TrimSpace(raw), nil // only compared, never a source
	}
	raw, err := readJoined(fields, c.a)
	if err != nil {
		return "", err
	}
	if Blank(raw) {
		if c.def != "" && c.dir.readsA() {
			return c.def, nil
		}
		return "", nil
	}
	if err := refuseSeparated(raw, c.a); err != nil && c.dir.readsA() {
		return "", c.wrap(err, c.a, c.b)
	}
	v, err := c.fwd.forward(raw)
	if err == nil {
		err = refuseSeparated(v, c.b) // an option written whole would be split
	}
	if err == nil && len(c.b) == 1 {
		if c.b[0].ScaleBy == "" {
			v, err = normType(c.settle("b", v, fields), c.b[0], false)
		} else {
			v, err = normType(v, c.placedB(c.curOfA(fields)), false)
		}
	}
	if err != nil {
		if !c.dir.readsA() {
			return strings.TrimSpace(raw), nil // A is only compared, never a source
		}
		return "", c.wrap(err, c.a, c.b)
	}
	if v == "" && c.def != "" && c.dir.readsA() {
		return c.def, nil // a source that reads as nothing (HTML with no text) is blank too
	}
	return c.words(v), nil
}

func (c *codec) canonB(fields map[string]string) (string, error) {
	if c.fwd.constant && len(c.b) == 0 {
		return c.constant(c.a)
	}
	raw, err := readJoined(fields, c.b)
	if err != nil {
		return "", err
	}
	if Blank(raw) {
		if c.def != "" && c.dir == BtoA {
			return c.def, nil
		}
		return "", nil
	}
	var v string
	err = refuseSeparated(raw, c.b)
	if err == nil {
		v, err = c.fwd.canon(raw)
	}
	if err == nil && len(c.b) == 1 {
		if c.b[0].ScaleBy == "" {
			v, err = normType(v, c.b[0], false)
		} else {
			v, err = normType(v, c.placedB(fields[c.b[0].ScaleBy]), false)
		}
	}
	if err == nil {
		v = c.optionOfA(c.settle("a", v, fields))
	}
	if err != nil {
		if !c.dir.readsB() {
			return strings.TrimSpace(raw), nil // B is only compared, never a source
		}
		return "", c.wrap(err, c.b, c.a)
	}
	return c.words(v), nil
}

// words collapses whitespace on rows that join or split fields, so the
// joined form is the same however the parts were spaced.
func (c *codec) words(v string) string {
	if len(c.a) > 1 || len(c.b) > 1 {
		return joinWords([]string{v})
	}
	return v
}

// constant is a const row's value in the target field's canonical form.
func (c *codec) constant(target []connector.Field) (string, error) {
	v, err := c.fwd.forward("")
	if err == nil && len(target) == 1 {
		v, err = normType(v, target[0], false)
	}
	return v, err
}

// writeB appends the B values for canon. current is B's record as read
// (nil for a create), for a transform with ontoB.
func (c *codec) writeB(dst []FieldValue, canon string, current map[string]string) ([]FieldValue, error) {
	if len(c.b) == 0 {
		return dst, errors.New("mapping: this row writes no B field")
	}
	v := canon
	switch {
	case c.fwd.ontoJoined != nil && v != "":
		joined := ""
		if current != nil {
			var err error
			if joined, err = readJoined(current, c.b); err != nil {
				return dst, c.wrap(err, c.b, c.b)
			}
		}
		v = c.fwd.ontoJoined(v, joined)
	case c.fwd.ontoB != nil && current != nil && len(c.b) == 1 && v != "":
		v = c.fwd.ontoB(v, current[c.b[0].Name])
	}
	if c.fwd.writesFirst {
		if v != "" {
			var err error
			if v, err = normType(v, c.b[0], true); err != nil {
				return dst, c.wrap(err, c.b[:1], c.b[:1])
			}
		}
		return append(dst, FieldValue{c.b[0].Name, v}), nil
	}
	if c.fwd.refuseB != nil {
		if err := c.fwd.refuseB(v); err != nil {
			return dst, c.wrap(err, c.b, c.b)
		}
	}
	if v != "" && len(c.b) == 1 {
		var err error
		if v, err = normType(v, c.b[0], true); err != nil {
			return dst, c.wrap(err, c.b, c.b)
		}
	}
	return spread(dst, v, c.b)
}

// writeA appends the A values for canon. current is A's record as read
// (nil for a create): a transform with inverseOnto keeps what of the
// field's current value canon does not hold.
func (c *codec) writeA(dst []FieldValue, canon string, current map[string]string) ([]FieldValue, error) {
	if len(c.a) == 0 {
		return dst, errors.New("mapping: this row writes no A field")
	}
	v, err := c.toA(canon, current)
	if errors.Is(err, ErrNotInvertible) || errors.Is(err, ErrNoCounterpart) {
		return dst, err // says itself what it is about
	}
	if err == nil && v != "" && len(c.a) == 1 {
		v, err = normType(v, c.a[0], true)
	}
	if err != nil {
		return dst, c.wrap(err, c.a, c.a)
	}
	return spread(dst, v, c.a)
}

// toA is canon in A's form, through the inverse (or reverse) transform,
// before A's field type puts it in its own form.
func (c *codec) toA(canon string, current map[string]string) (string, error) {
	switch {
	case c.fwd.constant:
		return canon, nil
	case c.unnamed(canon):
		return "", c.unnamedError(canon)
	case c.rev != nil:
		return c.rev.forward(canon)
	case c.fwd.inverse == nil:
		return "", fmt.Errorf("%s: %w (%s)", c.fwd.name, ErrNotInvertible, c.fwd.whyNot)
	case c.fwd.inverseOnto != nil && len(c.a) == 1:
		return c.fwd.inverseOnto(canon, current[c.a[0].Name])
	}
	return c.fwd.inverse(canon)
}

// spread appends v as the values of fs: itself for one field, split for
// several (a full name into first and last).
func spread(dst []FieldValue, v string, fs []connector.Field) ([]FieldValue, error) {
	if len(fs) == 1 {
		return append(dst, FieldValue{fs[0].Name, v}), nil // most rows: no split
	}
	parts, err := splitName(v, len(fs))
	if err != nil {
		return dst, err
	}
	for i, f := range fs {
		dst = append(dst, FieldValue{f.Name, parts[i]})
	}
	return dst, nil
}

// wrap names the field read and fills UnknownValueError.Field with the
// field the value was meant for.
func (c *codec) wrap(err error, read, target []connector.Field) error {
	var uv *UnknownValueError
	if errors.As(err, &uv) && uv.Field == "" {
		uv.Field = strings.Join(names(target), "+")
	}
	return fmt.Errorf("%s: %w", strings.Join(names(read), "+"), err)
}

// normType puts v into the canonical form of the field's type. strict makes
// a picklist value outside the field's options an *UnknownValueError.
func normType(v string, f connector.Field, strict bool) (string, error) {
	v = strings.TrimSpace(v)
	if Blank(v) {
		return "", nil
	}
	if f.Lower {
		v = strings.ToLower(v) // as the vendor stores it (lowerRow)
	}
	switch f.Type {
	case connector.TypeNumber:
		n, err := normalizeNumber(v)
		if err == nil && f.Double && n != "" {
			n = asDouble(n) // as the vendor's double reads it back
		}
		if err == nil && (f.Scale > 0 || f.Scale == wholeNumbers) {
			n = roundPlaces(n, max(f.Scale, 0)) // as the vendor stores it
		}
		return n, err
	case connector.TypeBool:
		return normalizeBool(v)
	case connector.TypeDate:
		if _, err := time.Parse(dateLayout, v); err != nil {
			return "", fmt.Errorf("%q is not a date (YYYY-MM-DD)", v)
		}
		return v, nil
	case connector.TypeDateTime:
		t, kind, err := parseTimeValue(v)
		if err != nil {
			return "", err
		}
		if kind != kindInstant {
			return "", fmt.Errorf("%q has no time zone; use a datetime:ZONE transform", v)
		}
		return formatInstant(t), nil
	case connector.TypeEnum:
		return normOption(v, f, strict)
	case connector.TypeMulti:
		return normMulti(v, f, strict)
	}
	return v, nil
}

// normMulti puts a multi-select value into one form: each value as the
// field's option spells it, repeats dropped, sorted, joined by
// connector.MultiSep. Vendors return a selection in their own order
// (Salesforce in the picklist's order, HubSpot as it was written), so only
// a sorted set compares equal across sides and runs. strict makes the
// values outside the field's options one *UnknownValueError naming them.
func normMulti(v string, f connector.Field, strict bool) (string, error) {
	parts := connector.SplitMulti(v)
	var bad []string
	for i, p := range parts {
		o, err := normOption(p, f, strict)
		if err != nil {
			bad = append(bad, p)
			continue
		}
		parts[i] = o
	}
	if len(bad) > 0 {
		return "", &UnknownValueError{Field: f.Name, Value: strings.Join(bad, connector.MultiSep), Allowed: optionValues(f)}
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), connector.MultiSep), nil
}

// normOption returns the option's own value for an exact or a unique
// case-insensitive match on value or label.
func normOption(v string, f connector.Field, strict bool) (string, error) {
	if len(f.Options) == 0 {
		return v, nil
	}
	found, n := "", 0
	for _, o := range f.Options {
		if o.Value == v {
			return v, nil
		}
		if strings.EqualFold(o.Value, v) || strings.EqualFold(o.Label, v) {
			if found != o.Value {
				n++
			}
			found = o.Value
		}
	}
	if n == 1 {
		return found, nil
	}
	if !strict || f.Unrestricted {
		return v, nil // the vendor stores it as is
	}
	allowed := make([]string, len(f.Options))
	for i, o := range f.Options {
		allowed[i] = o.Value
	}
	return "", &UnknownValueError{Field: f.Name, Value: v, Allowed: allowed}
}
