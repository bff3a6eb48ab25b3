package dynamics

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// $filter support, after "Filter rows using OData"
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/filter-rows):
// comparison operators eq ne gt ge lt le, logical and/or/not, grouping parentheses, the
// string functions contains/startswith/endswith, and the Dataverse query functions
// Microsoft.Dynamics.CRM.In and NotIn, and ContainValues and DoesNotContainValues for
// multi-select choice columns. Parse errors use the OData library's messages that
// Dataverse passes through with code 0x0 (troubleshooting page
// https://learn.microsoft.com/troubleshoot/power-platform/dataverse/dataverse-web-api-and-sdk/web-api-client-errors).

type node interface {
	eval(t *table, r *record) bool
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }
type notNode struct{ x node }
type cmpNode struct {
	attr *attrDef
	op   string
	val  any // nil = null
}
type strFuncNode struct {
	fn   string
	attr *attrDef
	arg  string
}
type inNode struct {
	attr *attrDef
	vals []any
	not  bool
}

// containNode is ContainValues(PropertyName='x',PropertyValues=['1','2']) on a
// multi-select choice column, or DoesNotContainValues with not set
// (https://learn.microsoft.com/power-apps/developer/data-platform/multi-select-picklist:
// "return all the contacts who like hiking"). A row matches when its choices hold any of
// the values [unverified for several values]; a row without choices contains none.
type containNode struct {
	attr *attrDef
	vals []string
	not  bool
}

func (n containNode) eval(t *table, r *record) bool {
	v, _ := t.get(r, n.attr).(string)
	for _, have := range strings.Split(v, ",") {
		for _, want := range n.vals {
			if have != "" && have == want {
				return !n.not
			}
		}
	}
	return n.not
}

func (n andNode) eval(t *table, r *record) bool { return n.l.eval(t, r) && n.r.eval(t, r) }
func (n orNode) eval(t *table, r *record) bool  { return n.l.eval(t, r) || n.r.eval(t, r) }
func (n notNode) eval(t *table, r *record) bool { return !n.x.eval(t, r) }

// eval follows SQL semantics: a comparison with a null column is false except
// "eq null" / "ne null" [unverified for ne: Dataverse translates to SQL <>].
func (n cmpNode) eval(t *table, r *record) bool {
	v := t.get(r, n.attr)
	if n.val == nil {
		if n.op == "eq" {
			return v == nil
		}
		if n.op == "ne" {
			return v != nil
		}
		return false
	}
	if v == nil {
		return false
	}
	c := compareValues(v, n.val)
	switch n.op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	}
	return c <= 0
}

func (n strFuncNode) eval(t *table, r *record) bool {
	v, _ := t.get(r, n.attr).(string)
	if v == "" && t.get(r, n.attr) == nil {
		return false
	}
	v, a := foldString(v), foldString(n.arg)
	switch n.fn {
	case "contains":
		return strings.Contains(v, a)
	case "startswith":
		return strings.HasPrefix(v, a)
	}
	return strings.HasSuffix(v, a)
}

func (n inNode) eval(t *table, r *record) bool {
	v := t.get(r, n.attr)
	if v == nil {
		return false
	}
	for _, x := range n.vals {
		if compareValues(v, x) == 0 {
			return !n.not
		}
	}
	return n.not
}

type tokKind int

const (
	tkEOF tokKind = iota
	tkWord
	tkString
	tkPunct
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func lex(src string) ([]token, *apiError) {
	var out []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(src) {
					return nil, newErr(400, codeODataGeneric, "There is an unterminated string literal at position %d in '%s'.", j, src)
				}
				if src[j] == '\'' {
					if j+1 < len(src) && src[j+1] == '\'' { // '' escapes a quote
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(src[j])
				j++
			}
			out = append(out, token{tkString, b.String(), i})
			i = j + 1
		case strings.IndexByte("(),[]=", c) >= 0:
			out = append(out, token{tkPunct, string(c), i})
			i++
		case isWordByte(c):
			j := i
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			out = append(out, token{tkWord, src[i:j], i})
			i = j
		default:
			return nil, newErr(400, codeODataGeneric, "Syntax error: character '%c' is not valid at position %d in '%s'.", c, i, src)
		}
	}
	return append(out, token{tkEOF, "", len(src)}), nil
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.:+-", c) >= 0
}

