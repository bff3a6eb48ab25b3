package hubspot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

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
	// DisplayOrder is the option's place; for lifecyclestage it is the
	// stage order a portal may customize (see lifecycle.go).
	DisplayOrder int `json:"displayOrder"`
}

// requiredOnCreate lists what HubSpot's docs say a create needs. The
// properties API has no required flag; deals need a name and a stage,
// notes, tasks and calls their time. A meeting's defaults to its
// start.
var requiredOnCreate = map[string][]string{
	"deals": {"dealname", "dealstage"},
	"notes": {"hs_timestamp"},
	"tasks": {"hs_timestamp"},
	"calls": {"hs_timestamp"},
}

// Schema lists the object's properties (GET /crm/properties/2026-03/{object}).
// The result is held for the connector's lifetime and kept in the metadata
// cache between runs; a ctx marked with connector.WithFreshSchema always
// asks HubSpot (and refreshes both).
func (c *Connector) Schema(ctx context.Context, object string) (connector.Schema, error) {
	fresh := connector.FreshSchema(ctx)
	if !fresh {
		c.mu.Lock()
		sc, ok := c.schemas[object]
		c.mu.Unlock()
		if ok {
			return sc, nil
		}
	}
	key := propertiesKey(object)
	var cacheErr error
	if !fresh {
		var b []byte
		var ok bool
		if b, ok, cacheErr = c.meta.Lookup(ctx, key); ok {
			if props, required, ok := decodeCached(object, b); ok {
				if sc, err := schemaOf(object, props, required); err == nil {
					if sc, err = c.withOwners(ctx, sc, props, false); err != nil {
						return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, err)
					}
					c.hold(object, sc)
					return sc, nil
				}
			}
			// An entry that no longer parses is refetched and overwritten.
		}
	}
	path := "/crm/properties/" + apiVersion + "/" + url.PathEscape(object)
	r, err := c.call(ctx, http.MethodGet, path, nil)
	if err != nil {
		return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, withCacheErr(err, cacheErr))
	}
	if r.Status != http.StatusOK {
		return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, withCacheErr(r.apiError(), cacheErr))
	}
	var body struct {
		Results []property `json:"results"`
	}
	if err := r.Decode(&body); err != nil {
		return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, err)
	}
	live := make([]property, 0, len(body.Results))
	for _, p := range body.Results {
		if !p.Archived {
			live = append(live, p)
		}
	}
	var required []string
	if isCustom(object) {
		// The properties API has no required flag; a custom object's
		// schema lists what a create needs.
		if required, err = c.requiredOf(ctx, object); err != nil {
			return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, err)
		}
	}
	sc, err := schemaOf(object, live, required)
	if err != nil {
		return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, r.Fail(err.Error()))
	}
	if sc, err = c.withOwners(ctx, sc, live, fresh); err != nil {
		return connector.Schema{}, fmt.Errorf("hubspot: schema of %s: %w", object, err)
	}
	c.hold(object, sc)
	if c.meta.Enabled() {
		// Only the parts of each property we use are kept.
		if b, err := encodeCached(object, live, required); err == nil {
			_ = c.meta.Store(ctx, key, b) // a failure is logged by the cache's owner
		}
	}
	return sc, nil
}

// customCached is a custom object's metadata cache entry: its properties
// and its schema's requiredProperties. A standard object's entry is its
// property list alone, as before.
type customCached struct {
	Properties []property `json:"properties"`
	Required   []string   `json:"requiredProperties"`
}

func encodeCached(object string, props []property, required []string) ([]byte, error) {
	if isCustom(object) {
		return json.Marshal(customCached{Properties: props, Required: required})
	}
	return json.Marshal(props)
}

// decodeCached reads an entry encodeCached wrote; false for one that does
// not parse.
func decodeCached(object string, b []byte) ([]property, []string, bool) {
	if isCustom(object) {
		var cc customCached
		if json.Unmarshal(b, &cc) != nil || cc.Properties == nil {
			return nil, nil, false
		}
		return cc.Properties, cc.Required, true
	}
	var props []property
	if json.Unmarshal(b, &props) != nil {
		return nil, nil, false
	}
	return props, nil, true
}

func (c *Connector) hold(object string, sc connector.Schema) {
	c.mu.Lock()
	c.schemas[object] = sc
	c.mu.Unlock()
}

// schemaOf maps live (not archived) properties to the object's schema.
// required names what a create needs besides requiredOnCreate (a custom
// object's requiredProperties).
func schemaOf(object string, props []property, required []string) (connector.Schema, error) {
	sc := connector.Schema{Object: object}
	req := map[string]bool{}
	for _, n := range requiredOnCreate[object] {
		req[n] = true
	}
	for _, n := range required {
		req[n] = true
	}
	for _, p := range props {
		if p.Archived {
			continue
		}
		f, err := fieldOf(p)
		if err != nil {
			return connector.Schema{}, fmt.Errorf("property %q: %v", p.Name, err)
		}
		f.Required = req[p.Name]
		sc.Fields = append(sc.Fields, f)
	}
	if len(sc.Fields) == 0 {
		return connector.Schema{}, errors.New("no properties returned")
	}
	return secondaryEmails(optOutWritable(refWritable(sc))), nil
}

