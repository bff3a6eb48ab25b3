package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/jsonscan"
	"github.com/crmsync/crmsync/sync/connector/timecursor"
)

// PageSize is the SOQL batch size asked for with Sforce-Query-Options
// (Salesforce may return fewer).
const PageSize = 2000

// sfTime is how Salesforce renders datetimes in JSON.
const sfTime = "2006-01-02T15:04:05.000-0700"

// queryResult is one SOQL batch.
type queryResult struct {
	TotalSize      int               `json:"totalSize"`
	Done           bool              `json:"done"`
	NextRecordsURL string            `json:"nextRecordsUrl"`
	Records        []json.RawMessage `json:"records"`

	// inPlace: Records are slices of the response body, whose buffer the
	// result then holds (body) until the reader hands it back.
	inPlace bool
	body    *bytes.Buffer
}

// decodeInPlace reads a query page without copying its records: the body
// is checked once (jsonscan.Valid) and split (jsonscan), where encoding/json
// checked it, decoded it and copied every record out of it (BENCHMARKS.md,
// fix 36). It reports false, leaving qr as it was, for anything but the
// plain shape of a page; encoding/json then decodes it and names what is
// wrong, exactly as before.
func (qr *queryResult) decodeInPlace(b []byte) bool {
	var out queryResult
	err := jsonscan.CheckedMembers(b, func(name, v []byte) error {
		var err error
		switch string(name) {
		case "totalSize":
			out.TotalSize, err = strconv.Atoi(string(v))
		case "done":
			switch string(v) {
			case "true", "false":
				out.Done = string(v) == "true"
			case "null":
			default:
				err = errNotPlain
			}
		case "nextRecordsUrl":
			if string(v) != "null" {
				out.NextRecordsURL, err = jsonscan.String(v)
			}
		case "records":
			out.Records = out.Records[:0]
			if out.Records == nil {
				out.Records = []json.RawMessage{} // listed, if none: not a missing list
			}
			if string(v) != "null" {
				err = jsonscan.Elements(v, func(rec []byte) error {
					out.Records = append(out.Records, rec)
					return nil
				})
			}
		default:
			if jsonscan.MatchesFolded(name, "totalSize", "done", "nextRecordsUrl", "records") {
				err = errNotPlain // encoding/json matches names without case
			}
		}
		return err
	})
	if err != nil {
		return false
	}
	out.inPlace = true
	*qr = out
	return true
}

var errNotPlain = errors.New("not a plain page")

// The resume point of an incremental read.
//
// Salesforce stores datetimes to the second (milliseconds are dropped on
// save) and SOQL datetime literals are whole seconds, so records are read
// ORDER BY SystemModstamp, Id and the cursor keeps the second of the last
// record handed out (sec) and that record's Id (lastID). A resumed read asks
// for
//
//	SystemModstamp > sec OR (SystemModstamp = sec AND Id > 'lastID')
//
// which skips the records of sec already handed out without fetching them
// again. Comparison operators are valid on Id fields and order ids the way
// ORDER BY Id does: the Bulk API's PK chunking pages whole tables with
// "WHERE Id >= '001300000000000' AND Id < '00130000000132G'", boundaries it
// calls base-62 (developer.salesforce.com/docs/platform/api-asynch/guide/
// async-api-headers-enable-pk-chunking.html; comparison operators:
// .../salesforce-soql-sosl/guide/sforce-api-calls-soql-select-comparisonoperators.html).
// The connector never compares ids itself, it only relies on the server's
// filter and sort agreeing.
//
// The Id tiebreak is only safe when every write stamped in sec had committed
// before the read that made the cursor began: a later update of a record
// with a smaller Id, stamped in the same second, would be skipped. So the
// cursor also keeps that read's start (its first response's Date, less 1 s
// for the header's resolution) and the tiebreak is used only when sec ended
// commitMargin before it. Otherwise the read falls back to SystemModstamp >=
// sec and skips the ids the cursor lists for sec, each with the fingerprint
// of its fields as read (timecursor.Fingerprint): a record edited again
// within sec keeps its whole-second stamp, so only its fields show the
// change, and it is returned again.
type cursor struct {
	sec    time.Time       // second of the last record handed out; zero = read everything
	lastID string          // last Id handed out or passed over at sec, in the server's order
	ids    map[string]seen // ids handed out at sec
	start  time.Time       // the making read began no earlier than this (server time); zero = unknown
}

// seen is how a record handed out at the cursor's second looked: the
// fingerprint of its fields, or (a cursor written before fingerprints,
// fp 0) its SystemModstamp then.
type seen struct {
	fp    uint64
	stamp time.Time
}

