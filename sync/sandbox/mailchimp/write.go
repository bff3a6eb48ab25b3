package mailchimp

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// memberInput is one member of a write body, its properties checked for type.
type memberInput struct {
	email, status, statusIfNew string
	emailType, language        *string
	vip                        *bool
	merge                      map[string]any
	ipSignup, ipOpt            string
	tsSignup, tsOpt            time.Time
	tags                       []string
	hasTags                    bool
	interests                  map[string]bool // by interest id: in it or not
}

// decodeBody reads a JSON object body.
func decodeBody(r *http.Request) (map[string]any, *problem) {
	dec := json.NewDecoder(io.LimitReader(r.Body, 32<<20))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errJSON()
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errInvalid(errType("", "object", v))
	}
	return obj, nil
}

// parseMember checks the properties a member write may carry against the spec's
// schema; unknown properties are ignored. statuses is the operation's status enum.
func parseMember(raw map[string]any, statuses []string) (*memberInput, []fieldError) {
	in := &memberInput{}
	var errs []fieldError
	str := func(key string) (string, bool) {
		v, ok := raw[key]
		if !ok {
			return "", false
		}
		s, isStr := v.(string)
		if !isStr {
			errs = append(errs, errType(key, "string", v))
		}
		return s, isStr
	}
	in.email, _ = str("email_address")
	for key, dst := range map[string]*string{"status": &in.status, "status_if_new": &in.statusIfNew} {
		if s, ok := str(key); ok {
			if !slices.Contains(statuses, s) {
				errs = append(errs, errEnum(key, s, statuses))
			}
			*dst = s
		}
	}
	if s, ok := str("email_type"); ok {
		if s != "html" && s != "text" {
			errs = append(errs, errEnum("email_type", s, []string{"html", "text"}))
		}
		in.emailType = &s
	}
	if s, ok := str("language"); ok {
		in.language = &s
	}
	in.ipSignup, _ = str("ip_signup")
	in.ipOpt, _ = str("ip_opt")
	for key, dst := range map[string]*time.Time{"timestamp_signup": &in.tsSignup, "timestamp_opt": &in.tsOpt} {
		if s, ok := str(key); ok && s != "" {
			if t, ok := parseTime(s); ok {
				*dst = t.Truncate(time.Second)
			} else {
				errs = append(errs, fieldError{Field: key, Message: "Schema describes string of format date-time, " + s + " found instead"})
			}
		}
	}
	if v, ok := raw["vip"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			errs = append(errs, errType("vip", "boolean", v))
		}
		in.vip = &b
	}
	if v, ok := raw["merge_fields"]; ok {
		mf, isObj := v.(map[string]any)
		if !isObj {
			errs = append(errs, errType("merge_fields", "object", v))
		}
		in.merge = mf
	}
	if v, ok := raw["interests"]; ok {
		var ierrs []fieldError
		in.interests, ierrs = parseInterests(v)
		errs = append(errs, ierrs...)
	}
	if v, ok := raw["tags"]; ok {
		arr, isArr := v.([]any)
		if !isArr {
			errs = append(errs, errType("tags", "array", v))
		}
		in.hasTags = true
		for _, t := range arr {
			if s, isStr := t.(string); isStr && strings.TrimSpace(s) != "" {
				in.tags = append(in.tags, strings.TrimSpace(s))
			} else if !isStr {
				errs = append(errs, errType("tags", "string", t))
			}
		}
	}
	return in, errs
}

// writeMode is the operation a member write comes from.
type writeMode int

const (
	modeAdd    writeMode = iota // POST .../members
	modeUpsert                  // PUT .../members/{hash}
	modePatch                   // PATCH .../members/{hash}
	modeBatch                   // a member of POST /lists/{list_id}
)

type writeReq struct {
	mode      writeMode
	in        *memberInput
	skipMerge bool // skip_merge_validation: required merge fields may stay empty
	// syncTags is batch subscribe's sync_tags with update_existing: an existing
	// member's tags become those sent.
	syncTags bool
	// replaceTags sets the member's tags to in.tags, as a user editing them in the
	// web app does (the Go API's UpdateMember only).
	replaceTags bool
}

