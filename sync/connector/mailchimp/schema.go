package mailchimp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// objMembers is the object of the account's default audience: its oldest
// (Mailchimp's first audience, the one most accounts use); "members:<list
// id>" names another.
const (
	objMembers = "members"
	listPrefix = objMembers + ":"
)

// Member properties the connector reads and writes besides merge fields.
const (
	fEmail        = "email_address"
	fStatus       = "status"
	fEmailType    = "email_type"
	fLanguage     = "language"
	fVIP          = "vip"
	fLastChanged  = "last_changed"
	fTimestampOpt = "timestamp_opt"
	fRating       = "member_rating"
	fTags         = "tags"
)

// interestsPrefix names a member's interests in one interest category (a "group" in
// Mailchimp's app): "interests:<category id>". Merge fields go by their tag, the key of
// a member's merge_fields; a member's interests are keyed by interest id, so a
// category's field goes by the category's id, as an audience's object goes by the
// list's. No merge tag holds a colon.
const interestsPrefix = "interests:"

// statuses are the statuses a write may set (the spec's enum for adding
// and updating members); "archived" is what a read says of an archived
// member, set by DELETE.
var statuses = []string{"subscribed", "unsubscribed", "cleaned", "pending", "transactional"}

// addressParts are the parts of an address merge field, each offered as
// the field TAG.part and written back together as one object.
var addressParts = []string{"addr1", "addr2", "city", "state", "zip", "country"}

// requiredAddressParts are the parts Mailchimp needs in an address.
var requiredAddressParts = map[string]bool{"addr1": true, "city": true, "state": true, "zip": true}

// audience is one Mailchimp audience (list).
type audience struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (a audience) String() string {
	if a.Name == "" {
		return "audience " + a.ID
	}
	return "audience " + strconv.Quote(a.Name) + " (" + a.ID + ")"
}

// defaultAudienceKey is where the connection keeps the audience "members"
// names: pinned (connector.Meta.Pinned) since this build, only cached for
// a day before it.
const defaultAudienceKey = "mailchimp/3.0/default-audience"

// audienceOf resolves object to its audience: "members" is the audience
// pinned for the connection (defaultAudience).
func (c *Connector) audienceOf(ctx context.Context, object string) (audience, error) {
	if id, ok := strings.CutPrefix(object, listPrefix); ok {
		if id == "" || strings.ContainsAny(id, "/?#") {
			return audience{}, unknownObject(object)
		}
		return c.chosenAudience(ctx, id), nil
	}
	if object != objMembers {
		return audience{}, unknownObject(object)
	}
	c.mu.Lock()
	a := c.dflt
	c.mu.Unlock()
	if a != nil {
		return *a, nil
	}
	d, err := c.defaultAudience(ctx)
	if err != nil {
		return audience{}, err
	}
	return c.holdAudience(d), nil
}

// defaultAudience is the audience "members" names: the one pinned for the
// connection, however long ago, and still when Mailchimp no longer has it
// (its calls then fail naming it, audienceGone). Only a connection with
// none pinned (new, or set up before pinning: then the audience its runs
// cached, if any, however old) chooses: the account's oldest audience, pinned at once,
// so a deleted audience is never silently replaced by another one whose
// members the sync would then read and create.
func (c *Connector) defaultAudience(ctx context.Context) (audience, error) {
	b, ok, err := c.meta.Pinned(ctx, defaultAudienceKey)
	if err != nil {
		return audience{}, fmt.Errorf("mailchimp: the audience this connection syncs: %w", err)
	}
	var a audience
	if ok && json.Unmarshal(b, &a) == nil && a.ID != "" {
		return a, nil
	}
	// The audience its runs cached, however long ago: once the day has
	// passed, the oldest audience is not the one the syncs used (it may
	// have been deleted since, and its members would go to another).
	// A row that cannot be read may name that audience: choosing the
	// oldest instead would sync (and pin) another list.
	b, ok, err = c.meta.Last(ctx, defaultAudienceKey)
	if err != nil {
		return audience{}, fmt.Errorf("mailchimp: read the audience this connection's runs used (kept from before audiences were pinned); no other audience is chosen in its place: %w", err)
	}
	if ok && json.Unmarshal(b, &a) == nil && a.ID != "" {
		return c.pinAudience(ctx, a, "the audience its runs used")
	}
	page, err := c.audiences(ctx, 1, 0)
	if err != nil {
		return audience{}, err
	}
	if len(page.Lists) == 0 || page.Lists[0].ID == "" {
		return audience{}, &connector.Error{Vendor: vendor, Endpoint: page.endpoint, Status: http.StatusOK, Category: connector.CatNotFound, Code: "NO_AUDIENCE",
			Message: noAudienceMessage}
	}
	return c.pinAudience(ctx, page.Lists[0], "the account's oldest audience")
}