// commitMargin is how long after a second ends every write stamped in it is
// assumed committed and visible to queries (the HubSpot connector allows its
// search index the same 5 s).
const commitMargin = 5 * time.Second

// maxCursorIDs bounds the cursor when a mass update stamps thousands of
// records with one second; beyond it, a fallback read may return some
// boundary records again (a repeat, never a loss).
const maxCursorIDs = 2000

// cursorV3 prefixes the current format,
// "sf3|<sec>|<start>|<lastID>|<id>:<fingerprint hex>,..." (RFC 3339 times,
// start may be empty). cursorV2's "<id>[:<ms>]" entries, and the older
// "<RFC 3339 instant>|<id>,...", still parse and take the fallback, their
// records compared by stamp.
const (
	cursorV3 = "sf3"
	cursorV2 = "sf2"
)

// tiebreak reports whether the resumed query may use the Id tiebreak.
func (k *cursor) tiebreak() bool {
	return k.lastID != "" && !k.start.IsZero() && !k.sec.Add(time.Second+commitMargin).After(k.start)
}

// where is the SOQL filter that resumes after the cursor ("" = everything).
func (k *cursor) where() string {
	if k.sec.IsZero() {
		return ""
	}
	x := k.sec.UTC().Format("2006-01-02T15:04:05Z")
	if k.tiebreak() {
		return "SystemModstamp > " + x + " OR (SystemModstamp = " + x + " AND Id > '" + k.lastID + "')"
	}
	return "SystemModstamp >= " + x
}

func (k *cursor) String() string {
	if k.sec.IsZero() {
		return ""
	}
	ids := make([]string, 0, len(k.ids))
	for id, s := range k.ids {
		ids = append(ids, id+":"+strconv.FormatUint(s.fp, 16))
	}
	slices.Sort(ids)
	start := ""
	if !k.start.IsZero() {
		start = k.start.UTC().Format(time.RFC3339)
	}
	return strings.Join([]string{cursorV3, k.sec.UTC().Format(time.RFC3339), start, k.lastID, strings.Join(ids, ",")}, "|")
}

func parseCursor(c connector.Cursor) (*cursor, error) {
	k := &cursor{ids: map[string]seen{}}
	if c == "" {
		return k, nil
	}
	bad := &connector.Error{Vendor: vendor, Endpoint: "read", Category: connector.CatValidation,
		Message: fmt.Sprintf("cursor %.60q is not a Salesforce cursor", string(c))}
	parts := strings.Split(string(c), "|")
	if parts[0] != cursorV3 && parts[0] != cursorV2 {
		// Old format: the exact instant of the last record and the ids
		// handed out at it. No start time, so the fallback is used.
		if len(parts) != 2 {
			return nil, bad
		}
		t, err := time.Parse(time.RFC3339Nano, parts[0])
		if err != nil {
			return nil, bad
		}
		k.sec = t.UTC().Truncate(time.Second)
		for id := range strings.SplitSeq(parts[1], ",") {
			if id != "" {
				k.ids[id] = seen{stamp: t.UTC()}
			}
		}
		return k, nil
	}
	if len(parts) != 5 {
		return nil, bad
	}
	sec, err := time.Parse(time.RFC3339, parts[1])
	if err != nil || (parts[3] != "" && !validID(parts[3])) { // the id goes into SOQL
		return nil, bad
	}
	k.sec, k.lastID = sec.UTC().Truncate(time.Second), parts[3]
	if parts[2] != "" {
		if k.start, err = time.Parse(time.RFC3339, parts[2]); err != nil {
			return nil, bad
		}
	}
	for e := range strings.SplitSeq(parts[4], ",") {
		if e == "" {
			continue
		}
		id, s, ok := parseSeen(parts[0], k.sec, e)
		if !ok {
			return nil, bad
		}
		k.ids[id] = s
	}
	return k, nil
}