// write validates one member write against l and m (nil for a new member) and applies
// it; nothing changes when it fails. last_changed moves only when something a client
// can read changed: a write that sets what is already there leaves it [unverified: the
// docs say only "the date and time the member's info was last changed"]. Callers hold
// s.mu for writing.
func (s *Sim) write(l *list, m *member, req writeReq) (*member, *problem) {
	in := req.in
	isNew := m == nil
	email := strings.TrimSpace(in.email)
	if isNew && email == "" {
		return nil, errInvalid(errRequired("email_address"))
	}
	if email != "" && (isNew || !strings.EqualFold(email, m.email)) {
		if p := s.checkEmail(email); p != nil {
			return nil, p
		}
		h := subscriberHash(email)
		if other := l.byHash[h]; other != nil && other != m {
			return nil, errExists(email)
		}
		if l.forgotten[h] {
			return nil, errForgotten(email)
		}
	} else if !isNew {
		email = m.email
	}
	status, p := targetStatus(m, req)
	if p != nil {
		return nil, p
	}
	if status == statusSubscribed && !isNew && m.optedOut && m.status != statusSubscribed {
		return nil, errCompliance(email)
	}
	var old []any
	if !isNew {
		old = m.vals
	}
	vals, schema, invalid := l.applyMerge(old, in.merge)
	if len(schema) > 0 {
		return nil, errInvalid(schema...)
	}
	if isNew {
		for i, f := range l.fields {
			if vals[i] == nil && f.defaultValue != "" {
				vals[i], _, _ = f.normalize(f.defaultValue)
			}
		}
	}
	if !req.skipMerge {
		invalid = append(invalid, l.missingRequired(vals)...)
	}
	if len(invalid) > 0 {
		return nil, errMerge(invalid...)
	}
	if p := l.checkInterests(in.interests); p != nil {
		return nil, p
	}

	now := s.nowSecond()
	if isNew {
		s.seq++
		m = &member{seq: s.seq, email: email, hash: subscriberHash(email), uniqueID: s.hexID(10), contactID: s.hexID(32),
			webID: 100000000 + s.rng.Int64N(900000000), emailType: "html", rating: 2, source: "API - Generic",
			signup: in.tsSignup, ipSignup: in.ipSignup}
	}
	before := m.snap()
	if !isNew && email != m.email {
		l.rehash(m, email, s.hexID(10))
	}
	m.setStatus(status, in, now)
	m.vals = vals
	if in.emailType != nil {
		m.emailType = *in.emailType
	}
	if in.language != nil {
		m.language = *in.language
	}
	if in.vip != nil {
		m.vip = *in.vip
	}
	for id, on := range in.interests {
		if m.interests == nil {
			m.interests = map[string]bool{}
		}
		if on {
			m.interests[id] = true
		} else {
			delete(m.interests, id)
		}
	}
	switch {
	case req.replaceTags:
		l.setTags(m, in.tags, now)
	case req.syncTags && req.mode == modeBatch && !isNew:
		// "Whether this batch operation will replace all existing tags with tags in
		// request" (spec, sync_tags), read literally: a member sent without tags is
		// left with none [unverified: the docs do not single that case out].
		l.setTags(m, in.tags, now)
	case in.hasTags && (req.mode == modeAdd || req.mode == modeBatch):
		// POST /members takes tags; batch subscribe adds them to an existing member
		// too (release note "Added ability to sync tags to existing members",
		// 2022-01-24). PUT and PATCH have no tags property: they are ignored there.
		for _, t := range in.tags {
			l.addTag(m, t, now)
		}
	}
	switch {
	case isNew:
		m.lastChanged = now
		l.insert(m)
	case !before.equal(m.snap()):
		l.touch(m, now)
	}
	return m, nil
}

