package brevo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// Field names: the contact's own properties by their JSON names, and each
// contact attribute by its attribute name (FIRSTNAME, SMS, ...).
const (
	fID               = "id"
	fEmail            = "email"
	fExtID            = "ext_id"
	fEmailBlacklisted = "emailBlacklisted"
	fSMSBlacklisted   = "smsBlacklisted"
	fListIDs          = "listIds"
	fCreated          = "createdAt"
	fModified         = "modifiedAt"
)

// attribute is one contact attribute as GET /v3/contacts/attributes
// lists it (category normal, transactional, category, calculated or
// global; type text, date, float, boolean, id, multiple-choice or user).
type attribute struct {
	Name        string `json:"name"`
	Category    string `json:"category"`
	Type        string `json:"type"`
	Enumeration []struct {
		Value json.Number `json:"value"`
		Label string      `json:"label"`
	} `json:"enumeration"`
	MultiCategoryOptions []string `json:"multiCategoryOptions"`
}

// list is one contact list (GET /v3/contacts/lists).
type list struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// schemaData is what the schema is built from, cached as JSON.
type schemaData struct {
	Attributes []attribute `json:"attributes"`
	Lists      []list      `json:"lists"`
	// ListsOK is false when the lists could not be listed: listIds is then
	// left out of the schema.
	ListsOK bool `json:"listsOK"`
}

// schemaKey is the metadata cache's key.
const schemaKey = "brevo:contacts:schema:v1"

// covered are attributes a fixed field stands for already.
var covered = map[string]bool{"EMAIL": true, "EXT_ID": true}

// Schema lists the contact's own fields and every contact attribute of
// the account, each by its attribute name: text (SMS, WHATSAPP and
// LANDLINE_NUMBER as phones), dates, floats as numbers, booleans, category
// attributes as picklists of their enumeration (by value, labelled),
// multiple-choice ones as multi-selects; calculated and global attributes
// are read-only. listIds is a multi-select of the account's lists.
func (c *Connector) Schema(ctx context.Context, object string) (connector.Schema, error) {
	if err := checkObject(object); err != nil {
		return connector.Schema{}, err
	}
	d, err := c.schemaData(ctx)
	if err != nil {
		return connector.Schema{}, fmt.Errorf("brevo: schema: %w", err)
	}
	return buildSchema(d), nil
}

func buildSchema(d *schemaData) connector.Schema {
	fs := []connector.Field{
		{Name: fID, Label: "Contact ID", Type: connector.TypeID, ReadOnly: true},
		{Name: fEmail, Label: "Email", Type: connector.TypeEmail, Unique: true},
		{Name: fExtID, Label: "External ID (ext_id)", Type: connector.TypeString, Unique: true},
		{Name: fEmailBlacklisted, Label: "Email opt-out (blacklisted)", Type: connector.TypeBool, Default: "false"},
		{Name: fSMSBlacklisted, Label: "SMS opt-out (blacklisted)", Type: connector.TypeBool, Default: "false"},
	}
	if d.ListsOK {
		f := connector.Field{Name: fListIDs, Label: "Lists", Type: connector.TypeMulti}
		for _, l := range d.Lists {
			f.Options = append(f.Options, connector.Option{Value: strconv.FormatInt(l.ID, 10), Label: l.Name})
		}
		fs = append(fs, f)
	}
	for _, a := range d.Attributes {
		if f, ok := attributeField(a); ok {
			fs = append(fs, f)
		}
	}
	fs = append(fs,
		connector.Field{Name: fCreated, Label: "Created", Type: connector.TypeDateTime, ReadOnly: true},
		connector.Field{Name: fModified, Label: "Modified", Type: connector.TypeDateTime, ReadOnly: true})
	return connector.Schema{Object: objContacts, Fields: fs}
}

// attributeField is the field an attribute offers; ok false for one a
// fixed field covers.
func attributeField(a attribute) (connector.Field, bool) {
	if a.Name == "" || covered[strings.ToUpper(a.Name)] {
		return connector.Field{}, false
	}
	f := connector.Field{Name: a.Name, Label: a.Name + " (" + a.Category + " attribute)", Type: fieldType(a)}
	switch a.Category {
	case "calculated", "global":
		f.ReadOnly = true
	case "category":
		for _, e := range a.Enumeration {
			f.Options = append(f.Options, connector.Option{Value: e.Value.String(), Label: e.Label})
		}
	}
	for _, o := range a.MultiCategoryOptions {
		f.Options = append(f.Options, connector.Option{Value: o, Label: o})
	}
	return f, true
}