var (
	reGUID     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reDate     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	reDateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$`)
	reInt      = regexp.MustCompile(`^-?\d+$`)
	reDecimal  = regexp.MustCompile(`^-?\d+\.\d+$`)
)

type parser struct {
	src  string
	toks []token
	i    int
	t    *table
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { tk := p.toks[p.i]; p.i++; return tk }

func (p *parser) syntax(tk token) *apiError {
	return newErr(400, codeODataGeneric, "Syntax error at position %d in '%s'.", tk.pos, p.src)
}

func (p *parser) expect(punct string) *apiError {
	tk := p.next()
	if tk.kind != tkPunct || tk.text != punct {
		return p.syntax(tk)
	}
	return nil
}

func parseFilter(t *table, src string) (node, *apiError) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks, t: t}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if tk := p.peek(); tk.kind != tkEOF {
		return nil, p.syntax(tk)
	}
	return n, nil
}

func (p *parser) or() (node, *apiError) {
	l, err := p.and()
	for err == nil && p.peek().kind == tkWord && p.peek().text == "or" {
		p.next()
		var r node
		if r, err = p.and(); err == nil {
			l = orNode{l, r}
		}
	}
	return l, err
}

func (p *parser) and() (node, *apiError) {
	l, err := p.unary()
	for err == nil && p.peek().kind == tkWord && p.peek().text == "and" {
		p.next()
		var r node
		if r, err = p.unary(); err == nil {
			l = andNode{l, r}
		}
	}
	return l, err
}

func (p *parser) unary() (node, *apiError) {
	tk := p.peek()
	if tk.kind == tkWord && tk.text == "not" {
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notNode{x}, nil
	}
	return p.primary()
}

func (p *parser) property(name string) (*attrDef, *apiError) {
	if a := p.t.def.byProp[name]; a != nil {
		return a, nil
	}
	if p.t.def.unsupported[name] {
		return nil, errUnsupportedProp(p.t.def, name)
	}
	return nil, errNoProperty(p.t.def, name)
}

func errNoProperty(e *entityDef, name string) *apiError {
	return newErr(400, codeODataGeneric, "Could not find a property named '%s' on type '%s'.", name, e.typeName())
}

var opKinds = map[string]string{"eq": "Equal", "ne": "NotEqual", "gt": "GreaterThan", "ge": "GreaterThanOrEqual",
	"lt": "LessThan", "le": "LessThanOrEqual"}

func (p *parser) primary() (node, *apiError) {
	tk := p.next()
	switch {
	case tk.kind == tkPunct && tk.text == "(":
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		return n, p.expect(")")
	case tk.kind != tkWord:
		return nil, p.syntax(tk)
	}
	if nx := p.peek(); nx.kind == tkPunct && nx.text == "(" {
		return p.function(tk)
	}
	attr, err := p.property(tk.text)
	if err != nil {
		return nil, err
	}
	op := p.next()
	if op.kind != tkWord || opKinds[op.text] == "" {
		return nil, p.syntax(op)
	}
	lit := p.next()
	val, litType, err := p.literal(lit)
	if err != nil {
		return nil, err
	}
	v, ok := coerce(attr, val, litType)
	if !ok {
		return nil, newErr(400, codeODataGeneric, "A binary operator with incompatible types was detected. Found operand types '%s' and '%s' for operator kind '%s'.",
			attr.edm, litType, opKinds[op.text])
	}
	return cmpNode{attr: attr, op: op.text, val: v}, nil
}

// literal parses one OData literal: 'string', null, true/false, integers, GUIDs,
// dates and date-times (unquoted, e.g. 2026-11-01T00:00:00Z).
func (p *parser) literal(tk token) (any, string, *apiError) {
	switch {
	case tk.kind == tkString:
		return tk.text, edmString, nil
	case tk.kind != tkWord:
		return nil, "", p.syntax(tk)
	case tk.text == "null":
		return nil, "", nil
	case tk.text == "true" || tk.text == "false":
		return tk.text == "true", edmBool, nil
	case reGUID.MatchString(tk.text):
		return strings.ToLower(tk.text), edmGUID, nil
	case reDateTime.MatchString(tk.text):
		t, err := time.Parse(time.RFC3339, tk.text)
		if err != nil {
			return nil, "", p.syntax(tk)
		}
		return t.UTC(), edmTime, nil
	case reDate.MatchString(tk.text):
		if _, err := time.Parse("2006-01-02", tk.text); err != nil {
			return nil, "", p.syntax(tk)
		}
		return tk.text, edmDate, nil
	case reDecimal.MatchString(tk.text):
		f, err := strconv.ParseFloat(tk.text, 64)
		if err != nil {
			return nil, "", p.syntax(tk)
		}
		return f, edmDec, nil
	case reInt.MatchString(tk.text):
		n, err := strconv.ParseInt(tk.text, 10, 64)
		if err != nil {
			return nil, "", p.syntax(tk)
		}
		return n, edmInt, nil
	}
	return nil, "", p.syntax(tk)
}

// coerce checks a literal against a property's type.
func coerce(a *attrDef, v any, litType string) (any, bool) {
	if v == nil {
		return nil, true
	}
	switch a.edm {
	case edmString:
		return v, litType == edmString
	case edmInt:
		return v, litType == edmInt
	case edmGUID:
		return v, litType == edmGUID
	case edmBool:
		return v, litType == edmBool
	case edmDec: // Money: integer and decimal literals [unverified promotion rules]
		switch x := v.(type) {
		case int64:
			return float64(x), true
		case float64:
			return x, true
		}
		return nil, false
	case edmDate:
		return v, litType == edmDate
	case edmTime:
		if litType == edmDate { // a date promotes to midnight UTC [unverified]
			t, _ := time.Parse("2006-01-02", v.(string))
			return t, true
		}
		return v, litType == edmTime
	}
	return nil, false
}

func (p *parser) function(name token) (node, *apiError) {
	p.next() // (
	switch name.text {
	case "contains", "startswith", "endswith":
		prop := p.next()
		if prop.kind != tkWord {
			return nil, p.syntax(prop)
		}
		attr, err := p.property(prop.text)
		if err != nil {
			return nil, err
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
		arg := p.next()
		if arg.kind != tkString || attr.edm != edmString {
			return nil, newErr(400, codeODataGeneric, "No function signature for the function with name '%s' matches the specified arguments. The function signatures considered are: %s(Edm.String Nullable=true, Edm.String Nullable=true).", name.text, name.text)
		}
		return strFuncNode{fn: name.text, attr: attr, arg: arg.text}, p.expect(")")
	case "Microsoft.Dynamics.CRM.In", "Microsoft.Dynamics.CRM.NotIn":
		return p.inFunction(name.text == "Microsoft.Dynamics.CRM.NotIn")
	case "Microsoft.Dynamics.CRM.ContainValues", "Microsoft.Dynamics.CRM.DoesNotContainValues":
		n, err := p.inFunction(false)
		if err != nil {
			return nil, err
		}
		in := n.(inNode)
		if in.attr.kind != kindMulti {
			// [unverified message] the functions take a multi-select choice column.
			return nil, newErr(400, codeODataGeneric, "The function '%s' can only be used with a multi-select choice column; '%s' is not one.", name.text, in.attr.name)
		}
		c := containNode{attr: in.attr, not: name.text == "Microsoft.Dynamics.CRM.DoesNotContainValues"}
		for _, v := range in.vals {
			s, _ := v.(string)
			n, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
			if perr != nil {
				return nil, newErr(400, codeODataGeneric, "Cannot convert the literal '%s' to the expected type 'Edm.Int32'.", s) // [unverified]
			}
			c.vals = append(c.vals, formatInt(n))
		}
		return c, nil
	}
	return nil, newErr(400, codeODataGeneric, "An unknown function with name '%s' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.", name.text)
}

// inFunction parses In(PropertyName='x',PropertyValues=['a','b']): the query function
// reference (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/in)
// takes the property name and the values as strings.
func (p *parser) inFunction(not bool) (node, *apiError) {
	var attr *attrDef
	var raw []string
	seenValues := false
	for {
		param := p.next()
		if param.kind != tkWord {
			return nil, p.syntax(param)
		}
		if err := p.expect("="); err != nil {
			return nil, err
		}
		switch param.text {
		case "PropertyName":
			v := p.next()
			if v.kind != tkString {
				return nil, p.syntax(v)
			}
			a, err := p.property(v.text)
			if err != nil {
				return nil, err
			}
			attr = a
		case "PropertyValues":
			if err := p.expect("["); err != nil {
				return nil, err
			}
			seenValues = true
			for {
				v := p.next()
				if v.kind != tkString {
					return nil, p.syntax(v)
				}
				raw = append(raw, v.text)
				sep := p.next()
				if sep.kind == tkPunct && sep.text == "]" {
					break
				}
				if sep.kind != tkPunct || sep.text != "," {
					return nil, p.syntax(sep)
				}
			}
		default:
			return nil, newErr(400, codeODataGeneric, "The parameter '%s' in the request payload is not a valid parameter for the function 'Microsoft.Dynamics.CRM.In'.", param.text)
		}
		sep := p.next()
		if sep.kind == tkPunct && sep.text == ")" {
			break
		}
		if sep.kind != tkPunct || sep.text != "," {
			return nil, p.syntax(sep)
		}
	}
	if attr == nil || !seenValues {
		return nil, newErr(400, codeODataGeneric, "The function 'Microsoft.Dynamics.CRM.In' requires the parameters PropertyName and PropertyValues.")
	}
	vals := make([]any, 0, len(raw))
	for _, s := range raw {
		v, err := parseTypedString(attr, s)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	return inNode{attr: attr, vals: vals, not: not}, nil
}

// parseTypedString converts a PropertyValues string or an alternate-key value to the
// property's type.
func parseTypedString(a *attrDef, s string) (any, *apiError) {
	switch a.edm {
	case edmInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, newErr(400, codeODataGeneric, "Cannot convert the literal '%s' to the expected type '%s'.", s, a.edm)
		}
		return n, nil
	case edmGUID:
		if !reGUID.MatchString(s) {
			return nil, newErr(400, codeODataGeneric, "Cannot convert the literal '%s' to the expected type '%s'.", s, a.edm)
		}
		return strings.ToLower(s), nil
	case edmBool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, newErr(400, codeODataGeneric, "Cannot convert the literal '%s' to the expected type '%s'.", s, a.edm)
		}
		return b, nil
	case edmDec:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, newErr(400, codeODataGeneric, "Cannot convert the literal '%s' to the expected type '%s'.", s, a.edm)
		}
		return f, nil
	case edmTime:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, newErr(400, codeODataGeneric, "Cannot convert the literal '%s' to the expected type '%s'.", s, a.edm)
		}
		return t.UTC(), nil
	}
	return s, nil
}

func (n cmpNode) String() string { return fmt.Sprintf("%s %s %v", n.attr.name, n.op, n.val) }
