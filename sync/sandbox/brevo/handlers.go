package brevo

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// timeLayout renders createdAt and modifiedAt as the reference describes them,
// "UTC date-time (YYYY-MM-DDTHH:mm:ss.SSSZ)" [real answers carry the account's
// offset, e.g. "+02:00"; the sandbox account is on UTC].
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// maxBatch is the number of contacts POST /v3/contacts/batch takes at most
// [unverified: the reference states no limit; 100 is assumed].
const maxBatch = 100

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, map[string]string{"code": e.code, "message": e.message})
}

// render is a contact as GET /v3/contacts and GET /v3/contacts/{identifier} show
// it: id, email, emailBlacklisted, smsBlacklisted, createdAt, modifiedAt, listIds,
// attributes (ext_id as EXT_ID [unverified]). The single-contact answer adds
// listUnsubscribed and statistics [statistics left empty].
func render(c *Contact, single bool) map[string]any {
	attrs := map[string]any{}
	for k, v := range c.Attributes {
		attrs[k] = v
	}
	if c.ExtID != "" {
		attrs["EXT_ID"] = c.ExtID
	}
	lists := c.ListIDs
	if lists == nil {
		lists = []int64{}
	}
	out := map[string]any{"id": c.ID, "emailBlacklisted": c.EmailBlacklisted, "smsBlacklisted": c.SMSBlacklisted,
		"createdAt": c.Created.Format(timeLayout), "modifiedAt": c.Modified.Format(timeLayout), "listIds": lists, "attributes": attrs}
	if c.Email != "" {
		out["email"] = c.Email
	}
	if single {
		out["listUnsubscribed"] = []int64{}
		out["statistics"] = map[string]any{}
	}
	return out
}

// handleAccount serves GET /v3/account [the plan and relay details are a
// free-plan guess].
func (s *Sim) handleAccount(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"organization_id": s.orgID, "email": "owner@crmsync.example",
		"firstName": "Sandbox", "lastName": "Owner", "companyName": s.opts.AccountName,
		"address": map[string]string{"street": "", "city": "", "zipCode": "", "country": ""},
		"plan":    []map[string]any{{"type": "free", "creditsType": "sendLimit", "credits": 300}},
		"relay":   map[string]any{"enabled": true, "data": map[string]any{"userName": "owner@crmsync.example", "relay": "smtp-relay.brevo.com", "port": 587}}})
}

func parseSince(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil
}

// pageParams reads a listing's limit (default def, at most max), offset
// and sort (asc or desc by creation, default desc).
func pageParams(q url.Values, def, max int) (limit, offset int, asc bool, e *apiError) {
	limit = def
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, false, badParam("limit is not valid [unverified wording]")
		}
		if n > max {
			return 0, 0, false, &apiError{400, "out_of_range", "Limit exceeds max value [unverified wording]"}
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, false, badParam("offset is not valid [unverified wording]")
		}
		offset = n
	}
	switch q.Get("sort") {
	case "", "desc":
	case "asc":
		asc = true
	default:
		return 0, 0, false, badParam("sort is not valid [unverified wording]")
	}
	return limit, offset, asc, nil
}

// handleList serves GET /v3/contacts: limit (default 50, maximum 1000), offset,
// modifiedSince and createdSince (at or after the time [the inclusive bound is
// unverified]; "count" counts the filtered contacts, per the changelog), sort
// (asc or desc by creation, default desc).
func (s *Sim) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, sortAsc, e := pageParams(q, 50, 1000)
	if e != nil {
		writeError(w, e)
		return
	}
	mod, ok1 := parseSince(q.Get("modifiedSince"))
	cr, ok2 := parseSince(q.Get("createdSince"))
	if !ok1 || !ok2 {
		writeError(w, badParam("Invalid date format, use YYYY-MM-DDTHH:mm:ss.SSSZ [unverified wording]"))
		return
	}
	s.mu.RLock()
	page, total := s.page(mod, cr, sortAsc, offset, limit)
	out := make([]map[string]any, 0, len(page))
	for _, c := range page {
		out = append(out, render(c, false))
	}
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, map[string]any{"contacts": out, "count": total})
}

