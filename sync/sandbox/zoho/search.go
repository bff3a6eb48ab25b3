package zoho

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// maxCriteria: "You can search for a maximum of 10 criteria" (Deluge searchRecords doc,
// which wraps this API) [unverified for the REST API].
const maxCriteria = 10

// maxSearchResults: search reaches only the first 2000 records (searchRecords.md).
const maxSearchResults = maxDiscrete

func errQuery(reason string, details map[string]any) *zerr {
	d := map[string]any{"reason": reason}
	for k, v := range details {
		d[k] = v
	}
	return badRequest("INVALID_QUERY", "invalid query formed", d)
}

// handleSearch serves GET /crm/v8/{module}/search with one of criteria, email, phone or
// word (taken in that order when several are given), fields (optional), page and
// per_page (≤ 200), sort_by and sort_order (default id, desc) (crm-oas
// v8.0/module_search/mds/searchRecords.md); 204 when nothing matches.
func (s *Sim) handleSearch(w http.ResponseWriter, r *http.Request, m *moduleDef) {
	if m.noSearch {
		writeErr(w, errInvalidModule()) // Notes: no search in the Notes API [unverified answer]
		return
	}
	q := r.URL.Query()
	var fields []string
	var e *zerr
	if raw := q.Get("fields"); raw != "" {
		if fields, e = parseFields(m, raw); e != nil {
			writeErr(w, e)
			return
		}
	}
	page, perPage, e := pageParams(q)
	if e != nil {
		writeErr(w, e)
		return
	}
	order, e := parseSearchOrder(m, q)
	if e != nil {
		writeErr(w, e)
		return
	}
	if page*perPage > maxSearchResults {
		writeErr(w, errSearchLimitReached())
		return
	}
	converted, e := convertedParam(m, q)
	if e != nil {
		writeErr(w, e)
		return
	}
	var pred func(*record) bool
	switch {
	case q.Get("criteria") != "":
		n, e := parseCriteria(m, q.Get("criteria"))
		if e != nil {
			writeErr(w, e)
			return
		}
		pred = func(rec *record) bool { return n.eval(s, m, rec) }
	case q.Get("email") != "":
		// "Partial matches are supported" (searchRecords.md, email).
		pred = s.matchTyped(m, TypeEmail, func(v string) bool { return containsFold(v, strings.TrimSpace(q.Get("email"))) })
	case q.Get("phone") != "":
		want := digits(q.Get("phone"))
		// "partial numbers" are found too (searchRecords.md, phone).
		pred = s.matchTyped(m, TypePhone, func(v string) bool { return want != "" && strings.Contains(digits(v), want) })
	case q.Get("word") != "":
		word := strings.ToLower(q.Get("word"))
		pred = func(rec *record) bool {
			if strings.Contains(strings.ToLower(s.displayName(m, rec)), word) {
				return true
			}
			for _, fd := range m.fields {
				if v := rec.str(fd.apiName); fd.textual() && v != "" && strings.Contains(strings.ToLower(v), word) {
					return true
				}
			}
			return false
		}
	default:
		writeErr(w, errSearchParamMissing())
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	now := s.now()
	var hits []*record
	for rec := range order.arrange(m.st.recs) {
		if rec.deleted || !convertedMatch(converted, rec) || now.Sub(rec.createdWall) < s.opts.SearchIndexDelay || !pred(rec) {
			continue
		}
		if hits = append(hits, rec); len(hits) > maxSearchResults {
			break
		}
	}
	from := (page - 1) * perPage
	if from >= len(hits) {
		writeNoContent(w)
		return
	}
	to := min(from+perPage, len(hits))
	data := make([]any, 0, to-from)
	for _, rec := range hits[from:to] {
		data = append(data, s.render(m, rec, fields))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "info": map[string]any{"per_page": perPage,
		"count": len(data), "page": page, "more_records": to < len(hits) && to < maxSearchResults,
		"sort_by": order.by, "sort_order": order.direction()}})
}

// matchTyped matches records with any field of the data type for which ok holds.
func (s *Sim) matchTyped(m *moduleDef, typ string, ok func(string) bool) func(*record) bool {
	return func(rec *record) bool {
		for _, fd := range m.fields {
			if v := rec.str(fd.apiName); fd.dataType == typ && v != "" && ok(v) {
				return true
			}
		}
		return false
	}
}

func digits(v string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, v)
}

// node is a parsed criteria expression: a condition, or and/or of sub-expressions
// (and binds tighter than or).
type node struct {
	cond *cond
	or   bool
	kids []*node
}

type cond struct {
	field string
	fd    *fieldDef // nil for id
	op    string
	vals  []string
}

