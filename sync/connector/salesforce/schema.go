package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/crmsync/crmsync/sync/connector"
)

// describeResult is the part of GET /sobjects/{Object}/describe we use.
type describeResult struct {
	Name   string          `json:"name"`
	Fields []describeField `json:"fields"`
	// stale, set on a describe taken from the metadata cache, drops that
	// entry when a field lookup misses: the org may have gained the field
	// since, so the next run describes again.
	stale func() `json:"-"`
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
	DefaultValue      any    `json:"defaultValue"`
	Unique            bool   `json:"unique"`
	ExternalID        bool   `json:"externalId"`
	// ReferenceTo names the objects a lookup points at (Associate on a
	// custom object); left out of the cache for other fields.
	ReferenceTo []string `json:"referenceTo,omitempty"`
	// RestrictedPicklist is nil in a describe cached before it was kept:
	// taken as restricted, as then.
	RestrictedPicklist *bool `json:"restrictedPicklist,omitempty"`
	PicklistValues     []struct {
		Active bool   `json:"active"`
		Value  string `json:"value"`
		Label  string `json:"label"`
		// ValidFor: a dependent picklist's bitmap over its controller's
		// values (statecountry.go).
		ValidFor string `json:"validFor,omitempty"`
	} `json:"picklistValues"`
	ControllerName string `json:"controllerName,omitempty"`
}

// skippedTypes are compound or binary fields that have no scalar value to
// sync (their parts, e.g. MailingCity, are separate fields).
var skippedTypes = map[string]bool{
	"address": true, "location": true, "base64": true, "anyType": true, "complexvalue": true, "json": true,
}

// fieldTypes maps Salesforce's describe types to canonical types.
var fieldTypes = map[string]connector.FieldType{
	"string": connector.TypeString, "encryptedstring": connector.TypeString, "url": connector.TypeString,
	"combobox": connector.TypeString, "time": connector.TypeString,
	"multipicklist": connector.TypeMulti, // "A;B", Salesforce's own separator
	"textarea":      connector.TypeText,
	"email":         connector.TypeEmail,
	"phone":         connector.TypePhone,
	"picklist":      connector.TypeEnum,
	"date":          connector.TypeDate,
	"datetime":      connector.TypeDateTime,
	"double":        connector.TypeNumber, "currency": connector.TypeNumber, "int": connector.TypeNumber,
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

// Schema describes object. It uses the describe this connection already
// holds or a fresh one from the metadata cache; a ctx marked with
// connector.WithFreshSchema always asks the org (and refreshes the cache).
func (c *Conn) Schema(ctx context.Context, object string) (connector.Schema, error) {
	var d *describeResult
	var err error
	if connector.FreshSchema(ctx) {
		d, err = c.fetchDescribe(ctx, object, nil)
	} else {
		d, err = c.describe(ctx, object)
	}
	if err != nil {
		return connector.Schema{}, err
	}
	sc, err := toSchema(d)
	if err != nil {
		return sc, err
	}
	return c.withOwners(ctx, sc, connector.FreshSchema(ctx))
}

// describePrefix starts every describe key.
const describePrefix = "salesforce/describe/"

// describeKey names an object's describe in the metadata cache; it carries
// the API version because a describe's shape follows it.
func describeKey(version, object string) string { return describePrefix + version + "/" + object }

// describe returns the describe of object: held, cached, or fetched once.
func (c *Conn) describe(ctx context.Context, object string) (*describeResult, error) {
	c.mu.Lock()
	d := c.schemas[object]
	c.mu.Unlock()
	if d != nil {
		return d, nil
	}
	if err := checkName("describe", object); err != nil {
		return nil, err
	}
	var cacheErr error
	if c.meta.Enabled() {
		v, err := c.apiVersion(ctx)
		if err != nil {
			return nil, err
		}
		key := describeKey(v, object)
		var b []byte
		var ok bool
		if b, ok, cacheErr = c.meta.Lookup(ctx, key); ok {
			var cd describeResult
			if json.Unmarshal(b, &cd) == nil && strings.EqualFold(cd.Name, object) {
				if _, err := toSchema(&cd); err == nil {
					var once sync.Once
					cd.stale = func() {
						// No ctx reaches a field lookup; the drop is one
						// local SQLite statement.
						once.Do(func() { _ = c.meta.Forget(context.Background(), key) })
					}
					c.mu.Lock()
					c.schemas[object] = &cd
					c.mu.Unlock()
					return &cd, nil
				}
			}
			// An entry that no longer parses is refetched and overwritten.
		}
	}
	return c.fetchDescribe(ctx, object, cacheErr)
}

// fetchDescribe asks the org for object's describe, holds it and stores it
// in the metadata cache. cacheErr is a cache failure that led here.
func (c *Conn) fetchDescribe(ctx context.Context, object string, cacheErr error) (*describeResult, error) {
	if err := checkName("describe", object); err != nil {
		return nil, err
	}
	u, err := c.dataURL(ctx, "/sobjects/"+url.PathEscape(object)+"/describe", nil)
	if err != nil {
		return nil, withCacheErr(err, cacheErr)
	}
	var d describeResult
	if err := c.call(ctx, "GET", u, nil, &d, ""); err != nil {
		return nil, withCacheErr(err, cacheErr)
	}
	if _, err := toSchema(&d); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.schemas[object] = &d
	v := c.version
	c.mu.Unlock()
	if c.meta.Enabled() && v != "" {
		// Only the fields we use are kept: a full describe is far larger.
		if b, err := json.Marshal(&d); err == nil {
			_ = c.meta.Store(ctx, describeKey(v, object), b) // a failure is logged by the cache's owner
		}
	}
	return &d, nil
}

// schemaErrorCodes are vendor codes saying a field the connector used is
// unknown or not writable: the cached describe is out of date.
// INACTIVE_OWNER_OR_USER says the cached users are: an owner was
// deactivated since they were read. INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST
// says a picklist value the cached describe lists active was deactivated
// (as HubSpot's INVALID_OPTION does).
var schemaErrorCodes = map[string]bool{"INVALID_FIELD": true, "INVALID_FIELD_FOR_INSERT_UPDATE": true, "INACTIVE_OWNER_OR_USER": true,
	"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST": true}

// noteCallError reacts to a failed call: a field error drops the cached
// describes; a 404/410 on a versioned URL with a cached version (it may
// have been retired) drops the version and rediscovers it. It returns e.
func (c *Conn) noteCallError(ctx context.Context, e *connector.Error) *connector.Error {
	if schemaErrorCodes[e.Code] {
		_ = c.meta.Forget(ctx, describePrefix)
	}
	if (e.Status == http.StatusNotFound && e.Code == "NOT_FOUND") || e.Status == http.StatusGone {
		c.mu.Lock()
		v, cached := c.version, c.versionCached
		if cached && strings.Contains(e.Endpoint, "/services/data/"+v+"/") {
			c.version, c.versionCached = "", false
		} else {
			cached = false
		}
		c.mu.Unlock()
		if cached {
			_ = c.meta.Forget(ctx, c.versionKey())
		}
	}
	return e
}

// noteDecoded passes err through; after a decoded Collections response
// with a per-record field error it drops the cached describes.
func (c *Conn) noteDecoded(ctx context.Context, err error, out any) error {
	saved, ok := out.(*[]saveResult)
	if err != nil || !ok || !c.meta.Enabled() {
		return err
	}
	for _, r := range *saved {
		for _, e := range r.Errors {
			if schemaErrorCodes[e.StatusCode] {
				_ = c.meta.Forget(ctx, describePrefix)
				return nil
			}
		}
	}
	return nil
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
		if t == connector.TypeBool {
			// A checkbox is never null: true or false from the start.
			cf.Default = "false"
			if f.DefaultValue == true {
				cf.Default = "true"
			}
		}
		// Salesforce stores a value outside an unrestricted picklist's list
		// as is (restrictedPicklist false, the default).
		cf.Unrestricted = (t == connector.TypeEnum || t == connector.TypeMulti) && f.RestrictedPicklist != nil && !*f.RestrictedPicklist
		for _, pv := range f.PicklistValues {
			if pv.Active {
				cf.Options = append(cf.Options, connector.Option{Value: pv.Value, Label: pv.Label})
			}
		}
		if code, ok := addressCodeField(d, f); ok {
			asAddressPicklist(&cf, code)
			dependsOn(&cf, d, code, true)
		} else if t == connector.TypeEnum {
			dependsOn(&cf, d, f, false)
		}
		s.Fields = append(s.Fields, cf)
	}
	return s, nil
}

