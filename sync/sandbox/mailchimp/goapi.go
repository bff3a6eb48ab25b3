package mailchimp

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrNotFound reports an unknown list or member.
var ErrNotFound = errors.New("mailchimp sim: not found")

// MemberSeed is one trusted member for SeedMembers.
type MemberSeed struct {
	Email string
	// Status is one of subscribed (""), unsubscribed, cleaned, pending, transactional or
	// archived. An unsubscribed seed is one who unsubscribed themselves: like a cleaned
	// one, it is in a compliance state and cannot be resubscribed through the API.
	Status string
	// MergeFields sets merge values by tag, JSON-shaped (ADDRESS as map[string]any with
	// addr1, city, state, zip...); values are checked as the API checks them, but
	// required fields may stay empty.
	MergeFields map[string]any
	Tags        []string
	// Interests are the ids of the interests (of any category) the member is in.
	Interests []string
	Language  string
	VIP       bool
	Created   time.Time // timestamp_signup and timestamp_opt; zero = now
	Modified  time.Time // last_changed; zero = Created
}

// Member is a Go-side snapshot of a list member. MergeFields holds every merge field
// of the list as on the wire: "" when empty, ADDRESS as map[string]any.
type Member struct {
	ID            string // MD5 of the lowercase address
	ContactID     string // stable across address changes
	UniqueEmailID string
	WebID         int64
	ListID        string
	Email         string
	EmailType     string
	Status        string
	MergeFields   map[string]any
	Tags          []string
	Interests     []string // ids of the interests the member is in, sorted
	Language      string
	VIP           bool
	Signup        time.Time
	Opt           time.Time
	LastChanged   time.Time
}

// MergeField describes a merge field for AddMergeField.
type MergeField struct {
	Tag, Name string
	// Type is one of text, number, address, phone, date, url, imageurl, radio,
	// dropdown, birthday, zip.
	Type         string
	Required     bool
	Public       bool
	DefaultValue string
	Choices      []string // radio and dropdown
	DateFormat   string   // date: MM/DD/YYYY (default) or DD/MM/YYYY; birthday: MM/DD (default) or DD/MM
	PhoneFormat  string   // phone: "" (international) or US
	HelpText     string
}

// InterestCategory describes an interest category (a group title) and its interests
// for AddInterestCategory.
type InterestCategory struct {
	// ID is the category's id: "" draws one; a given one must be 10 lowercase hex
	// digits, unused in the list.
	ID    string
	Title string
	// Type is checkboxes (""), dropdown, radio or hidden.
	Type      string
	Interests []Interest
}

// Interest is one interest (group name) of a category; ID as for the category.
type Interest struct {
	ID, Name string
}

// AddInterestCategory adds an interest category with its interests to a list and
// returns it with every id filled in. Titles are unique in a list, and names in a
// category [unverified: Mailchimp's app refuses a repeated group name].
func (s *Sim) AddInterestCategory(listID string, c InterestCategory) (InterestCategory, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(listID)
	if l == nil {
		return c, fmt.Errorf("list %s: %w", listID, ErrNotFound)
	}
	if c.Type == "" {
		c.Type = "checkboxes"
	}
	if strings.TrimSpace(c.Title) == "" || !slices.Contains(categoryTypes, c.Type) {
		return c, fmt.Errorf("mailchimp sim: interest category %q of type %q: bad title or type", c.Title, c.Type)
	}
	if slices.ContainsFunc(l.categories, func(x *interestCategory) bool { return strings.EqualFold(x.title, c.Title) }) {
		return c, fmt.Errorf("mailchimp sim: interest category %q exists", c.Title)
	}
	given := []string{c.ID}
	names := map[string]bool{}
	for _, in := range c.Interests {
		k := strings.ToLower(strings.TrimSpace(in.Name))
		if k == "" || names[k] {
			return c, fmt.Errorf("mailchimp sim: interest %q of %q: blank or repeated", in.Name, c.Title)
		}
		names[k] = true
		given = append(given, in.ID)
	}
	taken := map[string]bool{}
	for _, id := range given {
		if id == "" {
			continue
		}
		if len(id) != interestIDLen || strings.Trim(id, "0123456789abcdef") != "" || taken[id] || l.groupIDTaken(id) {
			return c, fmt.Errorf("mailchimp sim: id %q is not 10 lowercase hex digits, or is taken", id)
		}
		taken[id] = true
	}
	if c.ID == "" {
		c.ID = l.newGroupID(taken)
	}
	cat := &interestCategory{id: c.ID, title: c.Title, typ: c.Type, order: len(l.categories)}
	c.Interests = slices.Clone(c.Interests)
	for i := range c.Interests {
		if c.Interests[i].ID == "" {
			c.Interests[i].ID = l.newGroupID(taken)
		}
		in := &interest{id: c.Interests[i].ID, name: c.Interests[i].Name, order: i, category: cat}
		cat.interests = append(cat.interests, in)
		l.interestByID[in.id] = in
	}
	l.categories = append(l.categories, cat)
	l.version++
	return c, nil
}

