package klaviyo

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
)

// Location is a profile's location as the Go API sees it (latitude, longitude and
// ip are wire-only).
type Location struct{ Address1, Address2, City, Country, Region, Zip, Timezone string }

// Profile is a stored profile.
type Profile struct {
	ID, Email, PhoneNumber, ExternalID, FirstName, LastName, Organization, Title, Locale string
	Location                                                                             Location
	Properties                                                                           map[string]any
	EmailConsent                                                                         string // SUBSCRIBED | UNSUBSCRIBED | NEVER_SUBSCRIBED
	Created, Updated                                                                     time.Time
}

// ProfileSeed is one profile for SeedProfiles. Created and Updated default to the
// clock; EmailConsent to NEVER_SUBSCRIBED.
type ProfileSeed struct {
	Email, PhoneNumber, ExternalID, FirstName, LastName, Organization, Title string
	Location                                                                 Location
	Properties                                                               map[string]any
	EmailConsent                                                             string
	Created, Updated                                                         time.Time
}

func toProfile(r *record) Profile {
	consent := r.consent
	if consent == "" {
		consent = NeverSubscribed
	}
	return Profile{ID: r.id, Email: r.email, PhoneNumber: r.phone, ExternalID: r.externalID, FirstName: r.firstName,
		LastName: r.lastName, Organization: r.organization, Title: r.title, Locale: r.locale,
		Location: Location{Address1: r.address1, Address2: r.address2, City: r.city, Country: r.country, Region: r.region,
			Zip: r.zip, Timezone: r.timezone},
		Properties: maps.Clone(r.properties), EmailConsent: consent, Created: r.created, Updated: r.updated}
}

// SeedProfiles stores rows as they are (validated like the API does) and returns
// their ids; it stops at the first bad row.
func (s *Sim) SeedProfiles(rows []ProfileSeed) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(rows))
	for i, row := range rows {
		rec := &record{email: row.Email, phone: row.PhoneNumber, externalID: row.ExternalID, firstName: row.FirstName,
			lastName: row.LastName, organization: row.Organization, title: row.Title, address1: row.Location.Address1,
			address2: row.Location.Address2, city: row.Location.City, country: row.Location.Country,
			region: row.Location.Region, zip: row.Location.Zip, timezone: row.Location.Timezone,
			properties: maps.Clone(row.Properties), consent: row.EmailConsent}
		switch {
		case rec.consent == "":
			rec.consent = NeverSubscribed
		case rec.consent != Subscribed && rec.consent != Unsubscribed && rec.consent != NeverSubscribed:
			return ids, fmt.Errorf("klaviyo: row %d: email consent %q", i, rec.consent)
		}
		if rec.email != "" && !validEmail(rec.email) || rec.phone != "" && !validPhone(rec.phone) || !hasIdentifier(rec) {
			return ids, fmt.Errorf("klaviyo: row %d: invalid or missing email or phone number", i)
		}
		if dup, ok := s.store.conflict(rec); ok {
			return ids, fmt.Errorf("klaviyo: row %d: duplicate of profile %s", i, dup)
		}
		rec.id = s.newID()
		if row.Created.IsZero() {
			rec.created = s.tick()
		} else {
			rec.created = row.Created.UTC().Truncate(time.Microsecond)
		}
		rec.updated = rec.created
		if !row.Updated.IsZero() && row.Updated.After(rec.created) {
			rec.updated = row.Updated.UTC().Truncate(time.Microsecond)
		}
		if rec.updated.After(s.last) {
			s.last = rec.updated
		}
		if rec.consent != NeverSubscribed {
			rec.consentAt, rec.consentMethod = rec.updated, "API"
		}
		s.store.put(rec)
		ids = append(ids, rec.id)
	}
	return ids, nil
}

// Profile returns the profile with id.
func (s *Sim) Profile(id string) (Profile, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if r := s.store.byID[id]; r != nil {
		return toProfile(r), true
	}
	return Profile{}, false
}

// ProfileByEmail returns the profile with email (case-insensitive).
func (s *Sim) ProfileByEmail(email string) (Profile, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id := s.store.byEmail[emailKey(email)]; id != "" {
		return toProfile(s.store.byID[id]), true
	}
	return Profile{}, false
}

// Profiles returns every profile in creation order.
func (s *Sim) Profiles() []Profile {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Profile, 0, len(s.store.order))
	for _, id := range s.store.order {
		out = append(out, toProfile(s.store.byID[id]))
	}
	return out
}

// Count is the number of profiles.
func (s *Sim) Count() int { s.mu.RLock(); defer s.mu.RUnlock(); return len(s.store.order) }

// UpdateProfile is a marketer's edit in Klaviyo: attribute names as on the wire
// ("first_name", "location.city", "properties.plan"), nil clearing a field. It
// bumps updated when something changed.
func (s *Sim) UpdateProfile(id string, attrs map[string]any) (Profile, error) {
	nested := map[string]any{}
	for k, v := range attrs {
		top, sub, dotted := strings.Cut(k, ".")
		if !dotted {
			nested[k] = v
			continue
		}
		if top != "location" && top != "properties" {
			return Profile{}, fmt.Errorf("klaviyo: attribute %q", k)
		}
		m, _ := nested[top].(map[string]any)
		if m == nil {
			m = map[string]any{}
			nested[top] = m
		}
		m[sub] = v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.store.byID[id]
	if old == nil {
		return Profile{}, errNoProfile
	}
	rec, e := s.updateLocked(old, nested, nil, "/data/attributes")
	if e != nil {
		return Profile{}, errors.New("klaviyo: " + e.Detail)
	}
	return toProfile(rec), nil
}

// Unsubscribe is the person clicking unsubscribe: email marketing consent becomes
// UNSUBSCRIBED and updated is bumped.
func (s *Sim) Unsubscribe(email string) error {
	return s.setConsent(email, Unsubscribed, "PREFERENCE_PAGE")
}

// Resubscribe makes the person subscribed to email marketing again.
func (s *Sim) Resubscribe(email string) error {
	return s.setConsent(email, Subscribed, "PREFERENCE_PAGE")
}

func (s *Sim) setConsent(email, consent, method string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.store.match(email, "", "")
	if rec == nil || email == "" {
		return errNoProfile
	}
	s.setConsentLocked(rec, consent, method)
	return nil
}
