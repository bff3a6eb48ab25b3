package hubspot

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

const (
	searchMaxLimit  = 200
	searchResultCap = 10000
	// The search guide's limits: 5 groups of up to 6 filters, 18 in all
	// (the 2024 changelog's 10 and 25 are looser than the guide).
	maxFilterGroups = 5
	maxFiltersGroup = 6
	maxFiltersTotal = 18
)

type searchFilter struct {
	PropertyName string `json:"propertyName"`
	Operator     string `json:"operator"`
	Value        any    `json:"value"`
	Values       []any  `json:"values"`
	HighValue    any    `json:"highValue"`
}

type searchSort struct {
	PropertyName string `json:"propertyName"`
	Direction    string `json:"direction"`
}

type searchRequest struct {
	FilterGroups []struct {
		Filters []searchFilter `json:"filters"`
	} `json:"filterGroups"`
	Sorts      []json.RawMessage `json:"sorts"`
	Query      string            `json:"query"`
	Properties []string          `json:"properties"`
	Limit      *int              `json:"limit"`
	After      any               `json:"after"`
}

// pred is a compiled filter.
type pred func(r *record) bool

// kindOf tells how a property compares: 'n' numeric, 'd' date (ms), 's' string.
func kindOf(p Property) byte {
	switch p.Type {
	case typeNumber:
		return 'n'
	case typeDateTime, typeDate:
		return 'd'
	}
	return 's'
}