// parseSeen reads one entry of a cursor's ids: "<id>:<fingerprint hex>" in
// format sf3, "<id>[:<ms within sec>]" in sf2.
func parseSeen(format string, sec time.Time, e string) (string, seen, bool) {
	id, v, hasV := strings.Cut(e, ":")
	if id == "" {
		return "", seen{}, false
	}
	if format == cursorV3 {
		fp, err := strconv.ParseUint(v, 16, 64)
		return id, seen{fp: fp}, err == nil && fp != 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if hasV && (err != nil || n < 0 || n > 999) {
		return "", seen{}, false
	}
	return id, seen{stamp: sec.Add(time.Duration(n) * time.Millisecond)}, true
}

// take reports whether a record, stamped t (its SystemModstamp), is new
// relative to the cursor and advances the cursor past it. Records arrive in
// the server's (second, Id) order.
func (k *cursor) take(rec connector.Record, t time.Time) bool {
	id, fp := rec.ID, timecursor.Fingerprint(rec)
	s := t.Truncate(time.Second)
	switch {
	case k.sec.IsZero() || s.After(k.sec):
		k.sec, k.lastID = s, id
		clear(k.ids)
	case s.Before(k.sec):
		return false // before the cursor: handed out already
	default:
		k.lastID = id // handed out now or before: the server has passed it
		if prev, ok := k.ids[id]; ok && prev.unchanged(t, fp) {
			return false // already handed out, not modified since
		}
	}
	if _, ok := k.ids[id]; ok || len(k.ids) < maxCursorIDs {
		k.ids[id] = seen{fp: fp, stamp: t}
	}
	return true
}

// unchanged reports whether a record read again at the cursor's second,
// stamped t with fields of fingerprint fp, is as it was handed out.
func (s seen) unchanged(t time.Time, fp uint64) bool {
	if s.fp != 0 {
		return s.fp == fp
	}
	return !t.After(s.stamp)
}

// Read streams records of object changed since the cursor, oldest first.
func (c *Conn) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		k, err := parseCursor(since)
		if err != nil {
			yield(connector.Page{}, err)
			return
		}
		d, err := c.describe(ctx, object)
		if err != nil {
			yield(connector.Page{}, err)
			return
		}
		fields := strings.Join(d.readableOf(ctx), ", ")
		// query is the SOQL resuming after k, the records handed out so far.
		query := func() (string, error) {
			soql := "SELECT " + fields + " FROM " + d.Name
			if w := personAccountsOut(d, k.where()); w != "" {
				soql += " WHERE " + w
			}
			soql += " ORDER BY SystemModstamp, Id"
			// queryAll, not query: it also returns the records deleted since the
			// cursor (IsDeleted, in the recycle bin for 15 days), so a delete
			// reaches the engine with no call of its own. Its nextRecordsUrl
			// still says /query/.
			return c.dataURL(ctx, "/queryAll", url.Values{"q": {soql}})
		}
		next, err := query()
		if err != nil {
			yield(connector.Page{}, err)
			return
		}
		k.start = time.Time{} // this read's own start, from its first response
		first, restarted := true, false
		for next != "" {
			var qr queryResult
			sent := next
			h, err := c.callHeader(ctx, "GET", next, nil, &qr, fmt.Sprintf("batchSize=%d", PageSize))
			if err != nil && !first && !restarted && queryLocatorGone(err) {
				// The nextRecordsUrl's cursor expired (15 minutes idle) or was
				// released (a user keeps at most ten open): "Using an invalid
				// or expired query locator in a call throws an
				// INVALID_QUERY_LOCATOR error" (Salesforce Help 000384958).
				// Query again from past the last record handed out, once.
				restarted = true
				if next, err = query(); err == nil {
					continue
				}
			}
			if err != nil {
				yield(connector.Page{}, err)
				return
			}
			if first {
				first = false
				if date, err := http.ParseTime(h.Get("Date")); err == nil {
					// Date has one-second resolution: round down once more.
					k.start = date.UTC().Add(-time.Second)
				}
			}
			page := connector.Page{}
			for _, raw := range qr.Records {
				rec, stamp, err := readRecord(d, raw)
				if err != nil {
					yield(connector.Page{}, err)
					return
				}
				if !k.take(rec, stamp) {
					continue // already handed out before the cursor
				}
				page.Records = append(page.Records, rec)
			}
			if qr.inPlace {
				c.bodies.Put(qr.body) // every record read is copied into page
				qr.Records = nil
			}
			if err := c.personNoteParents(ctx, d, page.Records); err != nil {
				yield(connector.Page{}, err)
				return
			}
			page.Cursor = connector.Cursor(k.String())
			next = ""
			if !qr.Done {
				if qr.NextRecordsURL == "" {
					yield(connector.Page{}, &connector.Error{Vendor: vendor, Endpoint: "GET /queryAll", Category: connector.CatServer,
						Message: "query batch not done but has no nextRecordsUrl"})
					return
				}
				next = c.abs(qr.NextRecordsURL)
				if next == sent {
					// Following it would read the same batch until the
					// daily limit: the cursor drops what it read, so
					// every repeat is an empty page.
					yield(connector.Page{}, &connector.Error{Vendor: vendor, Endpoint: "GET /queryAll", Status: http.StatusOK, Category: connector.CatServer,
						Message: "nextRecordsUrl repeats the batch just read: " + qr.NextRecordsURL})
					return
				}
			}
			if len(page.Records) > 0 && !yield(page, nil) {
				return
			}
		}
	}
}

