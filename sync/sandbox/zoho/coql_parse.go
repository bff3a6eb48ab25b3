package zoho

import (
	"slices"
	"strconv"
	"strings"
)

// coqlParser reads the tokens of one select.
type coqlParser struct {
	toks  []coqlToken
	pos   int
	m     *moduleDef
	conds int
}

func (p *coqlParser) peek() (coqlToken, bool) {
	if p.pos >= len(p.toks) {
		return coqlToken{}, false
	}
	return p.toks[p.pos], true
}

// keyword consumes the unquoted word kw (any case) if it is next.
func (p *coqlParser) keyword(kw string) bool {
	if t, ok := p.peek(); ok && !t.quoted && strings.EqualFold(t.text, kw) {
		p.pos++
		return true
	}
	return false
}

func (p *coqlParser) near() string {
	if t, ok := p.peek(); ok {
		return t.text
	}
	return ""
}

// parseCOQL parses and checks one select against the module's fields.
func (s *Sim) parseCOQL(src string) (*coqlQuery, *zerr) {
	toks, e := coqlTokens(src)
	if e != nil {
		return nil, e
	}
	p := &coqlParser{toks: toks}
	if !p.keyword("select") {
		return nil, errCOQLUnsupported() // "You can use only Select Query in COQL"
	}
	var cols []string
	for {
		t, ok := p.peek()
		if !ok || t.quoted || strings.EqualFold(t.text, "from") {
			return nil, errCOQLSyntax(p.near())
		}
		if strings.Contains(t.text, ".") || strings.Contains(t.text, "(") {
			return nil, errCOQLUnsupported() // joins and functions
		}
		cols = append(cols, t.text)
		p.pos++
		if t, ok := p.peek(); ok && t.text == "," {
			p.pos++
			continue
		}
		break
	}
	if !p.keyword("from") {
		return nil, badRequest("SYNTAX_ERROR", "missing clause", map[string]any{"clause": "from"})
	}
	t, ok := p.peek()
	if !ok || t.quoted {
		return nil, errCOQLSyntax(p.near())
	}
	p.pos++
	q := &coqlQuery{limit: coqlDefault}
	if q.module = s.module(t.text); q.module == nil || q.module.noSearch {
		return nil, badRequest("INVALID_MODULE", "the given module is not supported in api", map[string]any{})
	}
	p.m = q.module
	if e := q.setColumns(cols); e != nil {
		return nil, e
	}
	if p.keyword("where") {
		if q.where, e = p.expr(); e != nil {
			return nil, e
		}
	}
	if p.keyword("order") || p.keyword("group") {
		return nil, errCOQLUnsupported()
	}
	if e := p.limits(q); e != nil {
		return nil, e
	}
	if p.pos != len(p.toks) {
		return nil, errCOQLSyntax(p.near())
	}
	return q, nil
}

// setColumns checks the select list: known fields, no repeats, at most 50.
func (q *coqlQuery) setColumns(cols []string) *zerr {
	if len(cols) > coqlMaxColumns {
		return badRequest("LIMIT_EXCEEDED", "select column limit exceeded", map[string]any{"limit": coqlMaxColumns}) // [unverified message]
	}
	for i, c := range cols {
		if slices.Contains(cols[:i], c) {
			return badRequest("DUPLICATE_DATA", "duplicate select column", map[string]any{"column_name": c})
		}
		if c != "id" && q.module.field(c) == nil {
			return badRequest("INVALID_QUERY", "invalid column given", map[string]any{"column_name": c}) // [unverified message]
		}
		if c != "id" {
			q.columns = append(q.columns, c)
		}
	}
	return nil
}

// limits reads "limit n", "limit n offset m" and "limit m, n".
func (p *coqlParser) limits(q *coqlQuery) *zerr {
	if !p.keyword("limit") {
		if p.keyword("offset") {
			return errCOQLSyntax("offset")
		}
		return nil
	}
	num := func(key string) (int, *zerr) {
		t, _ := p.peek()
		p.pos++
		n, err := strconv.Atoi(t.text)
		if err != nil || t.quoted {
			return 0, badRequest("INVALID_QUERY", key+" given seems to be invalid", map[string]any{key: t.text})
		}
		return n, nil
	}
	n, e := num("limit")
	if e != nil {
		return e
	}
	if t, ok := p.peek(); ok && t.text == "," {
		p.pos++
		q.offset = n
		if n, e = num("limit"); e != nil {
			return e
		}
	} else if p.keyword("offset") {
		if q.offset, e = num("offset"); e != nil {
			return e
		}
	}
	switch {
	case n <= 0:
		return badRequest("INVALID_DATA", "limit should be greater than 0", map[string]any{})
	case n > coqlMaxLimit:
		return badRequest("INVALID_QUERY", "limit given seems to be invalid", map[string]any{"limit": strconv.Itoa(n)})
	case q.offset < 0 || q.offset+n > coqlReach:
		return badRequest("INVALID_QUERY", "offset given seems to be invalid", map[string]any{"offset": strconv.Itoa(q.offset)}) // code and detail: the spec's InvalidQuery offset; [unverified message]
	}
	q.limit = n
	return nil
}

