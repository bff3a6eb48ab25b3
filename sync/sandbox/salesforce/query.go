package salesforce

import (
	"cmp"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

const (
	defaultBatch = 2000
	minBatch     = 200
	maxBatch     = 2000
)

// comparable kinds for SOQL evaluation.
func kindOfField(f Field) byte {
	switch f.Type {
	case "double", "currency", "percent", "int":
		return 'n'
	case "datetime":
		return 't'
	case "date":
		return 'd'
	case "boolean":
		return 'b'
	case "id", "reference":
		return 'i'
	}
	return 's'
}

// Salesforce stores datetimes to the second (milliseconds are dropped on
// save, and SOQL ignores them when comparing), so filters and ORDER BY on a
// datetime field work on whole seconds even though this sandbox keeps
// milliseconds for its own bookkeeping.
func wholeSeconds(ms int64) float64 {
	s := ms / 1000
	if ms < 0 && ms%1000 != 0 {
		s--
	}
	return float64(s)
}

// idKey is the case-sensitive 15-character key of a record id (an 18-char
// id's suffix restores the case, so it may arrive in any case); anything
// else is compared as given. Salesforce compares and orders ids by this key
// in base-62 order (0-9 < A-Z < a-z), which is byte order: the Bulk API's
// PK chunking splits tables with "WHERE Id >= '001300000000000' AND Id <
// '00130000000132G'" and calls those base-62 boundaries
// (developer.salesforce.com/docs/platform/api-asynch/guide/async-api-headers-enable-pk-chunking.html).
func idKey(v string) string {
	switch len(v) {
	case 15:
		return v
	case 18:
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
		b := []byte(v[:15])
		for chunk := 0; chunk < 3; chunk++ {
			bits := strings.IndexByte(alphabet, strings.ToUpper(v[15+chunk : 16+chunk])[0])
			if bits < 0 {
				return v
			}
			for i := 0; i < 5; i++ {
				c := &b[chunk*5+i]
				if bits&(1<<i) != 0 {
					*c = byte(unicode.ToUpper(rune(*c)))
				} else {
					*c = byte(unicode.ToLower(rune(*c)))
				}
			}
		}
		return string(b)
	}
	return v
}

// compileCond binds a parsed condition to the object's fields.
func (s *Sim) compileCond(st *objectStore, c *cond) (func(*record) bool, error) {
	switch {
	case c.not != nil:
		inner, err := s.compileCond(st, c.not)
		if err != nil {
			return nil, err
		}
		return func(r *record) bool { return !inner(r) }, nil
	case c.and != nil || c.or != nil:
		parts := c.and
		isAnd := c.and != nil
		if !isAnd {
			parts = c.or
		}
		var fs []func(*record) bool
		for _, p := range parts {
			f, err := s.compileCond(st, p)
			if err != nil {
				return nil, err
			}
			fs = append(fs, f)
		}
		return func(r *record) bool {
			for _, f := range fs {
				if f(r) != isAnd {
					return !isAnd
				}
			}
			return isAnd
		}, nil
	}
	idx, ok := st.obj.visible(c.field)
	if !ok {
		return nil, noSuchColumn(c.field, st.obj.Name)
	}
	f := st.obj.Fields[idx]
	kind := kindOfField(f)
	type lit struct {
		null bool
		s    string
		n    float64
	}
	lits := make([]lit, len(c.lits))
	for i, t := range c.lits {
		if t.kind == tIdent && t.text == "null" {
			if c.op != "=" && c.op != "!=" && c.op != "IN" && c.op != "NOT IN" {
				return nil, malformed("null can only be compared with = or !=")
			}
			lits[i].null = true
			continue
		}
		want := map[byte]tokKind{'n': tNumber, 't': tDateTime, 'd': tDate, 's': tString, 'i': tString, 'b': tIdent}[kind]
		if t.kind != want {
			return nil, malformed("value of filter criterion for field '%s' must be of type %s and should not be enclosed in quotes", f.Name, f.Type)
		}
		switch kind {
		case 'n':
			lits[i].n, _ = strconv.ParseFloat(t.text, 64)
		case 't':
			ms, ok := parseDateTime(t.text)
			if !ok {
				return nil, malformed("invalid datetime literal: %s", t.text)
			}
			lits[i].n = wholeSeconds(ms)
		case 'i':
			lits[i].s = idKey(t.text)
		default:
			lits[i].s = strings.ToLower(t.text) // SOQL string comparison is case-insensitive
		}
	}
	// cmpLit returns sign(record - literal); isNull reports a null record value.
	cmpLit := func(r *record, l lit) (c int, isNull bool) {
		v := s.stringValue(st, r, idx)
		if v == "" && kind != 'b' {
			return 0, true
		}
		switch kind {
		case 'n':
			x, _ := strconv.ParseFloat(v, 64)
			return cmp.Compare(x, l.n), false
		case 't':
			ms, _ := parseDateTime(v)
			return cmp.Compare(wholeSeconds(ms), l.n), false
		case 'i':
			return strings.Compare(idKey(v), l.s), false
		}
		return strings.Compare(strings.ToLower(v), l.s), false
	}
	eq := func(r *record, l lit) bool {
		c, isNull := cmpLit(r, l)
		if l.null {
			return isNull
		}
		return !isNull && c == 0
	}
	switch c.op {
	case "=":
		return func(r *record) bool { return eq(r, lits[0]) }, nil
	case "!=":
		return func(r *record) bool { return !eq(r, lits[0]) }, nil
	case "IN", "NOT IN":
		want := c.op == "IN"
		return func(r *record) bool {
			for _, l := range lits {
				if eq(r, l) {
					return want
				}
			}
			return !want
		}, nil
	case "LIKE":
		re, err := likeRegexp(c.lits[0].text)
		if err != nil {
			return nil, malformed("invalid LIKE pattern")
		}
		return func(r *record) bool { return re.MatchString(s.stringValue(st, r, idx)) }, nil
	}
	test := map[string]func(int) bool{"<": func(c int) bool { return c < 0 }, "<=": func(c int) bool { return c <= 0 },
		">": func(c int) bool { return c > 0 }, ">=": func(c int) bool { return c >= 0 }}[c.op]
	if test == nil {
		return nil, malformed("unknown operator %s", c.op)
	}
	return func(r *record) bool {
		c, isNull := cmpLit(r, lits[0])
		return !isNull && test(c)
	}, nil
}

func likeRegexp(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("(?is)^")
	for _, ch := range p {
		switch ch {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

func noSuchColumn(field, object string) *soqlError {
	return &soqlError{"INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", field, object)}
}

// cursor is a server-side query result being paged through nextRecordsUrl.
type cursor struct {
	st     *objectStore
	recs   []*record
	fields []int
	batch  int
	all    bool
	used   time.Time
}

type cursorCache struct {
	mu   sync.Mutex
	max  int
	next int64
	m    map[string]*cursor
}

func newCursorCache(max int) *cursorCache { return &cursorCache{max: max, m: map[string]*cursor{}} }

func (c *cursorCache) put(cur *cursor) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max { // drop the least recently used, like Salesforce expiring idle cursors
		var oldest string
		for k, v := range c.m {
			if oldest == "" || v.used.Before(c.m[oldest].used) {
				oldest = k
			}
		}
		delete(c.m, oldest)
	}
	c.next++
	id := makeID("01g", c.next)
	c.m[id] = cur
	return id
}

func (c *cursorCache) get(id string) *cursor {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.m[id]
	if cur != nil {
		cur.used = time.Now()
	}
	return cur
}

func queryError(w http.ResponseWriter, err error) {
	if se, ok := err.(*soqlError); ok {
		writeErrors(w, http.StatusBadRequest, sfError{Message: se.msg, ErrorCode: se.code})
		return
	}
	writeErrors(w, http.StatusBadRequest, sfError{Message: err.Error(), ErrorCode: "MALFORMED_QUERY"})
}

// batchSize honours "Sforce-Query-Options: batchSize=N" within 200..2000.
func batchSize(r *http.Request) int {
	for _, part := range strings.Split(r.Header.Get("Sforce-Query-Options"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(k, "batchSize") {
			if n, err := strconv.Atoi(v); err == nil {
				return min(max(n, minBatch), maxBatch)
			}
		}
	}
	return defaultBatch
}

// handleQuery serves GET query?q= (and queryAll, which includes deleted rows).
func (s *Sim) handleQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if strings.TrimSpace(q) == "" {
		writeErrors(w, http.StatusBadRequest, sfError{Message: "A query string has to be specified", ErrorCode: "MALFORMED_QUERY"})
		return
	}
	pq, err := parseSOQL(q)
	if err != nil {
		queryError(w, err)
		return
	}
	if strings.EqualFold(pq.object, "Organization") {
		s.queryOrganization(w, r, pq)
		return
	}
	if strings.EqualFold(pq.object, "DuplicateRule") {
		s.queryDuplicateRules(w, r, pq)
		return
	}
	st, ok := s.stores[strings.ToLower(pq.object)]
	if !ok {
		writeInvalidType(w, pq.object)
		return
	}
	var fields []int
	for _, f := range pq.fields {
		idx, ok := st.obj.visible(f)
		if !ok {
			queryError(w, noSuchColumn(f, st.obj.Name))
			return
		}
		fields = append(fields, idx)
	}
	match := func(*record) bool { return true }
	if pq.where != nil {
		if match, err = s.compileCond(st, pq.where); err != nil {
			queryError(w, err)
			return
		}
	}
	type orderKey struct {
		idx  int
		kind byte
		it   orderItem
	}
	var order []orderKey
	for _, it := range pq.orderBy {
		idx, ok := st.obj.visible(it.field)
		if !ok {
			queryError(w, noSuchColumn(it.field, st.obj.Name))
			return
		}
		order = append(order, orderKey{idx, kindOfField(st.obj.Fields[idx]), it})
	}
	all := strings.Contains(r.Pattern, "/queryAll")

	s.mu.RLock()
	var recs []*record
	for _, rec := range st.recs {
		if (all || !rec.deleted) && match(rec) {
			recs = append(recs, rec)
		}
	}
	if len(order) > 0 {
		// Sort once per query; paging then walks the cursor without re-sorting.
		type sortVal struct {
			s    string
			n    float64
			null bool
		}
		keys := make(map[*record][]sortVal, len(recs))
		for _, rec := range recs {
			ks := make([]sortVal, len(order))
			for i, o := range order {
				v := s.stringValue(st, rec, o.idx)
				ks[i].null = v == ""
				switch o.kind {
				case 'n':
					ks[i].n, _ = strconv.ParseFloat(v, 64)
				case 't':
					ms, _ := parseDateTime(v)
					ks[i].n = wholeSeconds(ms)
				case 'i':
					ks[i].s = idKey(v)
				default:
					ks[i].s = strings.ToLower(v)
				}
			}
			keys[rec] = ks
		}
		slices.SortStableFunc(recs, func(a, b *record) int {
			ka, kb := keys[a], keys[b]
			for i, o := range order {
				x, y := ka[i], kb[i]
				if x.null != y.null {
					if x.null == o.it.nullsFirst {
						return -1
					}
					return 1
				}
				c := cmp.Compare(x.n, y.n)
				if c == 0 {
					c = strings.Compare(x.s, y.s)
				}
				if o.it.desc {
					c = -c
				}
				if c != 0 {
					return c
				}
			}
			return 0
		})
	}
	s.mu.RUnlock()
	if pq.offset > 0 {
		recs = recs[min(pq.offset, len(recs)):]
	}
	if pq.limit >= 0 && len(recs) > pq.limit {
		recs = recs[:pq.limit]
	}
	if pq.count {
		writeJSON(w, http.StatusOK, map[string]any{"totalSize": len(recs), "done": true, "records": []any{}})
		return
	}
	cur := &cursor{st: st, recs: recs, fields: fields, batch: batchSize(r), all: all, used: s.now()}
	s.writePage(w, r, cur, "", 0, cur.batch)
}

// writePage renders records [offset, offset+batch) and a nextRecordsUrl when more remain.
func (s *Sim) writePage(w http.ResponseWriter, r *http.Request, cur *cursor, locator string, offset, batch int) {
	end := min(offset+batch, len(cur.recs))
	version := r.PathValue("version")
	s.mu.RLock()
	records := make([]orderedRecord, 0, end-offset)
	for _, rec := range cur.recs[offset:end] {
		records = append(records, s.render(cur.st, rec, version, cur.fields))
	}
	s.mu.RUnlock()
	body := orderedRecord{{"totalSize", len(cur.recs)}, {"done", end >= len(cur.recs)}}
	if end < len(cur.recs) {
		if locator == "" {
			locator = s.cursors.put(cur)
		}
		// "Although the nextRecordsUrl has query in the URL, it still
		// provides remaining results from the initial QueryAll request"
		// (REST API guide, QueryAll); queryAll/{locator} is served too.
		body = append(body, kv{"nextRecordsUrl", fmt.Sprintf("/services/data/%s/query/%s-%d", version, locator, end)})
	}
	body = append(body, kv{"records", records})
	writeJSON(w, http.StatusOK, body)
}

// handleQueryMore serves GET query/{locator} where locator is "01g...-offset".
func (s *Sim) handleQueryMore(w http.ResponseWriter, r *http.Request) {
	id, off, ok := strings.Cut(r.PathValue("locator"), "-")
	n, err := strconv.Atoi(off)
	cur := s.cursors.get(id)
	if !ok || err != nil || cur == nil || n < 0 || n > len(cur.recs) {
		writeErrors(w, http.StatusBadRequest, sfError{Message: "invalid query locator", ErrorCode: "INVALID_QUERY_LOCATOR"})
		return
	}
	batch := cur.batch
	if r.Header.Get("Sforce-Query-Options") != "" {
		batch = batchSize(r)
	}
	s.writePage(w, r, cur, id, n, batch)
}
