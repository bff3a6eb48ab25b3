package salesforce

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// A deliberately small SOQL subset:
//   SELECT f1, f2 | COUNT() FROM Obj [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]
//   cond := term {OR term}; term := factor {AND factor}; factor := NOT factor | ( cond ) | f op literal | f [NOT] IN (lits) | f LIKE 'x%'
// literals: 'strings', numbers, true/false, null, date 2026-11-01, datetime 2026-11-01T00:00:00Z.

type tokKind int

const (
	tIdent tokKind = iota
	tString
	tNumber
	tDateTime
	tDate
	tOp
	tComma
	tLParen
	tRParen
	tEOF
)

type token struct {
	kind tokKind
	text string
	pos  int
}

type soqlError struct{ code, msg string }

func (e *soqlError) Error() string { return e.msg }

func malformed(format string, a ...any) *soqlError {
	return &soqlError{"MALFORMED_QUERY", fmt.Sprintf(format, a...)}
}

func lex(q string) ([]token, error) {
	var out []token
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == ',':
			out = append(out, token{tComma, ",", i})
			i++
		case c == '(':
			out = append(out, token{tLParen, "(", i})
			i++
		case c == ')':
			out = append(out, token{tRParen, ")", i})
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(q) && q[j] != '\''; j++ {
				if q[j] == '\\' && j+1 < len(q) {
					j++
				}
				b.WriteByte(q[j])
			}
			if j >= len(q) {
				return nil, malformed("unexpected token: unterminated string literal at column %d", i+1)
			}
			out = append(out, token{tString, b.String(), i})
			i = j + 1
		case strings.ContainsRune("=!<>", rune(c)):
			j := i + 1
			if j < len(q) && (q[j] == '=' || (c == '<' && q[j] == '>')) {
				j++
			}
			op := q[i:j]
			if op == "!" {
				return nil, malformed("unexpected token: '!' at column %d", i+1)
			}
			out = append(out, token{tOp, op, i})
			i = j
		case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
			j := i + 1
			for j < len(q) && strings.ContainsRune("0123456789.-:TZ+", rune(q[j])) {
				j++
			}
			text := q[i:j]
			kind := tNumber
			switch {
			case strings.Contains(text, "T") && len(text) >= 20:
				kind = tDateTime
			case len(text) == 10 && strings.Count(text, "-") == 2:
				kind = tDate
			default:
				if _, err := strconv.ParseFloat(text, 64); err != nil {
					return nil, malformed("unexpected token: '%s' at column %d", text, i+1)
				}
			}
			out = append(out, token{kind, text, i})
			i = j
		case unicode.IsLetter(rune(c)) || c == '_':
			j := i + 1
			for j < len(q) && (unicode.IsLetter(rune(q[j])) || unicode.IsDigit(rune(q[j])) || q[j] == '_' || q[j] == '.') {
				j++
			}
			out = append(out, token{tIdent, q[i:j], i})
			i = j
		default:
			return nil, malformed("unexpected token: '%c' at column %d", c, i+1)
		}
	}
	return append(out, token{tEOF, "", len(q)}), nil
}

// soqlQuery is a parsed statement, before binding to a schema.
type soqlQuery struct {
	fields  []string
	count   bool
	object  string
	where   *cond
	orderBy []orderItem
	limit   int // -1 = none
	offset  int
}

type orderItem struct {
	field      string
	desc       bool
	nullsFirst bool
}

