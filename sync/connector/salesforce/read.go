package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// PageSize is the SOQL batch size asked for with Sforce-Query-Options
// (Salesforce may return fewer).
const PageSize = 2000

// sfTime is how Salesforce renders datetimes in JSON.
const sfTime = "2006-01-02T15:04:05.000-0700"

// queryResult is one SOQL batch.
type queryResult struct {
	TotalSize      int                          `json:"totalSize"`
	Done           bool                         `json:"done"`
	NextRecordsURL string                       `json:"nextRecordsUrl"`
	Records        []map[string]json.RawMessage `json:"records"`
}

// cursor is the resume point: the SystemModstamp of the last record handed
// out and the ids handed out at exactly that instant. SOQL datetime literals
// carry whole seconds only, so a resumed read asks for SystemModstamp >= the
// cursor's second and skips records older than the cursor or already listed
// in it: records sharing a timestamp are neither lost nor repeated, and no
// assumption is made about how the server orders ids.
type cursor struct {
	at  time.Time
	ids map[string]bool
}

// maxCursorIDs bounds the cursor when a mass update stamps thousands of
// records with one instant; beyond it, some boundary records may be read
// again after a resume (a repeat, never a loss).
const maxCursorIDs = 2000

func (k *cursor) String() string {
	if k.at.IsZero() {
		return ""
	}
	ids := make([]string, 0, len(k.ids))
	for id := range k.ids {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return k.at.UTC().Format(time.RFC3339Nano) + "|" + strings.Join(ids, ",")
}

func parseCursor(c connector.Cursor) (*cursor, error) {
	k := &cursor{ids: map[string]bool{}}
	if c == "" {
		return k, nil
	}
	ts, ids, _ := strings.Cut(string(c), "|")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return nil, &connector.Error{Vendor: vendor, Endpoint: "read", Category: connector.CatValidation,
			Message: fmt.Sprintf("cursor %.60q is not a Salesforce cursor", string(c))}
	}
	k.at = t.UTC()
	for id := range strings.SplitSeq(ids, ",") {
		if id != "" {
			k.ids[id] = true
		}
	}
	return k, nil
}

// take reports whether a record is new relative to the cursor and, if so,
// advances the cursor past it.
func (k *cursor) take(t time.Time, id string) bool {
	switch {
	case k.at.IsZero() || t.After(k.at):
		k.at = t
		clear(k.ids)
	case t.Before(k.at) || k.ids[id]:
		return false
	}
	if len(k.ids) < maxCursorIDs {
		k.ids[id] = true
	}
	return true
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
		soql := "SELECT " + strings.Join(d.readable(), ", ") + " FROM " + d.Name
		if !k.at.IsZero() {
			soql += " WHERE SystemModstamp >= " + k.at.Truncate(time.Second).Format("2006-01-02T15:04:05Z")
		}
		soql += " ORDER BY SystemModstamp, Id"
		next, err := c.dataURL(ctx, "/query", url.Values{"q": {soql}})
		if err != nil {
			yield(connector.Page{}, err)
			return
		}
		for next != "" {
			var qr queryResult
			if err := c.call(ctx, "GET", next, nil, &qr, fmt.Sprintf("batchSize=%d", PageSize)); err != nil {
				yield(connector.Page{}, err)
				return
			}
			page := connector.Page{}
			for _, raw := range qr.Records {
				rec, err := toRecord(d, raw)
				if err != nil {
					yield(connector.Page{}, err)
					return
				}
				if !k.take(rec.Modified, rec.ID) {
					continue // already handed out before the cursor
				}
				page.Records = append(page.Records, rec)
			}
			page.Cursor = connector.Cursor(k.String())
			next = ""
			if !qr.Done {
				if qr.NextRecordsURL == "" {
					yield(connector.Page{}, &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
						Message: "query batch not done but has no nextRecordsUrl"})
					return
				}
				next = c.abs(qr.NextRecordsURL)
			}
			if len(page.Records) > 0 && !yield(page, nil) {
				return
			}
		}
	}
}

// toRecord converts one SOQL row to canonical strings, dropping attributes.
func toRecord(d *describeResult, raw map[string]json.RawMessage) (connector.Record, error) {
	var id string
	if err := json.Unmarshal(raw["Id"], &id); err != nil || id == "" {
		return connector.Record{}, &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
			Message: d.Name + " record without an Id"}
	}
	rec := connector.Record{ID: id, Fields: make(map[string]string, len(raw))}
	for name, v := range raw {
		if name == "attributes" {
			continue
		}
		if len(v) > maxValue {
			return rec, &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
				Message: fmt.Sprintf("%s %s: field %s holds %d bytes, more than the %d allowed", d.Name, id, name, len(v), maxValue)}
		}
		f, _ := d.field(name)
		s, err := canonical(f.Type, v)
		if err != nil {
			return rec, &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
				Message: fmt.Sprintf("%s %s: field %s: %v", d.Name, id, name, err)}
		}
		rec.Fields[name] = s
	}
	t, err := parseSFTime(rec.Fields["SystemModstamp"])
	if err != nil {
		return rec, &connector.Error{Vendor: vendor, Endpoint: "GET /query", Category: connector.CatServer,
			Message: fmt.Sprintf("%s %s: SystemModstamp %q is not a datetime", d.Name, id, rec.Fields["SystemModstamp"])}
	}
	rec.Modified = t
	return rec, nil
}

// canonical renders one JSON value as the canonical string for its type.
func canonical(typ string, v json.RawMessage) (string, error) {
	if len(v) == 0 || string(v) == "null" {
		return "", nil
	}
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
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
	for _, layout := range []string{sfTime, "2006-01-02T15:04:05-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unparseable datetime %q", s)
}