// identifier is the {identifier} path segment as the reference describes it,
// "Email (urlencoded) OR ID of the contact OR EXT_ID attribute (urlencoded)"
// (get-contact-info, update-contact, delete-contact): the raw segment is
// URL-decoded once, so "%2B" is a plus sign and a bare "+" a space, as
// Brevo's own SDKs assume by sending rawurlencode'd identifiers
// (getbrevo/brevo-php ObjectSerializer::toPathValue) [that a bare "+" reads
// as a space is unverified].
func identifier(r *http.Request) string {
	p := r.URL.EscapedPath()
	seg := p[strings.LastIndex(p, "/")+1:]
	if v, err := url.QueryUnescape(seg); err == nil {
		return v
	}
	return r.PathValue("identifier")
}

func (s *Sim) handleGet(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, e := s.lookup(identifier(r), r.URL.Query().Get("identifierType"))
	if e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, render(c, true))
}

// contactBody is the body of create, update and each batch item.
type contactBody struct {
	Email            *string        `json:"email"`
	ID               *int64         `json:"id"`
	SMS              *string        `json:"sms"`
	ExtID            *string        `json:"ext_id"`
	Attributes       map[string]any `json:"attributes"`
	EmailBlacklisted *bool          `json:"emailBlacklisted"`
	SMSBlacklisted   *bool          `json:"smsBlacklisted"`
	ListIDs          []int64        `json:"listIds"`
	UnlinkListIDs    []int64        `json:"unlinkListIds"`
	UpdateEnabled    bool           `json:"updateEnabled"`
}

func decode(r *http.Request, v any) *apiError {
	b, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil || json.Unmarshal(b, v) != nil {
		return &apiError{400, "bad_request", "Input must be a valid JSON object [unverified wording]"}
	}
	return nil
}

// toPatch validates b's attributes; the email is taken from b.Email unless
// skipEmail (an update's identifier). An attribute's EMAIL value, as Brevo allows
// on update, changes the email [unverified].
func (s *Sim) toPatch(b contactBody) (patch, *apiError) {
	attrs, e := s.validateAttrsWithEmail(b.Attributes)
	if e != nil {
		return patch{}, e
	}
	p := patch{email: b.Email, extID: b.ExtID, attrs: attrs.attrs, emailBlacklisted: b.EmailBlacklisted,
		smsBlacklisted: b.SMSBlacklisted, listIDs: b.ListIDs, unlinkListIDs: b.UnlinkListIDs}
	if attrs.email != nil {
		p.email = attrs.email
	}
	return p, nil
}

type attrsAndEmail struct {
	attrs map[string]any
	email *string
}

func (s *Sim) validateAttrsWithEmail(in map[string]any) (attrsAndEmail, *apiError) {
	var email *string
	rest := map[string]any{}
	for k, v := range in {
		if strings.EqualFold(k, "EMAIL") {
			if str, ok := v.(string); ok {
				email = &str
			}
			continue
		}
		rest[k] = v
	}
	a, e := s.validateAttrs(rest)
	return attrsAndEmail{a, email}, e
}

