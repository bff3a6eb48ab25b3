package dynamics

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Query data (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview)
// and paging (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results).

const maxPageSize = 5000 // "You can't request a page size larger than 5,000" (page-results)

type orderKey struct {
	attr *attrDef
	desc bool
}

func parseSelect(e *entityDef, s string) ([]*attrDef, *apiError) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []*attrDef
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		a := e.byProp[name]
		if a == nil {
			if e.unsupported[name] {
				return nil, errUnsupportedProp(e, name)
			}
			return nil, errNoProperty(e, name)
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// parseOrderBy reads "$orderby=a desc,b" (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/order-rows).
func parseOrderBy(e *entityDef, s string) ([]orderKey, *apiError) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []orderKey
	for _, part := range strings.Split(s, ",") {
		f := strings.Fields(part)
		if len(f) == 0 || len(f) > 2 {
			return nil, newErr(400, codeODataGeneric, "Syntax error at position %d in '%s'.", len(s), s)
		}
		a := e.byProp[f[0]]
		if a == nil {
			return nil, errNoProperty(e, f[0])
		}
		k := orderKey{attr: a}
		if len(f) == 2 {
			switch f[1] {
			case "asc":
			case "desc":
				k.desc = true
			default:
				return nil, newErr(400, codeODataGeneric, "Syntax error at position %d in '%s'.", len(s), s)
			}
		}
		out = append(out, k)
	}
	return out, nil
}

// sortSpec is the full order: the $orderby keys then the primary key, which Dataverse
// appends so paging is deterministic (the paging cookie carries it). The tie-break runs
// in the direction of the last $orderby key [unverified].
type sortSpec struct {
	t      *table
	keys   []orderKey
	idDesc bool
}

func (s sortSpec) values(r *record) []any {
	out := make([]any, len(s.keys))
	for i, k := range s.keys {
		out[i] = s.t.get(r, k.attr)
	}
	return out
}

