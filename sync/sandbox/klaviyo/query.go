package klaviyo

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Page sizes of every paged operation here: "Default: 20. Min: 1. Max: 100." (spec).
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// filterOps are the fields and operators get_profiles allows (the spec's filter
// parameter: id, email, phone_number, external_id: any, equals; created, updated:
// greater-than, less-than). The suppression filters it also lists are not
// simulated and are refused like an unknown field.
var filterOps = map[string][]string{
	"id": {"any", "equals"}, "email": {"any", "equals"}, "phone_number": {"any", "equals"},
	"external_id": {"any", "equals"}, "created": {"greater-than", "less-than"}, "updated": {"greater-than", "less-than"},
}

// cond is one parsed filter condition.
type cond struct {
	op, field string
	values    []string  // equals: one, any: many
	at        time.Time // the time compared against for created and updated
}

func errFilter(detail string) *apiError { return errParam(detail+" [unverified wording]", "filter") }

// parseFilter reads the filter syntax of the API overview: op(field,value)
// conditions joined by commas or inside and(...); strings in single or double
// quotes, datetimes bare, lists in brackets.
func parseFilter(src string) ([]cond, *apiError) {
	var out []cond
	for _, expr := range splitTop(src) {
		expr = strings.TrimSpace(expr)
		open := strings.IndexByte(expr, '(')
		if open < 0 || !strings.HasSuffix(expr, ")") {
			return nil, errFilter(fmt.Sprintf("Invalid filter expression '%s'.", expr))
		}
		op, inner := expr[:open], expr[open+1:len(expr)-1]
		if op == "and" {
			sub, e := parseFilter(inner)
			if e != nil {
				return nil, e
			}
			out = append(out, sub...)
			continue
		}
		args := splitTop(inner)
		if len(args) != 2 {
			return nil, errFilter(fmt.Sprintf("Invalid filter expression '%s'.", expr))
		}
		field := strings.TrimSpace(args[0])
		ops, known := filterOps[field]
		if !known {
			return nil, errFilter(fmt.Sprintf("'%s' is not a valid field for the resource 'profile' in a filter.", field))
		}
		if !slices.Contains(ops, op) {
			return nil, errFilter(fmt.Sprintf("'%s' operator for field '%s' is not supported; allowed: %s.", op, field, strings.Join(ops, ", ")))
		}
		c := cond{op: op, field: field}
		val := strings.TrimSpace(args[1])
		switch op {
		case "any":
			if !strings.HasPrefix(val, "[") || !strings.HasSuffix(val, "]") {
				return nil, errFilter(fmt.Sprintf("The 'any' operator needs a list, got '%s'.", val))
			}
			for _, v := range splitTop(val[1 : len(val)-1]) {
				c.values = append(c.values, unquote(v))
			}
		case "equals":
			c.values = []string{unquote(val)}
		default:
			t, ok := parseTime(val)
			if !ok {
				return nil, errFilter(fmt.Sprintf("'%s' is not a valid datetime.", val))
			}
			c.at = t
		}
		out = append(out, c)
	}
	return out, nil
}

// splitTop splits at commas outside quotes, brackets and parentheses.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, s[start:])
	}
	return out
}

func unquote(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

func (c cond) match(r *record) bool {
	var have string
	switch c.field {
	case "id":
		have = r.id
	case "email":
		// emails compare without case [unverified]
		for _, v := range c.values {
			if r.email != "" && strings.EqualFold(v, r.email) {
				return true
			}
		}
		return false
	case "phone_number":
		have = r.phone
	case "external_id":
		have = r.externalID
	case "created", "updated":
		t := r.created
		if c.field == "updated" {
			t = r.updated
		}
		if c.op == "greater-than" {
			return t.After(c.at)
		}
		return t.Before(c.at)
	}
	return have != "" && slices.Contains(c.values, have)
}

// sorts are the sort values simulated: the spec's id, created, updated and email,
// ascending or with "-" descending.
var sorts = []string{"id", "-id", "created", "-created", "updated", "-updated", "email", "-email"}

// sortKey orders r under sort field f: times as fixed-width microseconds, emails
// lower-cased; ties fall back to the id.
func sortKey(r *record, f string) string {
	switch f {
	case "created":
		return fmt.Sprintf("%020d", r.created.UnixMicro())
	case "updated":
		return fmt.Sprintf("%020d", r.updated.UnixMicro())
	case "email":
		return strings.ToLower(r.email)
	}
	return r.id
}

// cursor is the opaque page[cursor]: the sort and the last row's key and id, so a
// page starts after the row the previous one ended on whatever was written between.
type cursor struct {
	Sort string `json:"s"`
	Key  string `json:"k"`
	ID   string `json:"i"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(v string) (cursor, bool) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(v)
	return c, err == nil && json.Unmarshal(b, &c) == nil && c.ID != ""
}

func pageSize(r *http.Request) (int, *apiError) {
	v := r.URL.Query().Get("page[size]")
	if v == "" {
		return DefaultPageSize, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxPageSize {
		return 0, errParam(fmt.Sprintf("Page size must be an integer between 1 and %d. [unverified wording]", MaxPageSize), "page[size]")
	}
	return n, nil
}

// page sorts rows (already filtered), starts after the cursor and cuts a page; it
// returns the page and the next cursor ("" on the last page).
func page(rows []*record, sortParam, cur string, size int) ([]*record, string, *apiError) {
	if sortParam == "" {
		sortParam = "id" // [the default order is unverified]
	}
	if !slices.Contains(sorts, sortParam) {
		return nil, "", errParam(fmt.Sprintf("'%s' is not a valid sort field for the resource 'profile'. [unverified wording]", sortParam), "sort")
	}
	field, desc := strings.TrimPrefix(sortParam, "-"), strings.HasPrefix(sortParam, "-")
	less := func(a, b *record) int {
		ka, kb := sortKey(a, field), sortKey(b, field)
		if ka == kb {
			ka, kb = a.id, b.id
		}
		c := strings.Compare(ka, kb)
		if desc {
			c = -c
		}
		return c
	}
	slices.SortFunc(rows, less)
	start := 0
	if cur != "" {
		c, ok := decodeCursor(cur)
		if !ok || c.Sort != sortParam {
			return nil, "", errParam("Invalid page cursor. [unverified wording]", "page[cursor]")
		}
		probe := &record{id: c.ID}
		start = len(rows)
		for i, r := range rows {
			k := sortKey(r, field)
			cmp := strings.Compare(k, c.Key)
			if cmp == 0 {
				cmp = strings.Compare(r.id, probe.id)
			}
			if desc {
				cmp = -cmp
			}
			if cmp > 0 {
				start = i
				break
			}
		}
	}
	end := min(start+size, len(rows))
	out := rows[start:end]
	next := ""
	if end < len(rows) && len(out) > 0 {
		last := out[len(out)-1]
		next = cursor{Sort: sortParam, Key: sortKey(last, field), ID: last.id}.encode()
	}
	return out, next, nil
}

// links renders CollectionLinks: self is the request, next the same request with
// page[cursor] set; absolute URLs on the request's host and the mount point.
func (s *Sim) links(r *http.Request, next string) map[string]any {
	base := s.baseURL(r) + r.URL.Path
	out := map[string]any{"self": base + query(r.URL.Query())}
	if next != "" {
		q := r.URL.Query()
		q.Set("page[cursor]", next)
		out["next"] = base + query(q)
	}
	return out
}

func query(q map[string][]string) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + urlValues(q).Encode()
}
