package mailchimp

import (
	"cmp"
	"crypto/md5"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Member statuses. archived is a member's state after DELETE; it is listed only when
// asked for with status=archived.
const (
	statusSubscribed    = "subscribed"
	statusUnsubscribed  = "unsubscribed"
	statusCleaned       = "cleaned"
	statusPending       = "pending"
	statusTransactional = "transactional"
	statusArchived      = "archived"
)

// The status enums of the spec: Add_List_Members_1 (POST), _2 (PUT), Add_List_Members
// (batch) take transactional; _3 (PATCH) does not. The list filter adds archived.
var (
	writeStatuses  = []string{statusSubscribed, statusUnsubscribed, statusCleaned, statusPending, statusTransactional}
	patchStatuses  = []string{statusSubscribed, statusUnsubscribed, statusCleaned, statusPending}
	filterStatuses = append(slices.Clone(writeStatuses), statusArchived)
)

// member is one list member. vals holds merge values by field index (nil = empty).
type member struct {
	seq         int64 // creation order, the tie-breaker of every sort
	email       string
	hash        string
	uniqueID    string
	contactID   string
	webID       int64
	emailType   string
	status      string
	prevStatus  string // the status an archived member had
	optedOut    bool   // unsubscribed by the contact, or bounced: no resubscribing through the API
	unsubReason string
	vals        []any
	language    string
	vip         bool
	ipSignup    string
	ipOpt       string
	signup      time.Time
	opt         time.Time
	lastChanged time.Time
	rating      int
	source      string
	tags        []string             // in the order the member got them
	tagAdded    map[string]time.Time // when the member got each tag
	interests   map[string]bool      // the interests the member is in, by id (true only)
}

// list is one audience with its merge fields and members.
type list struct {
	id          string
	webID       int64
	name        string
	created     time.Time
	fields      []*mergeField
	nextMergeID int
	members     []*member // creation order
	byHash      map[string]*member
	byContact   map[string]*member
	byUnique    map[string]*member
	byLast      []*member       // sorted by (lastChanged, seq)
	forgotten   map[string]bool // hashes of permanently deleted members
	tagIDs      map[string]int
	version     int64 // bumped on every member write

	categories   []*interestCategory  // display order
	interestByID map[string]*interest // every interest of every category
	groupSeq     int                  // the last category or interest id derived

	cacheMu sync.Mutex // guards sorted, which readers fill under s.mu.RLock
	sorted  map[string]sortedView
}

type sortedView struct {
	version int64
	members []*member
}

// subscriberHash is the MD5 of the lowercase address, a member's id.
func subscriberHash(email string) string {
	sum := md5.Sum([]byte(strings.ToLower(email)))
	return hex.EncodeToString(sum[:])
}

// addList creates an audience with the default merge fields; callers hold s.mu or are
// constructing s.
func (s *Sim) addList(name string, created time.Time) string {
	l := &list{id: s.hexID(10), webID: 100000 + s.rng.Int64N(900000), name: name, created: created,
		byHash: map[string]*member{}, byContact: map[string]*member{}, byUnique: map[string]*member{},
		forgotten: map[string]bool{}, tagIDs: map[string]int{}, sorted: map[string]sortedView{},
		interestByID: map[string]*interest{}}
	for _, f := range defaultMergeFields() {
		l.addField(f)
	}
	s.lists = append(s.lists, l)
	s.listByID[l.id] = l
	return l.id
}

func (s *Sim) list(id string) *list { return s.listByID[id] }

// lookup finds a member by subscriber hash, email address or contact_id (the spec's
// subscriber_hash: "This endpoint also accepts a list member's email address or
// contact_id").
func (l *list) lookup(key string) *member {
	if strings.Contains(key, "@") {
		return l.byHash[subscriberHash(key)]
	}
	if m := l.byHash[strings.ToLower(key)]; m != nil {
		return m
	}
	return l.byContact[key]
}

func lessLast(a *member, at time.Time, seq int64) bool {
	if !a.lastChanged.Equal(at) {
		return a.lastChanged.Before(at)
	}
	return a.seq < seq
}

// lastPos is where (at, seq) belongs in byLast.
func (l *list) lastPos(at time.Time, seq int64) int {
	return sort.Search(len(l.byLast), func(i int) bool { return !lessLast(l.byLast[i], at, seq) })
}

func (l *list) insert(m *member) {
	l.members = append(l.members, m)
	l.byHash[m.hash] = m
	l.byContact[m.contactID] = m
	l.byUnique[m.uniqueID] = m
	i := l.lastPos(m.lastChanged, m.seq)
	l.byLast = slices.Insert(l.byLast, i, m)
	l.version++
}

func (l *list) remove(m *member) {
	if i := slices.Index(l.members, m); i >= 0 {
		l.members = slices.Delete(l.members, i, i+1)
	}
	delete(l.byHash, m.hash)
	delete(l.byContact, m.contactID)
	delete(l.byUnique, m.uniqueID)
	if i := l.lastPos(m.lastChanged, m.seq); i < len(l.byLast) && l.byLast[i] == m {
		l.byLast = slices.Delete(l.byLast, i, i+1)
	}
	l.version++
}

// touch moves a member's last_changed, keeping byLast sorted.
func (l *list) touch(m *member, at time.Time) {
	if i := l.lastPos(m.lastChanged, m.seq); i < len(l.byLast) && l.byLast[i] == m {
		l.byLast = slices.Delete(l.byLast, i, i+1)
	}
	m.lastChanged = at
	l.byLast = slices.Insert(l.byLast, l.lastPos(at, m.seq), m)
	l.version++
}

// rehash re-indexes a member whose address changed.
func (l *list) rehash(m *member, email, uniqueID string) {
	delete(l.byHash, m.hash)
	delete(l.byUnique, m.uniqueID)
	m.email, m.hash, m.uniqueID = email, subscriberHash(email), uniqueID
	l.byHash[m.hash] = m
	l.byUnique[m.uniqueID] = m
}

// sortedBy gives the members ordered by timestamp_opt or timestamp_signup, then
// creation, rebuilt only after writes.
func (l *list) sortedBy(field string) []*member {
	l.cacheMu.Lock()
	defer l.cacheMu.Unlock()
	if v, ok := l.sorted[field]; ok && v.version == l.version {
		return v.members
	}
	out := slices.Clone(l.members)
	key := func(m *member) time.Time { return m.signup }
	if field == "timestamp_opt" {
		key = func(m *member) time.Time { return m.opt }
	}
	slices.SortFunc(out, func(a, b *member) int {
		if c := key(a).Compare(key(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	l.sorted[field] = sortedView{version: l.version, members: out}
	return out
}

// tagID gives a tag name its list-wide id, as Mailchimp's tags are static segments.
func (l *list) tagID(name string) int {
	if id, ok := l.tagIDs[name]; ok {
		return id
	}
	id := 31000 + len(l.tagIDs)*4 + 1
	l.tagIDs[name] = id
	return id
}

// counts tallies the list's members by status, for its stats.
func (l *list) counts() map[string]int {
	c := map[string]int{}
	for _, m := range l.members {
		c[m.status]++
	}
	return c
}

// snapshot is what a write may change, to tell whether last_changed moves.
type snapshot struct {
	email, emailType, status, language string
	vip, optedOut                      bool
	vals                               []any
	tags                               []string // sorted: their order is no change
	interests                          []string // ids the member is in, sorted
}

func (m *member) snap() snapshot {
	return snapshot{email: m.email, emailType: m.emailType, status: m.status, language: m.language, vip: m.vip,
		optedOut: m.optedOut, vals: slices.Clone(m.vals), tags: slices.Sorted(slices.Values(m.tags)), interests: m.interestIDs()}
}

// interestIDs lists the interests the member is in, sorted.
func (m *member) interestIDs() []string {
	out := make([]string, 0, len(m.interests))
	for id, on := range m.interests {
		if on {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func (a snapshot) equal(b snapshot) bool {
	if a.email != b.email || a.emailType != b.emailType || a.status != b.status || a.language != b.language ||
		a.vip != b.vip || a.optedOut != b.optedOut || !slices.Equal(a.tags, b.tags) || !slices.Equal(a.interests, b.interests) {
		return false
	}
	n := max(len(a.vals), len(b.vals))
	for i := range n {
		if !sameValue(valAt(a.vals, i), valAt(b.vals, i)) {
			return false
		}
	}
	return true
}

func valAt(vals []any, i int) any {
	if i < len(vals) {
		return vals[i]
	}
	return nil
}

// sameValue compares stored values: strings, numbers and addresses, all comparable.
func sameValue(a, b any) bool { return a == b }
