package mailchimp

import (
	"net/http"
	"strconv"
	"strings"
)

// Paging limits of every collection: count defaults to 10, at most 1000 (spec).
const (
	defaultCount = 10
	maxCount     = 1000
)

// page reads count and offset. A count over 1000 or a negative one is refused with
// 400 [wording unverified]; a value that is not a number counts as absent.
func page(r *http.Request) (count, offset int, p *problem) {
	count = defaultCount
	q := r.URL.Query()
	if v := q.Get("count"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			count = n
		}
	}
	if v := q.Get("offset"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			offset = n
		}
	}
	if count > maxCount || count < 0 {
		return 0, 0, errInvalid(fieldError{Field: "count", Message: "count must be between 0 and 1000"})
	}
	if offset < 0 {
		return 0, 0, errInvalid(fieldError{Field: "offset", Message: "offset must be 0 or more"})
	}
	return count, offset, nil
}

// window cuts [offset, offset+count) out of n items.
func window(n, count, offset int) (int, int) {
	lo := min(offset, n)
	return lo, min(lo+count, n)
}

// handlePing serves GET /3.0/ping, the health check.
func (s *Sim) handlePing(w http.ResponseWriter, r *http.Request) {
	writeFiltered(w, r, map[string]any{"health_status": "Everything's Chimpy!"})
}

// handleRoot serves GET /3.0/, the account (the spec's API_Root).
func (s *Sim) handleRoot(w http.ResponseWriter, r *http.Request) {
	base := s.baseURL(r)
	s.mu.RLock()
	total := 0
	for _, l := range s.lists {
		total += l.counts()[statusSubscribed]
	}
	s.mu.RUnlock()
	writeFiltered(w, r, map[string]any{
		"account_id": s.accountID, "login_id": strconv.FormatInt(s.userID, 10), "account_name": s.opts.AccountName,
		"email": s.opts.LoginEmail, "first_name": "Freddie", "last_name": "Chimpenheimer", "username": s.opts.LoginName,
		"avatar_url": "", "role": "owner", "member_since": fmtTime(s.created), "pricing_plan_type": "monthly",
		"first_payment": fmtTime(s.created), "account_timezone": "America/New_York", "account_industry": "Software",
		"contact": map[string]any{"company": s.opts.AccountName, "addr1": "675 Ponce de Leon Ave NE", "addr2": "Suite 5000",
			"city": "Atlanta", "state": "GA", "zip": "30308", "country": "US"},
		"pro_enabled": false, "last_login": fmtTime(s.nowSecond()), "total_subscribers": total,
		"industry_stats": map[string]any{"open_rate": 0.2, "bounce_rate": 0.01, "click_rate": 0.03},
		"_links": []link{{Rel: "self", Href: base + api + "/", Method: "GET", TargetSchema: schemaURL(base, "Root")},
			{Rel: "lists", Href: base + api + "/lists", Method: "GET", TargetSchema: schemaURL(base, "Lists/Collection")},
			{Rel: "ping", Href: base + api + "/ping", Method: "GET", TargetSchema: schemaURL(base, "Ping")}},
	})
}

