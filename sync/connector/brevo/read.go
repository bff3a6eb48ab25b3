package brevo

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
)

// contact is one contact as GET /v3/contacts and GET
// /v3/contacts/{identifier} give it.
type contact struct {
	ID               int64                      `json:"id"`
	Email            *string                    `json:"email"`
	ExtID            *string                    `json:"ext_id"`
	EmailBlacklisted bool                       `json:"emailBlacklisted"`
	SMSBlacklisted   bool                       `json:"smsBlacklisted"`
	CreatedAt        string                     `json:"createdAt"`
	ModifiedAt       string                     `json:"modifiedAt"`
	ListIDs          []int64                    `json:"listIds"`
	Attributes       map[string]json.RawMessage `json:"attributes"`
}

// sinceLayout writes modifiedSince as the reference gives it:
// YYYY-MM-DDTHH:mm:ss.SSSZ, in UTC.
const sinceLayout = "2006-01-02T15:04:05.000Z"

// Read lists the contacts modified since the cursor, 1,000 a page: GET
// /v3/contacts with modifiedSince, sort=asc and limit/offset.
//
// Brevo sorts this list by creation, not by modification, and filters it
// by "modified after" a time, so no page can move the cursor on: the
// newest modifiedAt of a page says nothing of the pages after it. The
// cursor is therefore a time taken from Brevo's clock before the read
// (the first answer's Date, less a margin) and is only handed out with
// the read's last page; the pages before it carry the cursor the read
// started from, so a crash repeats the read rather than losing part of it.
//
// Paging by offset over a fixed filter keeps each contact in its place,
// however often it changes, since its creation does not move. Only two
// things shift places while a read goes on: a contact modified for the
// first time since the cursor enters the list at its creation's place,
// possibly before the offset, and a deleted one leaves it. The first
// contact's modifiedAt is after the next cursor, so the next read takes
// it; against the second, each page starts a tenth of a page before where
// the last one ended, and contacts the last page held are not given
// twice. The margin covers a second of the Date's resolution and an
// index that lags the writes [unverified: how far Brevo's list lags].
//
// The next read asks from a second before its cursor, since the reference
// does not say whether "after" is strict, and leaves out contacts older
// than the cursor and those the cursor names with the same modifiedAt: the
// contacts read whose modifiedAt falls in the margin, so a read with
// nothing changed reads nothing.
func (c *Connector) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		if err := checkObject(object); err != nil {
			yield(connector.Page{}, err)
			return
		}
		cur, err := parseCursor(string(since))
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("brevo: %w", err))
			return
		}
		d, err := c.schemaData(ctx)
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("brevo: read %s: %w", object, err))
			return
		}
		if err := c.read(ctx, d, cur, since, yield); err != nil {
			yield(connector.Page{}, fmt.Errorf("brevo: read %s: %w", object, err))
		}
	}
}

// read walks the list as Read says; only a failed call is returned.
func (c *Connector) read(ctx context.Context, d *schemaData, cur cursor, since connector.Cursor, yield func(connector.Page, error) bool) error {
	var next cursor
	started := false
	overlap := max(1, c.pageSize/10)
	var prev map[int64]bool // the ids of the page before
	for offset := 0; ; {
		q := url.Values{"limit": {strconv.Itoa(c.pageSize)}, "offset": {strconv.Itoa(offset)}, "sort": {"asc"}}
		if !cur.At.IsZero() {
			q.Set("modifiedSince", cur.At.Add(-time.Second).UTC().Format(sinceLayout))
		}
		r, err := c.call(ctx, http.MethodGet, "/v3/contacts?"+q.Encode(), nil)
		if err != nil {
			return err
		}
		if r.Status != http.StatusOK {
			err := r.apiError()
			r.Release()
			return err
		}
		if !started {
			started = true
			next = cursor{At: serverTime(r.Header).Add(-c.margin).Truncate(time.Millisecond), seen: map[int64]int64{}}
		}
		var page struct {
			Contacts []contact `json:"contacts"`
			Count    int       `json:"count"`
		}
		err = r.Decode(&page)
		r.Release()
		if err != nil {
			return err
		}
		if page.Contacts == nil {
			// Brevo answers {"contacts": [], "count": 0} for none: an
			// answer without the list (a gateway's or proxy's JSON) is not
			// the last page, whose cursor would step over every change.
			return r.Fail(`answer has no "contacts" list`)
		}
		recs := make([]connector.Record, 0, len(page.Contacts))
		ids := make(map[int64]bool, len(page.Contacts))
		for _, ct := range page.Contacts {
			rec, err := toRecord(d, ct)
			if err != nil {
				return err
			}
			ids[ct.ID] = true
			ms := rec.Modified.UnixMilli()
			if !rec.Modified.Before(next.At) {
				next.seen[ct.ID] = ms
			}
			switch {
			case prev[ct.ID]:
			case !cur.At.IsZero() && rec.Modified.Before(cur.At):
			case cur.seen[ct.ID] == ms && cur.seen != nil && ms != 0:
			default:
				recs = append(recs, rec)
			}
		}
		prev = ids
		if len(page.Contacts) < c.pageSize || page.Count > 0 && offset+len(page.Contacts) >= page.Count {
			yield(connector.Page{Records: recs, Cursor: connector.Cursor(next.String())}, nil)
			return nil
		}
		if len(recs) > 0 && !yield(connector.Page{Records: recs, Cursor: since}, nil) {
			return nil
		}
		offset += len(page.Contacts) - overlap
	}
}

