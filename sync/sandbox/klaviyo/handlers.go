package klaviyo

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// maxProfileBody is create, update and create-or-update's payload limit ("The
// maximum allowed payload size is 100KB").
const maxProfileBody = 100 << 10

// decodeDoc reads a JSON:API document of the given type and returns its data.
func decodeDoc(r *http.Request, limit int64, typ string) (map[string]any, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, errInvalid("The request body could not be read.", "/data")
	}
	if int64(len(body)) > limit {
		// [status and wording unverified]
		return nil, newError(http.StatusRequestEntityTooLarge, "request_too_large", "Request entity too large.",
			"The request payload exceeds the maximum allowed size.")
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, errInvalid("JSON parse error. [unverified wording]", "/data")
	}
	data, ok := doc["data"].(map[string]any)
	if !ok {
		return nil, errInvalid("'data' is a required field.", "/data")
	}
	if data["type"] != typ {
		return nil, errInvalid("'type' must be '"+typ+"'. [unverified wording]", "/data/type")
	}
	return data, nil
}

func attrsOf(data map[string]any) (map[string]any, *apiError) {
	switch a := data["attributes"].(type) {
	case map[string]any:
		return a, nil
	case nil:
		return map[string]any{}, nil
	}
	return nil, errInvalid("'attributes' must be an object.", "/data/attributes")
}

func errDuplicate(id string) *apiError {
	e := newError(http.StatusConflict, "duplicate_profile", "Conflict.", "A profile already exists with one of these identifiers.").atPointer("/data/attributes")
	e.Meta = map[string]any{"duplicate_profile_id": id}
	return e
}

// handleAccounts serves GET /api/accounts: the one account of the credential.
func (s *Sim) handleAccounts(w http.ResponseWriter, r *http.Request) {
	base := s.baseURL(r)
	acct := map[string]any{"type": "account", "id": s.accountID, "attributes": map[string]any{
		"test_account": false,
		"contact_information": map[string]any{"default_sender_name": s.opts.AccountName,
			"default_sender_email": "marketing@crmsync-sandbox.net", "website_url": "https://crmsync-sandbox.net",
			"organization_name": s.opts.AccountName, "street_address": map[string]any{"address1": "125 Summer Street",
				"address2": nil, "city": "Boston", "region": "MA", "country": "US", "zip": "02110"}},
		"industry": "Software / SaaS", "timezone": "US/Eastern", "preferred_currency": "USD",
		"public_api_key": s.publicKey, "locale": "en-US"},
		"links": map[string]any{"self": base + "/api/accounts/" + s.accountID + "/"}}
	writeJSON(w, http.StatusOK, map[string]any{"data": []any{acct}, "links": s.links(r, "")})
}

// handleProfiles serves GET /api/profiles.
func (s *Sim) handleProfiles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v, e := parseView(r)
	if e != nil {
		writeErrors(w, e)
		return
	}
	size, e := pageSize(r)
	if e != nil {
		writeErrors(w, e)
		return
	}
	conds, e := parseFilter(q.Get("filter"))
	if e != nil {
		writeErrors(w, e)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rows := make([]*record, 0, len(s.store.order))
outer:
	for _, id := range s.store.order {
		rec := s.store.byID[id]
		for _, c := range conds {
			if !c.match(rec) {
				continue outer
			}
		}
		rows = append(rows, rec)
	}
	pg, next, e := page(rows, q.Get("sort"), q.Get("page[cursor]"), size)
	if e != nil {
		writeErrors(w, e)
		return
	}
	data := make([]any, len(pg))
	for i, rec := range pg {
		data[i] = s.resource(r, rec, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "links": s.links(r, next)})
}

