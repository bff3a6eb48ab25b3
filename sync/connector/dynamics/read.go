package dynamics

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/timecursor"
)

// cursorPrefix marks Dataverse's cursors (timecursor): modifiedon has
// one-second resolution, and a read asks for modifiedon ge the cursor's
// second, so a record changed later in that second is not missed.
const cursorPrefix = "dv1|"

// page is one page of a query.
type page struct {
	Value    []map[string]json.RawMessage `json:"value"`
	NextLink string                       `json:"@odata.nextLink"`
	// header is the answer's (its Date says when a read began, by the
	// server's clock).
	header http.Header
}

// pageHeader asks for full pages (the default is also 5,000, but saying so
// makes Preference-Applied tell what the server did), and, where the table
// has lookups offered per target, for the table each lookup's id belongs
// to.
func pageHeader(sc *schema) http.Header {
	h := http.Header{"Prefer": {"odata.maxpagesize=" + strconv.Itoa(PageSize)}}
	if sc != nil && len(sc.navs) > 0 {
		h.Add("Prefer", `odata.include-annotations="`+lookupAnnotation+`"`)
	}
	return h
}

// lookupAnnotation names a lookup's table beside its id.
const lookupAnnotation = "Microsoft.Dynamics.CRM.lookuplogicalname"

// Read lists the table's rows modified since the cursor, oldest first, up
// to 5,000 a page: GET /contacts?$select=…&$filter=modifiedon ge …
// &$orderby=modifiedon asc,contactid asc, following @odata.nextLink. The
// columns are those of the fields ctx names, when it names some
// (readSelectOf).
// Deleted rows are not listed (DeletesUnseen).
func (c *Connector) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		cur, err := timecursor.Parse(cursorPrefix, string(since))
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("dynamics: %w", err))
			return
		}
		sc, err := c.schemaOf(ctx, object)
		if err != nil {
			yield(connector.Page{}, err)
			return
		}
		q := url.Values{"$select": {readSelectOf(ctx, sc)}, "$orderby": {"modifiedon asc," + sc.table.id + " asc"}}
		if !cur.At.IsZero() {
			q.Set("$filter", "modifiedon ge "+readFrom(cur).Format(time.RFC3339))
		}
		next := "/" + object + "?" + encodeQuery(q)
		began := time.Time{}
		cur.Start = time.Time{} // set again once this read reaches the end
		for next != "" {
			p, err := c.page(ctx, next, sc)
			if err != nil {
				c.forgetIfStale(ctx, sc, err.Error())
				yield(connector.Page{}, fmt.Errorf("dynamics: read %s: %w", object, err))
				return
			}
			if began.IsZero() {
				began = timecursor.ServerStart(p.header)
			}
			if p.NextLink == "" {
				cur.Start = began
			}
			page, err := timecursor.Page(&cur, p.Value, func(raw map[string]json.RawMessage) (connector.Record, error) { return c.readRow(sc, raw) })
			if err != nil {
				yield(connector.Page{}, fmt.Errorf("dynamics: read %s: %w", object, err))
				return
			}
			// The last page hands on a cursor that only settled, so the
			// next run need not look back.
			handOn := len(page.Records) > 0 || (p.NextLink == "" && page.Cursor != since)
			if handOn && !yield(page, nil) {
				return
			}
			next = p.NextLink
		}
	}
}

// page runs one query call; sc (nil = none) says which annotations to ask
// for.
func (c *Connector) page(ctx context.Context, path string, sc *schema) (page, error) {
	var p page
	r, err := c.get(ctx, path, pageHeader(sc))
	if err != nil {
		return p, err
	}
	if r.Status != http.StatusOK {
		return p, r.apiError()
	}
	if err := r.Decode(&p); err != nil {
		return p, err
	}
	p.header = r.Header
	switch {
	case p.Value == nil:
		// A collection always has its "value" list, [] when empty: an
		// answer without one (a proxy's or gateway's JSON) is not an
		// empty table, which delete detection would take for every row
		// deleted.
		return p, r.Fail(`answer has no "value" list of rows`)
	case p.NextLink != "" && p.NextLink == path:
		// Following it would read the same page until the daily limit.
		return p, r.Fail("@odata.nextLink repeats the page just read")
	}
	return p, nil
}

