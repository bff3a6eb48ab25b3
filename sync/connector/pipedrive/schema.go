package pipedrive

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/crmsync/crmsync/sync/connector"
)

// schema is an object's canonical schema plus what reading and writing its
// custom fields needs.
type schema struct {
	connector.Schema
	custom map[string]customField // 40-hex key -> field
}

// fieldOption is one option of an enum field: a custom field's have
// numeric ids; a built-in list's entries have their option value.
type fieldOption struct {
	ID    json.Number `json:"id,omitempty"`
	Value string      `json:"value,omitempty"`
	Label string      `json:"label"`
}

// customField is one custom field as the fields API describes it.
type customField struct {
	typ     string            // Pipedrive field_type
	options map[string]string // enum, set: option id -> label
}

// fieldItem is one entry of GET /api/v2/personFields (organizationFields),
// and what the metadata cache keeps of it.
type fieldItem struct {
	Name     string        `json:"field_name"`
	Code     string        `json:"field_code"`
	Type     string        `json:"field_type"`
	IsCustom bool          `json:"is_custom_field"`
	Options  []fieldOption `json:"options"`
	// An entry of an option list (a stage, an activity type) read through
	// the same list.
	ID        json.Number `json:"id,omitempty"`
	EntryName string      `json:"name,omitempty"`
	KeyString string      `json:"key_string,omitempty"`
}

// Schema lists the object's built-in fields and its custom fields (GET
// /api/v2/personFields, paged). It is held for the connector's lifetime
// and kept in the metadata cache between runs, so a run with a warm cache
// spends no call (10 tokens) on it; a ctx marked with
// connector.WithFreshSchema always asks Pipedrive. owner_id's options, the
// active users, are held and cached likewise (users.go).
func (c *Connector) Schema(ctx context.Context, object string) (connector.Schema, error) {
	sc, err := c.schemaOf(ctx, object)
	if err != nil {
		return connector.Schema{}, err
	}
	return c.withOwners(ctx, sc.Schema)
}

func (c *Connector) schemaOf(ctx context.Context, object string) (*schema, error) {
	if err := checkObject(object); err != nil {
		return nil, err
	}
	fresh := connector.FreshSchema(ctx)
	key := fieldsKey(object)
	if !fresh {
		c.mu.Lock()
		sc := c.schemas[object]
		c.mu.Unlock()
		if sc != nil {
			return sc, nil
		}
		// An entry that no longer parses is fetched again and replaced.
		if b, ok, _ := c.meta.Lookup(ctx, key); ok {
			var items []fieldItem
			if json.Unmarshal(b, &items) == nil {
				return c.hold(object, items), nil
			}
		}
	}
	items, err := c.fetchFields(ctx, object)
	if err != nil {
		return nil, err
	}
	if b, err := json.Marshal(items); err == nil {
		_ = c.meta.Store(ctx, key, b) // the cache's owner logs its failures
	}
	return c.hold(object, items), nil
}

// hold builds the schema from the custom fields (and a deal's stages) and
// keeps it.
func (c *Connector) hold(object string, items []fieldItem) *schema {
	sc := &schema{Schema: connector.Schema{Object: object, Fields: slices.Clone(kinds[object].builtIn)}, custom: map[string]customField{}}
	for _, it := range items {
		if ol := kinds[object].options; ol != nil && !it.IsCustom && it.Code == ol.field {
			i := slices.IndexFunc(sc.Fields, func(f connector.Field) bool { return f.Name == ol.field })
			for _, o := range it.Options {
				sc.Fields[i].Options = append(sc.Fields[i].Options, connector.Option{Value: o.Value, Label: o.Label})
			}
			continue
		}
		if it.isLabels() {
			if i := slices.IndexFunc(sc.Fields, func(f connector.Field) bool { return f.Name == labelsField }); i >= 0 {
				sc.Fields[i].Options = optionsOf(it)
			}
			continue
		}
		if f, cf, ok := customOf(it); ok {
			sc.Fields = append(sc.Fields, f)
			sc.custom[it.Code] = cf
		}
	}
	c.mu.Lock()
	c.schemas[object] = sc
	c.mu.Unlock()
	return sc
}

// labelsField is the built-in multiple-option field of persons,
// organizations and deals: label_ids, an array of label ids in v2 (the v2
// spec's PersonItem, OrganizationItem and DealItem). Its options are the
// company's labels, which the fields API lists with the field.
const labelsField = "label_ids"

