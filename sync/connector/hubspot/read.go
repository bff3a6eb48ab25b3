package hubspot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/jsonscan"
)

// hsObject is SimplePublicObject / SimplePublicUpsertObject.
type hsObject struct {
	ID                 string      `json:"id"`
	Properties         resultProps `json:"properties"`
	CreatedAt          string      `json:"createdAt"`
	UpdatedAt          string      `json:"updatedAt"`
	Archived           bool        `json:"archived"`
	ObjectWriteTraceID string      `json:"objectWriteTraceId"`
	New                *bool       `json:"new"`
}

// searchObject is a search result: a SimplePublicObject whose properties
// stay raw JSON until toRecord walks them (jsonscan), instead of a map of
// boxed strings per record read.
type searchObject struct {
	ID         string          `json:"id"`
	Properties json.RawMessage `json:"properties"`
	UpdatedAt  string          `json:"updatedAt"`
	Archived   bool            `json:"archived"`
}

type filter struct {
	PropertyName string   `json:"propertyName"`
	Operator     string   `json:"operator"`
	Value        string   `json:"value,omitempty"`
	Values       []string `json:"values,omitempty"`
}

type filterGroup struct {
	Filters []filter `json:"filters"`
}

type sortSpec struct {
	PropertyName string `json:"propertyName"`
	Direction    string `json:"direction"`
}

// searchRequest is PublicObjectSearchRequest. The spec types sorts as
// strings, but HubSpot's documented (and accepted) form is the object.
type searchRequest struct {
	FilterGroups []filterGroup `json:"filterGroups"`
	Sorts        []sortSpec    `json:"sorts"`
	Properties   []string      `json:"properties"`
	Limit        int           `json:"limit"`
	After        string        `json:"after"`
}

type searchResponse struct {
	Total   int            `json:"total"`
	Results []searchObject `json:"results"`
	Paging  *pagingJSON    `json:"paging"`
	// listed says the answer held its "results" list, [] when none.
	listed bool
}

type pagingJSON struct {
	Next *nextJSON `json:"next"`
}

type nextJSON struct {
	After string `json:"after"`
}

// decodeInPlace reads a search page without copying its records'
// properties: the body is checked once (jsonscan.Valid) and split
// (jsonscan), where encoding/json checked it, decoded it and copied each
// record's properties out of it (BENCHMARKS.md, fix 36). It reports false,
// leaving s as it was, for anything but the plain shape of a page;
// encoding/json then decodes it and names what is wrong, exactly as before.
func (s *searchResponse) decodeInPlace(b []byte) bool {
	var out searchResponse
	err := jsonscan.CheckedMembers(b, func(name, v []byte) error {
		var err error
		switch string(name) {
		case "total":
			if string(v) != "null" {
				out.Total, err = strconv.Atoi(string(v))
			}
		case "results":
			out.Results = out.Results[:0]
			out.listed = string(v) != "null"
			if out.listed {
				err = jsonscan.Elements(v, func(rec []byte) error {
					o, err := plainResult(rec)
					out.Results = append(out.Results, o)
					return err
				})
			}
		case "paging":
			out.Paging = nil
			if string(v) != "null" {
				out.Paging, err = plainPaging(v)
			}
		default:
			if jsonscan.MatchesFolded(name, "total", "results", "paging") {
				err = errNotPlain // encoding/json matches names without case
			}
		}
		return err
	})
	if err != nil {
		return false
	}
	*s = out
	return true
}

var errNotPlain = errors.New("not a plain page")

// plainResult reads one search result; its properties stay a slice of rec.
func plainResult(rec []byte) (searchObject, error) {
	var o searchObject
	err := jsonscan.Members(rec, func(name, v []byte) error {
		var err error
		switch string(name) {
		case "id":
			o.ID, err = nullableString(v)
		case "updatedAt":
			o.UpdatedAt, err = nullableString(v)
		case "properties":
			o.Properties = json.RawMessage(v)
		case "archived":
			switch string(v) {
			case "true", "false":
				o.Archived = string(v) == "true"
			case "null":
			default:
				err = errNotPlain
			}
		default:
			if jsonscan.MatchesFolded(name, "id", "updatedAt", "properties", "archived") {
				err = errNotPlain
			}
		}
		return err
	})
	return o, err
}

// plainPaging reads {"next": {"after": "..."}}. A repeated member goes to
// encoding/json, which merges it into the first (CheckedMembers).
func plainPaging(v []byte) (*pagingJSON, error) {
	p := &pagingJSON{}
	err := jsonscan.CheckedMembers(v, func(name, v []byte) error {
		switch {
		case string(name) == "next":
			if string(v) == "null" {
				return nil
			}
			p.Next = &nextJSON{}
			return jsonscan.Members(v, func(name, v []byte) error {
				var err error
				switch {
				case string(name) == "after":
					p.Next.After, err = nullableString(v)
				case jsonscan.MatchesFolded(name, "after"):
					err = errNotPlain
				}
				return err
			})
		case jsonscan.MatchesFolded(name, "next"):
			return errNotPlain
		}
		return nil
	})
	return p, err
}