// fieldType is the canonical type of an attribute.
func fieldType(a attribute) connector.FieldType {
	if a.Category == "category" || len(a.Enumeration) > 0 {
		return connector.TypeEnum
	}
	switch a.Type {
	case "date":
		return connector.TypeDate
	case "float":
		return connector.TypeNumber
	case "boolean":
		return connector.TypeBool
	case "multiple-choice":
		return connector.TypeMulti
	case "id", "user":
		return connector.TypeString
	}
	switch strings.ToUpper(a.Name) {
	case "SMS", "WHATSAPP", "LANDLINE_NUMBER":
		return connector.TypePhone
	}
	return connector.TypeText
}

// checkObject refuses any object but contacts.
func checkObject(object string) error {
	if object != objContacts {
		return fmt.Errorf("brevo: unknown object %q: Brevo offers %q", object, objContacts)
	}
	return nil
}

// schemaData returns the attributes and lists: held in memory once read,
// else from the metadata cache when younger than a day, else from Brevo.
// connector.WithFreshSchema bypasses both.
func (c *Connector) schemaData(ctx context.Context) (*schemaData, error) {
	fresh := connector.FreshSchema(ctx)
	c.mu.Lock()
	if d := c.schema; d != nil && !fresh {
		c.mu.Unlock()
		return d, nil
	}
	c.mu.Unlock()
	if !fresh {
		if raw, ok, _ := c.meta.Lookup(ctx, schemaKey); ok {
			var d schemaData
			if json.Unmarshal(raw, &d) == nil && len(d.Attributes) > 0 {
				c.keep(&d)
				return &d, nil
			}
		}
	}
	attrs, err := c.attributes(ctx)
	if err != nil {
		return nil, err
	}
	d := &schemaData{Attributes: attrs}
	d.Lists, err = c.lists(ctx)
	switch {
	case err == nil:
		d.ListsOK = true
	case connector.Stops(ctx, err):
		return nil, err
	case c.log != nil:
		c.log.Warn("brevo: the account's lists could not be read; listIds is left out of the schema", "error", err)
	}
	if raw, err := json.Marshal(d); err == nil {
		_ = c.meta.Store(ctx, schemaKey, raw) // a cache failure costs a call next time, nothing more
	}
	c.keep(d)
	return d, nil
}

func (c *Connector) keep(d *schemaData) {
	c.mu.Lock()
	c.schema = d
	c.mu.Unlock()
}

// attributes reads GET /v3/contacts/attributes (one call, no paging).
func (c *Connector) attributes(ctx context.Context) ([]attribute, error) {
	r, err := c.call(ctx, http.MethodGet, "/v3/contacts/attributes", nil)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	if r.Status != http.StatusOK {
		return nil, r.apiError()
	}
	var body struct {
		Attributes []attribute `json:"attributes"`
	}
	if err := r.Decode(&body); err != nil {
		return nil, err
	}
	if body.Attributes == nil {
		// Brevo always lists "attributes" (FIRSTNAME, LASTNAME, SMS…): an
		// answer without them (a gateway's JSON) is not an account without
		// attributes, whose schema would be kept with none of them.
		return nil, r.Fail(`answer has no "attributes" list`)
	}
	sort.SliceStable(body.Attributes, func(i, j int) bool { return body.Attributes[i].Name < body.Attributes[j].Name })
	return body.Attributes, nil
}

// lists reads every contact list, listsPage at a time, oldest first.
func (c *Connector) lists(ctx context.Context) ([]list, error) {
	var out []list
	for offset := 0; ; offset += listsPage {
		q := url.Values{"limit": {strconv.Itoa(listsPage)}, "offset": {strconv.Itoa(offset)}, "sort": {"asc"}}
		r, err := c.call(ctx, http.MethodGet, "/v3/contacts/lists?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		if r.Status != http.StatusOK {
			err := r.apiError()
			r.Release()
			return nil, err
		}
		var page struct {
			Lists []list `json:"lists"`
			Count int    `json:"count"`
		}
		err = r.Decode(&page)
		r.Release()
		if err != nil {
			return nil, err
		}
		out = append(out, page.Lists...)
		if len(page.Lists) < listsPage || page.Count > 0 && offset+len(page.Lists) >= page.Count {
			return out, nil
		}
	}
}
