package pipedrive

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search fields of GET /api/v2/persons/search and /api/v2/organizations/search (v2 spec enums).
var (
	personSearchFields = []string{"custom_fields", "email", "notes", "phone", "name"}
	orgSearchFields    = []string{"address", "custom_fields", "notes", "name"}
	// searchableCustom are the custom field types search looks in (spec, fields parameter).
	searchableCustom = []string{"address", "varchar", "text", "varchar_auto", "double", "monetary", "phone"}
)

type searchHit struct {
	r            *record
	score        float64
	customValues []string
	notes        []string
}

// matcher scores one candidate value: exact_match is a full, case-insensitive match;
// otherwise the term may appear anywhere in the value.
type matcher struct {
	term  string
	lower string
	exact bool
}

func (m matcher) score(v string) float64 {
	if v == "" {
		return 0
	}
	if strings.EqualFold(v, m.term) {
		return 1
	}
	if m.exact || !strings.Contains(strings.ToLower(v), m.lower) {
		return 0
	}
	return float64(utf8.RuneCountInString(m.term)) / float64(utf8.RuneCountInString(v))
}

// scorePhone also compares digits only, so "+1 555-0100" finds "15550100".
func (m matcher) scorePhone(v string) float64 {
	if sc := m.score(v); sc > 0 {
		return sc
	}
	dt, dv := digits(m.term), digits(v)
	if dt == "" || dv == "" {
		return 0
	}
	return matcher{term: dt, lower: dt, exact: m.exact}.score(dv)
}

func digits(v string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, v)
}

func customString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if val, ok := x["value"]; ok && val != nil {
			return fmt.Sprint(val)
		}
		return ""
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func (s *Sim) searchRecord(k kind, r *record, m matcher, fields []string) searchHit {
	h := searchHit{r: r}
	best := func(sc float64) { h.score = math.Max(h.score, sc) }
	for _, f := range fields {
		switch f {
		case "name":
			best(m.score(r.name))
		case "email":
			for _, e := range r.emails {
				best(m.score(e.Value))
			}
		case "phone":
			for _, p := range r.phones {
				best(m.scorePhone(p.Value))
			}
		case "notes":
			if r.notes != nil {
				if sc := m.score(*r.notes); sc > 0 {
					best(sc)
					h.notes = append(h.notes, *r.notes)
				}
			}
		case "address":
			if r.address != nil {
				best(m.score(customString(r.address)))
			}
		case "custom_fields":
			for _, fd := range s.fieldsOf(k) {
				if !fd.Custom || !slices.Contains(searchableCustom, fd.Type) {
					continue
				}
				v := customString(r.custom[fd.Code])
				if sc := m.score(v); sc > 0 {
					best(sc)
					h.customValues = append(h.customValues, v)
				}
			}
		}
	}
	return h
}

func (s *Sim) searchItem(k kind, h searchHit) map[string]any {
	r := h.r
	custom, notes := h.customValues, h.notes
	if custom == nil {
		custom = []string{}
	}
	if notes == nil {
		notes = []string{}
	}
	item := map[string]any{"id": r.id, "name": r.name, "visible_to": r.visibleTo,
		"owner": map[string]any{"id": r.ownerID}, "custom_fields": custom, "notes": notes}
	if k == kindOrg {
		item["type"] = "organization"
		item["address"] = nil
		if r.address != nil {
			item["address"] = customString(r.address)
		}
	} else {
		item["type"] = "person"
		emails, phones := []string{}, []string{}
		for _, e := range r.emails {
			emails = append(emails, e.Value)
		}
		for _, p := range r.phones {
			phones = append(phones, p.Value)
		}
		item["emails"], item["phones"] = emails, phones
		item["organization"] = nil
		if o := s.orgs.get(r.orgID); o != nil {
			var addr any
			if o.address != nil {
				addr = customString(o.address)
			}
			item["organization"] = map[string]any{"id": o.id, "name": o.name, "address": addr}
		}
	}
	return map[string]any{"result_score": math.Round(h.score*10000) / 10000, "item": item}
}

// handleSearch serves GET /api/v2/persons/search and /api/v2/organizations/search.
func (s *Sim) handleSearch(k kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		fail := func(format string, a ...any) { writeError(w, http.StatusBadRequest, fmt.Sprintf(format, a...)) }
		term := strings.TrimSpace(q.Get("term"))
		if term == "" {
			fail("term is required")
			return
		}
		exact := false
		switch q.Get("exact_match") {
		case "", "false":
		case "true":
			exact = true
		default:
			fail("exact_match must be true or false")
			return
		}
		// "Minimum 2 characters (or 1 if using exact_match)."
		if utf8.RuneCountInString(term) < 2 && !exact {
			fail("term must be at least 2 characters long (1 with exact_match)")
			return
		}
		allowed := personSearchFields
		if k == kindOrg {
			allowed = orgSearchFields
		}
		fields := allowed
		if v := q.Get("fields"); v != "" {
			fields = splitList(v)
			for _, f := range fields {
				if !slices.Contains(allowed, f) {
					fail("fields: %q is not one of %s", f, strings.Join(allowed, ", "))
					return
				}
			}
		}
		for _, inc := range splitList(q.Get("include_fields")) {
			if k == kindOrg || inc != "person.picture" {
				fail("include_fields: %q is not supported", inc)
				return
			}
		}
		var orgFilter int64
		if v := q.Get("organization_id"); v != "" && k == kindPerson {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				fail("organization_id must be an integer")
				return
			}
			orgFilter = n
		}
		pg, err := s.parseOffsetPage(q)
		if err != nil {
			fail("%s", err.Error())
			return
		}
		m := matcher{term: term, lower: strings.ToLower(term), exact: exact}
		now := s.now()
		s.mu.RLock()
		var hits []searchHit
		for _, rec := range s.storeOf(k).recs {
			if rec.deleted || (orgFilter != 0 && rec.orgID != orgFilter) {
				continue
			}
			if d := s.opts.SearchIndexDelay; d > 0 && !rec.createdWall.IsZero() && now.Sub(rec.createdWall) < d {
				continue // not indexed yet
			}
			if h := s.searchRecord(k, rec, m, fields); h.score > 0 {
				hits = append(hits, h)
			}
		}
		slices.SortStableFunc(hits, func(a, b searchHit) int {
			if a.score != b.score {
				if a.score > b.score {
					return -1
				}
				return 1
			}
			return cmpInt(a.r.id, b.r.id)
		})
		start, end, next := pg.window(len(hits))
		items := make([]map[string]any, 0, end-start)
		for _, h := range hits[start:end] {
			items = append(items, s.searchItem(k, h))
		}
		s.mu.RUnlock()
		writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": map[string]any{"items": items},
			"additional_data": map[string]any{"next_cursor": nilIfEmpty(next)}})
	}
}

func nilIfEmpty(v string) any {
	if v == "" {
		return nil
	}
	return v
}
