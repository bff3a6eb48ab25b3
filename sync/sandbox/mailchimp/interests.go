package mailchimp

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"slices"
	"sort"
	"strconv"
)

// Interest category display types (the spec's Interest_Category.type enum: "Determines
// how this category's interests appear on signup forms").
var categoryTypes = []string{"checkboxes", "dropdown", "radio", "hidden"}

// interestCategory is one of an audience's interest categories, the app's "group
// titles" (the spec's Interest_Category), with its interests ("group names").
type interestCategory struct {
	id, title, typ string
	order          int
	interests      []*interest // display order
}

// interest is one interest of a category (the spec's Interest).
type interest struct {
	id, name string
	order    int
	category *interestCategory
}

// interestIDLen is the length of category and interest ids: ten lowercase hex digits,
// like a list's id (the spec gives them as strings; ids seen in issue threads, e.g.
// "c06bb4b529" in drewm/mailchimp-api#294, have this shape).
const interestIDLen = 10

// newGroupID derives a category or interest id from the list's id and a counter, one
// neither the list nor taken holds, and adds it to taken: no draw from the id source,
// so adding groups leaves every later member id as it was.
func (l *list) newGroupID(taken map[string]bool) string {
	for {
		l.groupSeq++
		sum := md5.Sum([]byte(l.id + "/group/" + strconv.Itoa(l.groupSeq)))
		id := hex.EncodeToString(sum[:])[:interestIDLen]
		if !taken[id] && !l.groupIDTaken(id) {
			taken[id] = true
			return id
		}
	}
}

func (l *list) groupIDTaken(id string) bool {
	if l.interestByID[id] != nil {
		return true
	}
	return slices.ContainsFunc(l.categories, func(c *interestCategory) bool { return c.id == id })
}

func (l *list) category(id string) *interestCategory {
	for _, c := range l.categories {
		if c.id == id {
			return c
		}
	}
	return nil
}

// checkInterests refuses a write whose interests name an id the list does not hold,
// as Mailchimp does: 400 Invalid Resource, "Invalid interest ID: 'c06bb4b529'.", with
// no errors array (drewm/mailchimp-api#294). The first unknown id in sorted order is
// named [which one Mailchimp names when several are unknown is unverified].
func (l *list) checkInterests(in map[string]bool) *problem {
	ids := make([]string, 0, len(in))
	for id := range in {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if l.interestByID[id] == nil {
			return newProblem(http.StatusBadRequest, "Invalid Resource", "Invalid interest ID: '"+id+"'.")
		}
	}
	return nil
}

// interestValues renders a member's interests as Mailchimp does: every interest of the
// list by id, true for those the member is in. nil when the list has no interests,
// which leaves the property out [unverified: the member schema lists interests, and an
// audience without groups has nothing to put in it].
func (l *list) interestValues(m *member) map[string]bool {
	if len(l.interestByID) == 0 {
		return nil
	}
	out := make(map[string]bool, len(l.interestByID))
	for id := range l.interestByID {
		out[id] = m.interests[id]
	}
	return out
}

// subscriberCounts counts, per interest, the subscribed members in it [which statuses
// Mailchimp counts is unverified; "The number of subscribers associated with this
// interest"].
func (l *list) subscriberCounts() map[string]int {
	out := map[string]int{}
	for _, m := range l.members {
		if m.status != statusSubscribed {
			continue
		}
		for id, on := range m.interests {
			if on {
				out[id]++
			}
		}
	}
	return out
}

func categoryLinks(base, listID, id string) []link {
	coll := base + api + "/lists/" + listID + "/interest-categories"
	self := coll + "/" + id
	inst := schemaURL(base, "Lists/InterestCategories/Instance")
	return []link{
		{Rel: "self", Href: self, Method: "GET", TargetSchema: inst},
		{Rel: "parent", Href: coll, Method: "GET", TargetSchema: schemaURL(base, "Lists/InterestCategories/Collection"),
			Schema: schemaURL(base, "CollectionLinks/Lists/InterestCategories")},
		{Rel: "delete", Href: self, Method: "DELETE"},
		{Rel: "update", Href: self, Method: "PATCH", TargetSchema: inst, Schema: schemaURL(base, "Lists/InterestCategories/PATCH")},
		{Rel: "interests", Href: self + "/interests", Method: "GET", TargetSchema: schemaURL(base, "Lists/InterestCategories/Interests/Collection"),
			Schema: schemaURL(base, "CollectionLinks/Lists/InterestCategories/Interests")},
	}
}

// renderCategory writes a category (the spec's Interest_Category).
func renderCategory(listID string, c *interestCategory, base string) map[string]any {
	return map[string]any{"list_id": listID, "id": c.id, "title": c.title, "display_order": c.order, "type": c.typ,
		"_links": categoryLinks(base, listID, c.id)}
}

// renderInterest writes an interest (the spec's Interest: subscriber_count is a string
// there).
func renderInterest(listID string, in *interest, count int, base string) map[string]any {
	coll := base + api + "/lists/" + listID + "/interest-categories/" + in.category.id + "/interests"
	self := coll + "/" + in.id
	inst := schemaURL(base, "Lists/InterestCategories/Interests/Instance")
	return map[string]any{"category_id": in.category.id, "list_id": listID, "id": in.id, "name": in.name,
		"subscriber_count": strconv.Itoa(count), "display_order": in.order, "_links": []link{
			{Rel: "self", Href: self, Method: "GET", TargetSchema: inst},
			{Rel: "parent", Href: coll, Method: "GET", TargetSchema: schemaURL(base, "Lists/InterestCategories/Interests/Collection"),
				Schema: schemaURL(base, "CollectionLinks/Lists/InterestCategories/Interests")},
			{Rel: "delete", Href: self, Method: "DELETE"},
			{Rel: "update", Href: self, Method: "PATCH", TargetSchema: inst, Schema: schemaURL(base, "Lists/InterestCategories/Interests/PATCH")},
		}}
}

