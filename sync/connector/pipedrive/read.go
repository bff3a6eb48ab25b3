package pipedrive

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

// item is a v2 PersonItem, OrganizationItem or DealItem, with the members
// the connector reads typed and custom fields kept raw.
type item struct {
	ID           json.Number                `json:"id"`
	Name         *string                    `json:"name"`
	FirstName    *string                    `json:"first_name"`
	LastName     *string                    `json:"last_name"`
	OwnerID      *json.Number               `json:"owner_id"`
	OrgID        *json.Number               `json:"org_id"`
	AddTime      string                     `json:"add_time"`
	UpdateTime   string                     `json:"update_time"`
	Emails       []contactItem              `json:"emails"`
	Phones       []contactItem              `json:"phones"`
	IsDeleted    bool                       `json:"is_deleted"`
	LabelIDs     []json.Number              `json:"label_ids"` // persons, organizations, deals
	CustomFields map[string]json.RawMessage `json:"custom_fields"`
	// Deals.
	Title             *string      `json:"title"`
	Value             *json.Number `json:"value"`
	Currency          *string      `json:"currency"`
	StageID           *json.Number `json:"stage_id"`
	PipelineID        *json.Number `json:"pipeline_id"`
	Status            *string      `json:"status"`
	ExpectedCloseDate *string      `json:"expected_close_date"`
	PersonID          *json.Number `json:"person_id"` // a deal's person; an activity's primary participant
	// Activities.
	Subject      *string       `json:"subject"`
	Type         *string       `json:"type"`
	DueDate      *string       `json:"due_date"`
	DueTime      *string       `json:"due_time"`
	Duration     *string       `json:"duration"`
	Done         *bool         `json:"done"`
	Note         *string       `json:"note"`
	DealID       *json.Number  `json:"deal_id"`
	Participants []participant `json:"participants"`
	// Notes (v1): a deleted note has active_flag false.
	Content    *string `json:"content"`
	ActiveFlag *bool   `json:"active_flag"`
}

// deleted reports whether Pipedrive marked the item deleted: v2's
// is_deleted, v1's active_flag false.
func (it item) deleted() bool { return it.IsDeleted || (it.ActiveFlag != nil && !*it.ActiveFlag) }

