package mailchimp

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Member tag statuses of POST .../members/{subscriber_hash}/tags (the spec's
// Member_Tag.status: "pass in active to add a tag or inactive to remove it").
var tagStatuses = []string{"inactive", "active"}

// addTag gives m the tag, created list-wide on first use ("If a tag that does not
// exist is passed in and set as 'active', a new tag will be created"); it reports
// whether m did not have it.
func (l *list) addTag(m *member, name string, at time.Time) bool {
	l.tagID(name)
	if slices.Contains(m.tags, name) {
		return false
	}
	m.tags = append(m.tags, name)
	if m.tagAdded == nil {
		m.tagAdded = map[string]time.Time{}
	}
	m.tagAdded[name] = at
	return true
}

// removeTag takes the tag off m; it reports whether m had it.
func (m *member) removeTag(name string) bool {
	i := slices.Index(m.tags, name)
	if i < 0 {
		return false
	}
	m.tags = slices.Delete(m.tags, i, i+1)
	delete(m.tagAdded, name)
	return true
}

// setTags leaves m with exactly the tags names (blank and repeated names dropped): the
// tags it keeps keep their place and date, new ones follow.
func (l *list) setTags(m *member, names []string, at time.Time) {
	for _, t := range slices.Clone(m.tags) {
		if !slices.Contains(names, t) {
			m.removeTag(t)
		}
	}
	for _, t := range names {
		if t = strings.TrimSpace(t); t != "" {
			l.addTag(m, t, at)
		}
	}
}

// tagChange is one entry of a tags request.
type tagChange struct {
	name   string
	active bool
}

// parseTagChanges checks a tags request against the spec's Member_Tags: tags (required)
// is an array of objects with name and status (both required), is_syncing a boolean.
// A status is taken in any case (clients send ACTIVE and INACTIVE, e.g. the Kestra
// plugin's UpdateMemberTags) [unverified]; a blank name is refused [wording
// unverified].
func parseTagChanges(raw map[string]any) ([]tagChange, []fieldError) {
	v, present := raw["tags"]
	if !present {
		return nil, []fieldError{errRequired("tags")}
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, []fieldError{errType("tags", "array", v)}
	}
	var errs []fieldError
	if x, present := raw["is_syncing"]; present {
		if _, isBool := x.(bool); !isBool {
			errs = append(errs, errType("is_syncing", "boolean", x))
		}
	}
	out := make([]tagChange, 0, len(arr))
	for _, item := range arr {
		obj, isObj := item.(map[string]any)
		if !isObj {
			errs = append(errs, errType("tags", "object", item))
			continue
		}
		name, nameOK := obj["name"].(string)
		status, statusOK := obj["status"].(string)
		var missing []string
		if _, has := obj["name"]; !has {
			missing = append(missing, "name")
		}
		if _, has := obj["status"]; !has {
			missing = append(missing, "status")
		}
		switch {
		case len(missing) > 0:
			errs = append(errs, errRequired(missing...))
		case !nameOK:
			errs = append(errs, errType("name", "string", obj["name"]))
		case !statusOK:
			errs = append(errs, errType("status", "string", obj["status"]))
		case strings.TrimSpace(name) == "":
			errs = append(errs, fieldError{Field: "name", Message: "A tag name cannot be blank."})
		case !slices.Contains(tagStatuses, strings.ToLower(status)):
			errs = append(errs, errEnum("status", status, tagStatuses))
		default:
			out = append(out, tagChange{name: strings.TrimSpace(name), active: strings.ToLower(status) == "active"})
		}
	}
	return out, errs
}

// handleMemberTags serves POST /3.0/lists/{list_id}/members/{subscriber_hash}/tags:
// each tag is added (active) or removed (inactive) in turn, the member's other tags
// stay, and the answer is 204 with no body. A change moves the member's last_changed
// [unverified: the docs say only "the date and time the member's info was last
// changed"; the sandbox counts tags as the member's info, as batch subscribe's tags
// are]. is_syncing only stops tag automations, which the sandbox has none of.
func (s *Sim) handleMemberTags(w http.ResponseWriter, r *http.Request) {
	raw, p := decodeBody(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	changes, errs := parseTagChanges(raw)
	if len(errs) > 0 {
		writeProblem(w, errInvalid(errs...))
		return
	}
	s.withMember(w, r, func(l *list, m *member) {
		if m == nil {
			writeProblem(w, errNotFound())
			return
		}
		now := s.nowSecond()
		changed := false
		for _, c := range changes {
			if c.active {
				changed = l.addTag(m, c.name, now) || changed
			} else {
				changed = m.removeTag(c.name) || changed
			}
		}
		if changed {
			l.touch(m, now)
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// handleMemberTagList serves GET .../members/{subscriber_hash}/tags (count, offset):
// the spec's Collection_of_Tags, each tag with its list-wide id and when the member got
// it.
func (s *Sim) handleMemberTagList(w http.ResponseWriter, r *http.Request) {
	count, offset, p := page(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	base := s.baseURL(r)
	l, m, ok := s.rlockMember(w, r)
	if !ok {
		return
	}
	lo, hi := window(len(m.tags), count, offset)
	out := make([]map[string]any, 0, hi-lo)
	for _, t := range m.tags[lo:hi] {
		out = append(out, map[string]any{"id": l.tagIDs[t], "name": t, "date_added": fmtTime(m.tagAdded[t])})
	}
	self := base + api + "/lists/" + l.id + "/members/" + m.hash + "/tags"
	parent := base + api + "/lists/" + l.id + "/members/" + m.hash
	total := len(m.tags)
	s.mu.RUnlock()
	writeFiltered(w, r, map[string]any{"tags": out, "total_items": total, "_links": []link{
		{Rel: "self", Href: self, Method: "GET", TargetSchema: schemaURL(base, "Lists/Members/Tags/Collection")},
		{Rel: "parent", Href: parent, Method: "GET", TargetSchema: schemaURL(base, "Lists/Members/Instance")},
		{Rel: "create", Href: self, Method: "POST", Schema: schemaURL(base, "Lists/Members/Tags/POST")}}})
}
