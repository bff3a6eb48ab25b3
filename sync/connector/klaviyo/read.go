package klaviyo

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
	"github.com/crmsync/crmsync/sync/connector/jsonscan"
	"github.com/crmsync/crmsync/sync/connector/timecursor"
)

// cursorPrefix marks Klaviyo's cursors (timecursor.ParseFine): the newest updated
// time read and the ids read with it.
const cursorPrefix = "kl1|"

// filterLayout writes a datetime in a filter: RFC 3339 in UTC, unquoted,
// as the datetimes guide shows (greater-than(datetime,2023-08-07T12:30:00Z)).
const filterLayout = "2006-01-02T15:04:05Z"

// settledLayout writes a datetime to the millisecond, as the datetimes
// guide's example does (greater-than(datetime,2023-08-07T12:30:00.710Z)).
const settledLayout = "2006-01-02T15:04:05.000Z"

// profile is one profile resource as a read asks for it.
type profile struct {
	ID         string `json:"id"`
	Attributes struct {
		Email         *string                    `json:"email"`
		PhoneNumber   *string                    `json:"phone_number"`
		ExternalID    *string                    `json:"external_id"`
		FirstName     *string                    `json:"first_name"`
		LastName      *string                    `json:"last_name"`
		Organization  *string                    `json:"organization"`
		Title         *string                    `json:"title"`
		Locale        *string                    `json:"locale"`
		Image         *string                    `json:"image"`
		Created       string                     `json:"created"`
		Updated       string                     `json:"updated"`
		LastEventDate *string                    `json:"last_event_date"`
		Location      map[string]json.RawMessage `json:"location"`
		Properties    map[string]json.RawMessage `json:"properties"`
		Subscriptions *struct {
			Email *struct {
				Marketing *struct {
					Consent string `json:"consent"`
				} `json:"marketing"`
			} `json:"email"`
		} `json:"subscriptions"`
	} `json:"attributes"`
}

// Read lists the profiles updated since the cursor, oldest update first,
// 100 a page: GET /api/profiles with sort=updated,
// filter=greater-than(updated,…) and additional-fields[profile]=
// subscriptions (for the consent), following links.next. A ctx marked
// with connector.WithReadFields asks for the fields it names
// (sparseFieldsOf).
//
// Klaviyo filters updated by greater-than only, so a read asks from a
// second before the cursor's time (whole seconds, whatever precision the
// filter takes) and drops what is older than the cursor; the cursor's ids
// say which profiles with exactly its time were read already
// (timecursor.ParseFine, at Klaviyo's microseconds).
// A profile updated at the same instant as the last one read, after the
// read, is therefore not missed. Once the cursor is settled (a complete
// read began well after its second ended, by the server's Date), nothing
// of that second is left to read and the filter starts at the cursor
// itself: otherwise every run would page through all the profiles of a
// bulk import's second again.
func (c *Connector) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		if err := checkObject(object); err != nil {
			yield(connector.Page{}, err)
			return
		}
		cur, err := timecursor.ParseFine(cursorPrefix, string(since))
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("klaviyo: %w", err))
			return
		}
		q := url.Values{"sort": {"updated"}, "page[size]": {strconv.Itoa(c.pageSize)}}
		sparse := sparseFieldsOf(ctx)
		sparse.set(q)
		if f := updatedFilter(cur); f != "" {
			q.Set("filter", f)
		}
		began := time.Time{}
		cur.Start = time.Time{} // set again once this read reaches the end
		err = walkPages(ctx, c, "/api/profiles?"+q.Encode(), func(ps []profile, h http.Header, last bool) (bool, error) {
			if began.IsZero() {
				began = timecursor.ServerStart(h)
			}
			if last {
				cur.Start = began
			}
			page, err := timecursor.Page(&cur, ps, func(p profile) (connector.Record, error) {
				rec, err := toRecord(p)
				sparse.trim(rec.Fields)
				return rec, err
			})
			if err != nil {
				return false, err
			}
			return yield(page, nil), nil
		})
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("klaviyo: read %s: %w", object, err))
		}
	}
}

// updatedFilter is the filter on updated that resumes after cur: from a
// second before it, or, once it is settled (every profile of its second
// read), from the last millisecond of its second (the precision the
// datetimes guide shows), which leaves out a bulk import's profiles
// however finely the filter compares; "" = everything.
func updatedFilter(cur timecursor.Cursor) string {
	switch {
	case cur.At.IsZero():
		return ""
	case cur.Settled():
		lastMilli := cur.At.UTC().Truncate(time.Second).Add(time.Second - time.Millisecond)
		return "greater-than(updated," + lastMilli.Format(settledLayout) + ")"
	default:
		return "greater-than(updated," + cur.At.Add(-time.Second).UTC().Truncate(time.Second).Format(filterLayout) + ")"
	}
}

// pages walks a profiles listing from path along links.next, handing
// each page's profiles to emit until it says stop.
func (c *Connector) pages(ctx context.Context, path string, emit func([]profile) (bool, error)) error {
	return walk(ctx, c, path, emit)
}

// walk follows a JSON:API listing from path along links.next, handing
// each page's data to emit until it says stop.
func walk[T any](ctx context.Context, c *Connector, path string, emit func([]T) (bool, error)) error {
	return walkPages(ctx, c, path, func(data []T, _ http.Header, _ bool) (bool, error) { return emit(data) })
}