// isLabels reports whether it is the fields API's entry for label_ids.
func (it fieldItem) isLabels() bool { return !it.IsCustom && it.Code == labelsField }

// optionsOf is an enum or set field's options: the option id as the
// value, what a value map translates, and its label.
func optionsOf(it fieldItem) []connector.Option {
	out := make([]connector.Option, 0, len(it.Options))
	for _, o := range it.Options {
		out = append(out, connector.Option{Value: o.ID.String(), Label: o.Label})
	}
	return out
}

// fetchFields pages through the object's fields API and keeps the custom
// fields and label_ids, and adds the options of its built-in enum (a
// deal's stages, an activity's types) as one item.
func (c *Connector) fetchFields(ctx context.Context, object string) ([]fieldItem, error) {
	if kinds[object].fields == "" {
		return nil, nil // no custom fields (a note): nothing to ask
	}
	out, err := c.fetchList(ctx, object, kinds[object].fields, func(it fieldItem) bool { return it.IsCustom && it.Code != "" || it.isLabels() })
	ol := kinds[object].options
	if err != nil || ol == nil {
		return out, err
	}
	entries, err := c.fetchList(ctx, object, ol.path, func(fieldItem) bool { return true })
	if err != nil {
		return nil, err
	}
	opts := fieldItem{Code: ol.field}
	for _, e := range entries {
		opts.Options = append(opts.Options, fieldOption{Value: ol.value(e), Label: e.EntryName})
	}
	return append(out, opts), nil
}

// fetchList pages through a v2 metadata list and keeps the items keep
// accepts.
func (c *Connector) fetchList(ctx context.Context, object, path string, keep func(fieldItem) bool) ([]fieldItem, error) {
	var out []fieldItem
	cursor := ""
	for {
		q := url.Values{"limit": {"500"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r, err := c.call(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
		if err != nil {
			return nil, fmt.Errorf("pipedrive: schema of %s: %w", object, err)
		}
		if r.Status != http.StatusOK {
			return nil, fmt.Errorf("pipedrive: schema of %s: %w", object, r.apiError())
		}
		var env envelope
		var items []fieldItem
		if err := r.Decode(&env); err != nil {
			return nil, fmt.Errorf("pipedrive: schema of %s: %w", object, err)
		}
		if err := json.Unmarshal(env.Data, &items); err != nil {
			return nil, fmt.Errorf("pipedrive: schema of %s: %w", object, r.Fail("data is not a list of fields: "+err.Error()))
		}
		for _, it := range items {
			if keep(it) {
				out = append(out, it)
			}
		}
		if env.AdditionalData.NextCursor == nil || *env.AdditionalData.NextCursor == "" {
			return out, nil
		}
		cursor = *env.AdditionalData.NextCursor
	}
}

// customOf maps a custom field to a canonical field. A multiple-option
// field (set) is TypeMulti: its options are its option ids, as an enum's
// are, and its value the ids joined by connector.MultiSep. Types whose
// value is an object (address, monetary, ranges, time) are offered
// read-only as text, never written, so nothing is half-written.
func customOf(it fieldItem) (connector.Field, customField, bool) {
	f := connector.Field{Name: it.Code, Label: it.Name}
	cf := customField{typ: it.Type}
	switch it.Type {
	case "varchar", "varchar_auto", "varchar_options":
		f.Type = connector.TypeString
	case "text":
		f.Type = connector.TypeText
	case "int", "double":
		f.Type = connector.TypeNumber
		f.Double = it.Type == "double" // kept as a double: more digits read back rounded
	case "phone":
		f.Type = connector.TypePhone
	case "date":
		f.Type = connector.TypeDate
	case "boolean":
		f.Type = connector.TypeBool
	case "enum", "set":
		f.Type = connector.TypeEnum
		if it.Type == "set" {
			f.Type = connector.TypeMulti
		}
		f.Options = optionsOf(it)
		cf.options = map[string]string{}
		for _, o := range f.Options {
			cf.options[o.Value] = o.Label
		}
	case "user", "org", "people", "deal", "lead", "project", "stage":
		f.Type = connector.TypeID
	case "address", "monetary", "daterange", "time", "timerange":
		f.Type, f.ReadOnly = connector.TypeText, true
	default:
		return f, cf, false
	}
	return f, cf, true
}