// serverTime is Brevo's clock: the answer's Date, or this machine's when
// there is none [unverified: Brevo always sends one].
func serverTime(h http.Header) time.Time {
	if t, err := http.ParseTime(h.Get("Date")); err == nil {
		return t.UTC()
	}
	return time.Now().UTC()
}

// readMargin is how far before Brevo's clock a read's next cursor starts.
const readMargin = time.Minute

// cursorPrefix marks Brevo's cursors.
const cursorPrefix = "br1|"

// cursor is where a read starts: every contact modified since At, but
// those seen with exactly the modifiedAt (Unix ms) seen names.
type cursor struct {
	At   time.Time
	seen map[int64]int64
}

// String writes "br1|<At, RFC 3339>|id:ms,id:ms"; "" for the zero cursor.
func (c cursor) String() string {
	if c.At.IsZero() {
		return ""
	}
	var b strings.Builder
	b.WriteString(cursorPrefix + c.At.UTC().Format(time.RFC3339Nano) + "|")
	first := true
	for id, ms := range c.seen {
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(ms, 10))
	}
	return b.String()
}

func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	rest, ok := strings.CutPrefix(s, cursorPrefix)
	ts, seen, _ := strings.Cut(rest, "|")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil {
		return cursor{}, fmt.Errorf("unreadable cursor %q", s)
	}
	c := cursor{At: at.UTC(), seen: map[int64]int64{}}
	for p := range strings.SplitSeq(seen, ",") {
		if p == "" {
			continue
		}
		a, b, _ := strings.Cut(p, ":")
		id, err1 := strconv.ParseInt(a, 10, 64)
		ms, err2 := strconv.ParseInt(b, 10, 64)
		if err1 != nil || err2 != nil {
			return cursor{}, fmt.Errorf("unreadable cursor %q", s)
		}
		c.seen[id] = ms
	}
	return c, nil
}

// Lookup finds contacts by email, ext_id or id: GET
// /v3/contacts/{identifier} with its identifierType, one call a value, a
// few at once. A value no contact has is left out.
func (c *Connector) Lookup(ctx context.Context, object, field string, values []string) ([]connector.Record, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	typ := map[string]string{fEmail: "email_id", fExtID: "ext_id", fID: "contact_id"}[field]
	if typ == "" {
		return nil, fmt.Errorf("brevo: lookup %s by %s: %w", object, field, connector.ErrNoLookup)
	}
	d, err := c.schemaData(ctx)
	if err != nil {
		return nil, fmt.Errorf("brevo: lookup %s by %s: %w", object, field, err)
	}
	found := make([]*connector.Record, len(values))
	errs := make([]error, len(values))
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for i, v := range values {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			found[i], errs[i] = c.get(ctx, d, v, typ)
		}()
	}
	wg.Wait()
	var out []connector.Record
	seen := map[string]bool{}
	for i, r := range found {
		if errs[i] != nil {
			return nil, fmt.Errorf("brevo: lookup %s by %s: %w", object, field, errs[i])
		}
		if r != nil && !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, *r)
		}
	}
	return out, nil
}

// get reads one contact by identifier; nil when Brevo has none.
func (c *Connector) get(ctx context.Context, d *schemaData, ident, typ string) (*connector.Record, error) {
	// The reference wants the identifier urlencoded ("Email (urlencoded)"),
	// as Brevo's SDKs send it (rawurlencode): PathEscape would leave the
	// "+" of a plus-addressed email, which reads as a space.
	r, err := c.call(ctx, http.MethodGet, "/v3/contacts/"+strings.ReplaceAll(url.QueryEscape(ident), "+", "%20")+"?identifierType="+typ, nil)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	switch r.Status {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, nil
	default:
		return nil, r.apiError()
	}
	var ct contact
	if err := r.Decode(&ct); err != nil {
		return nil, err
	}
	rec, err := toRecord(d, ct)
	if err != nil {
		return nil, r.Fail(err.Error())
	}
	return &rec, nil
}