// walkPages is walk that also hands emit each page's response headers and
// whether it is the listing's last page.
func walkPages[T any](ctx context.Context, c *Connector, path string, emit func([]T, http.Header, bool) (bool, error)) error {
	for path != "" {
		r, err := c.call(ctx, http.MethodGet, path, nil)
		if err != nil {
			return err
		}
		if r.Status != http.StatusOK {
			err := r.apiError()
			r.Release()
			return err
		}
		var page struct {
			Data  []T `json:"data"`
			Links struct {
				Next *string `json:"next"`
			} `json:"links"`
		}
		err = r.Decode(&page)
		header := r.Header
		r.Release()
		if err != nil {
			return err
		}
		if page.Data == nil {
			// A listing always has its "data" list, [] when empty: an
			// answer without one (a proxy's or gateway's JSON) is not an
			// empty page, which a lookup would take for no match.
			return r.Fail(`answer has no "data" list`)
		}
		sent := path
		path = ""
		if page.Links.Next != nil && len(page.Data) > 0 {
			path = *page.Links.Next
		}
		if path != "" && (path == sent || path == c.base+sent) {
			// Following it would read the same page until the rate limits.
			return r.Fail("links.next repeats the page just read")
		}
		more, err := emit(page.Data, header, path == "")
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// Lookup finds profiles by email, phone_number, external_id or id (the
// fields GET /api/profiles filters with any), up to 100 values a call.
func (c *Connector) Lookup(ctx context.Context, object, field string, values []string) ([]connector.Record, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	switch field {
	case fEmail, fPhone, fExternalID, fID:
	default:
		return nil, fmt.Errorf("klaviyo: lookup %s by %s: %w", object, field, connector.ErrNoLookup)
	}
	var out []connector.Record
	for start := 0; start < len(values); start += PageSize {
		chunk := values[start:min(len(values), start+PageSize)]
		quoted := make([]string, 0, len(chunk))
		for _, v := range chunk {
			if v = strings.TrimSpace(v); v != "" {
				quoted = append(quoted, strconv.Quote(v))
			}
		}
		if len(quoted) == 0 {
			continue
		}
		q := url.Values{"filter": {"any(" + field + ",[" + strings.Join(quoted, ",") + "])"},
			"additional-fields[profile]": {"subscriptions"}, "page[size]": {strconv.Itoa(PageSize)}}
		err := c.pages(ctx, "/api/profiles?"+q.Encode(), func(ps []profile) (bool, error) {
			for _, p := range ps {
				rec, err := toRecord(p)
				if err != nil {
					return false, err
				}
				out = append(out, rec)
			}
			return true, nil
		})
		if err != nil {
			return nil, fmt.Errorf("klaviyo: lookup %s by %s: %w", object, field, err)
		}
	}
	return out, nil
}

// toRecord converts a profile into a canonical record. Every standard
// attribute is present ("" when null); custom properties holding text, a
// number or a bool are properties.<name>; lists and objects are left out.
func toRecord(p profile) (connector.Record, error) {
	if p.ID == "" {
		return connector.Record{}, fmt.Errorf("a profile without an id")
	}
	a := p.Attributes
	mod, err := parseTime(a.Updated)
	if err != nil {
		return connector.Record{}, fmt.Errorf("profile %s: updated %q is not a date and time", p.ID, a.Updated)
	}
	f := make(map[string]string, 24+len(a.Properties))
	f[fID] = p.ID
	for name, v := range map[string]*string{fEmail: a.Email, fPhone: a.PhoneNumber, fExternalID: a.ExternalID,
		fFirst: a.FirstName, fLast: a.LastName, fOrganization: a.Organization, fTitle: a.Title, fLocale: a.Locale, fImage: a.Image} {
		f[name] = deref(v)
	}
	f[fUpdated] = mod.Format(time.RFC3339)
	f[fCreated] = canonicalTime(a.Created)
	f[fLastEventDate] = canonicalTime(deref(a.LastEventDate))
	for _, part := range locationParts {
		f[locationPrefix+part] = jsonscan.Scalar(a.Location[part], connector.MultiSep)
	}
	f[fConsent] = ""
	if s := a.Subscriptions; s != nil && s.Email != nil && s.Email.Marketing != nil {
		f[fConsent] = s.Email.Marketing.Consent
	}
	for k, raw := range a.Properties {
		if _, ok := propertyType(raw); ok {
			f[propertiesPrefix+k] = jsonscan.Scalar(raw, connector.MultiSep)
		}
	}
	return connector.Record{ID: p.ID, Fields: f, Modified: mod}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// parseTime reads Klaviyo's datetimes: RFC 3339, with or without a
// fraction, in UTC.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// The spec describes them as YYYY-MM-DDTHH:MM:SS.mmmmmm, which
		// names no zone: UTC [unverified].
		if t, err2 := time.Parse("2006-01-02T15:04:05.999999999", s); err2 == nil {
			return t.UTC(), nil
		}
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// canonicalTime is a datetime in RFC 3339 UTC seconds, or "" when it does
// not parse.
func canonicalTime(s string) string {
	t, err := parseTime(s)
	if err != nil {
		return ""
	}
	return t.Format(time.RFC3339)
}
