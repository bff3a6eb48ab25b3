package hubspot

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/crmsync/crmsync/sync/connector"
)

// property is the part of HubSpot's Property the connector uses.
type property struct {
	Name            string   `json:"name"`
	Label           string   `json:"label"`
	Type            string   `json:"type"`
	FieldType       string   `json:"fieldType"`
	TextDisplayHint string   `json:"textDisplayHint"`
	HasUniqueValue  bool     `json:"hasUniqueValue"`
	Calculated      bool     `json:"calculated"`
	Archived        bool     `json:"archived"`
	Options         []option `json:"options"`
	// ReferencedObjectType marks a property holding another record's id.
	ReferencedObjectType string `json:"referencedObjectType"`
	ModificationMetadata *struct {
		ReadOnlyValue bool `json:"readOnlyValue"`
	} `json:"modificationMetadata"`
}

type option struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// requiredOnCreate lists what HubSpot's docs say a create needs. The
// properties API has no required flag; deals need a name and a stage.
var requiredOnCreate = map[string][]string{
	"deals": {"dealname", "dealstage"},
}

// Schema lists the object's properties (GET /crm/properties/2026-03/{object}).
// The result is cached for the connector's lifetime.
func (c *Connector) Schema(ctx context.Context, object string) (connector.Schema, error) {
	c.mu.Lock()
	sc, ok := c.schemas[object]
	c.mu.Unlock()
	if ok {
		return sc, nil
	}
	path := "/crm/properties/" + apiVersion + "/" + url.PathEscape(object)
	r, err := c.call(ctx, http.MethodGet, path, nil)
	if err != nil {
		return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, err)
	}
	if r.status != http.StatusOK {
		return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, r.apiError())
	}
	var body struct {
		Results []property `json:"results"`
	}
	if err := r.decode(&body); err != nil {
		return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, err)
	}
	sc = connector.Schema{Object: object}
	req := map[string]bool{}
	for _, n := range requiredOnCreate[object] {
		req[n] = true
	}
	for _, p := range body.Results {
		if p.Archived {
			continue
		}
		f, err := fieldOf(p)
		if err != nil {
			return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, r.failf("property %q: %v", p.Name, err))
		}
		f.Required = req[p.Name]
		sc.Fields = append(sc.Fields, f)
	}
	if len(sc.Fields) == 0 {
		return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, r.fail("no properties returned"))
	}
	c.mu.Lock()
	c.schemas[object] = sc
	c.mu.Unlock()
	return sc, nil
}

func (r *response) failf(format string, args ...any) *connector.Error {
	return r.fail(fmt.Sprintf(format, args...))
}

// fieldOf maps a HubSpot property to a canonical field.
func fieldOf(p property) (connector.Field, error) {
	if p.Name == "" {
		return connector.Field{}, fmt.Errorf("property without a name")
	}
	f := connector.Field{Name: p.Name, Label: p.Label, Unique: p.HasUniqueValue,
		ReadOnly: p.Calculated || (p.ModificationMetadata != nil && p.ModificationMetadata.ReadOnlyValue)}
	switch p.Type {
	case "string":
		f.Type, f.MaxLen = connector.TypeString, maxValueLen
		switch {
		case p.Name == "email" || p.TextDisplayHint == "email" || p.FieldType == "email":
			f.Type = connector.TypeEmail
		case p.FieldType == "phonenumber" || p.TextDisplayHint == "phone_number":
			f.Type = connector.TypePhone
		case p.FieldType == "textarea" || p.FieldType == "html" || p.TextDisplayHint == "multi_line":
			f.Type = connector.TypeText
		}
	case "phone_number":
		f.Type, f.MaxLen = connector.TypePhone, maxValueLen
	case "number":
		f.Type = connector.TypeNumber
		if p.Name == "hs_object_id" || p.ReferencedObjectType != "" {
			f.Type = connector.TypeID
		}
	case "bool":
		f.Type = connector.TypeBool
	case "date":
		f.Type = connector.TypeDate
	case "datetime":
		f.Type = connector.TypeDateTime
	case "enumeration":
		f.Type = connector.TypeEnum
		for _, o := range p.Options {
			f.Options = append(f.Options, connector.Option{Value: o.Value, Label: o.Label})
		}
	case "object_coordinates", "json":
		f.Type, f.ReadOnly = connector.TypeText, true
	default:
		return connector.Field{}, fmt.Errorf("unknown property type %q", p.Type)
	}
	return f, nil
}

// typesOf maps property name -> canonical type for value conversion.
func typesOf(sc connector.Schema) map[string]connector.FieldType {
	m := make(map[string]connector.FieldType, len(sc.Fields))
	for _, f := range sc.Fields {
		m[f.Name] = f.Type
	}
	return m
}