var (
	textOps    = []string{"equals", "not_equal", "starts_with", "in", "not_in"}
	orderedOps = []string{"equals", "not_equal", "in", "not_in", "greater_than", "greater_equal", "less_than", "less_equal", "between"}
	boolOps    = []string{"equals", "not_equal"}
	refOps     = []string{"equals", "not_equal", "in", "not_in"}
)

type criteriaParser struct {
	src   string
	pos   int
	conds int
	m     *moduleDef
}

// parseCriteria parses "((Last_Name:equals:Burns)and(First_Name:starts_with:B))".
// Within values, \ escapes ( ) , : and \.
func parseCriteria(m *moduleDef, src string) (*node, *zerr) {
	p := &criteriaParser{src: strings.TrimSpace(src), m: m}
	n, e := p.expr()
	if e == nil && p.pos != len(p.src) {
		e = errQuery("unexpected text after the criteria", nil)
	}
	return n, e
}

func (p *criteriaParser) skipSpace() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

func (p *criteriaParser) expr() (*node, *zerr) {
	var ors []*node
	and := &node{}
	for {
		t, e := p.term()
		if e != nil {
			return nil, e
		}
		and.kids = append(and.kids, t)
		p.skipSpace()
		rest := strings.ToLower(p.src[p.pos:])
		switch {
		case strings.HasPrefix(rest, "and"):
			p.pos += 3
		case strings.HasPrefix(rest, "or"):
			p.pos += 2
			ors, and = append(ors, and), &node{}
		default:
			return &node{or: true, kids: append(ors, and)}, nil
		}
		p.skipSpace()
	}
}

func (p *criteriaParser) term() (*node, *zerr) {
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '(' {
		return nil, errQuery("a criteria must be enclosed in parentheses", nil)
	}
	p.pos++
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '(' {
		n, e := p.expr()
		if e != nil {
			return nil, e
		}
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != ')' {
			return nil, errQuery("unbalanced parentheses", nil)
		}
		p.pos++
		return n, nil
	}
	// A condition runs to the first unescaped ')'; split on unescaped ':' and ','.
	var parts [][]string
	cur, item := []string{}, strings.Builder{}
	for {
		if p.pos >= len(p.src) {
			return nil, errQuery("unbalanced parentheses", nil)
		}
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == '\\' && p.pos < len(p.src):
			item.WriteByte(p.src[p.pos])
			p.pos++
			continue
		case c == ',' && len(parts) == 2:
			cur, item = append(cur, item.String()), strings.Builder{}
			continue
		case c == ':' && len(parts) < 2:
			parts, cur, item = append(parts, append(cur, item.String())), []string{}, strings.Builder{}
			continue
		case c != ')':
			item.WriteByte(c)
			continue
		}
		break
	}
	if len(parts) != 2 {
		return nil, errQuery("a criteria must be field:operator:value", nil)
	}
	c, e := p.makeCond(strings.TrimSpace(parts[0][0]), strings.TrimSpace(parts[1][0]), append(cur, item.String()))
	if e != nil {
		return nil, e
	}
	return &node{cond: c}, nil
}

func (p *criteriaParser) makeCond(field, op string, vals []string) (*cond, *zerr) {
	if p.conds++; p.conds > maxCriteria {
		return nil, errQuery("more than 10 criteria", nil)
	}
	c := &cond{field: field, op: op, vals: vals}
	allowed := orderedOps
	if field != "id" {
		if c.fd = p.m.field(field); c.fd == nil {
			return nil, errQuery("the api name given seems to be invalid", map[string]any{"api_name": field})
		}
		switch {
		case c.fd.textual() || c.fd.apiName == "Full_Name":
			allowed = textOps
		case c.fd.dataType == TypeBoolean:
			allowed = boolOps
		case c.fd.dataType == TypeLookup || c.fd.dataType == TypeOwnerLookup || c.fd.dataType == TypeMultiPicklist:
			allowed = refOps
		}
	}
	if !slices.Contains(allowed, op) {
		return nil, errQuery("invalid operator found", map[string]any{"api_name": field, "operator": op})
	}
	if strings.HasSuffix(op, "in") && len(vals) > maxInValues {
		return nil, errTooManyInValues(field)
	}
	if op == "between" && len(vals) != 2 || op != "between" && !strings.HasSuffix(op, "in") && len(vals) != 1 {
		return nil, errQuery("invalid value count for the operator", map[string]any{"api_name": field, "operator": op})
	}
	return c, nil
}

func (n *node) eval(s *Sim, m *moduleDef, r *record) bool {
	if n.cond != nil {
		return n.cond.eval(s, m, r)
	}
	for _, k := range n.kids {
		if k.eval(s, m, r) == n.or {
			return n.or
		}
	}
	return !n.or
}