// InterestCategories lists a list's interest categories with their interests, in
// display order.
func (s *Sim) InterestCategories(listID string) []InterestCategory {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.list(listID)
	if l == nil {
		return nil
	}
	out := make([]InterestCategory, len(l.categories))
	for i, c := range l.categories {
		out[i] = InterestCategory{ID: c.id, Title: c.title, Type: c.typ}
		for _, in := range c.interests {
			out[i].Interests = append(out[i].Interests, Interest{ID: in.id, Name: in.name})
		}
	}
	return out
}

// DefaultListID is the id of the audience New creates.
func (s *Sim) DefaultListID() string { return s.defList }

// CreateList adds an audience with the default merge fields and returns its id.
func (s *Sim) CreateList(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addList(name, s.nowSecond())
}

// ListIDs lists the audiences, oldest first.
func (s *Sim) ListIDs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, len(s.lists))
	for i, l := range s.lists {
		out[i] = l.id
	}
	return out
}

// AddMergeField adds a merge field to a list and returns its merge_id.
func (s *Sim) AddMergeField(listID string, f MergeField) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(listID)
	if l == nil {
		return 0, fmt.Errorf("list %s: %w", listID, ErrNotFound)
	}
	tag := strings.ToUpper(f.Tag)
	if tag == "" || tag == "EMAIL" || !slices.Contains(mergeTypes, f.Type) {
		return 0, fmt.Errorf("mailchimp sim: merge field %q of type %q: bad tag or type", f.Tag, f.Type)
	}
	if _, dup := l.field(tag); dup != nil {
		return 0, fmt.Errorf("mailchimp sim: merge field %s exists", tag)
	}
	mf := &mergeField{tag: tag, name: f.Name, typ: f.Type, required: f.Required, public: f.Public,
		defaultValue: f.DefaultValue, choices: slices.Clone(f.Choices), dateFormat: f.DateFormat,
		phoneFormat: f.PhoneFormat, helpText: f.HelpText}
	switch f.Type {
	case "text":
		mf.size = 25
	case "address":
		mf.defaultCountry = usCountry
	case "date":
		if mf.dateFormat == "" {
			mf.dateFormat = "MM/DD/YYYY"
		}
	case "birthday":
		if mf.dateFormat == "" {
			mf.dateFormat = "MM/DD"
		}
	}
	l.addField(mf)
	l.version++
	return mf.id, nil
}

// DeleteMergeField removes a merge field from a list, as an audience
// admin does (DELETE /lists/{list_id}/merge-fields/{merge_id}): every
// member's value goes with it, and members no longer list its tag.
func (s *Sim) DeleteMergeField(listID, tag string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(listID)
	if l == nil {
		return fmt.Errorf("list %s: %w", listID, ErrNotFound)
	}
	i, f := l.field(strings.ToUpper(tag))
	if f == nil {
		return fmt.Errorf("merge field %s: %w", tag, ErrNotFound)
	}
	l.fields = slices.Delete(l.fields, i, i+1)
	for _, m := range l.members {
		if i < len(m.vals) {
			m.vals = slices.Delete(m.vals, i, i+1)
		}
	}
	l.version++
	return nil
}

