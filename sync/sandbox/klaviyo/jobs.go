package klaviyo

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Bulk import limits (bulk_import_profiles: "Accepts up to 10,000 profiles per
// request. The maximum allowed payload size is 5MB. The maximum allowed payload
// size per-profile is 100KB."), and the profiles per bulk unsubscribe (100) and
// subscribe (1000) call.
const (
	MaxImportProfiles      = 10000
	maxImportBody          = 5 << 20
	maxImportProfile       = 100 << 10
	MaxUnsubscribeProfiles = 100
	MaxSubscribeProfiles   = 1000
)

// importJob is a profile-bulk-import-job. It is queued when created, answers
// "processing" to the first jobPolls reads and applies its writes on the read after,
// which answers "complete": a client sees nothing of the import until the job says
// it is done [Klaviyo's own timing is unverified; it processes in the background].
type importJob struct {
	id                          string
	created, started, completed time.Time
	items                       []map[string]any
	polls                       int
	profileIDs                  []string
	errs                        []map[string]any
	completedCount, failedCount int
	status                      string
}

// SetJobPolls sets how many reads of a bulk import job answer "processing"
// before it completes (default 1; 0 completes it on the first read).
func (s *Sim) SetJobPolls(n int) { s.mu.Lock(); s.jobPolls = max(n, 0); s.mu.Unlock() }

// handleBulkImport serves POST /api/profile-bulk-import-jobs: 202 with the queued job.
func (s *Sim) handleBulkImport(w http.ResponseWriter, r *http.Request) {
	data, e := decodeDoc(r, maxImportBody, "profile-bulk-import-job")
	if e != nil {
		writeErrors(w, e)
		return
	}
	attrs, _ := data["attributes"].(map[string]any)
	profiles, _ := attrs["profiles"].(map[string]any)
	list, ok := profiles["data"].([]any)
	if !ok {
		writeErrors(w, errInvalid("'profiles' is a required field.", "/data/attributes/profiles/data"))
		return
	}
	if len(list) == 0 || len(list) > MaxImportProfiles {
		writeErrors(w, errInvalid(fmt.Sprintf("A bulk import job takes between 1 and %d profiles. [unverified wording]", MaxImportProfiles),
			"/data/attributes/profiles/data"))
		return
	}
	items := make([]map[string]any, len(list))
	for i, it := range list {
		m, ok := it.(map[string]any)
		if !ok || m["type"] != "profile" {
			writeErrors(w, errInvalid("Each profile must be a resource object of type 'profile'.", fmt.Sprintf("/data/attributes/profiles/data/%d", i)))
			return
		}
		// [how Klaviyo refuses a profile over the limit is unverified: the job, at it]
		if raw, _ := json.Marshal(m); len(raw) > maxImportProfile {
			writeErrors(w, errInvalid(fmt.Sprintf("The profile exceeds the maximum allowed payload size of %dKB. [unverified wording]", maxImportProfile>>10),
				fmt.Sprintf("/data/attributes/profiles/data/%d", i)))
			return
		}
		items[i] = m
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j := &importJob{id: s.newID(), created: s.now().UTC(), items: items, status: "queued"}
	s.jobs[j.id] = j
	s.jobOrder = append(s.jobOrder, j.id)
	writeJSON(w, http.StatusAccepted, map[string]any{"data": s.jobResource(r, j), "links": map[string]any{"self": s.jobURL(r, j.id)}})
}

func (s *Sim) jobURL(r *http.Request, id string) string {
	return s.baseURL(r) + "/api/profile-bulk-import-jobs/" + id + "/"
}

func (s *Sim) jobResource(r *http.Request, j *importJob) map[string]any {
	self := s.jobURL(r, j.id)
	exp := any(nil)
	if !j.completed.IsZero() {
		exp = stamp(j.completed.Add(7 * 24 * time.Hour)) // [retention unverified]
	}
	return map[string]any{"type": "profile-bulk-import-job", "id": j.id,
		"attributes": map[string]any{"status": j.status, "created_at": stamp(j.created), "total_count": len(j.items),
			"completed_count": j.completedCount, "failed_count": j.failedCount, "completed_at": stamp(j.completed),
			"expires_at": exp, "started_at": stamp(j.started)},
		"relationships": map[string]any{
			"lists":         map[string]any{"data": []any{}, "links": map[string]any{"self": self + "relationships/lists/", "related": self + "lists/"}},
			"profiles":      map[string]any{"links": map[string]any{"self": self + "relationships/profiles/", "related": self + "profiles/"}},
			"import-errors": map[string]any{"links": map[string]any{"related": self + "import-errors/"}}},
		"links": map[string]any{"self": self}}
}

// advance moves a job on by one read; callers hold s.mu.
func (s *Sim) advance(j *importJob) {
	if j.status == "complete" {
		return
	}
	if j.started.IsZero() {
		j.started = s.now().UTC()
	}
	j.polls++
	if j.polls <= s.jobPolls {
		j.status = "processing"
		return
	}
	s.applyJob(j)
}

// applyJob writes a job's profiles: each is created or updated on its own
// (ProfileUpsertQueryResourceObject: by id when it has one, else by email, phone
// number or external id), and one that fails becomes an import error while the
// rest are written. Callers hold s.mu.
func (s *Sim) applyJob(j *importJob) {
	seen := map[string]bool{}
	for _, it := range j.items {
		attrs, e := attrsOf(it)
		var rec *record
		if e == nil {
			rec, _, e = s.upsertLocked(it, withoutNulls(attrs), "/data")
		}
		if e != nil {
			j.failedCount++
			src := map[string]any{"pointer": "/data"}
			if p, ok := e.Source["pointer"]; ok {
				src["pointer"] = p
			}
			j.errs = append(j.errs, map[string]any{"type": "import-error", "id": uuid(), "attributes": map[string]any{
				"code": e.Code, "title": e.Title, "detail": e.Detail, "source": src, "original_payload": it}})
			continue
		}
		j.completedCount++
		if !seen[rec.id] {
			seen[rec.id] = true
			j.profileIDs = append(j.profileIDs, rec.id)
		}
	}
	j.status = "complete"
	j.completed = s.now().UTC()
}

// withoutNulls is a job profile's attributes with every null left out, at the
// top, in location and in properties: "The Bulk Import Profiles API does not
// support setting fields to null to clear them. Only fields explicitly provided
// with non-null values will be updated. To remove a field value from a profile,
// use the Update Profile endpoint with the field set to null" (Bulk Import
// Profiles API guide). meta.patch_properties.unset still applies.
func withoutNulls(attrs map[string]any) map[string]any {
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		switch m := v.(type) {
		case nil:
			continue
		case map[string]any:
			if k == "location" || k == "properties" {
				v = withoutNulls(m)
			}
		}
		out[k] = v
	}
	return out
}

func (s *Sim) lookupJob(w http.ResponseWriter, r *http.Request) *importJob {
	j := s.jobs[r.PathValue("id")]
	if j == nil {
		writeErrors(w, errNotFound("A bulk import job with id "+r.PathValue("id")+" does not exist. [unverified wording]"))
	}
	return j
}

// handleJob serves GET /api/profile-bulk-import-jobs/{id}.
func (s *Sim) handleJob(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.lookupJob(w, r)
	if j == nil {
		return
	}
	s.advance(j)
	writeJSON(w, http.StatusOK, map[string]any{"data": s.jobResource(r, j), "links": map[string]any{"self": s.jobURL(r, j.id)}})
}

// jobPage cuts a page out of n rows by an offset cursor.
func jobPage(w http.ResponseWriter, r *http.Request, n int) (start, end int, next string, ok bool) {
	size, e := pageSize(r)
	if e != nil {
		writeErrors(w, e)
		return 0, 0, "", false
	}
	if c := r.URL.Query().Get("page[cursor]"); c != "" {
		cur, good := decodeCursor(c)
		if !good || cur.Sort != "offset" {
			writeErrors(w, errParam("Invalid page cursor. [unverified wording]", "page[cursor]"))
			return 0, 0, "", false
		}
		fmt.Sscanf(cur.Key, "%d", &start)
	}
	start = min(start, n)
	end = min(start+size, n)
	if end < n {
		next = cursor{Sort: "offset", Key: fmt.Sprint(end), ID: "-"}.encode()
	}
	return start, end, next, true
}

// handleJobProfiles serves GET /api/profile-bulk-import-jobs/{id}/profiles: the
// profiles the job wrote.
func (s *Sim) handleJobProfiles(w http.ResponseWriter, r *http.Request) {
	v, e := parseView(r)
	if e != nil {
		writeErrors(w, e)
		return
	}
	s.serveJobPage(w, r, func(j *importJob) int { return len(j.profileIDs) }, func(j *importJob, i int) any {
		if rec := s.store.byID[j.profileIDs[i]]; rec != nil {
			return s.resource(r, rec, v)
		}
		return nil
	})
}

// handleJobProfileIDs serves GET /api/profile-bulk-import-jobs/{id}/relationships/profiles.
func (s *Sim) handleJobProfileIDs(w http.ResponseWriter, r *http.Request) {
	s.serveJobPage(w, r, func(j *importJob) int { return len(j.profileIDs) }, func(j *importJob, i int) any {
		return map[string]any{"type": "profile", "id": j.profileIDs[i]}
	})
}

// handleJobErrors serves GET /api/profile-bulk-import-jobs/{id}/import-errors.
func (s *Sim) handleJobErrors(w http.ResponseWriter, r *http.Request) {
	s.serveJobPage(w, r, func(j *importJob) int { return len(j.errs) }, func(j *importJob, i int) any { return j.errs[i] })
}

// serveJobPage answers one page of a job's listing of n(j) items, each
// rendered by item (nil: left out), under the read lock.
func (s *Sim) serveJobPage(w http.ResponseWriter, r *http.Request, n func(*importJob) int, item func(*importJob, int) any) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	j := s.lookupJob(w, r)
	if j == nil {
		return
	}
	start, end, next, ok := jobPage(w, r, n(j))
	if !ok {
		return
	}
	data := []any{}
	for i := start; i < end; i++ {
		if it := item(j, i); it != nil {
			data = append(data, it)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "links": s.links(r, next)})
}