// encodeQuery writes OData's system query options with their "$" and
// commas as they are, as Microsoft's examples do.
func encodeQuery(q url.Values) string {
	s := q.Encode()
	return strings.NewReplacer("%24", "$", "%2C", ",").Replace(s)
}

// selectOf names every column the schema offers, and modifiedon.
func selectOf(sc *schema) string {
	return columnsOf(sc, func(string) bool { return true })
}

// readSelectOf is selectOf narrowed to the fields ctx names
// (connector.WithReadFields): "only select the columns with data that you
// need" (Microsoft Learn, "Select columns using OData"). A name the table
// does not have is left out, since Dataverse refuses a query naming an
// unknown property (400, "Could not find a property named ...").
func readSelectOf(ctx context.Context, sc *schema) string {
	want, ok := connector.ReadFields(ctx)
	if !ok {
		return selectOf(sc)
	}
	return columnsOf(sc, func(field string) bool { return want[field] })
}

// columnsOf names the columns that read the fields keep admits, after the
// primary key and modifiedon, which every read needs (the record's id and
// the cursor). A field offered per lookup target (parentcustomerid_account,
// ownerid) is no column: it is read through its lookup's _x_value column
// (toRecord).
func columnsOf(sc *schema, keep func(field string) bool) string {
	names := []string{sc.table.id, "modifiedon"}
	seen := map[string]bool{sc.table.id: true, "modifiedon": true}
	for _, f := range sc.Fields {
		if !keep(f.Name) {
			continue
		}
		col := f.Name
		if nf, nav := sc.navs[f.Name]; nav {
			col = nf.value
		}
		if !seen[col] {
			names, seen[col] = append(names, col), true
		}
	}
	return strings.Join(names, ",")
}

// toRecord converts one row of the Web API's JSON into a canonical record:
// a number is its digits, a boolean true or false, a date and time RFC
// 3339 in UTC, a multi-select choice column its option values joined by
// ";", null a blank. Annotations (names with "@") are dropped. A secured
// column's null is left out, not read: Dataverse answers null for a value
// the caller may not read, which "can't be distinguished" from an empty
// one (Microsoft Learn, "Column-level security with code"), and a blank
// would clear the other side.
func toRecord(sc *schema, raw map[string]json.RawMessage) (connector.Record, error) {
	var id string
	if err := json.Unmarshal(raw[sc.table.id], &id); err != nil || id == "" {
		return connector.Record{}, fmt.Errorf("a row without its %s", sc.table.id)
	}
	rec := connector.Record{ID: id, Fields: make(map[string]string, len(raw))}
	for name, v := range raw {
		if name == sc.table.id || strings.Contains(name, "@") || sc.secured[name] && isNull(v) {
			continue
		}
		s, err := value(v)
		if err != nil {
			return connector.Record{}, fmt.Errorf("row %s: column %s: %v", id, name, err)
		}
		if sc.types[name] == multiSelect {
			s = fromChoices(s)
		}
		if (sc.types[name] == "DateTime" || name == "modifiedon") && strings.Contains(s, "T") {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				s = t.UTC().Format(time.RFC3339)
			}
		}
		rec.Fields[name] = s
	}
	for nav, nf := range sc.navs {
		v, ok := rec.Fields[nf.value]
		if !ok {
			continue
		}
		var logical string
		_ = json.Unmarshal(raw[nf.value+"@"+lookupAnnotation], &logical)
		if !nf.owner && logical != nf.target.logical && !(logical == "" && nf.only) {
			v = "" // the lookup points at another table, or at none
		}
		if nf.currency && v != "" && sc.cur != nil {
			// An id not among the active currencies stays an id, which
			// no currency matches: a change waits rather than lands in
			// the wrong currency.
			if code, ok := sc.cur.code(v); ok {
				v = code
			}
		}
		rec.Fields[nav] = v
	}
	mod, err := time.Parse(time.RFC3339, rec.Fields["modifiedon"])
	if err != nil {
		return connector.Record{}, fmt.Errorf("row %s: modifiedon %q is not a date and time", id, rec.Fields["modifiedon"])
	}
	rec.Modified = mod
	return rec, nil
}