// expr reads criteria joined by and/or. More than two on one level, or and
// and or mixed on it, must be bracketed: "If WHERE has more than two
// criteria such as A, B, and C, use them as (A and (B and C))".
func (p *coqlParser) expr() (*node, *zerr) {
	first, e := p.term()
	if e != nil {
		return nil, e
	}
	var joiner string
	switch {
	case p.keyword("and"):
		joiner = "and"
	case p.keyword("or"):
		joiner = "or"
	default:
		return first, nil
	}
	second, e := p.term()
	if e != nil {
		return nil, e
	}
	if t, ok := p.peek(); ok && !t.quoted && (strings.EqualFold(t.text, "and") || strings.EqualFold(t.text, "or")) {
		return nil, badRequest("SYNTAX_ERROR", "error occured while parsing the query", map[string]any{"near": t.text}) // bracket them
	}
	return &node{or: joiner == "or", kids: []*node{first, second}}, nil
}

func (p *coqlParser) term() (*node, *zerr) {
	if t, ok := p.peek(); ok && t.text == "(" && !t.quoted {
		p.pos++
		n, e := p.expr()
		if e != nil {
			return nil, e
		}
		if t, ok := p.peek(); !ok || t.text != ")" || t.quoted {
			return nil, errCOQLSyntax(p.near())
		}
		p.pos++
		return n, nil
	}
	return p.condition()
}

// condition reads one criterion, as the search's cond: = and in compare
// whole values (exact, unlike the search's equals), != and not in negate them.
func (p *coqlParser) condition() (*node, *zerr) {
	t, ok := p.peek()
	if !ok || t.quoted {
		return nil, errCOQLSyntax(p.near())
	}
	p.pos++
	if p.conds++; p.conds > coqlMaxCriteria {
		return nil, badRequest("LIMIT_EXCEEDED", "criteria limit exceeded", map[string]any{"limit": coqlMaxCriteria}) // [unverified message]
	}
	c := &cond{field: t.text}
	if t.text != "id" {
		if c.fd = p.m.field(t.text); c.fd == nil {
			return nil, badRequest("INVALID_QUERY", "invalid column given", map[string]any{"column_name": t.text}) // [unverified message]
		}
		if c.fd.dataType == TypeTextarea {
			// "You cannot use multi-line fields ... in criteria" (limitations page).
			return nil, badRequest("INVALID_QUERY", "unsupported column in criteria", map[string]any{"column_name": t.text, "cv_criteria": false})
		}
	}
	var (
		e    *zerr
		lits []coqlToken // the values as written, checked against the field's type
		op   string      // the operator as written
	)
	switch {
	case p.keyword("is"):
		not := p.keyword("not")
		if !p.keyword("null") {
			return nil, errCOQLSyntax(p.near())
		}
		c.op, c.vals = "in", []string{"${EMPTY}"}
		if not {
			c.op = "not_in"
		}
	case p.keyword("not"):
		if !p.keyword("in") {
			return nil, badRequest("SYNTAX_ERROR", "operator not supported", map[string]any{"operator": "not"})
		}
		c.op, op = "not_in", "not in"
		lits, e = p.list(t.text)
	case p.keyword("in"):
		c.op, op = "in", "in"
		lits, e = p.list(t.text)
	default:
		tok, _ := p.peek()
		p.pos++
		switch op = tok.text; op {
		case "=":
			c.op = "in"
		case "!=":
			c.op = "not_in"
		default:
			return nil, errCOQLUnsupported() // like, between, comparisons: not served here
		}
		var v coqlToken
		if v, e = p.value(); e == nil {
			lits = []coqlToken{v}
		}
	}
	if e != nil {
		return nil, e
	}
	if lits != nil {
		if e := checkLiterals(c.fd, op, lits); e != nil {
			return nil, e
		}
		for _, l := range lits {
			c.vals = append(c.vals, l.text)
		}
	}
	return &node{cond: c}, nil
}

// value reads one quoted value, or a bare number or boolean.
func (p *coqlParser) value() (coqlToken, *zerr) {
	t, ok := p.peek()
	if !ok || !t.quoted && strings.ContainsAny(t.text, "(),=") {
		return coqlToken{}, errCOQLSyntax(p.near())
	}
	p.pos++
	return t, nil
}

// list reads ('a', 'b', …), at most 50 values.
func (p *coqlParser) list(field string) ([]coqlToken, *zerr) {
	if t, ok := p.peek(); !ok || t.text != "(" || t.quoted {
		return nil, errCOQLSyntax(p.near())
	}
	p.pos++
	var vals []coqlToken
	for {
		v, e := p.value()
		if e != nil {
			return nil, e
		}
		vals = append(vals, v)
		t, ok := p.peek()
		if !ok {
			return nil, errCOQLSyntax("")
		}
		p.pos++
		if t.text == ")" && !t.quoted {
			break
		}
		if t.text != "," || t.quoted {
			return nil, errCOQLSyntax(t.text)
		}
	}
	if len(vals) > coqlMaxIn {
		return nil, badRequest("LIMIT_EXCEEDED", "in operator value limit exceeded", map[string]any{"column_name": field, "limit": coqlMaxIn}) // [unverified message]
	}
	return vals, nil
}
