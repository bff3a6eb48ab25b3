package zoho

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/timecursor"
)

// cursorPrefix marks Zoho's cursors (timecursor): Modified_Time has
// one-second resolution, and If-Modified-Since returns what was modified
// after it, so a read starts a second before the cursor's time until that
// second is settled (modifiedSince).
const cursorPrefix = "zo1|"

// maxFields is the most fields one Get Records call may name.
const maxFields = 50

// listBody is Get Records' answer.
type listBody struct {
	Data []map[string]json.RawMessage `json:"data"`
	Info struct {
		MoreRecords   bool    `json:"more_records"`
		NextPageToken *string `json:"next_page_token"`
	} `json:"info"`
	header http.Header // the response's, for its Date
}

// Read lists the module's records modified since the cursor, oldest
// first, 200 per call: GET /crm/v8/{module}?fields=…&sort_by=Modified_Time
// &sort_order=asc with If-Modified-Since, following next_page_token.
// Zoho lists no deleted records here; ListDeleted reads them.
func (c *Connector) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		cur, err := timecursor.Parse(cursorPrefix, string(since))
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("zoho: %w", err))
			return
		}
		sc, err := c.schemaOf(ctx, object)
		if err != nil {
			yield(connector.Page{}, err)
			return
		}
		if object == notes {
			c.readNewestFirst(ctx, object, sc, cur, yield)
			return
		}
		var header http.Header
		if !cur.At.IsZero() {
			header = http.Header{"If-Modified-Since": {modifiedSince(cur)}}
		}
		began, token := time.Time{}, ""
		cur.Start = time.Time{} // set again once this read reaches the end
		chainFrom := cur.At     // where the current run of page tokens began
		for {
			body, err := c.listByModified(ctx, object, sc, "asc", token, header)
			if err != nil && token != "" && tokenLimitReached(err) && cur.At.After(chainFrom) {
				// Page tokens reach 100,000 records: list again from
				// the cursor (its second's records read are skipped).
				chainFrom, token = cur.At, ""
				header = http.Header{"If-Modified-Since": {modifiedSince(cur)}}
				continue
			}
			if err != nil {
				yield(connector.Page{}, fmt.Errorf("zoho: read %s: %w", object, err))
				return
			}
			if began.IsZero() {
				began = timecursor.ServerStart(body.header)
			}
			token = body.nextToken()
			if token == "" {
				cur.Start = began
			}
			page, err := timecursor.Page(&cur, body.Data, func(raw map[string]json.RawMessage) (connector.Record, error) { return toRecord(sc, raw) })
			if err != nil {
				yield(connector.Page{}, fmt.Errorf("zoho: read %s: %w", object, err))
				return
			}
			// The last page hands on a cursor that only settled, so the
			// next run need not look back.
			handOn := len(page.Records) > 0 || (token == "" && page.Cursor != since)
			if handOn && !yield(page, nil) {
				return
			}
			if token == "" {
				return
			}
		}
	}
}

// tokenLimitReached reports Get Records' refusal of a page token past the
// 100,000 records consecutive tokens reach ("Consecutive page tokens can be
// used to navigate through up to 100,000 records", crm-oas
// v8.0/record/operations/getRecords, PAGINATION_LIMIT_EXCEEDED).
func tokenLimitReached(err error) bool {
	var ce *connector.Error
	return errors.As(err, &ce) && ce.Code == "PAGINATION_LIMIT_EXCEEDED"
}

// modifiedSince is the If-Modified-Since of a read resuming after cur:
// Modified_Time has one-second resolution, so a second before the cursor's
// time, or the cursor's own second once it is settled (every record of it
// read).
func modifiedSince(cur timecursor.Cursor) string {
	if cur.Settled() {
		return cur.At.Format(time.RFC3339)
	}
	return cur.At.Add(-time.Second).Format(time.RFC3339)
}