// DeleteInterestCategory removes an interest category and its interests
// from a list, as an audience admin does (DELETE
// /lists/{list_id}/interest-categories/{interest_category_id}): members
// no longer list its interests.
func (s *Sim) DeleteInterestCategory(listID, categoryID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(listID)
	if l == nil {
		return fmt.Errorf("list %s: %w", listID, ErrNotFound)
	}
	c := l.category(categoryID)
	if c == nil {
		return fmt.Errorf("interest category %s: %w", categoryID, ErrNotFound)
	}
	l.categories = slices.DeleteFunc(l.categories, func(x *interestCategory) bool { return x == c })
	for _, in := range c.interests {
		delete(l.interestByID, in.id)
		for _, m := range l.members {
			delete(m.interests, in.id)
		}
	}
	l.version++
	return nil
}

// SetMergeFieldRequired marks a merge field required or optional.
func (s *Sim) SetMergeFieldRequired(listID, tag string, required bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(listID)
	if l == nil {
		return fmt.Errorf("list %s: %w", listID, ErrNotFound)
	}
	_, f := l.field(strings.ToUpper(tag))
	if f == nil {
		return fmt.Errorf("merge field %s: %w", tag, ErrNotFound)
	}
	f.required = required
	return nil
}

// SeedMembers adds trusted members and returns their contact_ids.
func (s *Sim) SeedMembers(listID string, rows []MemberSeed) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(listID)
	if l == nil {
		return nil, fmt.Errorf("list %s: %w", listID, ErrNotFound)
	}
	now := s.nowSecond()
	ids := make([]string, 0, len(rows))
	for i, row := range rows {
		email := strings.TrimSpace(row.Email)
		if p := s.checkEmail(email); p != nil {
			return ids, fmt.Errorf("mailchimp sim: seed %d: %w", i, p)
		}
		if l.byHash[subscriberHash(email)] != nil {
			return ids, fmt.Errorf("mailchimp sim: seed %d: %w", i, errExists(email))
		}
		status := row.Status
		if status == "" {
			status = statusSubscribed
		}
		if !slices.Contains(filterStatuses, status) {
			return ids, fmt.Errorf("mailchimp sim: seed %d: status %q", i, status)
		}
		vals, schema, invalid := l.applyMerge(nil, row.MergeFields)
		if errs := append(schema, invalid...); len(errs) > 0 {
			return ids, fmt.Errorf("mailchimp sim: seed %d: %w", i, errMerge(errs...))
		}
		var interests map[string]bool
		for _, id := range row.Interests {
			if l.interestByID[id] == nil {
				return ids, fmt.Errorf("mailchimp sim: seed %d: no interest %q", i, id)
			}
			if interests == nil {
				interests = map[string]bool{}
			}
			interests[id] = true
		}
		created, modified := row.Created.UTC().Truncate(time.Second), row.Modified.UTC().Truncate(time.Second)
		if row.Created.IsZero() {
			created = now
		}
		if row.Modified.IsZero() {
			modified = created
		}
		s.seq++
		m := &member{seq: s.seq, email: email, hash: subscriberHash(email), uniqueID: s.hexID(10), contactID: s.hexID(32),
			webID: 100000000 + s.rng.Int64N(900000000), emailType: "html", status: status, vals: vals,
			language: row.Language, vip: row.VIP, signup: created, opt: created, lastChanged: modified,
			rating: 1 + s.rng.IntN(5), source: "Import", interests: interests}
		switch status {
		case statusUnsubscribed:
			m.optedOut, m.unsubReason = true, "No longer interested"
		case statusCleaned:
			m.optedOut = true
		case statusArchived:
			m.prevStatus = statusSubscribed
		case statusPending:
			m.opt = time.Time{}
		}
		for _, t := range row.Tags {
			if t = strings.TrimSpace(t); t != "" {
				l.addTag(m, t, created)
			}
		}
		l.insert(m)
		ids = append(ids, m.contactID)
	}
	return ids, nil
}

func (l *list) snapshot(m *member) Member {
	return Member{ID: m.hash, ContactID: m.contactID, UniqueEmailID: m.uniqueID, WebID: m.webID, ListID: l.id,
		Email: m.email, EmailType: m.emailType, Status: m.status, MergeFields: l.mergeValues(m.vals),
		Tags: slices.Clone(m.tags), Interests: m.interestIDs(), Language: m.language, VIP: m.vip, Signup: m.signup, Opt: m.opt, LastChanged: m.lastChanged}
}