// participantIDs is an activity's persons as a link:SYNC row reads a
// list (mapping/multiref.go): the primary participant first, then the
// others in Pipedrive's order, joined by commas. An activity whose
// primary person is not synced still refers to its synced one, and a
// primary participant changed to another while the one agreed stays on
// the activity is no change to carry back, which would take the agreed
// person off the other side's activity.
func participantIDs(primary string, ps []participant) string {
	ids := []string{}
	if primary != "" {
		ids = append(ids, primary)
	}
	for _, p := range ps {
		if id := p.PersonID.String(); id != "" && id != primary && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return strings.Join(ids, ",")
}

// contactItem is one of a person's emails or phones.
type contactItem struct {
	Value   string `json:"value"`
	Primary bool   `json:"primary"`
	Label   string `json:"label,omitempty"`
}

// primary is the primary entry's value, else the first's.
func primary(items []contactItem) string {
	for _, it := range items {
		if it.Primary {
			return it.Value
		}
	}
	if len(items) > 0 {
		return items[0].Value
	}
	return ""
}

// cursorPrefix marks Pipedrive's cursors (timecursor): update_time has
// one-second resolution and updated_since is inclusive.
const cursorPrefix = "pd1|"

// Read lists the object's records updated since the cursor, oldest update
// first, 500 per call (GET /api/v2/persons with updated_since, sort_by
// update_time and cursor paging). Deleted records are not listed by v2.
// A ctx marked with connector.WithReadFields asks for the custom fields
// it names alone (customFieldsOf).
func (c *Connector) Read(ctx context.Context, object string, since connector.Cursor) iter.Seq2[connector.Page, error] {
	return func(yield func(connector.Page, error) bool) {
		cur, err := timecursor.Parse(cursorPrefix, string(since))
		if err != nil {
			yield(connector.Page{}, fmt.Errorf("pipedrive: %w", err))
			return
		}
		from := readFrom(cur)
		sc, err := c.schemaOf(ctx, object)
		if err != nil {
			yield(connector.Page{}, err)
			return
		}
		narrow := customFieldsOf(ctx, object, sc)
		next, began := "", time.Time{}
		cur.Start = time.Time{} // set again once this read reaches the end
		for {
			q := listQuery(object, "update_time", next)
			if !from.IsZero() {
				q.Set("updated_since", from.UTC().Format(time.RFC3339))
			}
			items, nextCursor, header, err := c.listNarrowed(ctx, object, q, &narrow)
			if err != nil {
				yield(connector.Page{}, fmt.Errorf("pipedrive: read %s: %w", object, err))
				return
			}
			if began.IsZero() {
				began = timecursor.ServerStart(header)
			}
			last := nextCursor == "" || len(items) == 0
			if last {
				cur.Start = began
			}
			c.seen.remember(object, items...)
			page, err := timecursor.Page(&cur, items, func(it item) (connector.Record, error) { return toRecord(object, sc, it) })
			if err != nil {
				yield(connector.Page{}, fmt.Errorf("pipedrive: read %s: %w", object, err))
				return
			}
			// The last page hands on a cursor that only settled, so the
			// next run need not look back.
			handOn := len(page.Records) > 0 || (last && page.Cursor != since)
			if handOn && !yield(page, nil) {
				return
			}
			if last {
				return
			}
			if kinds[object].v1 {
				from, next = resumeAfter(items, from, next)
				continue
			}
			next = nextCursor
		}
	}
}

// resumeAfter is where a v1 read by update_time goes on after a page of
// items, listed from start (next, "" = 0) with updated_since from: from the
// last item's second (updated_since is inclusive), past the items of that
// second already listed. An offset into the whole listing (next_start)
// would skip a record: one edited meanwhile moves to the end of the order,
// and every record after it one place up.
func resumeAfter(items []item, from time.Time, next string) (time.Time, string) {
	last, _ := parseTime(items[len(items)-1].UpdateTime)
	last = last.Truncate(time.Second)
	n := 0
	for i := len(items) - 1; i >= 0; i-- {
		if t, _ := parseTime(items[i].UpdateTime); !t.Truncate(time.Second).Equal(last) {
			break
		}
		n++
	}
	if n == len(items) && last.Equal(from) {
		prev, _ := strconv.Atoi(next)
		n += prev // the whole page was of the second the listing started at
	}
	return last, strconv.Itoa(n)
}

// maxCustomFieldKeys is the most keys one custom_fields takes: "A maximum
// of 15 keys is allowed." (Pipedrive's v2 OpenAPI spec, custom_fields of
// GET /api/v2/persons, /api/v2/organizations and /api/v2/deals).
const maxCustomFieldKeys = 15

// customFieldsOf is the custom_fields value that narrows a read to the
// custom fields ctx names (connector.ReadFields), or "" to read them all:
// no mark, an object whose list takes no custom_fields or that has no
// custom fields, or more named than the parameter takes. v2 has no way to
// narrow its standard fields, so they (the id, update_time, is_deleted and
// every built-in field) always come whole.
func customFieldsOf(ctx context.Context, object string, sc *schema) string {
	want, ok := connector.ReadFields(ctx)
	if !ok || !kinds[object].selectsCustom || len(sc.custom) == 0 {
		return ""
	}
	keys := slices.Sorted(maps.Keys(sc.custom))
	asked := slices.DeleteFunc(slices.Clone(keys), func(key string) bool { return !want[key] })
	switch {
	case len(asked) > maxCustomFieldKeys:
		return ""
	case len(asked) == 0:
		// custom_fields cannot ask for none: one is the fewest it takes.
		asked = keys[:1]
	}
	return strings.Join(asked, ",")
}

// listNarrowed runs one list call with custom_fields set to *narrow (none
// when ""). Pipedrive may refuse a key the company no longer has
// [unverified: the spec names no error], as a schema from the metadata
// cache can be stale: a narrowed call refused with 400 is
// run again whole, and *narrow cleared for the pages after it, so the read
// works as it did before narrowing; the cached fields are dropped, so the
// next run reads them again and names a mapping of a deleted field
// instead of asking for it, refused, every run until the cache expires.
func (c *Connector) listNarrowed(ctx context.Context, object string, q url.Values, narrow *string) ([]item, string, http.Header, error) {
	path := objectPath(object)
	if *narrow == "" {
		return c.listPage(ctx, object, path, q)
	}
	q.Set("custom_fields", *narrow)
	items, next, header, err := c.listPage(ctx, object, path, q)
	var ce *connector.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusBadRequest {
		return items, next, header, err
	}
	*narrow = ""
	_ = c.meta.Forget(ctx, fieldsKey(object)) // the cache's owner logs its failures
	q.Del("custom_fields")
	return c.listPage(ctx, object, path, q)
}

// ListIDs pages through every live record of object by id, 500 per call
// (10 tokens), for the engine's comparison with what it indexed: the only
// way to see a delete through API v2. A deal's list leaves archived deals
// out (getDeals: "all not archived deals"), so they are listed from their
// own list too: an archived deal is not a deleted one.
func (c *Connector) ListIDs(ctx context.Context, object string) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		if err := checkObject(object); err != nil {
			yield(nil, err)
			return
		}
		for _, path := range append([]string{objectPath(object)}, kinds[object].alsoLive...) {
			if !c.listIDsAt(ctx, object, path, yield) {
				return
			}
		}
	}
}