// nullableString reads a JSON string; null reads as "", as encoding/json
// leaves a string field alone.
func nullableString(v []byte) (string, error) {
	switch {
	case string(v) == "null":
		return "", nil
	case len(v) == 0 || v[0] != '"':
		return "", errNotPlain
	}
	return jsonscan.String(v)
}

func (s searchResponse) next() string {
	if s.Paging == nil || s.Paging.Next == nil {
		return ""
	}
	return s.Paging.Next.After
}

// searchPage runs one search call; searchPacer holds each attempt to the
// search limit.
func (c *Connector) searchPage(ctx context.Context, object string, req searchRequest) (*searchResponse, *response, error) {
	r, err := c.call(ctx, http.MethodPost, objectsPath(object)+"/search", req)
	if err != nil {
		return nil, nil, err
	}
	if r.Status != http.StatusOK {
		return nil, nil, r.apiError()
	}
	var out searchResponse
	if out.decodeInPlace(r.Body) {
		if !out.listed {
			c.release(r)
			return nil, nil, errNoResults(r)
		}
		return &out, r, nil // out's properties are slices of r's body: the reader releases it
	}
	err = r.Decode(&out)
	c.release(r) // decoding copied what out keeps (json.RawMessage copies)
	if err != nil {
		return nil, nil, err
	}
	if out.Results == nil {
		return nil, nil, errNoResults(r)
	}
	return &out, r, nil
}

// errNoResults refuses a 200 search answer without its "results" list (a
// proxy's or gateway's JSON): it is not a page of none, which a read would
// take for nothing changed and a lookup for no match, creating the record
// again.
func errNoResults(r *response) error {
	return r.Fail(`answer has no "results" list`)
}

// Read streams records modified since the cursor through search, sorted by
// the modified property ascending, 200 per page. One query can page through
// at most 10,000 results, so before that cap the query restarts from the
// newest modified time seen, with a fresh paging token; records already
// emitted are skipped by id. The cursor re-queries a few seconds back (the
// search index lags writes) and remembers what it emitted there.
func (c *Connector) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		w, err := parseCursor(since, c.overlap.Milliseconds())
		if err != nil {
			yield(connector.Page{}, err)
			return
		}
		sc, err := c.Schema(ctx, object)
		if err != nil {
			yield(connector.Page{}, err)
			return
		}
		types := typesOf(sc)
		modProp := modifiedProp(object)
		props := searchProps(sc)
		if want, ok := connector.ReadFields(ctx); ok {
			props = slices.DeleteFunc(props, func(p string) bool { return !want[p] && p != modProp && p != mergedProp })
		}
		from := w.from()
		now := c.clock().UnixMilli()
		back, sweep := w.sweepFrom(now)
		if sweep {
			from = min(from, back)
		}
		if w.swept < 0 {
			w.swept = now
		}
		last := since // the cursor the engine holds
		for {
			req := searchRequest{
				FilterGroups: []filterGroup{{Filters: []filter{{PropertyName: modProp, Operator: "GTE", Value: strconv.FormatInt(from, 10)}}}},
				Sorts:        []sortSpec{{PropertyName: modProp, Direction: "ASCENDING"}},
				Properties:   props, Limit: pageSize, After: "0",
			}
			fetched, reached := 0, from // reached: the newest modified time this query returned
			for {
				res, r, err := c.searchPage(ctx, object, req)
				if err != nil {
					yield(connector.Page{}, fmt.Errorf("hubspot: read %s: %w", object, err))
					return
				}
				if w.indexed < 0 && !r.date.IsZero() {
					// Date has one-second resolution: round down once more.
					w.indexed = r.date.UnixMilli() - 1000 - w.overlap
				}
				var recs []connector.Record
				for _, o := range res.Results {
					rec, err := toRecord(o, types, modProp)
					if err != nil {
						yield(connector.Page{}, fmt.Errorf("hubspot: read %s: %w", object, r.Fail(err.Error())))
						return
					}
					reached = max(reached, rec.Modified.UnixMilli())
					if w.admit(rec.ID, rec.Modified.UnixMilli()) {
						recs = appendMerged(append(recs, rec), rec)
					}
				}
				c.release(r) // every record is copied into recs
				if err := c.readRefs(ctx, object, recs); err != nil {
					yield(connector.Page{}, err)
					return
				}
				if len(recs) > 0 {
					last = w.cursor()
					if !yield(connector.Page{Records: recs, Cursor: last}, nil) {
						return
					}
				}
				fetched += len(res.Results)
				next := res.next()
				if next == "" || len(res.Results) == 0 {
					if sweep {
						// Only a sweep read to its end counts: one cut
						// short is made again at the next run.
						w.swept = now
					}
					// A read that admits nothing still learns how far the
					// search index has caught up (w.indexed): hand that
					// on, or every later read with nothing new pages
					// through the whole overlap window again.
					if cur := w.cursor(); cur != last {
						yield(connector.Page{Cursor: cur}, nil)
					}
					return
				}
				if fetched+pageSize >= searchCap {
					break // restart before the cap turns the next page into a 400
				}
				req.After = next
			}
			if reached <= from {
				yield(connector.Page{}, &connector.Error{Vendor: vendor, Endpoint: "POST " + objectsPath(object) + "/search",
					Category: connector.CatServer,
					Message:  fmt.Sprintf("more than %d records modified at %d ms; search cannot page past them", searchCap, from)})
				return
			}
			from = reached // not w.hwm: a sweep reads behind it
		}
	}
}

