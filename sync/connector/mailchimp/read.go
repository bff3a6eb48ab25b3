package mailchimp

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/timecursor"
)

// cursorPrefix marks Mailchimp's cursors (timecursor): last_changed has
// one-second resolution.
const cursorPrefix = "mc1|"

// sinceLayout is how since_last_changed is written: ISO 8601 with an
// offset, as the spec's example (2015-10-21T15:41:36+00:00).
const sinceLayout = "2006-01-02T15:04:05-07:00"

// memberFields are what a full read asks for (fields=): the properties and
// merge fields of the schema, the id and the time, and total_items.
const memberFields = "members.contact_id,members.email_address,members.status,members.email_type,members.language,members.vip," +
	"members.merge_fields,members.interests,members.last_changed,members.timestamp_opt,members.member_rating,members.tags,members.tags_count,total_items"

// archivedFields are what listing archived members asks for.
const archivedFields = "members.contact_id,members.email_address,members.status,members.last_changed,total_items"

// archived is the status of a member DELETE archived.
const archived = "archived"

// member is one member as a read asks for it.
type member struct {
	ContactID    string                     `json:"contact_id"`
	EmailAddress string                     `json:"email_address"`
	Status       string                     `json:"status"`
	EmailType    string                     `json:"email_type"`
	Language     string                     `json:"language"`
	VIP          *bool                      `json:"vip"`
	MergeFields  map[string]json.RawMessage `json:"merge_fields"`
	Interests    map[string]bool            `json:"interests"`
	LastChanged  string                     `json:"last_changed"`
	TimestampOpt string                     `json:"timestamp_opt"`
	MemberRating json.Number                `json:"member_rating"`
	Tags         []memberTagName            `json:"tags"`
	// TagsCount counts every tag: a member read carries at most 50 ("Returns
	// up to 50 tags applied to this member", spec), completeTags reads the rest.
	TagsCount int `json:"tags_count"`
}

type memberTagName struct {
	Name string `json:"name"`
}

// completeTags reads all of m's tags from its tags endpoint when the
// member read carried fewer than tags_count (more than 50): a cut set
// would be copied as the whole one, and writes would diff against it.
func (c *Connector) completeTags(ctx context.Context, sc *schema, m *member) error {
	if m.TagsCount <= len(m.Tags) || m.EmailAddress == "" {
		return nil
	}
	path := c.memberPath(sc, subscriberHash(m.EmailAddress)) + "/tags"
	var all []memberTagName
	for {
		q := url.Values{"count": {strconv.Itoa(PageSize)}, "offset": {strconv.Itoa(len(all))}, "fields": {"tags.name,total_items"}}
		r, err := c.call(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
		if err != nil {
			return fmt.Errorf("member %s: read its tags: %w", m.ContactID, err)
		}
		if r.Status == http.StatusNotFound {
			return nil // deleted since the list call: nothing left to copy
		}
		if r.Status != http.StatusOK {
			return fmt.Errorf("member %s: read its tags: %w", m.ContactID, r.apiError())
		}
		var page struct {
			Tags       []memberTagName `json:"tags"`
			TotalItems int             `json:"total_items"`
		}
		if err := r.Decode(&page); err != nil {
			return fmt.Errorf("member %s: read its tags: %w", m.ContactID, err)
		}
		all = append(all, page.Tags...)
		if len(page.Tags) == 0 || len(all) >= page.TotalItems {
			break
		}
	}
	m.Tags = all
	return nil
}

// Read lists the audience's members changed since the cursor, oldest
// change first, up to 1,000 a call: GET /lists/{list_id}/members with
// sort_field=last_changed, sort_dir=ASC and since_last_changed. Mailchimp
// leaves archived members out of this list; ListDeleted reports them (a
// member a read still sees as archived comes Deleted). A ctx marked with
// connector.WithReadFields asks for the fields it names (selectionOf).
func (c *Connector) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		cur, err := timecursor.Parse(cursorPrefix, string(since))
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("mailchimp: %w", err))
			return
		}
		sc, err := c.schemaOf(ctx, object)
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("mailchimp: read %s: %w", object, err))
			return
		}
		err = c.walk(ctx, sc, selectionOf(ctx, sc), "", &cur, func(recs []connector.Record) bool {
			return yield(connector.Page{Records: recs, Cursor: connector.Cursor(cur.String())}, nil)
		})
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("mailchimp: read %s: %w", object, err))
		}
	}
}