// readNewestFirst reads a module whose list takes no If-Modified-Since
// (Notes: the notes spec lists none) newest first, down to the cursor's
// second, and yields what changed since oldest first, as Read does. What
// changed is held until the list reaches the cursor: every note on a first
// read, a run's changes after that.
func (c *Connector) readNewestFirst(ctx context.Context, object string, sc *schema, cur timecursor.Cursor, yield func(connector.Page, error) bool) {
	var changed []connector.Record
	token := ""
	for {
		body, err := c.listByModified(ctx, object, sc, "desc", token, nil)
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("zoho: read %s: %w", object, err))
			return
		}
		older := false
		for _, raw := range body.Data {
			rec, err := toRecord(sc, raw)
			if err != nil {
				yield(connector.Page{}, fmt.Errorf("zoho: read %s: %w", object, err))
				return
			}
			if rec.Modified.Truncate(time.Second).Before(cur.At) {
				older = true
				break
			}
			changed = append(changed, rec)
		}
		if token = body.nextToken(); older || token == "" {
			break
		}
	}
	slices.Reverse(changed)
	for start := 0; start < len(changed); start += PageSize {
		page, _ := timecursor.Page(&cur, changed[start:min(start+PageSize, len(changed))],
			func(r connector.Record) (connector.Record, error) { return r, nil })
		if len(page.Records) > 0 && !yield(page, nil) {
			return
		}
	}
}

// listByModified lists one page of object's records, the fields a read
// names (readFields), in Modified_Time order ("asc" or "desc"), from token on.
func (c *Connector) listByModified(ctx context.Context, object string, sc *schema, order, token string, header http.Header) (listBody, error) {
	q := url.Values{"fields": {strings.Join(readFields(ctx, sc), ",")}, "per_page": {strconv.Itoa(PageSize)}, "sort_by": {"Modified_Time"}, "sort_order": {order}}
	if token != "" {
		q.Set("page_token", token)
	}
	body, err := c.list(ctx, "/"+object+"?"+q.Encode(), header)
	if err != nil {
		c.forgetIfStale(ctx, sc, err)
	}
	return body, err
}

// nextToken is the token of the page after b, "" after the last.
func (b listBody) nextToken() string {
	if !b.Info.MoreRecords || b.Info.NextPageToken == nil {
		return ""
	}
	return *b.Info.NextPageToken
}

// list runs one list call; 204 is an empty page.
func (c *Connector) list(ctx context.Context, path string, header http.Header) (listBody, error) {
	var body listBody
	r, err := c.call(ctx, http.MethodGet, apiRoot+path, nil, header)
	if err != nil {
		return body, err
	}
	body.header = r.Header
	switch r.Status {
	case http.StatusNoContent, http.StatusNotModified:
		return body, nil
	case http.StatusOK:
		if err := r.Decode(&body); err != nil {
			return body, err
		}
		switch next := body.nextToken(); {
		case body.Data == nil:
			// Zoho answers 204 for none: a 200 without its "data" list (a
			// proxy's or gateway's JSON) is not an empty page, which
			// ListIDs would take for every note deleted and a lookup for
			// no match.
			return body, r.Fail(`answer has no "data" list of records`)
		case next != "" && next == sentToken(path):
			// Following it would read the same page until the daily credits.
			return body, r.Fail("next_page_token repeats the page_token of the page just read")
		}
		return body, nil
	}
	return body, r.apiError()
}

// sentToken is the page_token a list call's path sends, "" for none.
func sentToken(path string) string {
	u, err := url.Parse(path)
	if err != nil {
		return ""
	}
	return u.Query().Get("page_token")
}

