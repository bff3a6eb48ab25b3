package pipedrive

import (
	"sync"
	"time"
)

// Pipedrive replaces a person's emails and phones (and an activity's
// participants) whole on PATCH, so an update that sets the primary one
// must send the others too. The list answers a run reads hold them all:
// the connector keeps what it read of those lists, briefly, so the update
// that follows in the same run spends no GET (1 token each, and one
// request of the 2-second burst window) to learn them again.

const (
	// maxSeenAge is how long what a read saw stands in for a GET: a run
	// plans and applies at once, but a long apply at Pipedrive's pace
	// leaves time for someone to add an email in Pipedrive meanwhile,
	// which a PATCH from an old read would drop.
	maxSeenAge = 10 * time.Minute
	// maxSeen bounds the memory kept: a read of a huge company keeps the
	// first ones, and updates of the rest read their record first.
	maxSeen = 50_000
)

// seenLists is what a read saw of the lists an update replaces whole.
type seenLists struct {
	emails, phones []contactItem
	participants   []participant
	at             time.Time
}

// seenCache holds seenLists by object and id; safe for concurrent use.
type seenCache struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]seenLists
	// oldest is at or before the time every entry was read (zero: none
	// dropped yet, which scans at the first full insert).
	oldest time.Time
}

func newSeenCache(now func() time.Time) *seenCache {
	if now == nil {
		now = time.Now
	}
	return &seenCache{now: now, m: map[string]seenLists{}}
}

// keepsLists reports whether an update of object may replace a list whole.
func keepsLists(object string) bool { return object == "persons" || object == "activities" }

// listsOf reports whether it holds every list an update of object may
// replace: an answer without one ("emails" left out, not []) tells
// nothing of it, and the update reads the record first.
func listsOf(object string, it item) bool {
	if object == "persons" {
		return it.Emails != nil && it.Phones != nil
	}
	return it.Participants != nil
}

// remember keeps the lists of items as Pipedrive answered them.
func (s *seenCache) remember(object string, items ...item) {
	if !keepsLists(object) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, it := range items {
		if !listsOf(object, it) {
			delete(s.m, object+"/"+it.ID.String())
			continue
		}
		key := object + "/" + it.ID.String()
		if _, ok := s.m[key]; !ok && len(s.m) >= maxSeen && !s.dropOldLocked(now) {
			continue
		}
		s.m[key] = seenLists{emails: it.Emails, phones: it.Phones, participants: it.Participants, at: now}
	}
}

// dropOldLocked drops entries too old to use; it reports whether room was
// made. oldest bounds the entries' ages from below, so a full cache of
// fresh entries is not scanned again for each record a read lists.
func (s *seenCache) dropOldLocked(now time.Time) bool {
	if now.Sub(s.oldest) <= maxSeenAge {
		return false
	}
	s.oldest = now
	for k, v := range s.m {
		if now.Sub(v.at) > maxSeenAge {
			delete(s.m, k)
		} else if v.at.Before(s.oldest) {
			s.oldest = v.at
		}
	}
	return len(s.m) < maxSeen
}

// current is the record object/id as a read saw it lately, with only the
// lists an update replaces; false when none was read, or too long ago.
func (s *seenCache) current(object, id string) (item, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[object+"/"+id]
	if !ok || s.now().Sub(v.at) > maxSeenAge {
		return item{}, false
	}
	return item{Emails: v.emails, Phones: v.phones, Participants: v.participants}, true
}

// forget drops what was seen of object/id: a write whose outcome is not
// known leaves the record as nobody here knows it.
func (s *seenCache) forget(object, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, object+"/"+id)
}
