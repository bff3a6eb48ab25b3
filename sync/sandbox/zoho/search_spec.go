package zoho

import (
	"cmp"
	"iter"
	"net/url"
	"slices"
	"strings"
)

// searchOrder is a search's sort_by and sort_order: id, newest first, unless
// asked otherwise ("sort_by … default=id", "sort_order … default=desc",
// crm-oas v8.0/module_search/mds/searchRecords.md).
type searchOrder struct {
	by  string
	asc bool
}

// searchSortFields are the sort_by values the sandbox orders by; the spec
// takes any field's API name, of which these are the ones a sync uses.
var searchSortFields = []string{"id", "Created_Time", "Modified_Time"}

func parseSearchOrder(m *moduleDef, q url.Values) (searchOrder, *zerr) {
	o := searchOrder{by: "id"}
	if v := q.Get("sort_by"); v != "" {
		if !slices.Contains(searchSortFields, v) && m.field(v) == nil {
			return o, badRequest("INVALID_DATA", msgInvalidData, map[string]any{"param_name": "sort_by"})
		}
		o.by = v
	}
	switch q.Get("sort_order") {
	case "", "desc":
	case "asc":
		o.asc = true
	default:
		return o, badRequest("INVALID_DATA", msgInvalidData, map[string]any{"param_name": "sort_order", "supported_values": []string{"asc", "desc"}})
	}
	return o, nil
}

func (o searchOrder) direction() string {
	if o.asc {
		return "asc"
	}
	return "desc"
}

// arrange yields recs (ascending id) in the search's order, ties by id;
// the id orders walk recs in place, as most searches use them.
func (o searchOrder) arrange(recs []*record) iter.Seq[*record] {
	if o.by == "id" {
		if o.asc {
			return slices.Values(recs)
		}
		return func(yield func(*record) bool) {
			for i := len(recs) - 1; i >= 0 && yield(recs[i]); i-- {
			}
		}
	}
	out := slices.Clone(recs)
	slices.SortStableFunc(out, func(a, b *record) int {
		c := cmp.Or(o.compare(a, b), cmp.Compare(a.id, b.id))
		if !o.asc {
			c = -c
		}
		return c
	})
	return slices.Values(out)
}

func (o searchOrder) compare(a, b *record) int {
	switch o.by {
	case "id":
		return 0
	case "Created_Time":
		return a.created.Compare(b.created)
	case "Modified_Time":
		return a.modified.Compare(b.modified)
	}
	return strings.Compare(strings.ToLower(a.str(o.by)), strings.ToLower(b.str(o.by)))
}

// containsEquals says whether the condition's equals matches values that
// contain the operand, as the search API's equals does on text fields but
// not on picklists ("When using the equals operator in the Search API, it
// behaves like contains … This behavior does not apply to picklist
// fields", searchRecords.md).
func (c *cond) containsEquals() bool {
	return c.fd != nil && c.fd.textual() && c.fd.dataType != TypePicklist && len(c.vals) == 1 && c.vals[0] != "${EMPTY}"
}

func containsFold(v, part string) bool {
	return part != "" && strings.Contains(strings.ToLower(v), strings.ToLower(part))
}

// maxInValues: "The in operator supports up to 100 values" (searchRecords.md).
const maxInValues = 100

// The search's refusals, in the shapes of searchRecords.md's 400 answers.
func errSearchParamMissing() *zerr {
	return badRequest("EXPECTED_PARAM_MISSING", "One of the expected parameter is missing",
		map[string]any{"param_names": []string{"criteria", "email", "phone", "word"}})
}

func errSearchLimitReached() *zerr {
	return badRequest("LIMIT_REACHED", "maximum response iteration limit reached", map[string]any{"limit": "2000"})
}

func errTooManyInValues(field string) *zerr {
	return badRequest("INVALID_QUERY", `Only 100 values are allowed in "IN" criteria`, map[string]any{"param_name": field})
}