// readFields are the fields a read names: those ctx asks for
// (connector.ReadFields), each by the API name Zoho lists it under, or every
// field when ctx names none; past Zoho's 50, the required, unique and
// writable ones first. Modified_Time (the cursor's time) and the fields in
// keep are always named, and ranked first.
func readFields(ctx context.Context, sc *schema, keep ...string) []string {
	always := map[string]bool{"Modified_Time": true}
	for _, name := range keep {
		always[sc.apiName(name)] = true
	}
	asked, narrowed := askedFields(ctx, sc)
	var fs []connector.Field
	for _, f := range sc.Fields {
		if _, offered := sc.targets[f.Name]; offered {
			continue // read through its lookup
		}
		if !narrowed || asked[f.Name] || always[f.Name] {
			fs = append(fs, f)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(always)) {
		if !slices.ContainsFunc(fs, func(f connector.Field) bool { return f.Name == name }) {
			fs = append(fs, connector.Field{Name: name}) // named whether the schema lists it or not
		}
	}
	if len(fs) > maxFields {
		fs = mostNeeded(sc, fs, always)
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}

// askedFields are the API names of the fields ctx asks for, and false when
// it asks for none: a multi-module lookup's target (What_Id.Accounts) is
// read through its lookup (What_Id), which toRecord turns back.
func askedFields(ctx context.Context, sc *schema) (map[string]bool, bool) {
	want, ok := connector.ReadFields(ctx)
	if !ok {
		return nil, false
	}
	asked := make(map[string]bool, len(want))
	for name := range want {
		asked[sc.apiName(name)] = true
	}
	return asked, true
}

// apiName is the field Zoho lists a record field under: a multi-module
// lookup's target is its lookup, any other field itself.
func (sc *schema) apiName(name string) string {
	if t, ok := sc.targets[name]; ok {
		return t.lookup
	}
	return name
}

// mostNeeded keeps Zoho's 50 of fs: those always named, then the required
// and unique, then the writable, each in schema order.
func mostNeeded(sc *schema, fs []connector.Field, always map[string]bool) []connector.Field {
	offeredAs := map[string]bool{} // multi-module lookups, writable per module
	for _, t := range sc.targets {
		offeredAs[t.lookup] = true
	}
	rank := func(f connector.Field) int {
		switch {
		case always[f.Name]:
			return 0
		case f.Required || f.Unique:
			return 1
		case !f.ReadOnly || offeredAs[f.Name]:
			return 2
		}
		return 3
	}
	slices.SortStableFunc(fs, func(a, b connector.Field) int { return rank(a) - rank(b) })
	return fs[:maxFields]
}

// toRecord converts one record of Zoho's JSON into a canonical record: a
// lookup ({"id","name"}) is its id, a number its digits, a list (a
// multi-select picklist's array of values) its values joined by
// connector.MultiSep in Zoho's order, null or [] a blank.
func toRecord(sc *schema, raw map[string]json.RawMessage) (connector.Record, error) {
	var id string
	if err := json.Unmarshal(raw["id"], &id); err != nil || id == "" {
		var n json.Number
		if json.Unmarshal(raw["id"], &n) != nil || n == "" {
			return connector.Record{}, fmt.Errorf("a record without an id")
		}
		id = n.String()
	}
	rec := connector.Record{ID: id, Fields: make(map[string]string, len(raw))}
	for name, v := range raw {
		if name == "id" || strings.HasPrefix(name, "$") {
			continue
		}
		s, err := value(v)
		if err != nil {
			return connector.Record{}, fmt.Errorf("record %s: field %s: %v", id, name, err)
		}
		if sc.types[name] == "datetime" || name == "Modified_Time" || name == "Created_Time" {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				s = t.UTC().Format(time.RFC3339)
			}
		}
		rec.Fields[name] = s
	}
	// A multi-module lookup reads as the field of its module. One the read
	// did not return is not read, not blank (a blank would clear it).
	for name, t := range sc.targets {
		if _, read := raw[t.lookup]; !read {
			continue
		}
		module := ""
		if t.lookup == moduleInValue {
			var v struct {
				Module struct {
					APIName string `json:"api_name"`
				} `json:"module"`
			}
			_ = json.Unmarshal(raw[t.lookup], &v) // null or absent: no module
			module = v.Module.APIName
		} else {
			_ = json.Unmarshal(raw["$se_module"], &module)
		}
		if module == t.module {
			rec.Fields[name] = rec.Fields[t.lookup]
		} else {
			rec.Fields[name] = ""
		}
	}
	mod, err := time.Parse(time.RFC3339, rec.Fields["Modified_Time"])
	if err != nil {
		return connector.Record{}, fmt.Errorf("record %s: Modified_Time %q is not a date and time", id, rec.Fields["Modified_Time"])
	}
	rec.Modified = mod
	return rec, nil
}

// value renders one JSON value canonically.
func value(raw json.RawMessage) (string, error) {
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return "", err
	}
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case map[string]any:
		if id, ok := x["id"]; ok && id != nil {
			return fmt.Sprint(id), nil
		}
		return "", nil
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				e = m["id"]
			}
			parts = append(parts, fmt.Sprint(e))
		}
		return strings.Join(parts, connector.MultiSep), nil
	}
	return "", fmt.Errorf("unexpected value %s", raw)
}