// listIDsAt yields the ids of the live records of one list; false when
// the listing stopped (an error, or yield asked to).
func (c *Connector) listIDsAt(ctx context.Context, object, path string, yield func([]string, error) bool) bool {
	v1 := kinds[object].v1
	next := ""
	var lastID int64 // v1: the highest id listed
	for {
		items, nextCursor, err := c.listAt(ctx, object, path, listQuery(object, "id", next))
		if err != nil {
			yield(nil, fmt.Errorf("pipedrive: list %s ids: %w", object, err))
			return false
		}
		start, _ := strconv.Atoi(next)
		if v1 && lastID > 0 && start > 0 && len(items) > 0 && itemID(items[0]) > lastID {
			// v1 pages by offset, and each page starts on the last id
			// of the one before: a later first id means records before
			// it were deleted meanwhile and every later one moved up,
			// so go back until the page reaches the last id again.
			next = strconv.Itoa(max(0, start-pageSize+1))
			continue
		}
		ids := make([]string, 0, len(items))
		for _, it := range items {
			id := it.ID.String()
			if v1 {
				if n := itemID(it); n <= lastID {
					continue // listed before
				} else {
					lastID = n
				}
			}
			if id != "" && !it.deleted() {
				ids = append(ids, id)
			}
		}
		if !yield(ids, nil) {
			return false
		}
		if nextCursor == "" || len(items) == 0 {
			return true
		}
		next = nextCursor
		if v1 {
			next = strconv.Itoa(start + len(items) - 1)
		}
	}
}

// itemID is an item's id as a number, 0 when it has none.
func itemID(it item) int64 {
	n, _ := it.ID.Int64()
	return n
}

// list runs one list call and returns its items and the next page's token:
// v2's next_cursor, or v1's next_start while more_items_in_collection.
func (c *Connector) list(ctx context.Context, object string, q url.Values) ([]item, string, error) {
	return c.listAt(ctx, object, objectPath(object), q)
}

// listAt is list on the list at path.
func (c *Connector) listAt(ctx context.Context, object, path string, q url.Values) ([]item, string, error) {
	items, next, _, err := c.listPage(ctx, object, path, q)
	return items, next, err
}

// listPage is listAt that also gives the answer's headers (its Date says
// when a read began, by the server's clock).
func (c *Connector) listPage(ctx context.Context, object, path string, q url.Values) ([]item, string, http.Header, error) {
	r, err := c.call(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, "", nil, err
	}
	if r.Status != http.StatusOK {
		return nil, "", nil, r.apiError()
	}
	header := r.Header
	items, next, err := decodeList(r, object, q)
	return items, next, header, err
}

// decodeList reads a list answer's items and the cursor (v2) or start
// (v1) of its next page, "" on the last.
func decodeList(r *response, object string, q url.Values) ([]item, string, error) {
	var env envelope
	if err := r.Decode(&env); err != nil {
		return nil, "", err
	}
	if !env.Success || len(env.Data) == 0 {
		// Every list answer is {"success": true, "data": [...]} (null
		// for none in v1): another shape (a gateway's or proxy's JSON)
		// is not an empty list, which ListIDs would take for every
		// record deleted.
		return nil, "", r.Fail(`answer is not a list: no "success": true and "data"`)
	}
	var items []item
	if len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, &items); err != nil {
			return nil, "", r.Fail("data is not a list of " + object + ": " + err.Error())
		}
	}
	next := ""
	ad := env.AdditionalData
	switch {
	case ad.NextCursor != nil:
		next = *ad.NextCursor
	case ad.Pagination != nil && ad.Pagination.More && ad.Pagination.NextStart != nil:
		next = ad.Pagination.NextStart.String()
	}
	if next != "" && next == q.Get("cursor") {
		// Following it would read the same page until the daily budget.
		return nil, "", r.Fail("next_cursor repeats the cursor of the page just read")
	}
	return items, next, nil
}