// readRow is toRecord, keeping the row's version for an update of it
// (etag.go).
func (c *Connector) readRow(sc *schema, raw map[string]json.RawMessage) (connector.Record, error) {
	rec, err := toRecord(sc, raw)
	if err == nil {
		c.versions.keep(sc.Object, rec.ID, raw)
	}
	return rec, err
}

// fromChoices turns a multi-select choice column's value as the Web API
// gives it, option values separated by commas ("100000000,100000002", see
// https://learn.microsoft.com/power-apps/developer/data-platform/multi-select-picklist),
// into the canonical form: the same values, in the same order, joined by
// connector.MultiSep.
func fromChoices(s string) string {
	var vals []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			vals = append(vals, v)
		}
	}
	return strings.Join(vals, connector.MultiSep)
}

// isNull reports a JSON null.
func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

// value renders one JSON scalar canonically.
func value(raw json.RawMessage) (string, error) {
	t := strings.TrimSpace(string(raw))
	switch {
	case t == "null":
		return "", nil
	case t == "true" || t == "false":
		return t, nil
	case strings.HasPrefix(t, `"`):
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("unexpected value %s", raw)
	}
	return n.String(), nil
}

// lookupChunk is how many values one lookup query names: the In function
// of 50 emails stays far below the URL length limit.
const lookupChunk = 50

// Lookup finds rows by one column's values:
// $filter=Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',PropertyValues=[…]),
// 50 values a call.
func (c *Connector) Lookup(ctx context.Context, object, field string, values []string) ([]connector.Record, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return nil, err
	}
	if _, ok := sc.types[field]; !ok {
		return nil, fmt.Errorf("dynamics: lookup %s by %s: no such column: %w", object, field, connector.ErrNoLookup)
	}
	var out []connector.Record
	for start := 0; start < len(values); start += lookupChunk {
		chunk := values[start:min(start+lookupChunk, len(values))]
		quoted := make([]string, len(chunk))
		for i, v := range chunk {
			quoted[i] = literal(v)
		}
		q := url.Values{"$select": {selectOf(sc)},
			"$filter": {"Microsoft.Dynamics.CRM.In(PropertyName=" + literal(field) + ",PropertyValues=[" + strings.Join(quoted, ",") + "])"}}
		for next := "/" + object + "?" + encodeQuery(q); next != ""; {
			p, err := c.page(ctx, next, sc)
			if err != nil {
				return nil, fmt.Errorf("dynamics: lookup %s by %s: %w", object, field, err)
			}
			for _, raw := range p.Value {
				rec, err := c.readRow(sc, raw)
				if err != nil {
					return nil, fmt.Errorf("dynamics: lookup %s by %s: %w", object, field, err)
				}
				out = append(out, rec)
			}
			next = p.NextLink
		}
	}
	return out, nil
}

// literal quotes an OData string literal: a quote is doubled.
func literal(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }

// DeletesUnseen says why a read cannot see deleted rows: a query lists
// live rows only. (Change tracking would report them, but a table has it
// only where an administrator turned it on.)
func (c *Connector) DeletesUnseen(object string) string {
	return "Dataverse queries list only live rows"
}

// ListIDs lists every live row's id, 5,000 a call (GET
// /contacts?$select=contactid).
func (c *Connector) ListIDs(ctx context.Context, object string) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		t, err := c.tableFor(ctx, object)
		if err != nil {
			yield(nil, err)
			return
		}
		for next := "/" + object + "?$select=" + t.id; next != ""; {
			p, err := c.page(ctx, next, nil)
			if err != nil {
				yield(nil, fmt.Errorf("dynamics: list ids of %s: %w", object, err))
				return
			}
			ids := make([]string, 0, len(p.Value))
			for _, raw := range p.Value {
				var id string
				if json.Unmarshal(raw[t.id], &id) != nil || id == "" {
					yield(nil, fmt.Errorf("dynamics: list ids of %s: a row without its %s", object, t.id))
					return
				}
				ids = append(ids, id)
			}
			if len(ids) > 0 && !yield(ids, nil) {
				return
			}
			next = p.NextLink
		}
	}
}
