package klaviyo

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

// Field names: a profile's attributes by their JSON names, the location's
// parts and custom properties with a dotted prefix, the email consent by
// its path under attributes.
const (
	fID            = "id"
	fEmail         = "email"
	fPhone         = "phone_number"
	fExternalID    = "external_id"
	fFirst         = "first_name"
	fLast          = "last_name"
	fOrganization  = "organization"
	fTitle         = "title"
	fLocale        = "locale"
	fImage         = "image"
	fCreated       = "created"
	fUpdated       = "updated"
	fLastEventDate = "last_event_date"
	// fConsent is the email marketing consent: SUBSCRIBED, UNSUBSCRIBED or
	// NEVER_SUBSCRIBED (consent.go).
	fConsent = "subscriptions.email.marketing.consent"
	// locationPrefix and propertiesPrefix start the names of a location
	// part (location.city) and of a custom property (properties.Plan).
	locationPrefix   = "location."
	propertiesPrefix = "properties."
)

// Consent values of subscriptions.email.marketing.consent.
const (
	consentSubscribed      = "SUBSCRIBED"
	consentUnsubscribed    = "UNSUBSCRIBED"
	consentNeverSubscribed = "NEVER_SUBSCRIBED"
)

// locationParts are ProfileLocation's properties, in the spec's order.
var locationParts = []string{"address1", "address2", "city", "country", "latitude", "longitude", "region", "zip", "timezone", "ip"}

// standardFields are the profile attributes the spec lists for reads and
// for the bulk import, with their types.
func standardFields() []connector.Field {
	fs := []connector.Field{
		{Name: fID, Label: "Profile ID", Type: connector.TypeID, ReadOnly: true},
		{Name: fEmail, Label: "Email", Type: connector.TypeEmail, Unique: true},
		{Name: fPhone, Label: "Phone number (E.164)", Type: connector.TypePhone, Unique: true},
		{Name: fExternalID, Label: "External ID", Type: connector.TypeString, Unique: true},
		{Name: fFirst, Label: "First name", Type: connector.TypeText},
		{Name: fLast, Label: "Last name", Type: connector.TypeText},
		{Name: fOrganization, Label: "Organization", Type: connector.TypeText},
		{Name: fTitle, Label: "Job title", Type: connector.TypeText},
		{Name: fLocale, Label: "Locale (IETF BCP 47)", Type: connector.TypeString},
		{Name: fImage, Label: "Image URL", Type: connector.TypeString},
	}
	for _, p := range locationParts {
		f := connector.Field{Name: locationPrefix + p, Label: "Location " + p, Type: connector.TypeText}
		if p == "latitude" || p == "longitude" {
			f.Type = connector.TypeNumber
		}
		fs = append(fs, f)
	}
	return append(fs,
		connector.Field{Name: fConsent, Label: "Email marketing consent", Type: connector.TypeEnum, Options: []connector.Option{
			{Value: consentSubscribed, Label: "Subscribed"},
			{Value: consentUnsubscribed, Label: "Unsubscribed"},
			{Value: consentNeverSubscribed, Label: "Never subscribed"},
		}},
		connector.Field{Name: fCreated, Label: "Created", Type: connector.TypeDateTime, ReadOnly: true},
		connector.Field{Name: fUpdated, Label: "Updated", Type: connector.TypeDateTime, ReadOnly: true},
		connector.Field{Name: fLastEventDate, Label: "Last event date", Type: connector.TypeDateTime, ReadOnly: true},
	)
}

// propsKey is the metadata cache's key for the custom properties seen.
const propsKey = "klaviyo:profiles:properties:v1"

// Schema lists the profile attributes and the custom properties seen on
// the newest page of profiles. Klaviyo has no API that lists the
// properties an account uses [unverified: none found in the spec], so a
// property no recent profile carries is not offered; a sync may still name
// any properties.<name>, which reads and writes take as text.
func (c *Connector) Schema(ctx context.Context, object string) (connector.Schema, error) {
	if err := checkObject(object); err != nil {
		return connector.Schema{}, err
	}
	fresh := connector.FreshSchema(ctx)
	c.mu.Lock()
	if c.schema != nil && !fresh {
		sc := *c.schema
		c.mu.Unlock()
		return sc, nil
	}
	c.mu.Unlock()
	props, err := c.properties(ctx, fresh)
	if err != nil {
		return connector.Schema{}, fmt.Errorf("klaviyo: schema: %w", err)
	}
	sc := connector.Schema{Object: objProfiles, Fields: standardFields()}
	for _, p := range props {
		sc.Fields = append(sc.Fields, connector.Field{Name: propertiesPrefix + p.Name, Label: p.Name + " (custom property)", Type: p.Type})
	}
	c.mu.Lock()
	c.schema = &sc
	c.mu.Unlock()
	return sc, nil
}

// checkObject refuses any object but profiles.
func checkObject(object string) error {
	if object != objProfiles {
		return fmt.Errorf("klaviyo: unknown object %q: Klaviyo offers %q", object, objProfiles)
	}
	return nil
}

// property is one custom property seen, with the type its values suggest.
type property struct {
	Name string              `json:"name"`
	Type connector.FieldType `json:"type"`
}

// properties are the custom properties of the newest page of profiles
// (sort=-updated, fields[profile]=properties), cached for a day.
func (c *Connector) properties(ctx context.Context, fresh bool) ([]property, error) {
	if !fresh {
		if raw, ok, _ := c.meta.Lookup(ctx, propsKey); ok {
			var props []property
			if json.Unmarshal(raw, &props) == nil {
				return props, nil
			}
		}
	}
	q := url.Values{"sort": {"-updated"}, "fields[profile]": {"properties"}, "page[size]": {strconv.Itoa(c.pageSize)}}
	r, err := c.call(ctx, http.MethodGet, "/api/profiles?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	if r.Status != http.StatusOK {
		return nil, r.apiError()
	}
	var page struct {
		Data []struct {
			Attributes struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if err := r.Decode(&page); err != nil {
		return nil, err
	}
	if page.Data == nil {
		// A JSON:API listing always has "data", [] for none: an answer
		// without it (a gateway's JSON) is not an account whose profiles
		// carry no custom property, which would be cached for a day.
		return nil, r.Fail(`answer has no "data" list`)
	}
	types := map[string]connector.FieldType{}
	for _, p := range page.Data {
		for k, v := range p.Attributes.Properties {
			t, ok := propertyType(v)
			if !ok || strings.HasPrefix(k, "$") { // Klaviyo's own ($source, $consent…) [unverified: not documented as writable]
				continue
			}
			if old, seen := types[k]; seen && old != t {
				t = connector.TypeText // mixed values: text holds them all
			}
			types[k] = t
		}
	}
	props := make([]property, 0, len(types))
	for k, t := range types {
		props = append(props, property{Name: k, Type: t})
	}
	sort.Slice(props, func(i, j int) bool { return props[i].Name < props[j].Name })
	if raw, err := json.Marshal(props); err == nil {
		_ = c.meta.Store(ctx, propsKey, raw) // a cache failure costs a call next time, nothing more
	}
	return props, nil
}

// propertyType is the field type of a custom property's value: text,
// number or bool; objects, lists and nulls say nothing (ok false).
func propertyType(raw json.RawMessage) (connector.FieldType, bool) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "" || s == "null" || s[0] == '{' || s[0] == '[':
		return "", false
	case s == "true" || s == "false":
		return connector.TypeBool, true
	case s[0] == '"':
		return connector.TypeText, true
	}
	return connector.TypeNumber, true
}