// targetStatus is the status a write leaves: a new member's status (status_if_new for
// PUT) is required; an existing member keeps its own unless status is sent; an
// archived one is brought back by PUT, POST or a batch with status, status_if_new or
// the status it had (the archive guide: re-adding a contact unarchives it)
// [unverified for PATCH, which unarchives only when it sends a status].
func targetStatus(m *member, req writeReq) (string, *problem) {
	in := req.in
	switch {
	case m == nil && req.mode == modeUpsert:
		if in.statusIfNew == "" {
			return "", errInvalid(errRequired("status_if_new"))
		}
		return in.statusIfNew, nil
	case m == nil:
		if in.status == "" {
			return "", errInvalid(errRequired("status"))
		}
		return in.status, nil
	case in.status != "":
		return in.status, nil
	case m.status == statusArchived && req.mode != modePatch:
		if in.statusIfNew != "" {
			return in.statusIfNew, nil
		}
		return m.prevStatus, nil
	}
	return m.status, nil
}

// setStatus moves a member to status. Opting in stamps timestamp_opt; an unsubscribe
// through the API is an admin's, which leaves the member free to be resubscribed (an
// address "in a compliance state" is one whose owner unsubscribed, or that bounced).
func (m *member) setStatus(status string, in *memberInput, now time.Time) {
	if status == m.status {
		return
	}
	switch status {
	case statusSubscribed:
		m.opt, m.ipOpt = now, in.ipOpt
		if !in.tsOpt.IsZero() {
			m.opt = in.tsOpt
		}
	case statusUnsubscribed:
		m.unsubReason = "N/A (Unsubscribed by an admin)"
	case statusCleaned:
		m.optedOut = true
	}
	m.status, m.prevStatus = status, ""
}

// checkEmail refuses an address that is not one, or that is at a reserved domain,
// which Mailchimp takes for fake.
func (s *Sim) checkEmail(email string) *problem {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || strings.ContainsAny(email, " \t\r\n,;<>()[]\\\"") || strings.Contains(domain, "@") ||
		!strings.Contains(domain, ".") || strings.Contains(domain, "..") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") {
		return errFakeEmail(email)
	}
	tld := domain[strings.LastIndex(domain, ".")+1:]
	if len(tld) < 2 {
		return errFakeEmail(email)
	}
	d := strings.ToLower(domain)
	if !s.opts.AcceptReservedDomains {
		for _, r := range []string{"example.com", "example.net", "example.org"} {
			if d == r || strings.HasSuffix(d, "."+r) {
				return errFakeEmail(email)
			}
		}
		switch strings.ToLower(tld) {
		case "test", "example", "invalid", "localhost", "local":
			return errFakeEmail(email)
		}
	}
	return nil
}

// withMember runs fn on the list and member a request names, under the write lock;
// a missing list is 404, a missing member is nil.
func (s *Sim) withMember(w http.ResponseWriter, r *http.Request, fn func(l *list, m *member)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(r.PathValue("list_id"))
	if l == nil {
		writeProblem(w, errNotFound())
		return
	}
	fn(l, l.lookup(r.PathValue("subscriber_hash")))
}

func readMember(w http.ResponseWriter, r *http.Request, statuses []string) (*memberInput, bool) {
	raw, p := decodeBody(r)
	if p == nil {
		in, errs := parseMember(raw, statuses)
		if len(errs) == 0 {
			return in, true
		}
		p = errInvalid(errs...)
	}
	writeProblem(w, p)
	return nil, false
}

// keyMatches reports whether a path key that names no member could name email: an
// address or an MD5 must be email's; anything else (a contact_id) cannot.
func keyMatches(key, email string) bool {
	switch {
	case strings.Contains(key, "@"):
		return subscriberHash(key) == subscriberHash(email)
	case len(key) == 32:
		return strings.ToLower(key) == subscriberHash(email)
	}
	return false
}

func skipMerge(r *http.Request) bool { return r.URL.Query().Get("skip_merge_validation") == "true" }