// field returns the named field's describe.
func (d *describeResult) field(name string) (describeField, bool) {
	for _, f := range d.Fields {
		if f.Name == name {
			return f, true
		}
	}
	if d.stale != nil {
		d.stale()
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

// readableOf is readable narrowed to the fields ctx names
// (connector.WithReadFields), keeping what the connector reads itself: the
// delete flag, on a merge's losers the winner, and the last user edit's
// time (Record.Modified).
func (d *describeResult) readableOf(ctx context.Context) []string {
	all := d.readable()
	want, ok := connector.ReadFields(ctx)
	if !ok {
		return all
	}
	return slices.DeleteFunc(all, func(f string) bool {
		return !want[f] && f != "Id" && f != "SystemModstamp" && f != "IsDeleted" && f != "MasterRecordId" && f != "LastModifiedDate"
	})
}

// UpsertKey returns the object's first External ID field, or "".
func (c *Conn) UpsertKey(ctx context.Context, object string) (string, error) {
	d, err := c.describe(ctx, object)
	if err != nil {
		return "", err
	}
	// A unique External ID matches one record at most; a non-unique one
	// (data imported with its old ids) can match several, and Salesforce
	// then refuses the upsert with 300 Multiple Choices. One the connected
	// user cannot create (field-level security left it read-only) refuses
	// every create with INVALID_FIELD_FOR_INSERT_UPDATE: it is no key.
	first := ""
	for _, f := range d.Fields {
		switch {
		case !f.Createable:
		case f.ExternalID && f.Unique:
			return f.Name, nil
		case f.ExternalID && first == "":
			first = f.Name
		}
	}
	return first, nil
}
