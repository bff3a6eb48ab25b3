package klaviyo

import (
	"context"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// sparseFields is what a read asks Klaviyo for and which record fields
// the answer fills.
type sparseFields struct {
	fields        []string        // fields[profile]; names nil asks for every attribute
	subscriptions bool            // additional-fields[profile]=subscriptions, for the consent
	names         map[string]bool // the record fields read; nil: every one
}

// sparseFieldsOf is what a read marked with connector.WithReadFields asks
// for: a sparse fieldset (fields[profile], the API overview's sparse
// fieldsets; names from get_profiles' enum in klaviyo/openapi) of the
// fields named, with subscriptions only when the consent is one of them,
// and what the connector reads itself: updated (the cursor) and the email.
// The id is the resource's own, always sent. An unmarked ctx reads every
// attribute and the subscriptions, as before.
func sparseFieldsOf(ctx context.Context) sparseFields {
	want, ok := connector.ReadFields(ctx)
	if !ok {
		return sparseFields{subscriptions: true}
	}
	s := sparseFields{fields: []string{fEmail, fUpdated}, names: map[string]bool{fID: true, fEmail: true, fUpdated: true}}
	for _, name := range slices.Sorted(maps.Keys(want)) { // sorted: the same query from read to read
		wire, ok := wireField(name)
		if !ok || s.names[name] {
			continue
		}
		s.names[name] = true
		s.subscriptions = s.subscriptions || name == fConsent
		if !slices.Contains(s.fields, wire) {
			s.fields = append(s.fields, wire)
		}
	}
	return s
}

// wireField is the fields[profile] member that holds a record field:
// attributes and location parts go by their own names, the consent by its
// path; custom properties by properties, which the enum offers only whole.
// False for a name that is none of these.
func wireField(name string) (string, bool) {
	switch {
	case isStandard(name), name == fCreated, name == fUpdated, name == fLastEventDate, name == fConsent:
		return name, true
	case strings.HasPrefix(name, propertiesPrefix):
		return "properties", true
	}
	if part, ok := strings.CutPrefix(name, locationPrefix); ok && isLocationPart(part) {
		return name, true
	}
	return "", false
}

// set puts the selection's parameters in a listing's query.
func (s sparseFields) set(q url.Values) {
	if s.subscriptions {
		q.Set("additional-fields[profile]", "subscriptions")
	}
	if s.names != nil {
		q.Set("fields[profile]", strings.Join(s.fields, ","))
	}
}

// trim leaves in a record's fields only those the selection read: an
// attribute not asked for would otherwise read as blank, which is not what
// the profile holds.
func (s sparseFields) trim(f map[string]string) {
	if s.names == nil {
		return
	}
	for k := range f {
		if !s.names[k] {
			delete(f, k)
		}
	}
}