// compareTo orders a record against a cursor position (key values + id).
func (s sortSpec) compareTo(r *record, vals []any, id string) int {
	for i, k := range s.keys {
		c := compareValues(s.t.get(r, k.attr), vals[i])
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	c := strings.Compare(r.id, id)
	if s.idDesc {
		c = -c
	}
	return c
}

func (s sortSpec) compare(a, b *record) int { return s.compareTo(a, s.values(b), b.id) }

type cursor struct {
	page int
	vals []any
	id   string
}

// Paging cookie: Dataverse's $skiptoken is an XML element whose pagingcookie attribute
// holds a URL-encoded <cookie page="n"><attr last=".." first=".." />...</cookie> naming
// the last and first rows of the page (page-results example). The simulator writes the
// same shape and uses "last" as the key-set position, so rows changed between pages are
// neither skipped nor repeated unless their sort values moved across the position.
func encodeCookie(s sortSpec, page int, first, last *record) string {
	var b strings.Builder
	b.WriteString(`<cookie page="` + strconv.Itoa(page) + `">`)
	fv, lv := s.values(first), s.values(last)
	for i, k := range s.keys {
		b.WriteString("<" + k.attr.name)
		if lv[i] != nil {
			b.WriteString(` last="` + xmlAttr(cookieValue(lv[i])) + `"`)
		}
		if fv[i] != nil {
			b.WriteString(` first="` + xmlAttr(cookieValue(fv[i])) + `"`)
		}
		b.WriteString(" />")
	}
	b.WriteString("<" + s.t.def.primaryID + ` last="{` + strings.ToUpper(last.id) + `}" first="{` + strings.ToUpper(first.id) + `}" />`)
	b.WriteString("</cookie>")
	outer := `<cookie pagenumber="` + strconv.Itoa(page+1) + `" pagingcookie="` + pctEncode(b.String(), false) +
		`" istracking="False" />`
	return outer
}

func cookieValue(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

func xmlAttr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}

// pctEncode percent-encodes everything but unreserved characters (lower-case hex for the
// inner cookie as in the docs' example, upper-case for the URL).
func pctEncode(s string, upper bool) string {
	const lo, up = "0123456789abcdef", "0123456789ABCDEF"
	hex := lo
	if upper {
		hex = up
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

var rePagingCookie = regexp.MustCompile(`pagingcookie="([^"]*)"`)
var rePageNumber = regexp.MustCompile(`pagenumber="(\d+)"`)

func errSkipToken() *apiError {
	// [unverified] message for a tampered or foreign $skiptoken.
	return newErr(400, codeQueryUnsupported, "The paging cookie is not valid for this query.")
}

func decodeCookie(s sortSpec, token string) (*cursor, *apiError) {
	m := rePagingCookie.FindStringSubmatch(token)
	pn := rePageNumber.FindStringSubmatch(token)
	if m == nil || pn == nil {
		return nil, errSkipToken()
	}
	inner, err := url.PathUnescape(m[1])
	if err != nil {
		return nil, errSkipToken()
	}
	page, _ := strconv.Atoi(pn[1])
	c := &cursor{page: page - 1, vals: make([]any, len(s.keys))}
	dec := xml.NewDecoder(strings.NewReader(inner))
	i := -1
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if i < 0 {
			if se.Name.Local != "cookie" {
				return nil, errSkipToken()
			}
			i = 0
			continue
		}
		last, hasLast := "", false
		for _, a := range se.Attr {
			if a.Name.Local == "last" {
				last, hasLast = a.Value, true
			}
		}
		switch {
		case i < len(s.keys):
			k := s.keys[i]
			if se.Name.Local != k.attr.name {
				return nil, errSkipToken()
			}
			if hasLast {
				v, e := parseTypedString(k.attr, last)
				if e != nil {
					return nil, errSkipToken()
				}
				c.vals[i] = v
			}
		case i == len(s.keys) && se.Name.Local == s.t.def.primaryID:
			c.id = strings.ToLower(strings.Trim(last, "{}"))
		default:
			return nil, errSkipToken()
		}
		i++
	}
	if c.id == "" || i != len(s.keys)+1 {
		return nil, errSkipToken()
	}
	return c, nil
}

// prefer parses the Prefer header's preferences (comma separated, possibly repeated).
func prefer(h http.Header) map[string]string {
	out := map[string]string{}
	for _, line := range h.Values("Prefer") {
		for _, p := range strings.Split(line, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			k, v, _ := strings.Cut(p, "=")
			out[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return out
}

// list serves GET /api/data/v9.2/{entityset}. The caller holds s.mu for reading.
func (s *Sim) list(t *table, op *opReq) *opResult {
	q := op.query
	for k := range q {
		switch k {
		case "$select", "$filter", "$orderby", "$top", "$count", "$skiptoken", "$deltatoken":
		case "$skip":
			// "Dataverse doesn't support the $skip query option" (page-results) [message unverified].
			return errResult(newErr(400, codeQueryUnsupported, "The query parameter $skip is not supported"))
		case "$expand", "$apply", "$search", "$compute", "fetchXml", "savedQuery", "userQuery":
			return errResult(newErr(400, codeQueryUnsupported, "The query parameter %s is not supported by this simulator", k)) // [unverified]
		default:
			if strings.HasPrefix(k, "$") {
				return errResult(newErr(400, codeODataGeneric, "The query parameter '%s' is not supported.", k))
			}
		}
	}
	sel, err := parseSelect(t.def, q.Get("$select"))
	if err != nil {
		return errResult(err)
	}
	var filter node
	if f := q.Get("$filter"); f != "" {
		if filter, err = parseFilter(t, f); err != nil {
			return errResult(err)
		}
	}
	keys, err := parseOrderBy(t.def, q.Get("$orderby"))
	if err != nil {
		return errResult(err)
	}
	prefs := prefer(op.header)
	if _, ok := prefs["odata.track-changes"]; ok || q.Has("$deltatoken") {
		return s.trackChanges(t, op, sel, prefs)
	}
	spec := sortSpec{t: t, keys: keys}
	if len(keys) > 0 {
		spec.idDesc = keys[len(keys)-1].desc
	}
	pageSize, applied := maxPageSize, ""
	if v, ok := prefs["odata.maxpagesize"]; ok {
		// Larger requests are ignored (page-results); so are non-numbers [unverified].
		if n, e := strconv.Atoi(v); e == nil && n > 0 && n <= maxPageSize {
			pageSize, applied = n, "odata.maxpagesize="+strconv.Itoa(n)
		}
	}
	top := -1
	if v := q.Get("$top"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 0 {
			return errResult(newErr(400, codeODataGeneric, "Invalid value '%s' for $top query option found. The $top query option requires a non-negative integer value.", v))
		}
		// "Don't use $top with the Prefer: odata.maxpagesize request header. If you
		// include both, $top is ignored." (page-results)
		if applied == "" {
			top = n
			pageSize = min(n, maxPageSize)
		}
	}
	var cur *cursor
	if tok := q.Get("$skiptoken"); tok != "" {
		if cur, err = decodeCookie(spec, tok); err != nil {
			return errResult(err)
		}
	}
	match := func(r *record) bool { return filter == nil || filter.eval(t, r) }
	page := make([]*record, 0, min(pageSize, 64))
	more := false
	collect := func(r *record) bool {
		if !match(r) {
			return true
		}
		if len(page) == pageSize {
			more = true
			return false
		}
		page = append(page, r)
		return true
	}
	switch {
	case len(keys) == 0:
		start := 0
		if cur != nil {
			start, _ = slices.BinarySearchFunc(t.idIdx, cur.id, func(r *record, id string) int { return strings.Compare(r.id, id) })
			if start < len(t.idIdx) && t.idIdx[start].id == cur.id {
				start++
			}
		}
		for _, r := range t.idIdx[start:] {
			if !collect(r) {
				break
			}
		}
	case len(keys) == 1 && keys[0].attr.name == "modifiedon":
		idx := t.modIdx
		if !keys[0].desc {
			start := 0
			if cur != nil {
				start = searchAfter(idx, spec, cur)
			}
			for _, r := range idx[start:] {
				if !collect(r) {
					break
				}
			}
		} else {
			end := len(idx)
			if cur != nil {
				// first index whose position is at or after the cursor in descending order
				end = searchDescEnd(idx, spec, cur)
			}
			for i := end - 1; i >= 0; i-- {
				if !collect(idx[i]) {
					break
				}
			}
		}
	default:
		all := make([]*record, 0, len(t.idIdx))
		for _, r := range t.idIdx {
			if match(r) {
				all = append(all, r)
			}
		}
		slices.SortFunc(all, spec.compare)
		start := 0
		if cur != nil {
			start = searchAfter(all, spec, cur)
		}
		for _, r := range all[start:] {
			if !collect(r) {
				break
			}
		}
	}
	out := map[string]any{"@odata.context": contextURL(op.base, t.def.set, sel, false)}
	// Prefer: odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"
	// (or "*", or "Microsoft.Dynamics.CRM.*") names the table each lookup's id
	// belongs to, beside the _x_value property
	// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/select-columns#lookup-property-data).
	annotate, want := wantLookupAnnotations(op.header)
	if want != "" {
		applied = strings.TrimPrefix(applied+",odata.include-annotations=\""+want+"\"", ",")
	}
	vals := make([]any, len(page))
	for i, r := range page {
		row := s.render(t, r, sel)
		if annotate {
			annotateLookups(t, r, row)
		}
		vals[i] = row
	}
	out["value"] = vals
	if q.Get("$count") == "true" {
		n := 0
		for _, r := range t.idIdx {
			if match(r) {
				n++
			}
		}
		out["@odata.count"] = n
	}
	if more && top < 0 && len(page) > 0 {
		pageNo := 1
		if cur != nil {
			pageNo = cur.page + 1
		}
		token := encodeCookie(spec, pageNo, page[0], page[len(page)-1])
		out["@odata.nextLink"] = op.base + apiPath + t.def.set + "?" + withoutParam(op.rawQuery, "$skiptoken") +
			"$skiptoken=" + pctEncode(token, true)
	}
	res := jsonResult(http.StatusOK, out)
	if applied != "" {
		res.header.Set("Preference-Applied", applied)
	}
	return res
}

// searchAfter returns the first index (ascending spec order) strictly after the cursor.
func searchAfter(idx []*record, spec sortSpec, cur *cursor) int {
	return sort.Search(len(idx), func(i int) bool { return spec.compareTo(idx[i], cur.vals, cur.id) > 0 })
}

// searchDescEnd returns, for idx sorted ascending but read backwards (a descending
// spec), the index just past the rows that come after the cursor in descending order.
func searchDescEnd(idx []*record, spec sortSpec, cur *cursor) int {
	return sort.Search(len(idx), func(i int) bool { return spec.compareTo(idx[i], cur.vals, cur.id) <= 0 })
}

// withoutParam drops one query option from a raw query and leaves a trailing "&".
func withoutParam(raw, name string) string {
	var b strings.Builder
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if uk, err := url.QueryUnescape(k); err == nil && uk == name {
			continue
		}
		b.WriteString(part + "&")
	}
	return b.String()
}

const apiPath = "/api/data/v9.2/"

// contextURL builds @odata.context: "{org}/api/data/v9.2/$metadata#contacts(fullname)"
// for collections, with "/$entity" for a single row (query overview examples).
func contextURL(base, set string, sel []*attrDef, entity bool) string {
	s := base + apiPath + "$metadata#" + set
	if len(sel) > 0 {
		names := make([]string, len(sel))
		for i, a := range sel {
			names[i] = a.prop()
		}
		s += "(" + strings.Join(names, ",") + ")"
	}
	if entity {
		s += "/$entity"
	}
	return s
}

// render writes one row: @odata.etag, the selected properties (all when none) and the
// primary key, which Dataverse always includes (page-results example).
func (s *Sim) render(t *table, r *record, sel []*attrDef) map[string]any {
	attrs := sel
	if len(attrs) == 0 {
		attrs = t.def.attrs
	}
	out := make(map[string]any, len(attrs)+2)
	out["@odata.etag"] = etag(r.version)
	for _, a := range attrs {
		if a.virtual {
			continue
		}
		if !s.callerReads(a) {
			out[a.prop()] = nil // a secured column the caller may not read: null, as if empty
			continue
		}
		out[a.prop()] = wireValue(t.get(r, a))
	}
	out[t.def.primaryID] = r.id
	return out
}

func wireValue(v any) any {
	if tm, ok := v.(time.Time); ok {
		return formatTime(tm)
	}
	return v
}

// wantLookupAnnotations reads Prefer: odata.include-annotations; it returns whether the
// lookuplogicalname annotation is asked for and the preference's value.
func wantLookupAnnotations(h http.Header) (bool, string) {
	want, ok := prefer(h)["odata.include-annotations"]
	if !ok {
		return false, ""
	}
	annotate := false
	for _, a := range strings.Split(want, ",") {
		switch strings.TrimSpace(a) {
		case "*", "Microsoft.Dynamics.CRM.*", "Microsoft.Dynamics.CRM.lookuplogicalname":
			annotate = true
		}
	}
	return annotate, want
}

// annotateLookups adds _x_value@Microsoft.Dynamics.CRM.lookuplogicalname beside each
// shown lookup: for a polymorphic lookup such as task.regardingobjectid it names the
// table of the row it refers to
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-properties#lookup-properties).
func annotateLookups(t *table, r *record, row map[string]any) {
	for name, target := range r.lookupType {
		if a := t.def.byName[name]; a != nil {
			if _, shown := row[a.prop()]; shown && target != "" {
				row[a.prop()+"@Microsoft.Dynamics.CRM.lookuplogicalname"] = target
			}
		}
	}
}
