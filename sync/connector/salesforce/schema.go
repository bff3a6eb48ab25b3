package salesforce

import (
	"context"
	"fmt"
	"net/url"
	"regexp"

	"github.com/crmsync/crmsync/sync/connector"
)

// describeResult is the part of GET /sobjects/{Object}/describe we use.
type describeResult struct {
	Name   string          `json:"name"`
	Fields []describeField `json:"fields"`
}

type describeField struct {
	Name              string `json:"name"`
	Label             string `json:"label"`
	Type              string `json:"type"`
	Length            int    `json:"length"`
	Nillable          bool   `json:"nillable"`
	Createable        bool   `json:"createable"`
	Updateable        bool   `json:"updateable"`
	DefaultedOnCreate bool   `json:"defaultedOnCreate"`
	Unique            bool   `json:"unique"`
	ExternalID        bool   `json:"externalId"`
	PicklistValues    []struct {
		Active bool   `json:"active"`
		Value  string `json:"value"`
		Label  string `json:"label"`
	} `json:"picklistValues"`
}

// skippedTypes are compound or binary fields that have no scalar value to
// sync (their parts, e.g. MailingCity, are separate fields).
var skippedTypes = map[string]bool{
	"address": true, "location": true, "base64": true, "anyType": true, "complexvalue": true, "json": true,
}

// fieldTypes maps Salesforce's describe types to canonical types.
var fieldTypes = map[string]connector.FieldType{
	"string": connector.TypeString, "encryptedstring": connector.TypeString, "url": connector.TypeString,
	"combobox": connector.TypeString, "multipicklist": connector.TypeString, "time": connector.TypeString,
	"textarea": connector.TypeText,
	"email":    connector.TypeEmail,
	"phone":    connector.TypePhone,
	"picklist": connector.TypeEnum,
	"date":     connector.TypeDate,
	"datetime": connector.TypeDateTime,
	"double":   connector.TypeNumber, "currency": connector.TypeNumber, "int": connector.TypeNumber,
	"percent": connector.TypeNumber, "long": connector.TypeNumber,
	"boolean": connector.TypeBool,
	"id":      connector.TypeID, "reference": connector.TypeID,
}

// apiName guards names we put into URLs and SOQL: Salesforce API names are
// letters, digits and underscores.
var apiName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,79}$`)

func checkName(what, name string) error {
	if !apiName.MatchString(name) {
		return &connector.Error{Vendor: vendor, Endpoint: what, Category: connector.CatValidation,
			Message: fmt.Sprintf("%q is not a Salesforce API name", name)}
	}
	return nil
}

// Schema describes object (always fresh; it also refreshes the cache).
func (c *Conn) Schema(ctx context.Context, object string) (connector.Schema, error) {
	d, err := c.fetchDescribe(ctx, object)
	if err != nil {
		return connector.Schema{}, err
	}
	return toSchema(d)
}

// describe returns the cached describe of object, fetching it once.
func (c *Conn) describe(ctx context.Context, object string) (*describeResult, error) {
	c.mu.Lock()
	d := c.schemas[object]
	c.mu.Unlock()
	if d != nil {
		return d, nil
	}
	return c.fetchDescribe(ctx, object)
}

func (c *Conn) fetchDescribe(ctx context.Context, object string) (*describeResult, error) {
	if err := checkName("describe", object); err != nil {
		return nil, err
	}
	u, err := c.dataURL(ctx, "/sobjects/"+url.PathEscape(object)+"/describe", nil)
	if err != nil {
		return nil, err
	}
	var d describeResult
	if err := c.call(ctx, "GET", u, nil, &d, ""); err != nil {
		return nil, err
	}
	if _, err := toSchema(&d); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.schemas[object] = &d
	c.mu.Unlock()
	return &d, nil
}

func toSchema(d *describeResult) (connector.Schema, error) {
	s := connector.Schema{Object: d.Name}
	ep := "GET /sobjects/" + d.Name + "/describe"
	if len(d.Fields) == 0 {
		return s, &connector.Error{Vendor: vendor, Endpoint: ep, Category: connector.CatServer,
			Message: "describe returned no fields"}
	}
	for _, f := range d.Fields {
		if skippedTypes[f.Type] {
			continue
		}
		t, ok := fieldTypes[f.Type]
		if !ok {
			return s, &connector.Error{Vendor: vendor, Endpoint: ep, Category: connector.CatServer,
				Message: fmt.Sprintf("field %s has unknown type %q", f.Name, f.Type)}
		}
		if !apiName.MatchString(f.Name) {
			return s, &connector.Error{Vendor: vendor, Endpoint: ep, Category: connector.CatServer,
				Message: fmt.Sprintf("field name %q is not a Salesforce API name", f.Name)}
		}
		cf := connector.Field{
			Name:     f.Name,
			Label:    f.Label,
			Type:     t,
			Required: !f.Nillable && f.Createable && !f.DefaultedOnCreate,
			ReadOnly: !f.Updateable && !f.Createable,
			Unique:   f.Unique || f.ExternalID,
			MaxLen:   f.Length,
		}
		if t == connector.TypeNumber || t == connector.TypeBool || t == connector.TypeDate || t == connector.TypeDateTime {
			cf.MaxLen = 0 // describe's length is 0 or meaningless for these
		}
		for _, pv := range f.PicklistValues {
			if pv.Active {
				cf.Options = append(cf.Options, connector.Option{Value: pv.Value, Label: pv.Label})
			}
		}
		s.Fields = append(s.Fields, cf)
	}
	return s, nil
}

// fieldType returns the raw describe type of a field ("" if unknown).
func (d *describeResult) field(name string) (describeField, bool) {
	for _, f := range d.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return describeField{}, false
}

// readable lists the fields a SOQL read selects, Id and SystemModstamp first.
func (d *describeResult) readable() []string {
	out := []string{"Id", "SystemModstamp"}
	for _, f := range d.Fields {
		if skippedTypes[f.Type] || f.Name == "Id" || f.Name == "SystemModstamp" {
			continue
		}
		out = append(out, f.Name)
	}
	return out
}

// UpsertKey returns the object's first External ID field, or "".
func (c *Conn) UpsertKey(ctx context.Context, object string) (string, error) {
	d, err := c.describe(ctx, object)
	if err != nil {
		return "", err
	}
	for _, f := range d.Fields {
		if f.ExternalID {
			return f.Name, nil
		}
	}
	return "", nil
}