// Member finds a member, archived ones included, by contact_id, address or hash.
func (s *Sim) Member(listID, key string) (Member, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.list(listID)
	if l == nil {
		return Member{}, false
	}
	m := l.lookup(key)
	if m == nil {
		return Member{}, false
	}
	return l.snapshot(m), true
}

// Members lists a list's members in creation order, archived ones included.
func (s *Sim) Members(listID string) []Member {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.list(listID)
	if l == nil {
		return nil
	}
	out := make([]Member, len(l.members))
	for i, m := range l.members {
		out[i] = l.snapshot(m)
	}
	return out
}

// Count is the number of a list's members that are not archived.
func (s *Sim) Count(listID string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.list(listID)
	if l == nil {
		return 0
	}
	n := 0
	for _, m := range l.members {
		if m.status != statusArchived {
			n++
		}
	}
	return n
}

// UpdateMember edits a member as a user of Mailchimp's web app would: fields holds
// merge values by tag, and may set email_address, status, email_type, language, vip,
// interests (map[string]bool by interest id) and tags ([]string, the member's whole
// set). It is checked like an API write (required merge fields aside), and moves
// last_changed when it changes something.
func (s *Sim) UpdateMember(listID, key string, fields map[string]any) (Member, error) {
	in := &memberInput{merge: map[string]any{}}
	replaceTags := false
	for k, v := range fields {
		switch k {
		case "interests":
			set, ok := v.(map[string]bool)
			if !ok {
				return Member{}, errors.New("mailchimp sim: interests must be a map[string]bool")
			}
			in.interests = set
		case "tags":
			tags, ok := v.([]string)
			if !ok {
				return Member{}, errors.New("mailchimp sim: tags must be a []string")
			}
			in.tags, in.hasTags, replaceTags = tags, true, true
		case "email_address", "status", "email_type", "language":
			str, ok := v.(string)
			if !ok {
				return Member{}, fmt.Errorf("mailchimp sim: %s must be a string", k)
			}
			switch k {
			case "email_address":
				in.email = str
			case "status":
				if !slices.Contains(writeStatuses, str) {
					return Member{}, fmt.Errorf("mailchimp sim: status %q", str)
				}
				in.status = str
			case "email_type":
				in.emailType = &str
			default:
				in.language = &str
			}
		case "vip":
			b, ok := v.(bool)
			if !ok {
				return Member{}, errors.New("mailchimp sim: vip must be a bool")
			}
			in.vip = &b
		default:
			in.merge[k] = v
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, m, err := s.find(listID, key)
	if err != nil {
		return Member{}, err
	}
	m, p := s.write(l, m, writeReq{mode: modePatch, in: in, skipMerge: true, replaceTags: replaceTags})
	if p != nil {
		return Member{}, fmt.Errorf("mailchimp sim: update %s: %w", key, p)
	}
	return l.snapshot(m), nil
}

func (s *Sim) find(listID, key string) (*list, *member, error) {
	l := s.list(listID)
	if l == nil {
		return nil, nil, fmt.Errorf("list %s: %w", listID, ErrNotFound)
	}
	m := l.lookup(key)
	if m == nil {
		return nil, nil, fmt.Errorf("member %s: %w", key, ErrNotFound)
	}
	return l, m, nil
}

// Archive archives a member, as DELETE does.
func (s *Sim) Archive(listID, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, m, err := s.find(listID, key)
	if err != nil {
		return err
	}
	s.archive(l, m)
	return nil
}

// DeletePermanently removes a member for good, as the delete-permanent action does.
func (s *Sim) DeletePermanently(listID, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, m, err := s.find(listID, key)
	if err != nil {
		return err
	}
	l.remove(m)
	l.forgotten[m.hash] = true
	return nil
}

// ContactUnsubscribe unsubscribes a member as clicking the unsubscribe link does: the
// address is then in a compliance state and the API cannot subscribe it again.
func (s *Sim) ContactUnsubscribe(listID, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, m, err := s.find(listID, key)
	if err != nil {
		return err
	}
	if m.status == statusUnsubscribed && m.optedOut {
		return nil
	}
	m.optedOut, m.unsubReason = true, "No longer interested"
	if m.status == statusArchived {
		m.prevStatus = statusUnsubscribed // stays archived
	} else {
		m.status = statusUnsubscribed
	}
	l.touch(m, s.nowSecond())
	return nil
}