// handleLists serves GET /3.0/lists (count, offset, email, sort_field=date_created,
// sort_dir, include_total_contacts) in creation order.
func (s *Sim) handleLists(w http.ResponseWriter, r *http.Request) {
	count, offset, p := page(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	q, base := r.URL.Query(), s.baseURL(r)
	s.mu.RLock()
	var match []*list
	for _, l := range s.lists {
		if e := q.Get("email"); e != "" && l.lookup(e) == nil {
			continue
		}
		match = append(match, l)
	}
	if strings.EqualFold(q.Get("sort_dir"), "DESC") {
		for i, j := 0, len(match)-1; i < j; i, j = i+1, j-1 {
			match[i], match[j] = match[j], match[i]
		}
	}
	lo, hi := window(len(match), count, offset)
	out := make([]listJSON, 0, hi-lo)
	for _, l := range match[lo:hi] {
		out = append(out, s.renderList(l, base, q.Get("include_total_contacts") == "true"))
	}
	all := len(s.lists)
	s.mu.RUnlock()
	writeFiltered(w, r, map[string]any{"lists": out, "total_items": len(match),
		"constraints": map[string]any{"may_create": true, "max_instances": -1, "current_total_instances": all},
		"_links": []link{{Rel: "self", Href: base + api + "/lists", Method: "GET", TargetSchema: schemaURL(base, "Lists/Collection")},
			{Rel: "create", Href: base + api + "/lists", Method: "POST", TargetSchema: schemaURL(base, "Lists/Instance"),
				Schema: schemaURL(base, "Lists/POST")}}})
}

// handleList serves GET /3.0/lists/{list_id}.
func (s *Sim) handleList(w http.ResponseWriter, r *http.Request) {
	l, ok := s.rlockList(w, r)
	if !ok {
		return
	}
	out := s.renderList(l, s.baseURL(r), r.URL.Query().Get("include_total_contacts") == "true")
	s.mu.RUnlock()
	writeFiltered(w, r, out)
}

// handleMergeFields serves GET /3.0/lists/{list_id}/merge-fields (count, offset, type,
// required) in display order.
func (s *Sim) handleMergeFields(w http.ResponseWriter, r *http.Request) {
	count, offset, p := page(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	q, base := r.URL.Query(), s.baseURL(r)
	l, ok := s.rlockList(w, r)
	if !ok {
		return
	}
	var match []map[string]any
	for _, f := range l.fields {
		if t := q.Get("type"); t != "" && t != f.typ {
			continue
		}
		if req := q.Get("required"); req != "" && (req == "true") != f.required {
			continue
		}
		match = append(match, renderField(l.id, f, base))
	}
	s.mu.RUnlock()
	lo, hi := window(len(match), count, offset)
	coll := base + api + "/lists/" + l.id + "/merge-fields"
	writeFiltered(w, r, map[string]any{"merge_fields": append([]map[string]any{}, match[lo:hi]...), "list_id": l.id,
		"total_items": len(match), "_links": []link{
			{Rel: "self", Href: coll, Method: "GET", TargetSchema: schemaURL(base, "Lists/MergeFields/Collection")},
			{Rel: "parent", Href: base + api + "/lists/" + l.id, Method: "GET", TargetSchema: schemaURL(base, "Lists/Instance")},
			{Rel: "create", Href: coll, Method: "POST", TargetSchema: schemaURL(base, "Lists/MergeFields/Instance"),
				Schema: schemaURL(base, "Lists/MergeFields/POST")}}})
}

// renderField writes a merge field (the spec's Merge_Field); options carries what
// applies to its type.
func renderField(listID string, f *mergeField, base string) map[string]any {
	opts := map[string]any{}
	switch f.typ {
	case "text":
		opts["size"] = f.size
	case "address":
		opts["default_country"] = f.defaultCountry
	case "phone":
		opts["phone_format"] = f.phoneFormat
	case "date", "birthday":
		opts["date_format"] = f.dateFormat
	case "radio", "dropdown":
		opts["choices"] = append([]string{}, f.choices...)
	}
	self := base + api + "/lists/" + listID + "/merge-fields/" + strconv.Itoa(f.id)
	return map[string]any{"merge_id": f.id, "tag": f.tag, "name": f.name, "type": f.typ, "required": f.required,
		"default_value": f.defaultValue, "public": f.public, "display_order": f.order, "options": opts,
		"help_text": f.helpText, "list_id": listID, "_links": []link{
			{Rel: "self", Href: self, Method: "GET", TargetSchema: schemaURL(base, "Lists/MergeFields/Instance")},
			{Rel: "update", Href: self, Method: "PATCH", TargetSchema: schemaURL(base, "Lists/MergeFields/Instance"),
				Schema: schemaURL(base, "Lists/MergeFields/PATCH")},
			{Rel: "delete", Href: self, Method: "DELETE"}}}
}