// ListDeleted lists the audience's members archived since a time (status=
// archived with since_last_changed: archiving a member changes it), as
// deleted records whose Modified is the archive's time.
func (c *Connector) ListDeleted(ctx context.Context, object string, since time.Time) iter.Seq2[[]connector.Record, error] {
	return func(yield func([]connector.Record, error) bool) {
		sc, err := c.schemaOf(ctx, object)
		if err != nil {
			yield(nil, fmt.Errorf("mailchimp: list archived %s: %w", object, err))
			return
		}
		cur := timecursor.Cursor{At: since.UTC().Truncate(time.Second)}
		if since.IsZero() {
			cur = timecursor.Cursor{}
		}
		// Only what a deletion carries: no tags to complete.
		err = c.walk(ctx, sc, selection{fields: archivedFields}, archived, &cur, func(recs []connector.Record) bool {
			out := make([]connector.Record, len(recs))
			for i, r := range recs {
				out[i] = connector.Record{ID: r.ID, Modified: r.Modified, Deleted: true}
			}
			return yield(out, nil)
		})
		if err != nil {
			yield(nil, fmt.Errorf("mailchimp: list archived %s: %w", object, err))
		}
	}
}

// overlap is how many members a list call reads again before the place
// the previous call left, a tenth of a page (100 of 1,000): offsets count
// positions in a list sorted by last_changed, and a member changed during
// the read leaves its place for the end of the list, moving every later
// member one place up. Reading again what moved up costs little (the
// cursor drops what it has seen); stepping over a member would lose its
// change for good.
func (c *Connector) overlap() int { return max(1, c.pageSize/10) }

// walk pages through the members (of status, "" for every live one)
// changed since cur, with the fields sel asks for, oldest change first,
// passing each page's new members to emit with cur moved past them, until
// emit says stop.
//
// Each call starts again from the cursor's newest second
// (since_last_changed) rather than at a running offset, so a member that
// changes while the walk goes on is read where it moved, at the end, and
// none is skipped. The offset only steps over what was already read at
// that second, less overlap: a second can hold more members than a page
// (a bulk import), and the cursor's ids say which of them were read.
// since_last_changed is asked a second before the cursor, whether
// Mailchimp reads "changed after" strictly or not, and members older than
// the cursor are dropped. A member may come twice (the engine takes it
// again unchanged); one is stepped over only if more members than the
// overlap leave the cursor's second while a single call is under way.
func (c *Connector) walk(ctx context.Context, sc *schema, sel selection, status string, cur *timecursor.Cursor, emit func([]connector.Record) bool) error {
	stepped := 0 // members stepped over at this second after a page brought nothing new
	// The ids a cursor brings from an earlier run are not stepped over:
	// members of its second edited since have left it for the end of the
	// list, and an offset counting them would step over as many changes.
	startAt, startSeen := cur.At, seenAt(cur)
	for {
		q := url.Values{"count": {strconv.Itoa(c.pageSize)}, "sort_field": {"last_changed"}, "sort_dir": {"ASC"}, "fields": {sel.fields}}
		if status != "" {
			q.Set("status", status)
		}
		offset := stepped
		if !cur.At.IsZero() {
			q.Set("since_last_changed", cur.At.Add(-time.Second).UTC().Format(sinceLayout))
			seen := seenAt(cur)
			if cur.At.Equal(startAt) {
				seen -= startSeen
			}
			offset += max(0, seen-c.overlap())
		}
		q.Set("offset", strconv.Itoa(offset))
		page, err := c.listMembers(ctx, sc, q)
		if err != nil {
			return err
		}
		recs := make([]connector.Record, 0, len(page.Members))
		for _, m := range page.Members {
			if err := c.completeTags(ctx, sc, &m); err != nil {
				return err
			}
			rec, err := c.toRecord(sc, m)
			if err != nil {
				return err
			}
			sel.trim(rec.Fields)
			if !cur.At.IsZero() && rec.Modified.Truncate(time.Second).Before(cur.At) {
				continue // read before: since_last_changed reached back a second
			}
			if cur.Admit(rec) {
				recs = append(recs, rec)
			}
		}
		if len(recs) > 0 {
			if !emit(recs) {
				return nil
			}
			stepped = 0
		} else {
			stepped += max(1, len(page.Members)-c.overlap())
		}
		if len(page.Members) < c.pageSize || page.TotalItems > 0 && offset+len(page.Members) >= page.TotalItems {
			return nil
		}
	}
}

// seenAt is how many members the cursor read at its newest second.
func seenAt(cur *timecursor.Cursor) int {
	s := cur.String()
	i := strings.LastIndexByte(s, '|')
	if i < 0 || i == len(s)-1 {
		return 0
	}
	return strings.Count(s[i+1:], ",") + 1
}

// memberList is one page of GET /lists/{list_id}/members.
type memberList struct {
	Members    []member `json:"members"`
	TotalItems int      `json:"total_items"`
}

// listMembers runs one list call on the schema's audience.
func (c *Connector) listMembers(ctx context.Context, sc *schema, q url.Values) (memberList, error) {
	var page memberList
	r, err := c.call(ctx, http.MethodGet, "/lists/"+url.PathEscape(sc.aud.ID)+"/members?"+q.Encode(), nil)
	if err != nil {
		return page, err
	}
	switch {
	case r.Status == http.StatusNotFound:
		return page, c.audienceGone(ctx, r, sc.aud)
	case r.Status != http.StatusOK:
		return page, r.apiError()
	}
	if err := r.Decode(&page); err != nil {
		return page, err
	}
	if page.Members == nil {
		// Mailchimp lists "members", [] for none: an answer without them
		// (a gateway's or proxy's JSON) is not the end of the audience,
		// which would end a read or the archived listing without a word.
		return page, r.Fail(`answer has no "members" list`)
	}
	return page, nil
}