// handleCreate serves POST /v3/contacts: 201 {"id": n} for a new contact; with
// updateEnabled an existing contact (by email, else ext_id, else SMS) is updated
// instead, 204. Without updateEnabled an existing email is 400
// duplicate_parameter. A contact needs an email, an SMS or an ext_id.
func (s *Sim) handleCreate(w http.ResponseWriter, r *http.Request) {
	var b contactBody
	if e := decode(r, &b); e != nil {
		writeError(w, e)
		return
	}
	p, e := s.toPatch(b)
	if e != nil {
		writeError(w, e)
		return
	}
	sms, _ := p.attrs[AttrSMS].(string)
	if (p.email == nil || *p.email == "") && sms == "" && (p.extID == nil || *p.extID == "") {
		// Quoted from a real answer on a third-party troubleshooting page.
		writeError(w, missingParam("An email or SMS phone number is mandatory to create a new contact."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.UpdateEnabled {
		var existing *Contact
		if p.email != nil && *p.email != "" {
			existing, _ = s.lookup(*p.email, "email_id")
		}
		if existing == nil && p.extID != nil && *p.extID != "" {
			existing, _ = s.lookup(*p.extID, "ext_id")
		}
		if existing == nil && sms != "" {
			existing, _ = s.lookup(sms, "phone_id")
		}
		if existing != nil {
			if e := s.apply(existing, p, false); e != nil {
				writeError(w, e)
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	c := &Contact{}
	if e := s.apply(c, p, true); e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": c.ID})
}

// handleUpdate serves PUT /v3/contacts/{identifier}?identifierType=...: 204.
func (s *Sim) handleUpdate(w http.ResponseWriter, r *http.Request) {
	var b contactBody
	if e := decode(r, &b); e != nil {
		writeError(w, e)
		return
	}
	b.Email = nil // the identifier names the contact; attributes.EMAIL changes it
	p, e := s.toPatch(b)
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.lookup(identifier(r), r.URL.Query().Get("identifierType"))
	if e == nil {
		e = s.apply(c, p, false)
	}
	if e != nil {
		writeError(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Sim) handleDelete(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.lookup(identifier(r), r.URL.Query().Get("identifierType"))
	if e != nil {
		writeError(w, e)
		return
	}
	s.remove(c)
	w.WriteHeader(http.StatusNoContent)
}

// handleBatch serves POST /v3/contacts/batch {"contacts": [...]}: each item is
// identified by one of email, id, sms or ext_id and carries attributes,
// emailBlacklisted, smsBlacklisted, listIds, unlinkListIds and ext_id; 204 when all
// are updated. The reference documents only 204 and 400; here the batch is
// all-or-nothing: an item that is invalid or names no contact makes the whole
// request 400, naming the item, and nothing is written [unverified].
func (s *Sim) handleBatch(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Contacts []contactBody `json:"contacts"`
	}
	if e := decode(r, &body); e != nil {
		writeError(w, e)
		return
	}
	if len(body.Contacts) == 0 {
		writeError(w, missingParam("contacts is required [unverified wording]"))
		return
	}
	if len(body.Contacts) > maxBatch {
		writeError(w, &apiError{400, "out_of_range", "A maximum of " + strconv.Itoa(maxBatch) + " contacts can be updated in one request [unverified]"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	targets := make([]*Contact, len(body.Contacts))
	patches := make([]patch, len(body.Contacts))
	for i, b := range body.Contacts {
		fail := func(e *apiError) {
			writeError(w, &apiError{e.status, e.code, "contacts[" + strconv.Itoa(i) + "]: " + e.message})
		}
		var c *Contact
		var e *apiError
		switch {
		case b.Email != nil:
			c, e = s.lookup(*b.Email, "email_id")
		case b.ID != nil:
			c, e = s.lookup(strconv.FormatInt(*b.ID, 10), "contact_id")
		case b.SMS != nil:
			c, e = s.lookup(*b.SMS, "phone_id")
		case b.ExtID != nil:
			c, e = s.lookup(*b.ExtID, "ext_id")
			b.ExtID = nil
		default:
			e = missingParam("Email address or ID is required")
		}
		if e != nil {
			fail(e)
			return
		}
		b.Email = nil
		p, e := s.toPatch(b)
		if e != nil {
			fail(e)
			return
		}
		targets[i], patches[i] = c, p
	}
	for i, c := range targets {
		if e := s.apply(c, patches[i], false); e != nil {
			// An identifier conflict found only now leaves the earlier items written.
			writeError(w, &apiError{e.status, e.code, "contacts[" + strconv.Itoa(i) + "]: " + e.message})
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleAttributes serves GET /v3/contacts/attributes: {"attributes": [{name,
// category, type} or, for category attributes, {name, category, enumeration}]}.
func (s *Sim) handleAttributes(w http.ResponseWriter, r *http.Request) {
	out := make([]map[string]any, 0, len(s.attrList))
	for _, a := range s.attrList {
		m := map[string]any{"name": a.Name, "category": a.Category}
		if a.Type != "" {
			m["type"] = a.Type
		}
		if a.Enumeration != nil {
			var en []map[string]any
			for _, e := range a.Enumeration {
				en = append(en, map[string]any{"value": e.Value, "label": e.Label})
			}
			m["enumeration"] = en
		}
		out = append(out, m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"attributes": out})
}