// toRecord converts an item into a canonical record.
func toRecord(object string, sc *schema, it item) (connector.Record, error) {
	id := it.ID.String()
	if id == "" {
		return connector.Record{}, fmt.Errorf("a %s without an id", singular(object))
	}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	num := func(p *json.Number) string {
		if p == nil {
			return ""
		}
		return p.String()
	}
	f := map[string]string{"owner_id": num(it.OwnerID)}
	if _, ok := sc.Field(labelsField); ok {
		f[labelsField] = joinIDs(it.LabelIDs)
	}
	switch object {
	case "persons":
		f["name"], f["first_name"], f["last_name"] = str(it.Name), str(it.FirstName), str(it.LastName)
		f["email"], f["phone"] = primary(it.Emails), primary(it.Phones)
		f["org_id"] = num(it.OrgID)
	case "organizations":
		f["name"] = str(it.Name)
	case "activities":
		f["subject"], f["type"], f["note"] = str(it.Subject), str(it.Type), str(it.Note)
		f["due_date"], f["due_time"], f["duration"] = str(it.DueDate), hhmm(str(it.DueTime)), hhmm(str(it.Duration))
		f["done"] = strconv.FormatBool(it.Done != nil && *it.Done)
		f["person_id"], f["org_id"], f["deal_id"] = participantIDs(num(it.PersonID), it.Participants), num(it.OrgID), num(it.DealID)
	case "notes":
		delete(f, "owner_id")
		f["content"], f["person_id"], f["org_id"], f["deal_id"] = str(it.Content), num(it.PersonID), num(it.OrgID), num(it.DealID)
	case "deals":
		f["title"], f["value"], f["currency"], f["status"] = str(it.Title), num(it.Value), str(it.Currency), str(it.Status)
		f["stage_id"], f["pipeline_id"] = num(it.StageID), num(it.PipelineID)
		f["expected_close_date"], f["person_id"], f["org_id"] = str(it.ExpectedCloseDate), num(it.PersonID), num(it.OrgID)
	}
	mod, ok := parseTime(it.UpdateTime)
	if !ok {
		return connector.Record{}, fmt.Errorf("%s %s: update_time %q is not a date and time", singular(object), id, it.UpdateTime)
	}
	f["update_time"] = mod.Format(time.RFC3339)
	if t, ok := parseTime(it.AddTime); ok {
		f["add_time"] = t.Format(time.RFC3339)
	}
	for key, cf := range sc.custom {
		raw, ok := it.CustomFields[key]
		if !ok {
			continue // not returned: not read, never a blank
		}
		v, err := customValue(cf, raw)
		if err != nil {
			return connector.Record{}, fmt.Errorf("%s %s: custom field %s: %v", singular(object), id, key, err)
		}
		f[key] = v
	}
	return connector.Record{ID: id, Fields: f, Modified: mod, Deleted: it.deleted()}, nil
}

// hhmm is a time of day or a length as HH:MM: the v2 spec's examples
// show seconds too, which an activity's times never carry.
func hhmm(v string) string {
	if len(v) == len("15:04:05") && v[5] == ':' {
		return v[:5]
	}
	return v
}

// joinIDs is a list of option ids as a TypeMulti value: joined by
// connector.MultiSep in Pipedrive's order (the mapping layer orders sets).
func joinIDs(ids []json.Number) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id.String()
	}
	return strings.Join(parts, connector.MultiSep)
}

// customValue renders a custom field's JSON value canonically: strings as
// sent, numbers and option ids as their digits, booleans as true/false,
// objects (address, monetary) by their "value", and a multiple-option
// field's list of option ids ([123, 456] in v2, per the v2 migration
// guide's "Multiple Option Custom Field Format Changes") as the ids joined
// by connector.MultiSep in Pipedrive's order; null and [] read as "".
func customValue(cf customField, raw json.RawMessage) (string, error) {
	var v any
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
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
		if s, ok := x["value"]; ok && s != nil {
			return fmt.Sprint(s), nil
		}
		return "", nil
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			switch e := e.(type) {
			case json.Number:
				parts = append(parts, e.String())
			case string:
				parts = append(parts, e)
			case map[string]any: // {"id": 123, "label": …} with include_option_labels
				if id, ok := e["id"].(json.Number); ok {
					parts = append(parts, id.String())
					continue
				}
				return "", fmt.Errorf("unexpected option %s", raw)
			default:
				return "", fmt.Errorf("unexpected option %s", raw)
			}
		}
		return strings.Join(parts, connector.MultiSep), nil
	}
	return "", fmt.Errorf("unexpected value %s", raw)
}

// parseTime accepts RFC 3339 (v2) and "YYYY-MM-DD HH:MM:SS" in UTC (v1).
func parseTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