// handleCategories serves GET /3.0/lists/{list_id}/interest-categories (count, offset,
// type) in display order: the spec's Interest_Groupings.
func (s *Sim) handleCategories(w http.ResponseWriter, r *http.Request) {
	count, offset, p := page(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	base, typ := s.baseURL(r), r.URL.Query().Get("type")
	l, ok := s.rlockList(w, r)
	if !ok {
		return
	}
	var match []map[string]any
	for _, c := range l.categories {
		if typ == "" || c.typ == typ {
			match = append(match, renderCategory(l.id, c, base))
		}
	}
	listID := l.id
	s.mu.RUnlock()
	lo, hi := window(len(match), count, offset)
	coll := base + api + "/lists/" + listID + "/interest-categories"
	writeFiltered(w, r, map[string]any{"list_id": listID, "categories": append([]map[string]any{}, match[lo:hi]...),
		"total_items": len(match), "_links": []link{
			{Rel: "self", Href: coll, Method: "GET", TargetSchema: schemaURL(base, "Lists/InterestCategories/Collection"),
				Schema: schemaURL(base, "CollectionLinks/Lists/InterestCategories")},
			{Rel: "parent", Href: base + api + "/lists/" + listID, Method: "GET", TargetSchema: schemaURL(base, "Lists/Instance")},
			{Rel: "create", Href: coll, Method: "POST", TargetSchema: schemaURL(base, "Lists/InterestCategories/Instance"),
				Schema: schemaURL(base, "Lists/InterestCategories/POST")}}})
}

// withCategory runs fn on the list and category a request names, under the read lock;
// either missing is 404.
func (s *Sim) withCategory(w http.ResponseWriter, r *http.Request, fn func(l *list, c *interestCategory)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.list(r.PathValue("list_id"))
	var c *interestCategory
	if l != nil {
		c = l.category(r.PathValue("interest_category_id"))
	}
	if c == nil {
		writeProblem(w, errNotFound())
		return
	}
	fn(l, c)
}

// handleCategory serves GET /3.0/lists/{list_id}/interest-categories/{interest_category_id}.
func (s *Sim) handleCategory(w http.ResponseWriter, r *http.Request) {
	s.withCategory(w, r, func(l *list, c *interestCategory) {
		writeFiltered(w, r, renderCategory(l.id, c, s.baseURL(r)))
	})
}

// handleInterests serves GET .../interest-categories/{interest_category_id}/interests
// (count, offset) in display order: the spec's Interests.
func (s *Sim) handleInterests(w http.ResponseWriter, r *http.Request) {
	count, offset, p := page(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	base := s.baseURL(r)
	s.withCategory(w, r, func(l *list, c *interestCategory) {
		counts := l.subscriberCounts()
		lo, hi := window(len(c.interests), count, offset)
		out := make([]map[string]any, 0, hi-lo)
		for _, in := range c.interests[lo:hi] {
			out = append(out, renderInterest(l.id, in, counts[in.id], base))
		}
		coll := base + api + "/lists/" + l.id + "/interest-categories/" + c.id + "/interests"
		writeFiltered(w, r, map[string]any{"interests": out, "list_id": l.id, "category_id": c.id,
			"total_items": len(c.interests), "_links": []link{
				{Rel: "self", Href: coll, Method: "GET", TargetSchema: schemaURL(base, "Lists/InterestCategories/Interests/Collection"),
					Schema: schemaURL(base, "CollectionLinks/Lists/InterestCategories/Interests")},
				{Rel: "parent", Href: base + api + "/lists/" + l.id + "/interest-categories/" + c.id, Method: "GET",
					TargetSchema: schemaURL(base, "Lists/InterestCategories/Instance")},
				{Rel: "create", Href: coll, Method: "POST", TargetSchema: schemaURL(base, "Lists/InterestCategories/Interests/Instance"),
					Schema: schemaURL(base, "Lists/InterestCategories/Interests/POST")}}})
	})
}

// handleInterest serves GET .../interests/{interest_id}; an interest of another
// category is not found there.
func (s *Sim) handleInterest(w http.ResponseWriter, r *http.Request) {
	s.withCategory(w, r, func(l *list, c *interestCategory) {
		in := l.interestByID[r.PathValue("interest_id")]
		if in == nil || in.category != c {
			writeProblem(w, errNotFound())
			return
		}
		writeFiltered(w, r, renderInterest(l.id, in, l.subscriberCounts()[in.id], s.baseURL(r)))
	})
}

// parseInterests reads a write's interests: an object whose keys are interest ids and
// whose values are booleans (the spec's "Subscriber Interests"; an array is "Schema
// describes object, array found instead", drewm/mailchimp-api#98).
func parseInterests(v any) (map[string]bool, []fieldError) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, []fieldError{errType("interests", "object", v)}
	}
	out := make(map[string]bool, len(obj))
	var errs []fieldError
	for id, x := range obj {
		b, isBool := x.(bool)
		if !isBool {
			errs = append(errs, errType("interests."+id, "boolean", x)) // [field path unverified]
			continue
		}
		out[id] = b
	}
	return out, errs
}
