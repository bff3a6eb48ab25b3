package hubspot

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

type propertyJSON struct {
	Name                 string         `json:"name"`
	Label                string         `json:"label"`
	Type                 string         `json:"type"`
	FieldType            string         `json:"fieldType"`
	Description          string         `json:"description"`
	GroupName            string         `json:"groupName"`
	Options              []Option       `json:"options"`
	DisplayOrder         int            `json:"displayOrder"`
	Calculated           bool           `json:"calculated"`
	ExternalOptions      bool           `json:"externalOptions"`
	ReferencedObjectType string         `json:"referencedObjectType,omitempty"`
	HasUniqueValue       bool           `json:"hasUniqueValue"`
	Hidden               bool           `json:"hidden"`
	HubspotDefined       bool           `json:"hubspotDefined"`
	FormField            bool           `json:"formField"`
	Archived             bool           `json:"archived"`
	CreatedAt            string         `json:"createdAt"`
	UpdatedAt            string         `json:"updatedAt"`
	ModificationMetadata map[string]any `json:"modificationMetadata"`
}

// handleProperties serves GET /crm/properties/2026-03/{object}.
func (s *Sim) handleProperties(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r)
	if st == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": propertiesOf(st.schema)})
}

// propertiesOf renders an object's properties as the properties API does.
func propertiesOf(sc *Schema) []propertyJSON {
	out := make([]propertyJSON, 0, len(sc.Props))
	for i, p := range sc.Props {
		o := p.Options
		if o == nil {
			o = []Option{}
		}
		out = append(out, propertyJSON{Name: p.Name, Label: p.Label, Type: p.Type, FieldType: p.FieldType, GroupName: p.GroupName,
			Options: o, DisplayOrder: i, Calculated: p.Calculated, ExternalOptions: p.ExternalOptions, ReferencedObjectType: p.ReferencedObjectType, HasUniqueValue: p.Unique, HubspotDefined: p.HubSpotDefined,
			FormField: !p.ReadOnly, CreatedAt: "2019-08-06T02:43:01.000Z", UpdatedAt: "2026-03-30T00:00:00.000Z",
			ModificationMetadata: map[string]any{"archivable": !p.HubSpotDefined, "readOnlyDefinition": p.HubSpotDefined, "readOnlyValue": p.ReadOnly || p.Calculated}})
	}
	return out
}

func queryInt(q url.Values, name string, def int) (int, bool) {
	v := q.Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 0
}

// handleList serves GET /crm/objects/2026-03/{object} (id order, cursor = last id).
func (s *Sim) handleList(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r)
	if st == nil {
		return
	}
	q := r.URL.Query()
	limit, ok := queryInt(q, "limit", 10)
	if !ok || limit < 1 || limit > 100 {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "limit must be between 1 and 100", nil)
		return
	}
	var after int64
	if a := q.Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", "Invalid paging cursor: "+a, nil)
			return
		}
		after = n
	}
	archived := q.Get("archived") == "true"
	props := propertyList(r)
	s.mu.RLock()
	results := make([]Object, 0, limit)
	var next int64
	for i := st.after(after); i < len(st.recs); i++ {
		rec := st.recs[i]
		if rec.archived != archived || rec.merged {
			continue
		}
		if len(results) == limit {
			next = results[len(results)-1].idNum()
			break
		}
		results = append(results, s.render(st, rec, props))
	}
	s.mu.RUnlock()
	cursor := ""
	if next != 0 {
		cursor = strconv.FormatInt(next, 10)
	}
	s.writeListPage(w, r, results, cursor)
}

// writeListPage answers a GET listing: its results and, when more follow
// (after is set), paging.next with the cursor and the same query's link.
func (s *Sim) writeListPage(w http.ResponseWriter, r *http.Request, results any, after string) {
	body := map[string]any{"results": results}
	if after != "" {
		lq := url.Values{}
		for k, v := range r.URL.Query() {
			lq[k] = v
		}
		lq.Set("after", after)
		link := "http://" + r.Host + s.opts.PathPrefix + r.URL.Path + "?" + lq.Encode()
		body["paging"] = map[string]any{"next": map[string]any{"after": after, "link": link}}
	}
	writeJSON(w, http.StatusOK, body)
}

func (o Object) idNum() int64 { n, _ := strconv.ParseInt(o.ID, 10, 64); return n }

// handleGet serves GET /crm/objects/2026-03/{object}/{id}[?idProperty=email].
func (s *Sim) handleGet(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r)
	if st == nil {
		return
	}
	q := r.URL.Query()
	s.mu.RLock()
	defer s.mu.RUnlock()
	var rec *record
	var e *opError
	if q.Get("archived") == "true" {
		if rec = st.get(r.PathValue("id")); rec == nil || !rec.archived {
			e = notFound(st, []string{r.PathValue("id")})
		}
	} else {
		rec, e = s.lookup(st, r.PathValue("id"), q.Get("idProperty"))
	}
	if e != nil { // a GET by an idProperty that is no unique one is a 404 too, as before [unverified]
		writeSingleNotFound(w, r.PathValue("id"), q.Get("idProperty"))
		return
	}
	writeJSON(w, http.StatusOK, s.render(st, rec, propertyList(r)))
}

type writeInput struct {
	ID           string              `json:"id"`
	IDProperty   string              `json:"idProperty"`
	Properties   map[string]any      `json:"properties"`
	Associations []createAssociation `json:"associations"`
	TraceID      string              `json:"objectWriteTraceId"`
}

