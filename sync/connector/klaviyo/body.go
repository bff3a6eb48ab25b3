package klaviyo

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// item is one op of a batch on its way into an import job.
type item struct {
	i    int // the op's index in the batch
	op   connector.Op
	body profileBody
	// write is false when the op carries nothing for the job (only the
	// consent, on an update).
	write bool
	// email, phone and external id the op carries, to find a created
	// profile in the job's profiles.
	email, phone, externalID string
	// unsubscribe: the op sets the consent to UNSUBSCRIBED.
	unsubscribe bool
	// clears: the op blanks a standard attribute or a location part (null
	// in the body), which a bulk import job does not apply (patch.go).
	clears bool
}

// profileBody is one profile of POST /api/profile-bulk-import-jobs
// (ProfileUpsertQueryResourceObject): type, id for an update, the
// attributes the op carries (null for a blank) and, for a blank custom
// property, meta.patch_properties.unset.
type profileBody struct {
	Type       string         `json:"type"`
	ID         string         `json:"id,omitempty"`
	Attributes map[string]any `json:"attributes"`
	Meta       *profileMeta   `json:"meta,omitempty"`
}

type profileMeta struct {
	PatchProperties struct {
		Unset []string `json:"unset"`
	} `json:"patch_properties"`
}

// readOnly are fields Klaviyo sets itself; an op carrying one is refused
// rather than silently dropped.
var readOnly = map[string]bool{fID: true, fCreated: true, fUpdated: true, fLastEventDate: true}

// buildItem turns op into an item, or the error that fails its record
// before anything of it is written. props types the custom properties the
// schema knows; others are sent as text.
func buildItem(i int, op connector.Op, props map[string]connector.FieldType) (item, *connector.RecordError) {
	it := item{i: i, op: op, body: profileBody{Type: "profile", Attributes: map[string]any{}}}
	bad := func(field, code, msg string) (item, *connector.RecordError) {
		return item{}, &connector.RecordError{Vendor: vendor, Object: objProfiles, RecordID: op.ID,
			Category: connector.CatValidation, Field: field, Code: code, Message: msg}
	}
	if op.Kind == connector.OpUpdate {
		if op.ID == "" {
			return bad("", "MISSING_ID", "an update names no profile id")
		}
		it.body.ID = op.ID
	}
	location := map[string]any{}
	var unset []string
	for name, v := range op.Fields {
		v = strings.TrimSpace(v)
		switch {
		case name == fConsent:
			u, err := consentAsk(op.Kind, v)
			if err != nil {
				return bad(fConsent, err.code, err.msg)
			}
			it.unsubscribe = u
		case readOnly[name]:
			return bad(name, "READ_ONLY_FIELD", "Klaviyo sets "+name+" itself; it cannot be written")
		case strings.HasPrefix(name, locationPrefix):
			part := strings.TrimPrefix(name, locationPrefix)
			if !isLocationPart(part) {
				return bad(name, "UNKNOWN_FIELD", "a profile's location has no "+part)
			}
			val, err := locationValue(part, v)
			if err != nil {
				return bad(name, "INVALID_NUMBER", err.Error())
			}
			location[part] = val
			it.clears = it.clears || val == nil
		case strings.HasPrefix(name, propertiesPrefix):
			key := strings.TrimPrefix(name, propertiesPrefix)
			if key == "" {
				return bad(name, "UNKNOWN_FIELD", "a custom property needs a name")
			}
			if v == "" {
				unset = append(unset, key)
				continue
			}
			val, err := propertyValue(props[key], v)
			if err != nil {
				return bad(name, "INVALID_VALUE", err.Error())
			}
			it.body.Attributes["properties"] = setProp(it.body.Attributes["properties"], key, val)
		case isStandard(name):
			if v == "" {
				it.body.Attributes[name] = nil // clears the attribute
				it.clears = true
			} else {
				it.body.Attributes[name] = v
			}
		default:
			return bad(name, "UNKNOWN_FIELD", "a Klaviyo profile has no field "+name)
		}
	}
	if len(location) > 0 {
		it.body.Attributes["location"] = location
	}
	if len(unset) > 0 {
		it.body.Meta = &profileMeta{}
		it.body.Meta.PatchProperties.Unset = unset
	}
	it.email, it.phone, it.externalID = strings.TrimSpace(op.Fields[fEmail]), strings.TrimSpace(op.Fields[fPhone]), strings.TrimSpace(op.Fields[fExternalID])
	it.write = len(it.body.Attributes) > 0 || it.body.Meta != nil || op.Kind != connector.OpUpdate
	if op.Kind != connector.OpUpdate && it.email == "" && it.phone == "" && it.externalID == "" {
		return bad(fEmail, "MISSING_IDENTIFIER", "a new Klaviyo profile needs an email, a phone number or an external id")
	}
	if it.unsubscribe && op.Kind != connector.OpUpdate && it.email == "" {
		return bad(fConsent, "MISSING_EMAIL", noEmailMessage)
	}
	return it, nil
}

func setProp(m any, key string, val any) map[string]any {
	props, _ := m.(map[string]any)
	if props == nil {
		props = map[string]any{}
	}
	props[key] = val
	return props
}

// isStandard reports a writable top-level attribute.
func isStandard(name string) bool {
	switch name {
	case fEmail, fPhone, fExternalID, fFirst, fLast, fOrganization, fTitle, fLocale, fImage:
		return true
	}
	return false
}

func isLocationPart(p string) bool {
	for _, x := range locationParts {
		if x == p {
			return true
		}
	}
	return false
}

// locationValue is a location part's wire value: null for a blank, a
// number for latitude and longitude, text otherwise.
func locationValue(part, v string) (any, error) {
	if v == "" {
		return nil, nil
	}
	if part == "latitude" || part == "longitude" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", v)
		}
		return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), nil
	}
	return v, nil
}

// propertyValue is a custom property's wire value by the type the schema
// gives it: a number, a bool, or text (also for a property not seen yet).
func propertyValue(t connector.FieldType, v string) (any, error) {
	switch t {
	case connector.TypeNumber:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", v)
		}
		return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), nil
	case connector.TypeBool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", v)
		}
		return b, nil
	}
	return v, nil
}