// toRecord converts a member into a canonical record, its id the
// contact_id (which, unlike the subscriber hash, survives a change of
// email address, and which the members/{subscriber_hash} endpoints take).
// A tag whose name holds connector.MultiSep cannot be one value of the
// tags field: it is left out, with a warning once per tag name (naming
// the first member read with it), and no write removes it. A tag on every
// member of a large audience would otherwise write a line per member and
// rotate the log file's runs away.
func (c *Connector) toRecord(sc *schema, m member) (connector.Record, error) {
	rec, hidden, err := toRecord(sc, m)
	if len(hidden) > 0 && c.log != nil {
		c.mu.Lock()
		hidden = slices.DeleteFunc(hidden, func(tag string) bool {
			warned := c.warnedTags[sc.aud.ID+"\x00"+tag]
			if !warned {
				if c.warnedTags == nil {
					c.warnedTags = map[string]bool{}
				}
				c.warnedTags[sc.aud.ID+"\x00"+tag] = true
			}
			return warned
		})
		c.mu.Unlock()
	}
	if len(hidden) > 0 && c.log != nil {
		c.log.Warn("mailchimp: a tag name holds the multi-select separator, so the tags field leaves it out and writes never remove it",
			"audience", sc.aud.ID, "member", m.ContactID, "tags", hidden, "separator", connector.MultiSep)
	}
	return rec, err
}

// toRecord converts a member; hidden are the tags left out of its tags
// field (their names hold connector.MultiSep).
func toRecord(sc *schema, m member) (connector.Record, []string, error) {
	if m.ContactID == "" {
		return connector.Record{}, nil, fmt.Errorf("member %q has no contact_id", m.EmailAddress)
	}
	mod, err := time.Parse(time.RFC3339, m.LastChanged)
	if err != nil {
		return connector.Record{}, nil, fmt.Errorf("member %s: last_changed %q is not a date and time", m.ContactID, m.LastChanged)
	}
	mod = mod.UTC()
	f := make(map[string]string, len(sc.refs))
	f[fEmail], f[fStatus], f[fEmailType], f[fLanguage] = m.EmailAddress, m.Status, m.EmailType, m.Language
	f[fVIP] = strconv.FormatBool(m.VIP != nil && *m.VIP)
	f[fLastChanged] = mod.Format(time.RFC3339)
	f[fTimestampOpt] = m.TimestampOpt
	if t, err := time.Parse(time.RFC3339, m.TimestampOpt); err == nil {
		f[fTimestampOpt] = t.UTC().Format(time.RFC3339)
	}
	f[fRating] = m.MemberRating.String()
	tags, hidden := m.tagNames()
	f[fTags] = strings.Join(tags, connector.MultiSep)
	// A category's value is the ids of its interests the member is in, in
	// the category's order; an interest added since the schema was read is
	// not offered yet. Mailchimp lists every interest of the audience, true
	// or false, so a category none of whose interests is listed was
	// deleted since the schema was cached: not read, never a blank.
	for _, id := range sc.catOrder {
		var in []string
		listed := len(sc.cats[id].Interests) == 0 && m.Interests != nil // no interests: nothing to miss
		for _, i := range sc.cats[id].Interests {
			on, ok := m.Interests[i.ID]
			listed = listed || ok
			if on {
				in = append(in, i.ID)
			}
		}
		if listed {
			f[interestsPrefix+id] = strings.Join(in, connector.MultiSep)
		}
	}
	for tag, raw := range m.MergeFields {
		mf, ok := sc.merge[tag]
		if !ok {
			continue // added since the schema was read: not offered yet
		}
		if mf.Type == "address" {
			parts, err := readAddress(raw)
			if err != nil {
				return connector.Record{}, nil, fmt.Errorf("member %s: merge field %s: %v", m.ContactID, tag, err)
			}
			for p, v := range parts {
				f[tag+"."+p] = v
			}
			continue
		}
		v, err := readMerge(mf, raw)
		if err != nil {
			return connector.Record{}, nil, fmt.Errorf("member %s: merge field %s: %v", m.ContactID, tag, err)
		}
		f[tag] = v
	}
	return connector.Record{ID: m.ContactID, Fields: f, Modified: mod, Deleted: m.Status == archived}, hidden, nil
}

// tagNames are the member's tag names the tags field can hold, in
// Mailchimp's order, and those it cannot: a name holding connector.MultiSep
// would read as two tags.
func (m member) tagNames() (names, hidden []string) {
	for _, t := range m.Tags {
		switch {
		case strings.Contains(t.Name, connector.MultiSep):
			hidden = append(hidden, t.Name)
		case strings.TrimSpace(t.Name) != "":
			names = append(names, t.Name)
		}
	}
	return names, hidden
}