// pinAudience records a as the connection's "members" and says so. A pin
// that cannot be stored fails the call: an audience used but not kept
// could be replaced by another next session.
func (c *Connector) pinAudience(ctx context.Context, a audience, why string) (audience, error) {
	if err := c.pinJSON(ctx, defaultAudienceKey, a); err != nil {
		return audience{}, fmt.Errorf("mailchimp: keep %s as the audience this connection syncs: %w", a, err)
	}
	if c.log != nil && c.meta.Enabled() {
		c.log.Info("mailchimp: the connection's \"members\" is now kept as "+a.String()+" ("+why+"); to sync another audience, choose it as the sync's object", "audience", a.ID)
	}
	return a, nil
}

func (c *Connector) holdAudience(a audience) audience {
	c.mu.Lock()
	c.dflt = &a
	c.mu.Unlock()
	return a
}

// audienceGone is the error of a list endpoint's 404: the audience was
// deleted (or the object names one that never was). The cached schemas
// are dropped; the pinned default audience stays (defaultAudience), so
// later runs fail the same way rather than switch to another audience.
func (c *Connector) audienceGone(ctx context.Context, r *response, a audience) *connector.Error {
	e := r.apiError()
	e.Code, e.Category = "AUDIENCE_NOT_FOUND", connector.CatTarget
	e.Message = "Mailchimp has no " + a.String() + ": it was deleted, or this connection cannot see it (" + e.Message +
		"); nothing was written to another audience: choose another audience for this sync in its settings"
	c.mu.Lock()
	c.dflt, c.schemas = nil, map[string]*schema{}
	c.mu.Unlock()
	_ = c.meta.Forget(ctx, "mailchimp/")
	return e
}

func unknownObject(object string) *connector.Error {
	return &connector.Error{Vendor: vendor, Category: connector.CatValidation,
		Message: "unknown object " + strconv.Quote(object) + ` (known: "members", the default audience's members, or "members:<list id>")`}
}

