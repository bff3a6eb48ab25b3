package mailchimp

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// memberQuery is the filter and order of GET /lists/{list_id}/members.
type memberQuery struct {
	status, emailType, uniqueID string
	vipOnly                     bool
	sinceChanged, beforeChanged time.Time
	sinceOpt, beforeOpt         time.Time
	unsubSince                  time.Time
	sortField                   string
	desc                        bool
}

var sortFields = []string{"timestamp_opt", "timestamp_signup", "last_changed"}

// parseMemberQuery reads the filters. The time filters are strict: since_ keeps
// members changed after the instant, before_ those changed before it ("changed after
// the set timeframe", spec) [strictness unverified]. An unparseable time is ignored.
func parseMemberQuery(r *http.Request) (memberQuery, *problem) {
	q := r.URL.Query()
	mq := memberQuery{status: q.Get("status"), emailType: q.Get("email_type"), uniqueID: q.Get("unique_email_id"),
		vipOnly: q.Get("vip_only") == "true", sortField: q.Get("sort_field")}
	if mq.status != "" && !slices.Contains(filterStatuses, mq.status) {
		return mq, errInvalid(errEnum("status", mq.status, filterStatuses))
	}
	if mq.sortField != "" && !slices.Contains(sortFields, mq.sortField) {
		return mq, errInvalid(errEnum("sort_field", mq.sortField, sortFields))
	}
	switch dir := strings.ToUpper(q.Get("sort_dir")); dir {
	case "", "ASC":
	case "DESC":
		mq.desc = true
	default:
		return mq, errInvalid(errEnum("sort_dir", q.Get("sort_dir"), []string{"ASC", "DESC"}))
	}
	for name, dst := range map[string]*time.Time{"since_last_changed": &mq.sinceChanged, "before_last_changed": &mq.beforeChanged,
		"since_timestamp_opt": &mq.sinceOpt, "before_timestamp_opt": &mq.beforeOpt, "unsubscribed_since": &mq.unsubSince} {
		if v := q.Get(name); v != "" {
			if t, ok := parseTime(v); ok {
				*dst = t
			}
		}
	}
	if !mq.unsubSince.IsZero() {
		// "Using any status other than unsubscribed with this filter will result in an error."
		if mq.status != "" && mq.status != statusUnsubscribed {
			return mq, errInvalid(fieldError{Field: "unsubscribed_since", Message: "unsubscribed_since needs status=unsubscribed"})
		}
		mq.status = statusUnsubscribed
	}
	return mq, nil
}

// match applies the filters; archived members show only for status=archived
// (archived contacts leave the audience's views; a status=archived filter lists them).
func (mq *memberQuery) match(m *member) bool {
	switch {
	case mq.status == "" && m.status == statusArchived, mq.status != "" && m.status != mq.status,
		mq.emailType != "" && m.emailType != mq.emailType, mq.uniqueID != "" && m.uniqueID != mq.uniqueID,
		mq.vipOnly && !m.vip,
		!mq.sinceChanged.IsZero() && !m.lastChanged.After(mq.sinceChanged),
		!mq.beforeChanged.IsZero() && !m.lastChanged.Before(mq.beforeChanged),
		!mq.sinceOpt.IsZero() && !m.opt.After(mq.sinceOpt),
		!mq.beforeOpt.IsZero() && !m.opt.Before(mq.beforeOpt),
		!mq.unsubSince.IsZero() && !m.lastChanged.After(mq.unsubSince):
		return false
	}
	return true
}

// candidates gives the members in the query's order: creation order by default, or
// sorted by the sort field. For last_changed the sorted index is cut to the
// since/before range by binary search, so a sync's pages cost no sort.
func (l *list) candidates(mq *memberQuery) []*member {
	switch mq.sortField {
	case "last_changed":
		seq := l.byLast
		if !mq.sinceChanged.IsZero() {
			seq = seq[sort.Search(len(seq), func(i int) bool { return seq[i].lastChanged.After(mq.sinceChanged) }):]
		}
		if !mq.beforeChanged.IsZero() {
			seq = seq[:sort.Search(len(seq), func(i int) bool { return !seq[i].lastChanged.Before(mq.beforeChanged) })]
		}
		return seq
	case "timestamp_opt", "timestamp_signup":
		return l.sortedBy(mq.sortField)
	}
	return l.members
}

// handleMembers serves GET /3.0/lists/{list_id}/members.
func (s *Sim) handleMembers(w http.ResponseWriter, r *http.Request) {
	count, offset, p := page(r)
	if p == nil {
		var mq memberQuery
		if mq, p = parseMemberQuery(r); p == nil {
			s.listMembers(w, r, &mq, count, offset)
			return
		}
	}
	writeProblem(w, p)
}

func (s *Sim) listMembers(w http.ResponseWriter, r *http.Request, mq *memberQuery, count, offset int) {
	base := s.baseURL(r)
	l, ok := s.rlockList(w, r)
	if !ok {
		return
	}
	seq := l.candidates(mq)
	total := 0
	out := make([]memberJSON, 0, min(count, len(seq)))
	for i := range seq {
		m := seq[i]
		if mq.desc {
			m = seq[len(seq)-1-i]
		}
		if !mq.match(m) {
			continue
		}
		if total >= offset && len(out) < count {
			out = append(out, l.render(m, base))
		}
		total++
	}
	listID := l.id
	s.mu.RUnlock()
	coll := base + api + "/lists/" + listID + "/members"
	writeFiltered(w, r, map[string]any{"members": out, "list_id": listID, "total_items": total, "_links": []link{
		{Rel: "self", Href: coll, Method: "GET", TargetSchema: schemaURL(base, "Lists/Members/Collection"),
			Schema: schemaURL(base, "CollectionLinks/Lists/Members")},
		{Rel: "parent", Href: base + api + "/lists/" + listID, Method: "GET", TargetSchema: schemaURL(base, "Lists/Instance")},
		{Rel: "create", Href: coll, Method: "POST", TargetSchema: schemaURL(base, "Lists/Members/Instance"),
			Schema: schemaURL(base, "Lists/Members/POST")}}})
}

// rlockList read-locks the sandbox and finds the path's list. When there
// is none it unlocks, answers 404 and returns false; otherwise the caller
// unlocks.
func (s *Sim) rlockList(w http.ResponseWriter, r *http.Request) (*list, bool) {
	s.mu.RLock()
	l := s.list(r.PathValue("list_id"))
	if l == nil {
		s.mu.RUnlock()
		writeProblem(w, errNotFound())
	}
	return l, l != nil
}

// rlockMember is rlockList for the path's member of the list.
func (s *Sim) rlockMember(w http.ResponseWriter, r *http.Request) (*list, *member, bool) {
	s.mu.RLock()
	var m *member
	l := s.list(r.PathValue("list_id"))
	if l != nil {
		m = l.lookup(r.PathValue("subscriber_hash"))
	}
	if m == nil {
		s.mu.RUnlock()
		writeProblem(w, errNotFound())
	}
	return l, m, m != nil
}

// handleMember serves GET /3.0/lists/{list_id}/members/{subscriber_hash}; an archived
// member is found, with status archived.
func (s *Sim) handleMember(w http.ResponseWriter, r *http.Request) {
	l, m, ok := s.rlockMember(w, r)
	if !ok {
		return
	}
	out := l.render(m, s.baseURL(r))
	s.mu.RUnlock()
	writeFiltered(w, r, out)
}