// handleProfile serves GET /api/profiles/{id}.
func (s *Sim) handleProfile(w http.ResponseWriter, r *http.Request) {
	v, e := parseView(r)
	if e != nil {
		writeErrors(w, e)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := s.store.byID[r.PathValue("id")]
	if rec == nil {
		writeErrors(w, errNotFound("A profile with id "+r.PathValue("id")+" does not exist."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": s.resource(r, rec, v), "links": s.links(r, "")})
}

// handleCreate serves POST /api/profiles: 201, or 409 duplicate_profile with
// meta.duplicate_profile_id when another profile has the email, phone number or
// external id.
func (s *Sim) handleCreate(w http.ResponseWriter, r *http.Request) {
	v, _, attrs, e := readProfileDoc(r)
	if e != nil {
		writeErrors(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, e := s.createLocked(attrs, "/data/attributes")
	if e != nil {
		writeErrors(w, e)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"data": s.resource(r, rec, v), "links": map[string]any{"self": s.baseURL(r) + "/api/profiles/" + rec.id + "/"}})
}

// createLocked validates and stores a new profile; callers hold s.mu.
func (s *Sim) createLocked(attrs map[string]any, ptr string) (*record, *apiError) {
	rec := &record{consent: NeverSubscribed}
	if errs := applyAttrs(rec, attrs, ptr); len(errs) > 0 {
		return nil, errs[0]
	}
	if !hasIdentifier(rec) {
		return nil, errNoIdentifier(ptr)
	}
	if dup, ok := s.store.conflict(rec); ok {
		return nil, errDuplicate(dup)
	}
	s.store.keepConsent(nil, rec)
	rec.id = s.newID()
	rec.created = s.tick()
	rec.updated = rec.created
	s.store.put(rec)
	return rec, nil
}

// updateLocked applies attributes and meta.patch_properties to a copy of old and
// stores it, bumping updated when anything changed; callers hold s.mu.
func (s *Sim) updateLocked(old *record, attrs map[string]any, meta any, ptr string) (*record, *apiError) {
	rec := old.clone()
	if errs := applyAttrs(rec, attrs, ptr); len(errs) > 0 {
		return nil, errs[0]
	}
	if e := applyPatchProperties(rec, meta); e != nil {
		return nil, e
	}
	if !hasIdentifier(rec) {
		return nil, errNoIdentifier(ptr)
	}
	if dup, ok := s.store.conflict(rec); ok {
		return nil, errDuplicate(dup)
	}
	before, _ := json.Marshal(attributes(old, true, false))
	after, _ := json.Marshal(attributes(rec, true, false))
	if string(before) == string(after) {
		return old, nil // nothing changed: updated stays [unverified]
	}
	s.store.keepConsent(old, rec)
	rec.updated = s.tick()
	s.store.put(rec)
	return rec, nil
}

// applyPatchProperties handles meta.patch_properties (ProfileMetaPatchProperties):
// unset (a name or a list of names) removes properties; append and unappend add
// to or remove from list-valued properties.
func applyPatchProperties(rec *record, meta any) *apiError {
	m, _ := meta.(map[string]any)
	pp, _ := m["patch_properties"].(map[string]any)
	if pp == nil {
		return nil
	}
	if rec.properties == nil {
		rec.properties = map[string]any{}
	}
	switch u := pp["unset"].(type) {
	case string:
		delete(rec.properties, u)
	case []any:
		for _, k := range u {
			if ks, ok := k.(string); ok {
				delete(rec.properties, ks)
			}
		}
	case nil:
	default:
		return errInvalid("'unset' must be a string or a list of strings.", "/data/meta/patch_properties/unset")
	}
	app, _ := pp["append"].(map[string]any)
	for k, v := range app {
		list, _ := rec.properties[k].([]any)
		rec.properties[k] = append(list, v)
	}
	un, _ := pp["unappend"].(map[string]any)
	for k, v := range un {
		list, _ := rec.properties[k].([]any)
		out := list[:0:0]
		for _, x := range list {
			if x != v {
				out = append(out, x)
			}
		}
		rec.properties[k] = out
	}
	return nil
}

// readProfileDoc reads what a single-profile write is given: the view
// its answer is rendered in, the profile resource and its attributes.
func readProfileDoc(r *http.Request) (view, map[string]any, map[string]any, *apiError) {
	v, e := parseView(r)
	if e != nil {
		return v, nil, nil, e
	}
	data, e := decodeDoc(r, maxProfileBody, "profile")
	if e != nil {
		return v, nil, nil, e
	}
	attrs, e := attrsOf(data)
	return v, data, attrs, e
}

// handlePatch serves PATCH /api/profiles/{id}: data.id must be the path's id.
func (s *Sim) handlePatch(w http.ResponseWriter, r *http.Request) {
	v, data, attrs, e := readProfileDoc(r)
	if e != nil {
		writeErrors(w, e)
		return
	}
	id := r.PathValue("id")
	if data["id"] != id {
		// [status and wording unverified]
		writeErrors(w, errInvalid("The id in the request body must match the id in the URL.", "/data/id"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.store.byID[id]
	if old == nil {
		writeErrors(w, errNotFound("A profile with id "+id+" does not exist."))
		return
	}
	rec, e := s.updateLocked(old, attrs, data["meta"], "/data/attributes")
	if e != nil {
		writeErrors(w, e)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": s.resource(r, rec, v), "links": map[string]any{"self": s.baseURL(r) + "/api/profiles/" + id + "/"}})
}

// handleUpsert serves POST /api/profile-import: with data.id the profile with that id
// is updated (404 when there is none); without, the profile with the email, phone
// number or external id is, and a new one is created when none matches. 201 when
// created, 200 when updated.
func (s *Sim) handleUpsert(w http.ResponseWriter, r *http.Request) {
	v, data, attrs, e := readProfileDoc(r)
	if e != nil {
		writeErrors(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, created, e := s.upsertLocked(data, attrs, "/data")
	if e != nil {
		writeErrors(w, e)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"data": s.resource(r, rec, v), "links": map[string]any{"self": s.baseURL(r) + "/api/profiles/" + rec.id + "/"}})
}

// upsertLocked is create-or-update for one ProfileUpsertQueryResourceObject;
// callers hold s.mu. ptr is where the resource sits in the payload.
func (s *Sim) upsertLocked(data, attrs map[string]any, ptr string) (*record, bool, *apiError) {
	if id, _ := data["id"].(string); id != "" {
		old := s.store.byID[id]
		if old == nil {
			return nil, false, errNotFound("A profile with id " + id + " does not exist.")
		}
		rec, e := s.updateLocked(old, attrs, data["meta"], ptr+"/attributes")
		return rec, false, e
	}
	probe := &record{}
	if errs := applyAttrs(probe, attrs, ptr+"/attributes"); len(errs) > 0 {
		return nil, false, errs[0]
	}
	if old := s.store.match(probe.email, probe.phone, probe.externalID); old != nil {
		rec, e := s.updateLocked(old, attrs, data["meta"], ptr+"/attributes")
		return rec, false, e
	}
	rec, e := s.createLocked(attrs, ptr+"/attributes")
	if e == nil && data["meta"] != nil {
		if pe := applyPatchProperties(rec, data["meta"]); pe != nil {
			return nil, false, pe
		}
	}
	return rec, e == nil, e
}

var errNoProfile = errors.New("klaviyo: no such profile")