// numeric returns the comparable number for numeric/date properties.
func (s *Sim) numeric(st *objectStore, r *record, idx int, kind byte) (float64, bool) {
	switch idx {
	case pCreate:
		return float64(r.created), true
	case pModified:
		return float64(r.modified), true
	case pObjectID:
		return float64(r.id), true
	}
	v := r.vals[idx]
	if v == "" {
		return 0, false
	}
	if kind == 'd' {
		ms, ok := parseDateMillis(v)
		return float64(ms), ok
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err == nil
}

func (s *Sim) compileFilter(st *objectStore, f searchFilter) (pred, error) {
	idx, ok := st.schema.prop(f.PropertyName)
	if !ok {
		return nil, fmt.Errorf("There was a problem with the request. Property %q does not exist", f.PropertyName)
	}
	kind := kindOf(st.schema.Props[idx])
	has := func(r *record) bool { return idx <= pModified || r.vals[idx] != "" }
	switch f.Operator {
	case "HAS_PROPERTY":
		return has, nil
	case "NOT_HAS_PROPERTY":
		return func(r *record) bool { return !has(r) }, nil
	}
	var values []string
	switch f.Operator {
	case "IN", "NOT_IN":
		for _, v := range f.Values {
			values = append(values, stringify(v))
		}
	case "BETWEEN":
		values = []string{stringify(f.Value), stringify(f.HighValue)}
	case "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN":
		values = []string{stringify(f.Value)}
	default:
		return nil, fmt.Errorf("Invalid filter operator %q", f.Operator)
	}
	// cmpTo returns sign(record - value) and whether the record has a comparable value.
	var cmpTo func(r *record, i int) (int, bool)
	if kind == 'n' || kind == 'd' {
		nums := make([]float64, len(values))
		for i, v := range values {
			var ok bool
			if kind == 'd' {
				var ms int64
				ms, ok = parseDateMillis(v)
				nums[i] = float64(ms)
			} else {
				var err error
				nums[i], err = strconv.ParseFloat(v, 64)
				ok = err == nil
			}
			if !ok {
				return nil, fmt.Errorf("%s is not a valid value for property %s", v, f.PropertyName)
			}
		}
		cmpTo = func(r *record, i int) (int, bool) {
			x, ok := s.numeric(st, r, idx, kind)
			return cmp.Compare(x, nums[i]), ok
		}
	} else {
		for i := range values {
			values[i] = strings.ToLower(values[i])
		}
		cmpTo = func(r *record, i int) (int, bool) {
			v := s.valueOf(st, r, idx)
			return strings.Compare(strings.ToLower(v), values[i]), v != ""
		}
	}
	one := func(test func(c int) bool) pred {
		return func(r *record) bool { c, ok := cmpTo(r, 0); return ok && test(c) }
	}
	switch f.Operator {
	case "EQ":
		return one(func(c int) bool { return c == 0 }), nil
	case "NEQ":
		return func(r *record) bool { c, ok := cmpTo(r, 0); return !ok || c != 0 }, nil
	case "LT":
		return one(func(c int) bool { return c < 0 }), nil
	case "LTE":
		return one(func(c int) bool { return c <= 0 }), nil
	case "GT":
		return one(func(c int) bool { return c > 0 }), nil
	case "GTE":
		return one(func(c int) bool { return c >= 0 }), nil
	case "BETWEEN":
		return func(r *record) bool {
			lo, ok := cmpTo(r, 0)
			hi, _ := cmpTo(r, 1)
			return ok && lo >= 0 && hi <= 0
		}, nil
	case "IN", "NOT_IN":
		want := f.Operator == "IN"
		return func(r *record) bool {
			for i := range values {
				if c, ok := cmpTo(r, i); ok && c == 0 {
					return want
				}
			}
			return !want
		}, nil
	default: // CONTAINS_TOKEN / NOT_CONTAINS_TOKEN
		tok := strings.Trim(values[0], "*")
		want := f.Operator == "CONTAINS_TOKEN"
		return func(r *record) bool {
			return strings.Contains(strings.ToLower(s.valueOf(st, r, idx)), tok) == want
		}, nil
	}
}

// parseSort accepts the documented {propertyName,direction} and the spec's bare string form.
func parseSort(raw json.RawMessage) (searchSort, error) {
	var ss searchSort
	if err := json.Unmarshal(raw, &ss); err == nil {
		if ss.Direction == "" {
			ss.Direction = "ASCENDING"
		}
		return ss, nil
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil {
		return ss, fmt.Errorf("invalid sort %s", raw)
	}
	if strings.HasPrefix(name, "-") {
		return searchSort{PropertyName: name[1:], Direction: "DESCENDING"}, nil
	}
	return searchSort{PropertyName: name, Direction: "ASCENDING"}, nil
}

// handleSearch serves POST /crm/objects/2026-03/{object}/search.
func (s *Sim) handleSearch(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r)
	if st == nil {
		return
	}
	var req searchRequest
	if !decodeBody(w, r, &req) {
		return
	}
	bad := func(msg string) { writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", msg, nil) }
	limit := 10
	if req.Limit != nil {
		limit = *req.Limit
	}
	if limit < 0 || limit > searchMaxLimit {
		bad(fmt.Sprintf("limit must be between 0 and %d, got %d", searchMaxLimit, limit))
		return
	}
	after := 0
	if a := stringify(req.After); a != "" {
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 {
			bad("Invalid paging cursor: " + a)
			return
		}
		after = n
	}
	if after+limit > searchResultCap {
		bad(fmt.Sprintf("Search results are limited to %d records: after (%d) + limit (%d) is too large. Narrow the query with filters and restart paging.", searchResultCap, after, limit))
		return
	}
	if len(req.FilterGroups) > maxFilterGroups {
		bad(fmt.Sprintf("Too many filter groups: %d; the maximum is %d", len(req.FilterGroups), maxFilterGroups))
		return
	}
	var groups [][]pred
	total := 0
	for _, g := range req.FilterGroups {
		if len(g.Filters) > maxFiltersGroup {
			bad(fmt.Sprintf("Too many filters in a group: %d; the maximum is %d", len(g.Filters), maxFiltersGroup))
			return
		}
		total += len(g.Filters)
		var ps []pred
		for _, f := range g.Filters {
			p, err := s.compileFilter(st, f)
			if err != nil {
				bad(err.Error())
				return
			}
			ps = append(ps, p)
		}
		groups = append(groups, ps)
	}
	if total > maxFiltersTotal {
		bad(fmt.Sprintf("Too many filters: %d; the maximum is %d", total, maxFiltersTotal))
		return
	}
	var sorts []searchSort
	for _, raw := range req.Sorts {
		ss, err := parseSort(raw)
		if err != nil {
			bad(err.Error())
			return
		}
		if _, ok := st.schema.prop(ss.PropertyName); !ok {
			bad(fmt.Sprintf("Property %q does not exist", ss.PropertyName))
			return
		}
		sorts = append(sorts, ss)
	}
	query := strings.ToLower(strings.TrimSpace(req.Query))
	match := func(rec *record) bool {
		if rec.archived {
			return false
		}
		if query != "" && !s.matchesQuery(st, rec, query) {
			return false
		}
		if len(groups) == 0 {
			return true
		}
		for _, g := range groups { // groups are ORed, filters inside a group ANDed
			ok := true
			for _, p := range g {
				if !p(rec) {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
		return false
	}

	s.mu.Lock() // modOrder may rebuild the index
	var matches []*record
	byModAsc := len(sorts) == 1 && sorts[0].PropertyName == st.schema.Modified && sorts[0].Direction != "DESCENDING"
	base := st.recs
	if byModAsc {
		base = st.modOrder() // already in result order: no per-query sort
	}
	upTo := s.indexedUpTo()
	for _, rec := range base {
		if match(rec) && indexed(rec, upTo) && !s.indexLate(rec) {
			matches = append(matches, rec)
		}
	}
	if len(sorts) > 0 && !byModAsc {
		s.sortRecords(st, matches, sorts)
	}
	results := []Object{}
	for i := after; i < len(matches) && i < after+limit; i++ {
		results = append(results, s.render(st, matches[i], req.Properties))
	}
	s.mu.Unlock()
	body := map[string]any{"total": len(matches), "results": results}
	if after+limit < len(matches) && limit > 0 {
		body["paging"] = map[string]any{"next": map[string]any{"after": strconv.Itoa(after + limit)}}
	}
	writeJSON(w, http.StatusOK, body)
}

// matchesQuery mimics the free-text "query": a token prefix match on the default searchable props.
func (s *Sim) matchesQuery(st *objectStore, rec *record, q string) bool {
	names := st.schema.Searchable // a custom object's searchableProperties
	if names == nil {
		names = []string{"email", "firstname", "lastname", "phone", "company", "name", "domain", "dealname"}
	}
	for _, name := range names {
		if idx, ok := st.schema.prop(name); ok && strings.Contains(strings.ToLower(rec.vals[idx]), q) {
			return true
		}
	}
	return false
}

func (s *Sim) sortRecords(st *objectStore, recs []*record, sorts []searchSort) {
	type key struct {
		idx  int
		kind byte
		desc bool
	}
	var ks []key
	for _, ss := range sorts {
		idx, _ := st.schema.prop(ss.PropertyName)
		ks = append(ks, key{idx, kindOf(st.schema.Props[idx]), ss.Direction == "DESCENDING"})
	}
	sort.SliceStable(recs, func(i, j int) bool {
		a, b := recs[i], recs[j]
		for _, k := range ks {
			var c int
			if k.kind == 's' {
				c = strings.Compare(strings.ToLower(s.valueOf(st, a, k.idx)), strings.ToLower(s.valueOf(st, b, k.idx)))
			} else {
				x, _ := s.numeric(st, a, k.idx, k.kind)
				y, _ := s.numeric(st, b, k.idx, k.kind)
				c = cmp.Compare(x, y)
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return a.id < b.id
	})
}