// handleCreate serves POST /crm/objects/2026-03/{object}.
func (s *Sim) handleCreate(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r)
	if st == nil {
		return
	}
	var in writeInput
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	rec, e := s.createWithAssociations(st, in.Properties, in.Associations)
	var out Object
	if e == nil {
		out = s.render(st, rec, keys(in.Properties))
	}
	s.mu.Unlock()
	if e != nil {
		e.write(w)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// handleUpdate serves PATCH /crm/objects/2026-03/{object}/{id}[?idProperty=].
func (s *Sim) handleUpdate(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r)
	if st == nil {
		return
	}
	var in writeInput
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	rec, e := s.lookup(st, r.PathValue("id"), r.URL.Query().Get("idProperty"))
	if e == nil {
		e = s.updateLocked(st, rec, forwardOnly(st, rec, in.Properties))
	}
	var out Object
	if e == nil {
		out = s.render(st, rec, keys(in.Properties))
	}
	s.mu.Unlock()
	if e != nil && e.status == http.StatusNotFound {
		writeSingleNotFound(w, r.PathValue("id"), r.URL.Query().Get("idProperty"))
		return
	}
	if e != nil {
		e.write(w)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleArchive serves DELETE /crm/objects/2026-03/{object}/{id}: 204 even when already gone.
func (s *Sim) handleArchive(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r)
	if st == nil {
		return
	}
	s.mu.Lock()
	if rec := st.get(r.PathValue("id")); rec != nil {
		st.archive(rec, s.nowMs())
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// handleMerge serves POST /crm/objects/2026-03/{object}/merge
// ({primaryObjectId, objectIdToMerge}) and answers with the merged record,
// which has a new id (mergeLocked).
func (s *Sim) handleMerge(w http.ResponseWriter, r *http.Request) {
	st := s.store(w, r)
	if st == nil {
		return
	}
	var in struct {
		Primary string `json:"primaryObjectId"`
		Merge   string `json:"objectIdToMerge"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	merged, err := s.mergeLocked(st, in.Primary, in.Merge)
	var out Object
	if err == nil {
		out = s.render(st, merged, nil)
	}
	s.mu.Unlock()
	if err != nil {
		writeError(w, http.StatusBadRequest, "VALIDATION_ERROR", err.Error(), nil)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// mergeLocked merges record mergeID into primaryID as HubSpot does since
// its change to merges (developer changelog, "Updated merge functionality
// for contacts and companies"): a new record with a new id is created and
// both records are merged into it. It holds the primary's property values,
// and the other's where the primary has none [unverified: the changelog
// says the primary's values are current and both records' values are
// merged onto the new one]; hs_merged_object_ids lists both ids and what
// each had merged before; it carries both records' associations, the
// primary's primary company first. Both old records are listed nowhere, and
// either old id reads the new record (objectStore.get). Caller holds s.mu.
func (s *Sim) mergeLocked(st *objectStore, primaryID, mergeID string) (*record, error) {
	p, m := st.get(primaryID), st.get(mergeID)
	if p == nil || m == nil || p.archived || m.archived || p == m {
		return nil, fmt.Errorf("cannot merge %s %s into %s: both must exist, differ and not be archived", singular(st.schema.Object), mergeID, primaryID)
	}
	i, ok := st.schema.prop("hs_merged_object_ids")
	if !ok {
		return nil, fmt.Errorf("%s cannot be merged in this sandbox", st.schema.Object)
	}
	ids := []string{}
	for _, v := range []string{p.vals[i], m.vals[i], strconv.FormatInt(p.id, 10), strconv.FormatInt(m.id, 10)} {
		if v != "" {
			ids = append(ids, v)
		}
	}
	vals := slices.Clone(p.vals)
	for j, v := range m.vals {
		if vals[j] == "" {
			vals[j] = v
		}
	}
	vals[i] = strings.Join(ids, ";")
	if st.alsoIdx >= 0 {
		vals[st.alsoIdx] = mergedSecondaries(st, vals, p, m)
	}
	now := s.nowMs()
	for _, r := range []*record{p, m} {
		st.archive(r, now) // frees their unique values (email) for the new record
		r.merged = true
	}
	merged := st.insert(vals, p.created, now)
	p.mergedInto, m.mergedInto = merged.id, merged.id
	s.moveAssociationsLocked(st.schema.Object, []int64{p.id, m.id}, merged.id)
	if kinds := companyKinds[st.schema.Object]; kinds.prop != "" {
		j, _ := st.schema.prop(kinds.prop)
		merged.vals[j] = ""
		if co, ok := s.primaries[recordEnd{st.schema.Object, merged.id}]; ok {
			merged.vals[j] = strconv.FormatInt(co, 10)
		}
	}
	return merged, nil
}

// mergedSecondaries are the merged contact's secondary emails: both
// records' own and the other's primary email ("The secondary contact's
// email address will be added as a secondary email address", HubSpot
// knowledge base, "Merge contacts"), less the email it keeps (vals).
func mergedSecondaries(st *objectStore, vals []string, p, m *record) string {
	ei, _ := st.schema.prop("email")
	keep := normUnique(vals[ei])
	var out []string
	seen := map[string]bool{}
	for _, list := range []string{p.vals[st.alsoIdx], m.vals[st.alsoIdx], m.vals[ei]} {
		for _, e := range strings.Split(list, ";") {
			if k := normUnique(e); k != "" && k != keep && !seen[k] {
				seen[k] = true
				out = append(out, strings.TrimSpace(e))
			}
		}
	}
	return strings.Join(out, ";")
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