// deletedBody is Get Deleted Records' answer.
type deletedBody struct {
	Data []struct {
		ID          json.Number `json:"id"`
		DeletedTime string      `json:"deleted_time"`
	} `json:"data"`
	Info struct {
		MoreRecords bool `json:"more_records"`
	} `json:"info"`
}

// ListDeleted lists the module's records deleted since (GET
// /crm/v8/{module}/deleted?type=all with If-Modified-Since), 200 per page,
// as deleted records.
func (c *Connector) ListDeleted(ctx context.Context, object string, since time.Time) iter.Seq2[[]connector.Record, error] {
	return func(yield func([]connector.Record, error) bool) {
		if err := checkObject(object); err != nil {
			yield(nil, err)
			return
		}
		if c.DeletesUnseen(object) != "" {
			return // the engine compares ids instead (ListIDs)
		}
		var header http.Header
		if !since.IsZero() {
			header = http.Header{"If-Modified-Since": {since.UTC().Format(time.RFC3339)}}
		}
		for page := 1; ; page++ {
			q := url.Values{"type": {"all"}, "per_page": {strconv.Itoa(PageSize)}, "page": {strconv.Itoa(page)}}
			r, err := c.call(ctx, http.MethodGet, apiRoot+"/"+object+"/deleted?"+q.Encode(), nil, header)
			// 304 answers If-Modified-Since as 204 does: nothing since (Zoho's SDKs).
			if err == nil && r.Status != http.StatusOK && r.Status != http.StatusNoContent && r.Status != http.StatusNotModified {
				err = r.apiError()
			}
			if err != nil {
				yield(nil, fmt.Errorf("zoho: list deleted %s: %w", object, err))
				return
			}
			var body deletedBody
			if r.Status == http.StatusOK {
				if err := r.Decode(&body); err != nil {
					yield(nil, fmt.Errorf("zoho: list deleted %s: %w", object, err))
					return
				}
				if body.Data == nil {
					// 204 is none: a 200 without "data" would lose the deletes.
					yield(nil, fmt.Errorf("zoho: list deleted %s: %w", object, r.Fail(`answer has no "data" list of deleted records`)))
					return
				}
			}
			recs := make([]connector.Record, 0, len(body.Data))
			for _, d := range body.Data {
				at, _ := time.Parse(time.RFC3339, d.DeletedTime)
				recs = append(recs, connector.Record{ID: d.ID.String(), Deleted: true, Modified: at, Fields: map[string]string{}})
			}
			if len(recs) > 0 && !yield(recs, nil) {
				return
			}
			if !body.Info.MoreRecords {
				return
			}
		}
	}
}

// DeletesUnseen says why Zoho cannot report a deleted note: notes have no
// deleted list (the notes spec lists none), and a deleted note is gone for
// good. The other modules list theirs (ListDeleted).
func (c *Connector) DeletesUnseen(object string) string {
	if object == notes {
		return "Zoho CRM lists no deleted notes"
	}
	return ""
}

// ListIDs lists the id of every note, 200 per call, following
// next_page_token, for the engine to compare with the notes it indexed.
func (c *Connector) ListIDs(ctx context.Context, object string) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		if err := checkObject(object); err != nil {
			yield(nil, err)
			return
		}
		token := ""
		for {
			q := url.Values{"fields": {"Modified_Time"}, "per_page": {strconv.Itoa(PageSize)}}
			if token != "" {
				q.Set("page_token", token)
			}
			body, err := c.list(ctx, "/"+object+"?"+q.Encode(), nil)
			if err != nil {
				yield(nil, fmt.Errorf("zoho: list %s ids: %w", object, err))
				return
			}
			ids := make([]string, 0, len(body.Data))
			for _, raw := range body.Data {
				var id json.Number
				if err := json.Unmarshal(raw["id"], &id); err != nil {
					var s string
					if json.Unmarshal(raw["id"], &s) != nil || s == "" {
						yield(nil, fmt.Errorf("zoho: list %s ids: a record without an id", object))
						return
					}
					id = json.Number(s)
				}
				ids = append(ids, id.String())
			}
			if len(ids) > 0 && !yield(ids, nil) {
				return
			}
			if token = body.nextToken(); token == "" {
				return
			}
		}
	}
}
