package mapping

import (
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// Compile validates a sync's mappings against both schemas and returns the
// rows to run. It names every problem it finds rather than stopping at the
// first, so the UI can show them all before saving. Rows with direction
// "none" are validated but not returned: they sync nothing. A definition
// with problems must not run; the rows returned are the valid ones.
func Compile(fields []Field, syncDir Direction, a, b connector.Schema) ([]Row, []Problem) {
	return CompileLinked(fields, syncDir, a, b, nil)
}

// CompileLinked is Compile with the links that rows with a link:SYNC
// transform translate record ids through. With nil links such rows still
// compile (to validate a definition), and read every reference as not
// linked yet.
func CompileLinked(fields []Field, syncDir Direction, a, b connector.Schema, links Links) ([]Row, []Problem) {
	var problems []Problem
	if syncDir != AtoB && syncDir != BtoA && syncDir != TwoWay {
		return nil, []Problem{{Row: -1, Message: fmt.Sprintf("direction %q must be a-to-b, b-to-a or two-way", syncDir)}}
	}
	var rows []Row
	dups := NewDuplicates(len(fields))
	for i, f := range fields {
		c := CheckRow(i, f, syncDir, a, b, links)
		problems = append(problems, c.Problems...)
		dp := dups.Check(i, c)
		problems = append(problems, dp...)
		if c.OK && len(c.Problems)+len(dp) == 0 && c.Row.Dir != None {
			rows = append(rows, c.Row)
		}
	}
	linkScales(rows)
	linkControllers(rows)
	return rows, problems
}

type rowCompiler struct {
	i        int
	f        Field
	syncDir  Direction
	a, b     connector.Schema
	links    Links
	label    string
	problems []Problem
}

func (cp *rowCompiler) problem(field, format string, args ...any) {
	cp.problems = append(cp.problems, Problem{Row: cp.i, Field: field, Message: fmt.Sprintf(format, args...), Label: cp.label})
}

func splitFieldNames(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, "+")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func arrow(d Direction) string {
	switch d {
	case BtoA:
		return " ← "
	case TwoWay:
		return " ↔ "
	case None:
		return " ✕ "
	}
	return " → "
}

func (cp *rowCompiler) compile() (Row, bool) {
	f := cp.f
	aNames, bNames := splitFieldNames(f.A), splitFieldNames(f.B)
	tname := strings.TrimSpace(f.Transform)
	if tname == "" && len(f.ValueMap) > 0 {
		tname = "map"
	}
	lname := strings.ToLower(tname)
	isConst := lname == "const" || strings.HasPrefix(lname, "const:")

	dir := f.Direction
	switch {
	case dir == Inherit && isConst && len(aNames) == 0 && (cp.syncDir == TwoWay || cp.syncDir == AtoB):
		dir = AtoB // a constant flows from its empty side
	case dir == Inherit && isConst && len(bNames) == 0 && (cp.syncDir == TwoWay || cp.syncDir == BtoA):
		dir = BtoA
	case dir == Inherit:
		dir = cp.syncDir
	}
	cp.label = strings.TrimSpace(f.A) + arrow(dir) + strings.TrimSpace(f.B)
	if strings.TrimSpace(f.A) == "" || strings.TrimSpace(f.B) == "" {
		cp.label = strings.TrimSpace(f.A + arrow(dir) + f.B)
	}

	switch dir {
	case AtoB, BtoA, TwoWay, None:
	default:
		cp.problem("", "unknown direction %q (use a-to-b, b-to-a, two-way or none)", f.Direction)
		return Row{}, false
	}
	switch f.Rule {
	case "", Always, UnlessBlank, OnCreate, OptOut:
	default:
		cp.problem("", "unknown rule %q (use always, unless-blank, on-create or opt-out)", f.Rule)
	}
	if slices.Contains(aNames, "") || slices.Contains(bNames, "") {
		cp.problem("", "empty field name in %q", f.A+" / "+f.B)
		return Row{}, false
	}
	if len(aNames) == 0 && len(bNames) == 0 {
		cp.problem("", "names no field on either side")
		return Row{}, false
	}
	aFields, okA := cp.resolve(aNames, cp.a)
	bFields, okB := cp.resolve(bNames, cp.b)
	if !okA || !okB {
		return Row{}, false
	}
	if dir == None {
		return Row{Dir: None}, true
	}
	if cp.syncDir != TwoWay && dir != cp.syncDir {
		cp.problem("", "direction %s contradicts the sync's direction %s", dir, cp.syncDir)
	}
	switch {
	case isConst && len(aNames) > 0 && len(bNames) > 0:
		cp.problem("", "a constant reads no source field: leave the source side empty")
		return Row{}, false
	case isConst && dir == TwoWay:
		cp.problem("", "a constant is one-way; set direction a-to-b or b-to-a")
		return Row{}, false
	case isConst && (len(aNames) == 0) != (dir == AtoB):
		cp.problem("", "a constant must flow from the empty side: direction %s writes the wrong side", dir)
		return Row{}, false
	case !isConst && (len(aNames) == 0 || len(bNames) == 0):
		cp.problem("", "needs a field on both sides (or transform const:VALUE)")
		return Row{}, false
	case len(aNames) > 1 && len(bNames) > 1:
		cp.problem("", "cannot map several fields onto several fields")
		return Row{}, false
	}

	env := transformEnv{aType: sideType(aFields), bType: sideType(bFields), valueMap: f.ValueMap, links: cp.links}
	if len(aFields) == 1 && len(bFields) == 1 {
		env.aField, env.bField = &aFields[0], &bFields[0]
	}
	fwd, err := parseTransform(tname, env)
	if err != nil {
		cp.problem("", "%v", err)
		return Row{}, false
	}
	var rev *transform
	if strings.TrimSpace(f.ReverseTransform) != "" {
		rt, err := parseTransform(f.ReverseTransform, transformEnv{aType: env.bType, bType: env.aType, valueMap: f.ReverseValueMap})
		switch {
		case err != nil:
			cp.problem("", "reverse_transform: %v", err)
		case rt.name == "map" && len(f.ReverseValueMap) == 0:
			cp.problem("", "reverse_transform map needs reverse_value_map (B value -> A value); a 1:1 value map is reversed without it")
		default:
			rev = &rt
		}
	}
	if fwd.name == "owner" && f.Rule != UnlessBlank && f.Rule != OnCreate {
		// A user with no counterpart reads as no owner, which must never
		// clear the other side's (Salesforce refuses a blank owner anyway).
		cp.problem("", "an owner row must be unless-blank (or on-create): a user with no counterpart reads as no owner")
	}
	c := &codec{dir: dir, a: aFields, b: bFields, fwd: fwd, rev: rev}
	scaleRow(c)
	lowerRow(c)
	cp.checkShape(c, len(f.ValueMap))
	cp.checkTypes(c)
	cp.checkPicklists(c)
	cp.checkDefault(c)
	if f.Rule == OptOut {
		var why string
		if c.out, why = optOutValues(c, f.ValueMap); why != "" {
			cp.problem("", "opt-out: %s", why)
			return Row{}, false
		}
		if c.def != "" {
			cp.problem("", "opt-out: a default would opt out every record with no value")
			return Row{}, false
		}
	}
	row := Row{
		Key:         strings.Join(aNames, "+") + ">" + strings.Join(bNames, "+"),
		AFields:     aNames,
		BFields:     bNames,
		Dir:         dir,
		UnlessBlank: f.Rule == UnlessBlank,
		OnCreate:    f.Rule == OnCreate,
		OptOut:      f.Rule == OptOut,
		Set:         len(bFields) == 1 && bFields[0].Type == connector.TypeMulti && !fwd.constant,
		Transform:   fwd.name,
		Together:    strings.TrimSpace(f.Together),
		c:           c,
	}
	return row, true
}

func (cp *rowCompiler) resolve(ns []string, s connector.Schema) ([]connector.Field, bool) {
	out := make([]connector.Field, 0, len(ns))
	ok := true
	for _, n := range ns {
		fd, found := s.Field(n)
		if !found {
			cp.problem(n, "field %s does not exist on %s", n, s.Object)
			ok = false
			continue
		}
		out = append(out, fd)
	}
	return out, ok
}

// sideType is the type a transform sees on one side: joined fields are text.
func sideType(fs []connector.Field) connector.FieldType {
	if len(fs) == 1 {
		return fs[0].Type
	}
	return connector.TypeString
}

func (cp *rowCompiler) checkShape(c *codec, mapLen int) {
	t := c.fwd
	switch {
	case mapLen > 0 && t.name != "map":
		cp.problem("", "value_map is set but the transform is %s; use transform map", t.name)
	case t.name == "map" && mapLen == 0:
		cp.problem("", "transform map needs a value_map")
	case t.name == "concat" && len(c.a) < 2:
		cp.problem("", "concat needs several A fields, e.g. firstname+lastname")
	case t.name == "split" && len(c.b) < 2:
		cp.problem("", "split needs several B fields, e.g. FirstName+LastName")
	}
	if len(c.b) > 2 && c.dir.readsA() {
		cp.problem("", "can split a value into two fields at most (first/last)")
	}
	if len(c.a) > 2 && c.dir.readsB() && c.rev == nil {
		cp.problem("", "a concat of more than two fields cannot be split back; make the row a-to-b")
	}
	if c.dir.readsA() && t.fromBOnly != "" {
		cp.problem("", "transform %s cannot write B (%s); make the row b-to-a", t.name, t.fromBOnly)
	}
	if c.dir.readsB() && c.rev == nil && t.inverse == nil && !t.constant {
		cp.problem("", "transform %s cannot be inverted (%s); a %s row needs a reverse_transform or direction a-to-b", t.name, t.whyNot, c.dir)
	}
}

// checkTypes checks that each transform fits the fields it touches, and
// that plain copies go between assignable types.
func (cp *rowCompiler) checkTypes(c *codec) {
	fits := func(t transform, src, dst []connector.Field) {
		if t.aTypes == nil && t.bTypes == nil {
			return
		}
		for _, fd := range src {
			if t.aTypes != nil && !slices.Contains(t.aTypes, fd.Type) {
				cp.problem(fd.Name, "transform %s does not fit field %s of type %s", t.name, fd.Name, fd.Type)
			}
		}
		for _, fd := range dst {
			if t.bTypes != nil && !slices.Contains(t.bTypes, fd.Type) {
				cp.problem(fd.Name, "transform %s does not fit field %s of type %s", t.name, fd.Name, fd.Type)
			}
		}
	}
	copyCheck := func(t transform, src, dst []connector.Field) {
		if t.aTypes != nil || t.bTypes != nil || len(dst) == 0 {
			return
		}
		st := sideType(src)
		if t.constant {
			st = connector.TypeString
		}
		for _, d := range dst {
			if hint := assignable(st, d.Type); hint != "" {
				from := strings.Join(names(src), "+")
				if from == "" {
					from = "a constant"
				}
				cp.problem(d.Name, "%s (%s) cannot be written into %s of type %s; %s", from, st, d.Name, d.Type, hint)
			}
		}
	}
	fits(c.fwd, c.a, c.b)
	if c.dir.readsA() {
		copyCheck(c.fwd, c.a, c.b)
	}
	if c.dir.readsB() {
		if c.rev != nil {
			fits(*c.rev, c.b, c.a)
			copyCheck(*c.rev, c.b, c.a)
		} else {
			copyCheck(c.fwd, c.b, c.a)
		}
	}
	if c.fwd.constant && len(c.a)+len(c.b) == 1 {
		target := append(slices.Clone(c.a), c.b...)[0]
		v, _ := c.fwd.forward("")
		if _, err := normType(v, target, true); err != nil {
			cp.problem(target.Name, "constant does not fit %s: %v", target.Name, err)
		}
	}
	for _, fd := range c.b {
		if c.dir.readsA() && fd.ReadOnly {
			cp.problem(fd.Name, "field %s on %s is read-only", fd.Name, cp.b.Object)
		}
	}
	for _, fd := range c.a {
		if c.dir.readsB() && fd.ReadOnly {
			cp.problem(fd.Name, "field %s on %s is read-only", fd.Name, cp.a.Object)
		}
	}
}

// assignable says how to fix copying a src value into a dst field as is,
// or "" when that is fine.
func assignable(src, dst connector.FieldType) string {
	if src == dst {
		return ""
	}
	T := connector.TypeString
	textish := src == T || src == connector.TypeText
	switch dst {
	case connector.TypeString, connector.TypeText:
		return ""
	case connector.TypeMulti:
		if textish || src == connector.TypeEnum {
			return "" // one value is a selection of one
		}
	case connector.TypeEnum:
		if src == connector.TypeMulti {
			return "a multi-select holds several values and a picklist one; map it to a multi-select or a text field"
		}
		fallthrough
	case connector.TypeEmail, connector.TypeID:
		if textish || (dst == connector.TypeEnum && src == connector.TypeBool) {
			return ""
		}
	case connector.TypePhone:
		if textish || src == connector.TypeNumber {
			return ""
		}
		return "use transform e164"
	case connector.TypeNumber:
		return "use transform number"
	case connector.TypeBool:
		return "use transform bool"
	case connector.TypeDate:
		if src == connector.TypeDateTime {
			return "use transform date:ZONE to take the calendar date in a named time zone"
		}
		return "use transform date"
	case connector.TypeDateTime:
		return "use transform datetime:ZONE"
	}
	return "the types do not match"
}

// checkPicklists makes sure every value a row can write into a picklist is
// one of its options, or tells the user to add a value map.
func (cp *rowCompiler) checkPicklists(c *codec) {
	if len(c.a) == 1 && len(c.b) == 1 && c.fwd.name != "owner" && IsOwnerField(c.a[0]) && IsOwnerField(c.b[0]) {
		// Two CRMs never share user ids: only their emails match.
		cp.problem("", "%s and %s are owner fields, whose users have different ids in each CRM; use transform owner (users matched by email)",
			c.a[0].Name, c.b[0].Name)
		return
	}
	check := func(dst connector.Field, values []string, what string) {
		if !picklist(dst.Type) || len(dst.Options) == 0 || dst.Unrestricted {
			return // an unrestricted picklist stores any value as is
		}
		var bad []string
		for _, v := range values {
			if strings.TrimSpace(v) == "" {
				continue // a blank is no option; the row's rule says if it is written
			}
			if _, err := normOption(v, dst, true); err != nil {
				bad = append(bad, fmt.Sprintf("%q", v))
			}
		}
		if len(bad) > 0 {
			cp.problem(dst.Name, "%s %s not allowed in %s (allowed: %s); add a value_map", what, strings.Join(bad, ", "), dst.Name, strings.Join(optionValues(dst), ", "))
		}
	}
	if c.fwd.name == "map" {
		vm := cp.f.ValueMap
		if c.dir.readsA() && len(c.b) == 1 {
			var vals []string
			for _, k := range sortedKeys(vm) {
				vals = append(vals, vm[k])
			}
			check(c.b[0], vals, "the value map writes")
		}
		if c.dir.readsB() && c.rev == nil && len(c.a) == 1 {
			check(c.a[0], sortedKeys(vm), "the reversed value map writes")
		}
		if c.dir.readsB() && c.rev != nil && c.rev.name == "map" && len(c.a) == 1 {
			rvm := cp.f.ReverseValueMap
			var vals []string
			for _, k := range sortedKeys(rvm) {
				vals = append(vals, rvm[k])
			}
			check(c.a[0], vals, "the reverse value map writes")
		}
		return
	}
	if c.fwd.aTypes != nil || c.fwd.constant || len(c.a) != 1 || len(c.b) != 1 {
		return
	}
	if c.dir.readsA() && picklist(c.a[0].Type) {
		check(c.b[0], optionValues(c.a[0]), "values of "+c.a[0].Name)
	}
	if c.dir.readsB() && c.rev == nil && picklist(c.b[0].Type) {
		check(c.a[0], optionValues(c.b[0]), "values of "+c.b[0].Name)
	}
}

// picklist says whether a field's values come from its options.
func picklist(t connector.FieldType) bool {
	return t == connector.TypeEnum || t == connector.TypeMulti
}

func optionValues(f connector.Field) []string {
	out := make([]string, len(f.Options))
	for i, o := range f.Options {
		out[i] = o.Value
	}
	return out
}

// checkDefault validates the default against B's type; it is stored in
// canonical form.
func (cp *rowCompiler) checkDefault(c *codec) {
	d := strings.TrimSpace(cp.f.Default)
	if d == "" {
		return
	}
	if len(c.b) == 1 {
		v, err := normType(d, c.b[0], true)
		if err != nil {
			cp.problem(c.b[0].Name, "default does not fit %s: %v", c.b[0].Name, err)
			return
		}
		d = v
	}
	c.def = d
}
