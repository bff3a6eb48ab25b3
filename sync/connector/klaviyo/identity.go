package klaviyo

import (
	"context"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// identifiers are the attributes Klaviyo keeps unique per profile, in the
// order a profile is identified by them.
var identifiers = []string{fEmail, fPhone, fExternalID}

// value is the identifier field's value an item carries, normalized as
// Klaviyo compares it (emails without case).
func (it item) value(field string) string {
	switch field {
	case fEmail:
		return strings.ToLower(it.email)
	case fPhone:
		return it.phone
	}
	return it.externalID
}

// holders are the profiles Klaviyo already holds, by identifier field and
// value.
type holders map[string]map[string]connector.Record

// claimProfiles looks up the profiles the creates among items would land
// on and keeps back, failed alone, each create that would land on
// someone else's profile. Klaviyo keeps one profile per email, phone
// number and external id, so a new email whose phone number (or external
// id) another person's profile holds is either merged into that profile
// or refused; merged, it would take that person's profile, email and all,
// and link it twice. The same goes for two creates of one batch sharing a
// phone number. It returns the items to import and the ids of the
// profiles that existed before, so a create resolved to one says Created
// false.
func (c *Connector) claimProfiles(ctx context.Context, items []item, res []connector.Result) ([]item, map[string]bool, error) {
	held, err := c.holders(ctx, items)
	if err != nil {
		return nil, nil, err
	}
	existed := map[string]bool{}
	claimed := map[string]map[string]item{fEmail: {}, fPhone: {}, fExternalID: {}} // by earlier creates of the batch
	keep := items[:0:0]
	for _, it := range items {
		if it.op.Kind == connector.OpUpdate {
			keep = append(keep, it)
			continue
		}
		if other, ok := claimed[fEmail][it.value(fEmail)]; ok && it.op.Kind == connector.OpCreate && it.value(fEmail) != "" {
			// Two plain creates with one email: the import would merge
			// them into one profile with both people's values.
			res[it.i].Err = taken(it, fEmail, fmt.Sprintf("the profile being created in the same write for %s has the same email", describe(other.email)))
			continue
		}
		if own, ok := held[fEmail][it.value(fEmail)]; ok && it.op.Kind == connector.OpCreate && it.value(fEmail) != "" {
			// A plain create (the sync does not match on email): the
			// import would update the profile holding the email, maybe
			// linked to someone else. Refused as Klaviyo's Create Profile
			// refuses it (409 duplicate_profile, meta.duplicate_profile_id:
			// developers.klaviyo.com/en/reference/create_profile), so the
			// engine asks a person whether that profile is this one.
			res[it.i].Err = &connector.RecordError{Vendor: vendor, Object: objProfiles, RecordID: it.op.ID, Category: connector.CatConflict,
				Field: fEmail, Code: "duplicate_profile", Duplicates: []string{own.ID},
				Message: fmt.Sprintf("A profile already exists with one of these identifiers. (profile %s already holds email %q, and Klaviyo keeps one profile per email: "+
					"if they are the same person link them, otherwise give one of them another email)", own.ID, it.email)}
			continue
		}
		if why := clash(it, held, claimed); why != nil {
			res[it.i].Err = why
			continue
		}
		for _, f := range identifiers {
			if v := it.value(f); v != "" {
				claimed[f][v] = it
				if p, ok := held[f][v]; ok {
					existed[p.ID] = true
				}
			}
		}
		keep = append(keep, it)
	}
	return keep, existed, nil
}

// holders looks up, by each identifier the creates among items carry,
// the profiles Klaviyo holds: one call per 100 values per identifier.
func (c *Connector) holders(ctx context.Context, items []item) (holders, error) {
	out := holders{}
	for _, f := range identifiers {
		var values []string
		for _, it := range items {
			if v := it.value(f); v != "" && it.op.Kind != connector.OpUpdate {
				values = append(values, v)
			}
		}
		out[f] = map[string]connector.Record{}
		if len(values) == 0 {
			continue
		}
		recs, err := c.Lookup(ctx, objProfiles, f, values)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			v := r.Fields[f]
			if f == fEmail {
				v = strings.ToLower(v)
			}
			out[f][v] = r
		}
	}
	return out, nil
}

// clash says why importing the create it would land on a profile that is
// not its own, or nil: one holding another of its identifiers than the
// profile its email names (or, without a profile of its own, one holding
// another email), or an earlier create of the batch with another email
// and the same phone number or external id.
func clash(it item, held holders, claimed map[string]map[string]item) *connector.RecordError {
	own := held[fEmail][it.value(fEmail)]
	for _, f := range identifiers[1:] {
		v := it.value(f)
		if v == "" {
			continue
		}
		if other, ok := claimed[f][v]; ok && !strings.EqualFold(other.email, it.email) {
			return taken(it, f, fmt.Sprintf("the profile being created in the same write for %s has the same %s %q",
				describe(other.email), f, v))
		}
		p, ok := held[f][v]
		if !ok || p.ID == own.ID {
			continue
		}
		if other := p.Fields[fEmail]; own.ID != "" || (other != "" && !strings.EqualFold(other, it.email)) {
			return taken(it, f, fmt.Sprintf("Klaviyo profile %s (%s) already has %s %q", p.ID, describe(other), f, v))
		}
	}
	return nil
}

// taken is the error of a create kept back because why.
func taken(it item, field, why string) *connector.RecordError {
	return &connector.RecordError{Vendor: "crmsync", Object: objProfiles, RecordID: it.op.ID, Category: connector.CatConflict,
		Field: field, Code: "IDENTIFIER_TAKEN",
		Message: fmt.Sprintf("not imported for %s: %s, and Klaviyo keeps one profile per %s, so the import would merge them into one; "+
			"if they are the same person merge them, otherwise give one of them another %s", describe(it.email), why, field, field)}
}

func describe(email string) string {
	if email == "" {
		return "no email"
	}
	return email
}

// duplicateError is Klaviyo's duplicate_profile for it: another profile
// holds an identifier it writes. Klaviyo's error points at the attributes
// as a whole, so the identifiers the op writes are named instead.
func duplicateError(it item, e apiError) *connector.RecordError {
	var fields, values []string
	for _, f := range identifiers {
		if v := strings.TrimSpace(it.op.Fields[f]); v != "" {
			fields, values = append(fields, f), append(values, fmt.Sprintf("%s %q", f, v))
		}
	}
	holder := "another profile"
	if id := e.Meta.DuplicateProfileID; id != "" {
		holder = "profile " + id
	}
	msg := e.message()
	if len(values) > 0 {
		msg += fmt.Sprintf(" (%s already holds %s, and Klaviyo keeps one profile per identifier: if they are the same person merge them, otherwise give one of them another value)",
			holder, strings.Join(values, " or "))
	}
	re := &connector.RecordError{Vendor: vendor, Object: objProfiles, RecordID: it.op.ID, Category: connector.CatConflict,
		Field: strings.Join(fields, ","), Code: e.Code, Message: msg}
	if id := e.Meta.DuplicateProfileID; id != "" {
		// The holder named: a create waits in review as its duplicate.
		re.Duplicates = []string{id}
	}
	return re
}