// mergeField is one merge (audience) field of GET /lists/{id}/merge-fields.
type mergeField struct {
	Tag      string `json:"tag"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
	Options  struct {
		DateFormat string   `json:"date_format,omitempty"`
		Choices    []string `json:"choices,omitempty"`
	} `json:"options"`
}

// interestCategory is one interest category of GET
// /lists/{list_id}/interest-categories with its interests, from GET
// .../interest-categories/{interest_category_id}/interests.
type interestCategory struct {
	ID        string     `json:"id"`
	Title     string     `json:"title"`
	Type      string     `json:"type"`
	Interests []interest `json:"interests"`
}

// interest is one interest of a category.
type interest struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// fieldRef says where a field of the schema lives in a member.
type fieldRef struct {
	tag      string // the merge field's tag; "" for a member property
	part     string // an address's part
	category string // an interest category's id
	readOnly bool
}

// schema is an audience's member fields as the connector offers them.
type schema struct {
	connector.Schema
	aud      audience
	merge    map[string]mergeField       // by tag
	cats     map[string]interestCategory // by id
	catOrder []string                    // category ids, in display order
	interest map[string]string           // the field of each interest id
	refs     map[string]fieldRef         // by field name
}

// memberFieldsKey caches an audience's merge fields and interest categories; the
// version changes whenever what is stored under it does.
func memberFieldsKey(listID string) string {
	return "mailchimp/3.0/lists/" + listID + "/member-fields.v2"
}

// cachedFields is what memberFieldsKey holds.
type cachedFields struct {
	MergeFields []mergeField       `json:"merge_fields"`
	Categories  []interestCategory `json:"categories"`
}

// Schema lists the fields of the audience's members: the member
// properties the connector syncs, every merge field, named by its tag
// (GET /lists/{list_id}/merge-fields), the member's tags, and each interest
// category as a multi-select of its interests (GET
// /lists/{list_id}/interest-categories, and .../interests of each). It is
// held for the connector's lifetime and in the metadata cache between runs;
// a ctx marked with connector.WithFreshSchema asks Mailchimp.
func (c *Connector) Schema(ctx context.Context, object string) (connector.Schema, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return connector.Schema{}, err
	}
	return sc.Schema, nil
}

func (c *Connector) schemaOf(ctx context.Context, object string) (*schema, error) {
	fresh := connector.FreshSchema(ctx)
	if !fresh {
		c.mu.Lock()
		sc := c.schemas[object]
		c.mu.Unlock()
		if sc != nil {
			return sc, nil
		}
	}
	aud, err := c.audienceOf(ctx, object)
	if err != nil {
		return nil, err
	}
	key := memberFieldsKey(aud.ID)
	if !fresh {
		if b, ok, _ := c.meta.Lookup(ctx, key); ok {
			var cached cachedFields
			if json.Unmarshal(b, &cached) == nil {
				return c.hold(object, aud, cached.MergeFields, cached.Categories), nil
			}
		}
	}
	if strings.HasPrefix(object, listPrefix) {
		// Named while Mailchimp has it, so a failure once it is deleted
		// names it too (the default audience's pin holds its name).
		if aud, err = c.learnAudienceName(ctx, aud); err != nil {
			return nil, err
		}
	}
	var fields []mergeField
	for offset := 0; ; {
		q := url.Values{"count": {strconv.Itoa(PageSize)}, "offset": {strconv.Itoa(offset)},
			"fields": {"merge_fields.tag,merge_fields.name,merge_fields.type,merge_fields.required,merge_fields.options,total_items"}}
		r, err := c.call(ctx, http.MethodGet, "/lists/"+url.PathEscape(aud.ID)+"/merge-fields?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		switch {
		case r.Status == http.StatusNotFound:
			return nil, c.audienceGone(ctx, r, aud)
		case r.Status != http.StatusOK:
			return nil, r.apiError()
		}
		var body struct {
			MergeFields []mergeField `json:"merge_fields"`
			TotalItems  int          `json:"total_items"`
		}
		if err := r.Decode(&body); err != nil {
			return nil, err
		}
		if body.MergeFields == nil {
			// Mailchimp lists "merge_fields", [] for none: an answer
			// without them (a gateway's JSON) is not an audience without
			// merge fields, which would be cached as one.
			return nil, r.Fail(`answer has no "merge_fields" list`)
		}
		fields = append(fields, body.MergeFields...)
		offset += len(body.MergeFields)
		if len(body.MergeFields) < PageSize || body.TotalItems > 0 && offset >= body.TotalItems {
			break
		}
	}
	cats, err := c.interestCategories(ctx, aud)
	if err != nil {
		return nil, err
	}
	if b, err := json.Marshal(cachedFields{MergeFields: fields, Categories: cats}); err == nil {
		_ = c.meta.Store(ctx, key, b) // the cache's owner logs its failures
	}
	return c.hold(object, aud, fields, cats), nil
}

// interestCategories reads the audience's interest categories, each with
// its interests, in display order: GET /lists/{list_id}/interest-categories
// and, per category, .../interest-categories/{id}/interests, paged by count
// and offset. A category deleted between the two calls is left out.
func (c *Connector) interestCategories(ctx context.Context, aud audience) ([]interestCategory, error) {
	base := "/lists/" + url.PathEscape(aud.ID) + "/interest-categories"
	var cats []interestCategory
	err := c.pages(ctx, base, "categories.id,categories.title,categories.type,total_items", func(r *response) (int, int, error) {
		if r.Status == http.StatusNotFound {
			return 0, 0, c.audienceGone(ctx, r, aud)
		}
		var body struct {
			Categories []interestCategory `json:"categories"`
			TotalItems int                `json:"total_items"`
		}
		if err := r.Decode(&body); err != nil {
			return 0, 0, err
		}
		if body.Categories == nil {
			return 0, 0, r.Fail(`answer has no "categories" list`)
		}
		cats = append(cats, body.Categories...)
		return len(body.Categories), body.TotalItems, nil
	})
	if err != nil {
		return nil, err
	}
	out := cats[:0]
	for _, cat := range cats {
		gone := false
		err := c.pages(ctx, base+"/"+url.PathEscape(cat.ID)+"/interests", "interests.id,interests.name,total_items", func(r *response) (int, int, error) {
			if r.Status == http.StatusNotFound {
				gone = true
				return 0, 0, nil
			}
			var body struct {
				Interests  []interest `json:"interests"`
				TotalItems int        `json:"total_items"`
			}
			if err := r.Decode(&body); err != nil {
				return 0, 0, err
			}
			if body.Interests == nil {
				// Read as a category without interests, it would be
				// every member's blank (read.go), written over good
				// data on the other side.
				return 0, 0, r.Fail(`answer has no "interests" list`)
			}
			cat.Interests = append(cat.Interests, body.Interests...)
			return len(body.Interests), body.TotalItems, nil
		})
		if err != nil {
			return nil, err
		}
		if !gone && cat.ID != "" {
			out = append(out, cat)
		}
	}
	return out, nil
}

// pages GETs path a page of PageSize at a time (count, offset, fields) until
// a page comes short or total_items is reached. page reads each answer, a
// 404 included (any other failure is an error here, and a 404 ends the
// walk), and says how many items it held and the total.
func (c *Connector) pages(ctx context.Context, path, fields string, page func(*response) (n, total int, err error)) error {
	for offset := 0; ; {
		q := url.Values{"count": {strconv.Itoa(PageSize)}, "offset": {strconv.Itoa(offset)}, "fields": {fields}}
		r, err := c.call(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
		if err != nil {
			return err
		}
		if r.Status != http.StatusOK && r.Status != http.StatusNotFound {
			return r.apiError()
		}
		n, total, err := page(r)
		if err != nil || r.Status != http.StatusOK {
			return err
		}
		offset += n
		if n < PageSize || total > 0 && offset >= total {
			return nil
		}
	}
}

// hold builds the schema from the merge fields and interest categories and
// keeps it.
func (c *Connector) hold(object string, aud audience, fields []mergeField, cats []interestCategory) *schema {
	sc := &schema{Schema: connector.Schema{Object: object}, aud: aud, merge: map[string]mergeField{}, refs: map[string]fieldRef{},
		cats: map[string]interestCategory{}, interest: map[string]string{}}
	add := func(f connector.Field, ref fieldRef) {
		ref.readOnly = f.ReadOnly
		sc.Fields = append(sc.Fields, f)
		sc.refs[f.Name] = ref
	}
	opts := func(vs ...string) []connector.Option {
		out := make([]connector.Option, len(vs))
		for i, v := range vs {
			out[i] = connector.Option{Value: v, Label: v}
		}
		return out
	}
	// A create must carry a status (Mailchimp adds no member without one),
	// hence Required: the sync maps one or sets a default.
	add(connector.Field{Name: fEmail, Label: "Email address", Type: connector.TypeEmail, Required: true, Unique: true}, fieldRef{})
	add(connector.Field{Name: fStatus, Label: "Subscription status", Type: connector.TypeEnum, Required: true, Options: opts(statuses...)}, fieldRef{})
	add(connector.Field{Name: fEmailType, Label: "Email type", Type: connector.TypeEnum, Options: opts("html", "text")}, fieldRef{})
	add(connector.Field{Name: fLanguage, Label: "Language", Type: connector.TypeString}, fieldRef{})
	add(connector.Field{Name: fVIP, Label: "VIP", Type: connector.TypeBool}, fieldRef{})
	for _, mf := range fields {
		if mf.Tag == "" {
			continue
		}
		sc.merge[mf.Tag] = mf
		label := firstNonEmpty(mf.Name, mf.Tag)
		if mf.Type == "address" {
			for _, p := range addressParts {
				add(connector.Field{Name: mf.Tag + "." + p, Label: label + " (" + p + ")", Type: connector.TypeString,
					Required: mf.Required && requiredAddressParts[p]}, fieldRef{tag: mf.Tag, part: p})
			}
			continue
		}
		f := connector.Field{Name: mf.Tag, Label: label, Type: mergeType(mf.Type), Required: mf.Required}
		if f.Type == connector.TypeEnum {
			f.Options = opts(mf.Options.Choices...)
		}
		add(f, fieldRef{tag: mf.Tag})
	}
	// Each interest category is a multi-select of its interests: values are
	// interest ids, labelled by name. A write sets every interest of the
	// category, so the member's other categories stay as they are.
	for _, cat := range cats {
		name := interestsPrefix + cat.ID
		if _, dup := sc.refs[name]; dup || cat.ID == "" {
			continue
		}
		sc.cats[cat.ID] = cat
		sc.catOrder = append(sc.catOrder, cat.ID)
		f := connector.Field{Name: name, Label: firstNonEmpty(cat.Title, name), Type: connector.TypeMulti}
		for _, in := range cat.Interests {
			if in.ID != "" {
				f.Options = append(f.Options, connector.Option{Value: in.ID, Label: firstNonEmpty(in.Name, in.ID)})
				sc.interest[in.ID] = name
			}
		}
		add(f, fieldRef{category: cat.ID})
	}
	// Tags are a multi-select of names with no fixed list: Mailchimp makes a
	// tag the first time a member gets it. A write sets the member's whole
	// set (write.go).
	add(connector.Field{Name: fTags, Label: "Tags", Type: connector.TypeMulti}, fieldRef{})
	add(connector.Field{Name: fLastChanged, Label: "Last changed", Type: connector.TypeDateTime, ReadOnly: true}, fieldRef{})
	add(connector.Field{Name: fTimestampOpt, Label: "Opt-in time", Type: connector.TypeDateTime, ReadOnly: true}, fieldRef{})
	add(connector.Field{Name: fRating, Label: "Member rating", Type: connector.TypeNumber, ReadOnly: true}, fieldRef{})
	c.mu.Lock()
	c.schemas[object] = sc
	c.mu.Unlock()
	return sc
}

// mergeType maps a merge field's type to the canonical field types: a
// birthday is a string "MM/DD" (it has no year), an address is offered per
// part (hold).
func mergeType(t string) connector.FieldType {
	switch t {
	case "number":
		return connector.TypeNumber
	case "phone":
		return connector.TypePhone
	case "date":
		return connector.TypeDate
	case "dropdown", "radio":
		return connector.TypeEnum
	}
	return connector.TypeString // text, url, imageurl, zip, birthday
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