// consentItems reads a subscription job's profiles.
func consentItems(r *http.Request, typ string, max int) ([]map[string]any, *apiError) {
	data, e := decodeDoc(r, maxImportBody, typ)
	if e != nil {
		return nil, e
	}
	attrs, _ := data["attributes"].(map[string]any)
	profiles, _ := attrs["profiles"].(map[string]any)
	list, ok := profiles["data"].([]any)
	if !ok || len(list) == 0 {
		return nil, errInvalid("'profiles' is a required field.", "/data/attributes/profiles/data")
	}
	if len(list) > max {
		return nil, errInvalid(fmt.Sprintf("Maximum number of profiles per call: %d", max), "/data/attributes/profiles/data")
	}
	out := make([]map[string]any, len(list))
	for i, it := range list {
		m, _ := it.(map[string]any)
		a, _ := m["attributes"].(map[string]any)
		ptr := fmt.Sprintf("/data/attributes/profiles/data/%d", i)
		if m == nil || m["type"] != "profile" || a == nil {
			return nil, errInvalid("Each profile must be a resource object of type 'profile' with attributes.", ptr)
		}
		if _, ok := a["subscriptions"].(map[string]any); !ok {
			return nil, errInvalid("'subscriptions' is a required field.", ptr+"/attributes/subscriptions")
		}
		if em, _ := a["email"].(string); em != "" && !validEmail(em) {
			return nil, errInvalid(detailEmail, ptr+"/attributes/email")
		}
		out[i] = m
	}
	return out, nil
}

