package mailchimp

import (
	"context"
	"encoding/json"
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

// defaultAudienceKey caches the default audience between runs.
const defaultAudienceKey = "mailchimp/3.0/default-audience"

// audienceOf resolves object to its audience: "members" is the account's
// oldest audience, found once (GET /lists sorted by date_created) and kept
// for the connector's lifetime and in the metadata cache.
func (c *Connector) audienceOf(ctx context.Context, object string) (audience, error) {
	if id, ok := strings.CutPrefix(object, listPrefix); ok {
		if id == "" || strings.ContainsAny(id, "/?#") {
			return audience{}, unknownObject(object)
		}
		return audience{ID: id}, nil
	}
	if object != objMembers {
		return audience{}, unknownObject(object)
	}
	fresh := connector.FreshSchema(ctx)
	if !fresh {
		c.mu.Lock()
		a := c.oldest
		c.mu.Unlock()
		if a != nil {
			return *a, nil
		}
		if b, ok, _ := c.meta.Lookup(ctx, defaultAudienceKey); ok {
			var a audience
			if json.Unmarshal(b, &a) == nil && a.ID != "" {
				return c.holdAudience(a), nil
			}
		}
	}
	page, err := c.audiences(ctx, 1, 0)
	if err != nil {
		return audience{}, err
	}
	if len(page.Lists) == 0 || page.Lists[0].ID == "" {
		return audience{}, &connector.Error{Vendor: vendor, Endpoint: page.endpoint, Status: http.StatusOK, Category: connector.CatNotFound, Code: "NO_AUDIENCE",
			Message: "the Mailchimp account has no audience: create one in Mailchimp (Audience > Create audience), then sync again"}
	}
	a := page.Lists[0]
	if b, err := json.Marshal(a); err == nil {
		_ = c.meta.Store(ctx, defaultAudienceKey, b) // the cache's owner logs its failures
	}
	return c.holdAudience(a), nil
}

func (c *Connector) holdAudience(a audience) audience {
	c.mu.Lock()
	c.oldest = &a
	c.mu.Unlock()
	return a
}

// audienceGone is the error of a list endpoint's 404: the audience was
// deleted (or the object names one that never was). The cached default
// audience and schemas are dropped, so the next run resolves them again.
func (c *Connector) audienceGone(ctx context.Context, r *response, a audience) *connector.Error {
	e := r.apiError()
	e.Code = "AUDIENCE_NOT_FOUND"
	e.Message = "Mailchimp has no " + a.String() + ": it was deleted, or this connection cannot see it (" + e.Message + ")"
	c.mu.Lock()
	c.oldest, c.schemas = nil, map[string]*schema{}
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

// fieldRef says where a field of the schema lives in a member.
type fieldRef struct {
	tag      string // the merge field's tag; "" for a member property
	part     string // an address's part
	readOnly bool
}

// schema is an audience's member fields as the connector offers them.
type schema struct {
	connector.Schema
	aud   audience
	merge map[string]mergeField // by tag
	refs  map[string]fieldRef   // by field name
}

// Schema lists the fields of the audience's members: the member
// properties the connector syncs and every merge field, named by its tag
// (GET /lists/{list_id}/merge-fields). It is held for the connector's
// lifetime and in the metadata cache between runs; a ctx marked with
// connector.WithFreshSchema asks Mailchimp.
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
	key := "mailchimp/3.0/lists/" + aud.ID + "/merge-fields"
	if !fresh {
		if b, ok, _ := c.meta.Lookup(ctx, key); ok {
			var fields []mergeField
			if json.Unmarshal(b, &fields) == nil {
				return c.hold(object, aud, fields), nil
			}
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
		fields = append(fields, body.MergeFields...)
		offset += len(body.MergeFields)
		if len(body.MergeFields) < PageSize || body.TotalItems > 0 && offset >= body.TotalItems {
			break
		}
	}
	if b, err := json.Marshal(fields); err == nil {
		_ = c.meta.Store(ctx, key, b) // the cache's owner logs its failures
	}
	return c.hold(object, aud, fields), nil
}

// hold builds the schema from the merge fields and keeps it.
func (c *Connector) hold(object string, aud audience, fields []mergeField) *schema {
	sc := &schema{Schema: connector.Schema{Object: object}, aud: aud, merge: map[string]mergeField{}, refs: map[string]fieldRef{}}
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
	add(connector.Field{Name: fLastChanged, Label: "Last changed", Type: connector.TypeDateTime, ReadOnly: true}, fieldRef{})
	add(connector.Field{Name: fTimestampOpt, Label: "Opt-in time", Type: connector.TypeDateTime, ReadOnly: true}, fieldRef{})
	add(connector.Field{Name: fRating, Label: "Member rating", Type: connector.TypeNumber, ReadOnly: true}, fieldRef{})
	add(connector.Field{Name: fTags, Label: "Tags", Type: connector.TypeString, ReadOnly: true}, fieldRef{})
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