// cond is a boolean tree; leaves have op set.
type cond struct {
	and, or []*cond
	not     *cond
	field   string
	op      string // = != < <= > >= IN NOT IN LIKE
	lits    []token
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) keyword(kw string) bool {
	if t := p.peek(); t.kind == tIdent && strings.EqualFold(t.text, kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(kw string) error {
	if !p.keyword(kw) {
		t := p.peek()
		return malformed("unexpected token: '%s' at column %d, expecting %s", t.text, t.pos+1, kw)
	}
	return nil
}

func isReserved(s string) bool {
	switch strings.ToUpper(s) {
	case "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "LIMIT", "OFFSET", "ASC", "DESC", "NULLS", "NULL", "TRUE", "FALSE":
		return true
	}
	return false
}

func (p *parser) ident(what string) (string, error) {
	t := p.next()
	if t.kind != tIdent || isReserved(t.text) {
		return "", malformed("unexpected token: '%s' at column %d, expecting %s", t.text, t.pos+1, what)
	}
	return t.text, nil
}

func parseSOQL(q string) (*soqlQuery, error) {
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	out := &soqlQuery{limit: -1}
	if err := p.expect("SELECT"); err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tIdent && strings.EqualFold(t.text, "COUNT") && p.toks[p.i+1].kind == tLParen {
		p.i += 2
		if p.next().kind != tRParen {
			return nil, malformed("COUNT() takes no field in this sandbox")
		}
		out.count = true
	} else {
		for {
			f, err := p.ident("field name")
			if err != nil {
				return nil, err
			}
			out.fields = append(out.fields, f)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
	}
	if err := p.expect("FROM"); err != nil {
		return nil, err
	}
	if out.object, err = p.ident("sObject name"); err != nil {
		return nil, err
	}
	if p.keyword("WHERE") {
		if out.where, err = p.orExpr(); err != nil {
			return nil, err
		}
	}
	if p.keyword("ORDER") {
		if err := p.expect("BY"); err != nil {
			return nil, err
		}
		for {
			f, err := p.ident("field name")
			if err != nil {
				return nil, err
			}
			it := orderItem{field: f}
			if p.keyword("DESC") {
				it.desc = true
			} else {
				p.keyword("ASC")
			}
			it.nullsFirst = !it.desc // Salesforce default: NULLS FIRST for ASC, LAST for DESC
			if p.keyword("NULLS") {
				switch {
				case p.keyword("FIRST"):
					it.nullsFirst = true
				case p.keyword("LAST"):
					it.nullsFirst = false
				default:
					return nil, malformed("expecting FIRST or LAST after NULLS")
				}
			}
			out.orderBy = append(out.orderBy, it)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
	}
	for _, kw := range []string{"LIMIT", "OFFSET"} {
		if p.keyword(kw) {
			t := p.next()
			n, err := strconv.Atoi(t.text)
			if t.kind != tNumber || err != nil || n < 0 {
				return nil, malformed("unexpected token: '%s', expecting a non-negative integer after %s", t.text, kw)
			}
			if kw == "LIMIT" {
				out.limit = n
			} else {
				out.offset = n
			}
		}
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, malformed("unexpected token: '%s' at column %d", t.text, t.pos+1)
	}
	return out, nil
}

func (p *parser) orExpr() (*cond, error) {
	first, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	c := &cond{or: []*cond{first}}
	for p.keyword("OR") {
		n, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		c.or = append(c.or, n)
	}
	if len(c.or) == 1 {
		return first, nil
	}
	return c, nil
}

func (p *parser) andExpr() (*cond, error) {
	first, err := p.factor()
	if err != nil {
		return nil, err
	}
	c := &cond{and: []*cond{first}}
	for p.keyword("AND") {
		n, err := p.factor()
		if err != nil {
			return nil, err
		}
		c.and = append(c.and, n)
	}
	if len(c.and) == 1 {
		return first, nil
	}
	return c, nil
}

func (p *parser) literal() (token, error) {
	t := p.next()
	switch t.kind {
	case tString, tNumber, tDate, tDateTime:
		return t, nil
	case tIdent:
		switch strings.ToLower(t.text) {
		case "null", "true", "false":
			return token{tIdent, strings.ToLower(t.text), t.pos}, nil
		}
	}
	return t, malformed("unexpected token: '%s' at column %d, expecting a literal", t.text, t.pos+1)
}

func (p *parser) factor() (*cond, error) {
	if p.keyword("NOT") {
		n, err := p.factor()
		if err != nil {
			return nil, err
		}
		return &cond{not: n}, nil
	}
	if p.peek().kind == tLParen {
		p.next()
		c, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if t := p.next(); t.kind != tRParen {
			return nil, malformed("unexpected token: '%s' at column %d, expecting ')'", t.text, t.pos+1)
		}
		return c, nil
	}
	f, err := p.ident("field name")
	if err != nil {
		return nil, err
	}
	c := &cond{field: f}
	switch {
	case p.peek().kind == tOp:
		c.op = p.next().text
		if c.op == "<>" {
			c.op = "!="
		}
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		c.lits = []token{lit}
	case p.keyword("LIKE"):
		c.op = "LIKE"
		t := p.next()
		if t.kind != tString {
			return nil, malformed("LIKE needs a string literal")
		}
		c.lits = []token{t}
	default:
		c.op = "IN"
		if p.keyword("NOT") {
			c.op = "NOT IN"
		}
		if err := p.expect("IN"); err != nil {
			return nil, err
		}
		if p.next().kind != tLParen {
			return nil, malformed("expecting '(' after IN")
		}
		for {
			lit, err := p.literal()
			if err != nil {
				return nil, err
			}
			c.lits = append(c.lits, lit)
			t := p.next()
			if t.kind == tRParen {
				break
			}
			if t.kind != tComma {
				return nil, malformed("unexpected token: '%s' in IN list", t.text)
			}
		}
	}
	return c, nil
}