// additionalEmails is a contact's property holding its other emails,
// joined by ";": a merge adds the merged-away contact's email there
// (HubSpot knowledge base, "Merge contacts"), and HubSpot refuses that
// email to any other contact.
const additionalEmails = "hs_additional_emails"

// secondaryEmails marks a contact's additional emails as further values
// of its email, read-only (they are set by merges, not the v3 API), and
// its email as stored lower-cased: HubSpot keeps "Ada@Example.com" as
// "ada@example.com", so a sync reading it back must not see an edit.
func secondaryEmails(sc connector.Schema) connector.Schema {
	if sc.Object != "contacts" {
		return sc
	}
	for i := range sc.Fields {
		switch sc.Fields[i].Name {
		case additionalEmails:
			sc.Fields[i].SecondaryOf, sc.Fields[i].ReadOnly = "email", true
		case "email":
			sc.Fields[i].Lower = true
		}
	}
	return sc
}

// propertiesPrefix starts every cached property list.
const propertiesPrefix = "hubspot/properties/"

// propertiesKey names an object's property list in the metadata cache.
func propertiesKey(object string) string { return propertiesPrefix + apiVersion + "/" + object }

// withCacheErr adds a metadata-cache failure to a fetch failure; on its
// own a cache failure never fails a call (the fetch replaces it).
func withCacheErr(err, cacheErr error) error {
	if cacheErr == nil {
		return err
	}
	return fmt.Errorf("%w (metadata cache: %w)", err, cacheErr)
}

// staleSchemaCodes are HubSpot error codes saying a write used a property
// that no longer exists, became read-only or lost an option: the cached
// property list is out of date.
var staleSchemaCodes = [][]byte{[]byte("PROPERTY_DOESNT_EXIST"), []byte("READ_ONLY_VALUE"), []byte("INVALID_OPTION")}

// schemaWatch sits between the connector and the transport. When a call on
// an object answers 207 or 400 with one of staleSchemaCodes, it drops that
// object's cached properties so the next run fetches them again.
type schemaWatch struct {
	next doer
	meta *connector.Meta
}

func (w schemaWatch) Do(req *http.Request) (*http.Response, error) {
	resp, err := w.next.Do(req)
	if err != nil || resp == nil || resp.Body == nil ||
		(resp.StatusCode != http.StatusMultiStatus && resp.StatusCode != http.StatusBadRequest) {
		return resp, err
	}
	object, ok := objectOfPath(req.URL.Path)
	if !ok {
		return resp, err
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	_ = resp.Body.Close()
	var rest io.Reader = bytes.NewReader(b)
	if rerr != nil {
		rest = io.MultiReader(rest, failingReader{rerr}) // the caller sees the same failure
	}
	resp.Body = io.NopCloser(rest)
	for _, code := range staleSchemaCodes {
		if bytes.Contains(b, code) {
			_ = w.meta.Forget(req.Context(), propertiesKey(object)) // a failure is logged by the cache's owner
			break
		}
	}
	return resp, err
}

// objectOfPath finds {object} in .../crm/objects/2026-03/{object}/...
func objectOfPath(p string) (string, bool) {
	const marker = "/crm/objects/" + apiVersion + "/"
	i := strings.Index(p, marker)
	if i < 0 {
		return "", false
	}
	object, _, _ := strings.Cut(p[i+len(marker):], "/")
	return object, object != ""
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

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
		if p.FieldType == "checkbox" { // multiple checkboxes: "A;B", HubSpot's own separator
			f.Type = connector.TypeMulti
		}
		// Options keep HubSpot's displayOrder, so their order is the
		// stage order where one matters (lifecyclestage); a cached list
		// without it keeps the order it was read in.
		for _, o := range slices.SortedStableFunc(slices.Values(p.Options), func(x, y option) int { return x.DisplayOrder - y.DisplayOrder }) {
			f.Options = append(f.Options, connector.Option{Value: o.Value, Label: o.Label})
		}
	case "object_coordinates", "json":
		f.Type, f.ReadOnly = connector.TypeText, true
	default:
		return connector.Field{}, fmt.Errorf("unknown property type %q", p.Type)
	}
	return f, nil
}

// schemaProp is a property of the schema as records are read with it.
type schemaProp struct {
	Name string // the schema's own string: every record read shares it
	Type connector.FieldType
}

// typesOf maps property name -> the property, for value conversion.
// searchProps lists the properties a search asks for: every field of the
// schema that a property holds.
func searchProps(sc connector.Schema) []string {
	props := make([]string, 0, len(sc.Fields))
	for _, f := range sc.Fields {
		if searchable(sc.Object, f.Name) {
			props = append(props, f.Name)
		}
	}
	return props
}

func typesOf(sc connector.Schema) map[string]schemaProp {
	m := make(map[string]schemaProp, len(sc.Fields))
	for _, f := range sc.Fields {
		m[f.Name] = schemaProp{Name: f.Name, Type: f.Type}
	}
	return m
}