// operand is a record's value as the criteria compare it: text, or a number (ids,
// integers, doubles, Unix seconds of times), plus a lookup's name.
func (c *cond) operand(s *Sim, m *moduleDef, r *record) (text string, num float64, isNum, set bool, name string) {
	if c.fd == nil {
		return "", float64(r.id), true, true, ""
	}
	switch c.fd.apiName {
	case "Created_Time":
		return "", float64(r.created.Unix()), true, true, ""
	case "Modified_Time":
		return "", float64(r.modified.Unix()), true, true, ""
	case "Full_Name":
		v := s.displayName(m, r)
		return v, 0, false, v != "", ""
	}
	v, ok := r.values[c.fd.apiName]
	if !ok && c.fd.dataType == TypeBoolean {
		return "false", 0, false, true, "" // an unset checkbox reads as false
	}
	switch x := v.(type) {
	case string:
		if c.fd.dataType == TypeDatetime {
			t, _ := parseTime(x)
			return "", float64(t.Unix()), true, true, ""
		}
		return x, 0, false, true, ""
	case bool:
		return strconv.FormatBool(x), 0, false, true, ""
	case int64:
		switch c.fd.dataType {
		case TypeLookup:
			if tm := s.lookupTarget(c.fd, r); tm != nil {
				if t := tm.st.get(x); t != nil {
					name = s.displayName(tm, t)
				}
			}
		case TypeOwnerLookup:
			if u := s.userBy[x]; u != nil {
				name = u.name
			}
		}
		return idString(x), float64(x), true, true, name
	case float64:
		return "", x, true, true, ""
	}
	return "", 0, c.fd.dataType != TypeBoolean && !c.fd.textual(), ok, ""
}

// num reads a criteria value as a number: a plain number, or an ISO date-time (Unix
// seconds) for time fields.
func (c *cond) num(v string) (float64, bool) {
	if c.fd != nil && (c.fd.dataType == TypeDatetime || c.fd.apiName == "Created_Time" || c.fd.apiName == "Modified_Time") {
		t, err := parseTime(v)
		return float64(t.Unix()), err == nil
	}
	if c.fd != nil && c.fd.dataType == TypeDate {
		t, err := time.Parse(time.DateOnly, v)
		return float64(t.Unix()), err == nil
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

func (c *cond) eval(s *Sim, m *moduleDef, r *record) bool {
	if c.fd != nil && c.fd.dataType == TypeMultiPicklist {
		return c.evalMulti(r)
	}
	text, num, isNum, set, name := c.operand(s, m, r)
	if c.fd != nil && c.fd.dataType == TypeDate && set {
		t, _ := time.Parse(time.DateOnly, text)
		num, isNum = float64(t.Unix()), true
	}
	equal := func(v string) bool {
		if v == "${EMPTY}" {
			return !set
		}
		if !set {
			return false
		}
		if isNum {
			x, ok := c.num(v)
			return ok && x == num || name != "" && strings.EqualFold(v, name)
		}
		return strings.EqualFold(text, v)
	}
	switch c.op {
	case "equals":
		if c.containsEquals() {
			return set && containsFold(text, c.vals[0])
		}
		return slices.ContainsFunc(c.vals, equal)
	case "in":
		return slices.ContainsFunc(c.vals, equal)
	case "not_equal", "not_in":
		return !slices.ContainsFunc(c.vals, equal)
	case "starts_with":
		return set && strings.HasPrefix(strings.ToLower(text), strings.ToLower(c.vals[0]))
	}
	if !set || !isNum {
		return false
	}
	x, ok := c.num(c.vals[0])
	if !ok {
		return false
	}
	switch c.op {
	case "greater_than":
		return num > x
	case "greater_equal":
		return num >= x
	case "less_than":
		return num < x
	case "less_equal":
		return num <= x
	case "between":
		y, ok := c.num(c.vals[1])
		return ok && num >= x && num <= y
	}
	return false
}

// evalMulti matches a multi-select picklist: equals (in) a value holds when the record's
// selection contains it, case-insensitively, and ${EMPTY} when nothing is selected;
// not_equal and not_in are their negations [unverified: Zoho's operators and meaning for
// multi-select fields].
func (c *cond) evalMulti(r *record) bool {
	sel, _ := r.values[c.fd.apiName].([]string)
	has := func(v string) bool {
		if v == "${EMPTY}" {
			return len(sel) == 0
		}
		return slices.ContainsFunc(sel, func(x string) bool { return strings.EqualFold(x, v) })
	}
	if c.op == "not_equal" || c.op == "not_in" {
		return !slices.ContainsFunc(c.vals, has)
	}
	return slices.ContainsFunc(c.vals, has)
}