// queryLocatorGone reports a nextRecordsUrl Salesforce no longer serves.
func queryLocatorGone(err error) bool {
	var ce *connector.Error
	return errors.As(err, &ce) && ce.Code == "INVALID_QUERY_LOCATOR"
}

// toRecord converts one SOQL row (a JSON object already checked, by
// jsonscan.Valid or encoding/json, with its page) to canonical strings, dropping attributes. Its members are walked
// in place (jsonscan), not decoded into a map first.
func toRecord(d *describeResult, raw json.RawMessage) (connector.Record, error) {
	rec, _, err := readRecord(d, raw)
	return rec, err
}

// readRecord is toRecord that also returns the row's SystemModstamp, which
// orders incremental reads. Record.Modified is LastModifiedDate instead,
// the last change by a user or integration: an automated process (a
// roll-up, a workflow, a sharing recalculation) moves only SystemModstamp
// (API System Fields), and the newer conflict rule must not count it as
// an edit.
func readRecord(d *describeResult, raw json.RawMessage) (connector.Record, time.Time, error) {
	rec := connector.Record{Fields: make(map[string]string, len(d.Fields))}
	err := jsonscan.Members(raw, func(n, v []byte) error {
		if string(n) == "attributes" {
			return nil
		}
		f, known := d.field(string(n))
		name := f.Name // the describe's own string: no copy per record
		if !known {
			name = string(n)
		}
		if len(v) > maxValue {
			return fmt.Errorf("field %s holds %d bytes, more than the %d allowed", name, len(v), maxValue)
		}
		s, err := canonical(f.Type, v)
		if err != nil {
			return fmt.Errorf("field %s: %v", name, err)
		}
		rec.Fields[name] = s
		return nil
	})
	id := rec.Fields["Id"]
	if err != nil {
		if id == "" {
			id = "(before its Id)"
		}
		return rec, time.Time{}, &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
			Message: fmt.Sprintf("%s %s: %v", d.Name, id, err)}
	}
	if id == "" {
		return connector.Record{}, time.Time{}, &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
			Message: d.Name + " record without an Id"}
	}
	rec.ID = id
	stamp, err := parseSFTime(rec.Fields["SystemModstamp"])
	if err != nil {
		return rec, time.Time{}, &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
			Message: fmt.Sprintf("%s %s: SystemModstamp %q is not a datetime", d.Name, id, rec.Fields["SystemModstamp"])}
	}
	rec.Modified = stamp
	if v := rec.Fields["LastModifiedDate"]; v != "" {
		t, err := parseSFTime(v)
		if err != nil {
			return rec, time.Time{}, &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
				Message: fmt.Sprintf("%s %s: LastModifiedDate %q is not a datetime", d.Name, id, v)}
		}
		rec.Modified = t
	}
	rec.Deleted = rec.Fields["IsDeleted"] == "true"
	if rec.Deleted {
		rec.MergedInto = rec.Fields["MasterRecordId"] // set on the losers of a merge
	}
	return rec, stamp, nil
}

// canonical renders one JSON value as the canonical string for its type.
func canonical(typ string, v json.RawMessage) (string, error) {
	if len(v) == 0 || string(v) == "null" {
		return "", nil
	}
	switch v[0] {
	case '"':
		s, err := jsonscan.String(v)
		if err != nil {
			return "", err
		}
		if typ == "datetime" && s != "" {
			t, err := parseSFTime(s)
			if err != nil {
				return "", fmt.Errorf("%q is not a datetime", s)
			}
			return t.Format(time.RFC3339Nano), nil
		}
		return s, nil
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return "", err
		}
		if b {
			return "true", nil
		}
		return "false", nil
	case '{', '[':
		// Relationship or compound values are not selected; keep them
		// verbatim (compact) rather than fail on an org customisation.
		var x any
		if err := json.Unmarshal(v, &x); err != nil {
			return "", err
		}
		b, _ := json.Marshal(x)
		return string(b), nil
	default:
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			return "", err
		}
		return plainNumber(n.String())
	}
}

// parseSFTime accepts Salesforce's "2026-11-01T12:34:56.000+0000" and
// RFC 3339, returning UTC.
func parseSFTime(s string) (time.Time, error) {
	layouts := []string{sfTime, "2006-01-02T15:04:05-0700", time.RFC3339Nano}
	if n := len(s); n > 6 && (s[n-1] == 'Z' || s[n-3] == ':') {
		// Only RFC 3339 reads a "Z" or "+01:00" offset: trying it first
		// spares two failed parses, each an allocated error.
		layouts = []string{time.RFC3339Nano, sfTime, "2006-01-02T15:04:05-0700"}
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unparseable datetime %q", s)
}