// mergedProp lists, on a record, the ids of the records merged into it
// (";"-separated). HubSpot lists a merged-away record nowhere else: not in
// search, not among the archived.
const mergedProp = "hs_merged_object_ids"

// appendMerged appends, for each record merged into rec, that record as
// deleted and merged into rec, so a sync sees the merge (and holds the
// delete of its linked record for review, naming rec) instead of keeping a
// link to an id that is gone.
func appendMerged(recs []connector.Record, rec connector.Record) []connector.Record {
	ids := rec.Fields[mergedProp]
	if ids == "" {
		return recs // nearly every record: no split, no allocation
	}
	for _, id := range strings.Split(ids, ";") {
		if id = strings.TrimSpace(id); id != "" && id != rec.ID {
			recs = append(recs, connector.Record{ID: id, Fields: map[string]string{}, Modified: rec.Modified, Deleted: true, MergedInto: rec.ID})
		}
	}
	return recs
}

// toRecord converts a search result into a canonical record. Property
// values are strings or null (SimplePublicObject); anything else is refused.
func toRecord(o searchObject, types map[string]schemaProp, modProp string) (connector.Record, error) {
	if o.ID == "" {
		return connector.Record{}, fmt.Errorf("a record has no id")
	}
	rec := connector.Record{ID: o.ID, Fields: make(map[string]string, len(types)), Deleted: o.Archived}
	if len(o.Properties) > 0 && string(o.Properties) != "null" {
		err := jsonscan.Members(o.Properties, func(n, v []byte) error {
			prop, known := types[string(n)]
			name := prop.Name
			if !known {
				name = string(n)
			}
			switch {
			case string(v) == "null":
				rec.Fields[name] = ""
				return nil
			case v[0] != '"':
				return fmt.Errorf("property %s is %s, not a string", name, v)
			case len(v) > 4*maxValueLen+2:
				return fmt.Errorf("property %s holds %d bytes, beyond HubSpot's %d-character limit", name, len(v)-2, maxValueLen)
			}
			s, err := jsonscan.String(v)
			if err != nil {
				return fmt.Errorf("property %s: %v", name, err)
			}
			rec.Fields[name] = canonical(s, prop.Type)
			return nil
		})
		if err != nil {
			return connector.Record{}, fmt.Errorf("record %s: %w", o.ID, err)
		}
	}
	mod := o.UpdatedAt
	if v := rec.Fields[modProp]; v != "" {
		mod = v
	}
	t, ok := parseTime(mod)
	if !ok {
		return connector.Record{}, fmt.Errorf("record %s: unreadable %s %q", o.ID, modProp, mod)
	}
	rec.Modified = t
	return rec, nil
}

// parseTime accepts epoch milliseconds or ISO-8601, as HubSpot sends both.
func parseTime(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	if epochMillis(v) {
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			return time.UnixMilli(ms).UTC(), true
		}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700", "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// epochMillis reports whether v has the shape of epoch milliseconds, so
// that ISO-8601 values skip ParseInt and the error it would allocate.
func epochMillis(v string) bool {
	v = strings.TrimPrefix(v, "-")
	for i := range len(v) {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return v != ""
}

// canonical renders a vendor value in the canonical form for its type:
// datetimes RFC 3339 UTC, dates YYYY-MM-DD; others unchanged. Values that do
// not parse are kept as sent so nothing is silently lost.
func canonical(v string, t connector.FieldType) string {
	switch t {
	case connector.TypeDateTime:
		if tm, ok := parseTime(v); ok {
			return tm.Format(time.RFC3339Nano)
		}
	case connector.TypeDate:
		if tm, ok := parseTime(v); ok {
			return tm.Format(time.DateOnly)
		}
	}
	return v
}