// emailMarketing is the consent a profile item asks for on the email channel.
func emailMarketing(m map[string]any) string {
	a, _ := m["attributes"].(map[string]any)
	sub, _ := a["subscriptions"].(map[string]any)
	em, _ := sub["email"].(map[string]any)
	mk, _ := em["marketing"].(map[string]any)
	c, _ := mk["consent"].(string)
	return c
}

// handleBulkUnsubscribe serves POST /api/profile-subscription-bulk-delete-jobs: 202
// with no body. Each profile named by email with subscriptions.email.marketing is
// unsubscribed from email marketing at once: consent UNSUBSCRIBED, a global
// UNSUBSCRIBE suppression, and updated bumped [Klaviyo applies it in the background,
// and whether it bumps updated is unverified]. Unknown emails are skipped
// [unverified]; SMS, WhatsApp and push are accepted and not simulated.
func (s *Sim) handleBulkUnsubscribe(w http.ResponseWriter, r *http.Request) {
	items, e := consentItems(r, "profile-subscription-bulk-delete-job", MaxUnsubscribeProfiles)
	if e != nil {
		writeErrors(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range items {
		if emailMarketing(it) != Unsubscribed {
			continue
		}
		a := it["attributes"].(map[string]any)
		email, _ := a["email"].(string)
		if rec := s.store.match(email, "", ""); rec != nil && email != "" {
			s.setConsentLocked(rec, Unsubscribed, "API")
		}
	}
	w.WriteHeader(http.StatusAccepted)
}

// handleBulkSubscribe serves POST /api/profile-subscription-bulk-create-jobs: 202
// with no body. Each profile (by id, else email) is subscribed to email marketing
// at once, and created when new (single opt-in) [the account's opt-in setting and
// lists are not simulated].
func (s *Sim) handleBulkSubscribe(w http.ResponseWriter, r *http.Request) {
	items, e := consentItems(r, "profile-subscription-bulk-create-job", MaxSubscribeProfiles)
	if e != nil {
		writeErrors(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range items {
		if emailMarketing(it) != Subscribed {
			continue
		}
		a := it["attributes"].(map[string]any)
		email, _ := a["email"].(string)
		var rec *record
		if id, _ := it["id"].(string); id != "" {
			rec = s.store.byID[id]
		} else if email != "" {
			rec = s.store.match(email, "", "")
		}
		if rec == nil && email != "" {
			rec, _ = s.createLocked(map[string]any{"email": email}, "/data")
		}
		if rec != nil {
			s.setConsentLocked(rec, Subscribed, "API")
		}
	}
	w.WriteHeader(http.StatusAccepted)
}

// setConsentLocked sets a profile's email marketing consent and bumps updated;
// callers hold s.mu.
func (s *Sim) setConsentLocked(old *record, consent, method string) {
	if old.consent == consent {
		return
	}
	rec := old.clone()
	rec.consent, rec.consentMethod = consent, method
	rec.updated = s.tick()
	rec.consentAt = rec.updated
	s.store.put(rec)
}
