package klaviyo

import (
	"maps"
	"strings"
	"time"
)

// Email marketing consent values (the spec's EmailMarketing.consent).
const (
	Subscribed      = "SUBSCRIBED"
	Unsubscribed    = "UNSUBSCRIBED"
	NeverSubscribed = "NEVER_SUBSCRIBED"
)

// record is one stored profile; "" stands for null in every string attribute.
type record struct {
	id                                                       string
	email, phone, externalID, firstName, lastName            string
	organization, locale, title, image                       string
	address1, address2, city, country, region, zip, timezone string
	ip                                                       string
	latitude, longitude                                      any // a string or a number, as sent
	properties                                               map[string]any
	created, updated, lastEvent                              time.Time
	consent                                                  string
	consentAt                                                time.Time
	consentMethod                                            string
}

func (r *record) clone() *record {
	c := *r
	c.properties = maps.Clone(r.properties)
	return &c
}

// store holds the profiles with indexes on the identifiers Klaviyo keeps unique:
// email (case-insensitive), phone_number and external_id.
type store struct {
	byID    map[string]*record
	order   []string // creation order
	byEmail map[string]string
	byPhone map[string]string
	byExt   map[string]string
	// left is the email consent an address had when a profile's email
	// moved off it, by email key (see keepConsent).
	left map[string]emailConsent
}

// emailConsent is an address's email marketing consent.
type emailConsent struct {
	consent, method string
	at              time.Time
}

func newStore() *store {
	return &store{byID: map[string]*record{}, byEmail: map[string]string{}, byPhone: map[string]string{}, byExt: map[string]string{},
		left: map[string]emailConsent{}}
}

// keepConsent gives rec (old is nil on a create) the consent of its email
// address: "each email retains its own consent and suppression status"
// (Klaviyo help, "Multi Email Profiles"). The docs do not say what a PATCH
// of email does to consent [unverified]; the sandbox takes the reading that
// risks most, so an unsubscribed profile whose email changes is no longer
// unsubscribed, and the old address keeps its consent.
func (st *store) keepConsent(old, rec *record) {
	from, to := "", emailKey(rec.email)
	if old != nil {
		if from = emailKey(old.email); from == to {
			return
		}
		if from != "" {
			st.left[from] = emailConsent{old.consent, old.consentMethod, old.consentAt}
		}
		rec.consent, rec.consentMethod, rec.consentAt = NeverSubscribed, "", time.Time{}
	}
	if c, ok := st.left[to]; ok && to != "" {
		rec.consent, rec.consentMethod, rec.consentAt = c.consent, c.method, c.at
	}
}

func emailKey(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func (st *store) index(r *record, on bool) {
	set := func(m map[string]string, k string) {
		if k == "" {
			return
		}
		if on {
			m[k] = r.id
		} else if m[k] == r.id {
			delete(m, k)
		}
	}
	set(st.byEmail, emailKey(r.email))
	set(st.byPhone, r.phone)
	set(st.byExt, r.externalID)
}

// put inserts or replaces r, keeping the indexes in step.
func (st *store) put(r *record) {
	if old, ok := st.byID[r.id]; ok {
		st.index(old, false)
	} else {
		st.order = append(st.order, r.id)
	}
	st.byID[r.id] = r
	st.index(r, true)
}

// conflict finds another profile holding one of r's identifiers.
func (st *store) conflict(r *record) (string, bool) {
	for _, pair := range [][2]string{{"e", emailKey(r.email)}, {"p", r.phone}, {"x", r.externalID}} {
		if pair[1] == "" {
			continue
		}
		var id string
		switch pair[0] {
		case "e":
			id = st.byEmail[pair[1]]
		case "p":
			id = st.byPhone[pair[1]]
		default:
			id = st.byExt[pair[1]]
		}
		if id != "" && id != r.id {
			return id, true
		}
	}
	return "", false
}

// match finds the profile an upsert without id means: by email, then phone
// number, then external id [the precedence is unverified].
func (st *store) match(email, phone, ext string) *record {
	if id := st.byEmail[emailKey(email)]; email != "" && id != "" {
		return st.byID[id]
	}
	if id := st.byPhone[phone]; phone != "" && id != "" {
		return st.byID[id]
	}
	if id := st.byExt[ext]; ext != "" && id != "" {
		return st.byID[id]
	}
	return nil
}

// newID draws a 26-character ULID-like id: ten characters of a millisecond clock
// (a fixed epoch in September 2022 plus a counter, so ids sort by creation) and
// sixteen from the seeded source. Callers hold s.mu or are constructing s.
func (s *Sim) newID() string {
	s.idSeq++
	ms := uint64(1663600000000 + s.idSeq*7)
	b := make([]byte, 26)
	for i := 9; i >= 0; i-- {
		b[i] = crockford[ms&31]
		ms >>= 5
	}
	for i := 10; i < 26; i++ {
		b[i] = crockford[s.rng.IntN(32)]
	}
	return string(b)
}

// tick returns the time of a write: the clock, or a microsecond after the last
// write when the clock has not moved past it, so updated strictly increases and a
// greater-than(updated,...) cursor never misses a write. Callers hold s.mu.
func (s *Sim) tick() time.Time {
	t := s.now().UTC().Truncate(time.Microsecond)
	if !t.After(s.last) {
		t = s.last.Add(time.Microsecond)
	}
	s.last = t
	return t
}