// handleAdd serves POST /3.0/lists/{list_id}/members: email_address and status are
// required, and an address already on the list is "Member Exists".
func (s *Sim) handleAdd(w http.ResponseWriter, r *http.Request) {
	in, ok := readMember(w, r, writeStatuses)
	if !ok {
		return
	}
	var missing []string
	if in.email == "" {
		missing = append(missing, "email_address")
	}
	if in.status == "" {
		missing = append(missing, "status")
	}
	if len(missing) > 0 {
		writeProblem(w, errInvalid(errRequired(missing...)))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list(r.PathValue("list_id"))
	if l == nil {
		writeProblem(w, errNotFound())
		return
	}
	existing := l.byHash[subscriberHash(strings.TrimSpace(in.email))]
	if existing != nil && existing.status != statusArchived {
		writeProblem(w, errExists(in.email))
		return
	}
	s.answerWrite(w, r, l, existing, writeReq{mode: modeAdd, in: in, skipMerge: skipMerge(r)})
}

func (s *Sim) answerWrite(w http.ResponseWriter, r *http.Request, l *list, m *member, req writeReq) {
	m, p := s.write(l, m, req)
	if p != nil {
		writeProblem(w, p)
		return
	}
	writeJSON(w, http.StatusOK, l.render(m, s.baseURL(r)))
}

// handleUpsert serves PUT .../members/{subscriber_hash}: add or update. A new member
// needs email_address and status_if_new; an address held by another member is
// "Member Exists" (mailchimp/APIv3-examples issue #49).
func (s *Sim) handleUpsert(w http.ResponseWriter, r *http.Request) {
	in, ok := readMember(w, r, writeStatuses)
	if !ok {
		return
	}
	s.withMember(w, r, func(l *list, m *member) {
		if m == nil && in.email != "" && l.byHash[subscriberHash(in.email)] == nil && !keyMatches(r.PathValue("subscriber_hash"), in.email) {
			// [wording unverified]
			writeProblem(w, newProblem(http.StatusBadRequest, "Invalid Resource",
				"The subscriber hash provided does not match the email address."))
			return
		}
		s.answerWrite(w, r, l, m, writeReq{mode: modeUpsert, in: in, skipMerge: skipMerge(r)})
	})
}

// handlePatch serves PATCH .../members/{subscriber_hash}. A new email_address changes
// the member's address, id and unique_email_id; its contact_id stays.
func (s *Sim) handlePatch(w http.ResponseWriter, r *http.Request) {
	in, ok := readMember(w, r, patchStatuses)
	if !ok {
		return
	}
	s.withMember(w, r, func(l *list, m *member) {
		if m == nil {
			writeProblem(w, errNotFound())
			return
		}
		s.answerWrite(w, r, l, m, writeReq{mode: modePatch, in: in, skipMerge: skipMerge(r)})
	})
}

// handleArchive serves DELETE .../members/{subscriber_hash}: the member is archived
// ("Archive a list member. To permanently delete, use the delete-permanent action.");
// archiving an archived member changes nothing [unverified].
func (s *Sim) handleArchive(w http.ResponseWriter, r *http.Request) {
	s.withMember(w, r, func(l *list, m *member) {
		if m == nil {
			writeProblem(w, errNotFound())
			return
		}
		s.archive(l, m)
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Sim) archive(l *list, m *member) {
	if m.status == statusArchived {
		return
	}
	m.prevStatus, m.status = m.status, statusArchived
	l.touch(m, s.nowSecond())
}

// handleDeletePermanent serves POST .../members/{subscriber_hash}/actions/delete-permanent:
// the member is gone, and its address cannot be added again through the API
// ("Forgotten Email Not Subscribed", mailchimp-for-wordpress issue #673).
func (s *Sim) handleDeletePermanent(w http.ResponseWriter, r *http.Request) {
	s.withMember(w, r, func(l *list, m *member) {
		if m == nil {
			writeProblem(w, errNotFound())
			return
		}
		l.remove(m)
		l.forgotten[m.hash] = true
		w.WriteHeader(http.StatusNoContent)
	})
}
