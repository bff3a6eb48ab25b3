package pipedrive

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// apiError is a refusal with its HTTP status; the Go API wraps it in an error.
type apiError struct {
	status int
	msg    string
	code   string // the body's code, when Pipedrive sends one (capping.go)
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.status, e.msg) }

func badRequest(format string, a ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, a...)}
}

// notFound is the 404 of a GET, PATCH or DELETE of an id that names no
// record, or a deleted one: Pipedrive's error envelope with "<Noun> not
// found" ({"success":false,"error":"Person not found","error_info":…,
// "data":null,"additional_data":null}). The v2 spec documents only 200
// and 404 for these operations, without a 404 body; the envelope and the
// words are v1's (crm-apis.md 3c; a Pipedrive Go client's captured 404).
// [unverified] that v2 answers a write to a deleted record so, rather
// than with 410: no source shows it.
func notFound(k kind) *apiError {
	return &apiError{status: http.StatusNotFound, msg: k.noun() + " not found"}
}

func (s *Sim) storeOf(k kind) *store {
	switch k {
	case kindOrg:
		return s.orgs
	case kindDeal:
		return s.deals
	case kindActivity:
		return s.activities
	case kindNote:
		return s.notes
	}
	return s.persons
}

// nowSecond is the clock at the API's second precision.
func (s *Sim) nowSecond() time.Time { return s.now().UTC().Truncate(time.Second) }

var visibleToValues = []int64{1, 3, 5, 7} // v2 integers (migration guide: "1", "3", "5", "7" became 1, 3, 5, 7)

var marketingStatuses = []string{"no_consent", "unsubscribed", "subscribed", "archived"}

// addressOutKeys are the postal_address / address properties the v2 items return (v2 spec).
var addressOutKeys = []string{"value", "country", "admin_area_level_1", "admin_area_level_2", "locality",
	"sublocality", "route", "street_number", "subpremise", "postal_code"}

func parseAddress(raw json.RawMessage, where string) (map[string]any, error) {
	if isNull(raw) {
		return nil, nil
	}
	allowed := make([]string, 0, len(addressSubfields))
	for _, sf := range addressSubfields {
		allowed = append(allowed, sf.Code)
	}
	obj, err := parseObject(raw, where, allowed...)
	if err != nil {
		return nil, err
	}
	// "Only value subfield is required ... all other subfields ... set to null if not provided."
	if v, ok := obj["value"]; !ok || isNull(v) {
		return nil, fmt.Errorf("%s.value is required", where)
	}
	out := map[string]any{}
	for k, v := range obj {
		if isNull(v) {
			continue
		}
		str, err := parseStringValue(v, where+"."+k)
		if err != nil {
			return nil, err
		}
		out[k] = str
	}
	return out, nil
}

func optString(raw json.RawMessage, where string) (*string, error) {
	if isNull(raw) {
		return nil, nil
	}
	v, err := parseStringValue(raw, where)
	return &v, err
}

func optInt(raw json.RawMessage, where string) (*int64, error) {
	if isNull(raw) {
		return nil, nil
	}
	v, err := parseInt(raw, where)
	return &v, err
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// purged says whether r was deleted more than deletedRetention ago: "after an
// entity has been permanently deleted, it won't be possible to retrieve it via
// any API request" (changelog, Permanent deletion logic for 6 core entities;
// notes are not among them). The caller holds s.mu.
func (s *Sim) purged(k kind, r *record) bool {
	return r != nil && r.deleted && k != kindNote && r.updateTime.Before(s.now().Add(-deletedRetention))
}

// isLive reports whether record id of kind k exists and is not deleted.
func (s *Sim) isLive(k kind, id int64) bool {
	r := s.storeOf(k).get(id)
	return r != nil && !r.deleted
}

// linkID reads a reference to a live person or organization (k); null clears it to 0.
func (s *Sim) linkID(k kind, raw json.RawMessage, key string) (int64, error) {
	if isNull(raw) {
		return 0, nil
	}
	id, err := parseInt(raw, key)
	if err != nil {
		return 0, err
	}
	if !s.isLive(k, id) {
		return 0, fmt.Errorf("%s: %s %d not found", key, strings.ToLower(k.noun()), id)
	}
	return id, nil
}

// applyKeys walks body in key order: the properties every kind shares through
// applyCommon, the kind's own through own.
func (s *Sim) applyKeys(k kind, r *record, body map[string]json.RawMessage, create bool,
	own func(key string, raw json.RawMessage) error) error {
	for _, key := range sortedKeys(body) {
		ok, err := s.applyCommon(k, r, key, body[key], create)
		if !ok && err == nil {
			err = own(key, body[key])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// nameMissing refuses a person or organization without a name (migration guide).
const nameMissing = "Name must be given."

// parseName reads a name or a deal title: trimmed, and refused with missing when blank.
func parseName(raw json.RawMessage, key, missing string) (string, error) {
	v, err := parseStringValue(raw, key)
	if err == nil && strings.TrimSpace(v) == "" {
		err = errors.New(missing)
	}
	return strings.TrimSpace(v), err
}

// applyCommon handles the properties persons, organizations and deals share; it
// reports whether key was one of them. Activities share only owner_id.
func (s *Sim) applyCommon(k kind, r *record, key string, raw json.RawMessage, create bool) (bool, error) {
	if k == kindActivity && key != "owner_id" {
		return false, nil
	}
	switch key {
	case "owner_id":
		id, err := parseInt(raw, key)
		if err != nil {
			return true, err
		}
		if err := s.ownerError(key, id); err != nil {
			return true, err
		}
		r.ownerID = id
	case "visible_to":
		v, err := parseInt(raw, key)
		if err != nil {
			return true, err
		}
		if !slices.Contains(visibleToValues, v) {
			return true, fmt.Errorf("visible_to must be one of 1, 3, 5, 7")
		}
		r.visibleTo = int(v)
	case "label_ids":
		ids, err := parseIntList(raw, key)
		if err != nil {
			return true, err
		}
		labels := fieldByCode(s.fieldsOf(k), "label_ids")
		for _, id := range ids {
			if !labels.hasOption(id) {
				return true, fmt.Errorf("label_ids: label %d not found", id)
			}
		}
		r.labelIDs = ids
	case "add_time":
		// Not a PATCH property, nor a deal one (client-nodejs changelog, 2025-06-25):
		// falls through to "unknown".
		if !create || k == kindDeal {
			return false, nil
		}
		v, err := parseStringValue(raw, key)
		if err == nil {
			var t time.Time
			if t, err = parseRFC3339(v, key); err == nil {
				r.addTime = t.Truncate(time.Second)
			}
		}
		return true, err
	case "update_time":
		// A create's property of persons and organizations alone
		// (AddPersonRequest, AddOrganizationRequest): falls through to "unknown".
		if !create || k != kindPerson && k != kindOrg {
			return false, nil
		}
		v, err := parseStringValue(raw, key)
		if err == nil {
			var t time.Time
			if t, err = parseRFC3339(v, key); err == nil {
				r.updateTime = t.Truncate(time.Second)
			}
		}
		return true, err
	case "custom_fields":
		obj := map[string]json.RawMessage{}
		if err := json.Unmarshal(raw, &obj); err != nil || isNull(raw) {
			return true, fmt.Errorf("custom_fields must be an object")
		}
		for _, code := range sortedKeys(obj) {
			f := s.customField(k, code)
			if f == nil {
				return true, fmt.Errorf("custom_fields: unknown field %q", code)
			}
			v, err := f.parseCustom(obj[code])
			if err != nil {
				return true, err
			}
			if v == nil {
				delete(r.custom, code)
			} else {
				r.custom[code] = v
			}
		}
	default:
		return false, nil
	}
	return true, nil
}

// applyPerson validates body against the person request schema (v2 spec
// PostPersonRequestBody / UpdatePersonRequestBody plus the migration guide's name
// rules) and writes it into r, a clone owned by the caller.
func (s *Sim) applyPerson(r *record, body map[string]json.RawMessage, create bool) error {
	var first, last string
	var gotName, gotFirst, gotLast bool
	err := s.applyKeys(kindPerson, r, body, create, func(key string, raw json.RawMessage) (err error) {
		switch key {
		case "name":
			r.name, err = parseName(raw, key, nameMissing)
			gotName = true
		case "first_name":
			first, err = parseStringValue(raw, key)
			gotFirst = true
		case "last_name":
			last, err = parseStringValue(raw, key)
			gotLast = true
		case "org_id":
			r.orgID, err = s.linkID(kindOrg, raw, key)
		case "emails":
			r.emails, err = parseContacts(raw, key)
		case "phones":
			r.phones, err = parseContacts(raw, key)
		case "marketing_status":
			var v string
			if v, err = parseStringValue(raw, key); err == nil && !slices.Contains(marketingStatuses, v) {
				err = fmt.Errorf("marketing_status must be one of %s", strings.Join(marketingStatuses, ", "))
			}
			r.marketingStatus = v
		case "postal_address", "notes", "im", "birthday", "job_title":
			if !s.opts.ContactSync { // these fields exist only once contact sync is set up
				return fmt.Errorf("unknown property %q", key)
			}
			err = s.applyContactSync(r, key, raw)
		default:
			return fmt.Errorf("unknown property %q", key)
		}
		return err
	})
	if err != nil {
		return err
	}
	switch {
	case gotName:
		r.firstName, r.lastName = splitName(r.name)
	case gotFirst || gotLast:
		if !gotFirst || !gotLast {
			return fmt.Errorf("Either name or both first_name and last_name must be provided")
		}
		if strings.TrimSpace(first) == "" && strings.TrimSpace(last) == "" {
			return fmt.Errorf("first_name and last_name cannot both be empty")
		}
		r.name = strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
		r.firstName, r.lastName = nonEmpty(first), nonEmpty(last)
	case create:
		return errors.New(nameMissing)
	}
	return nil
}

func (s *Sim) applyContactSync(r *record, key string, raw json.RawMessage) error {
	var err error
	switch key {
	case "postal_address":
		r.address, err = parseAddress(raw, key)
	case "notes":
		if r.notes, err = optString(raw, key); err == nil && r.notes != nil && len([]rune(*r.notes)) > 10000 {
			err = fmt.Errorf("notes can be at most 10 000 characters")
		}
	case "im":
		r.ims, err = parseContacts(raw, key)
	case "birthday":
		r.birthday, err = optDate(raw, key)
	case "job_title":
		r.jobTitle, err = optString(raw, key)
	}
	return err
}

// applyOrg validates body against PostOrganizationRequestBody / UpdateOrganizationRequestBody.
func (s *Sim) applyOrg(r *record, body map[string]json.RawMessage, create bool) error {
	gotName := false
	err := s.applyKeys(kindOrg, r, body, create, func(key string, raw json.RawMessage) (err error) {
		switch key {
		case "name":
			r.name, err = parseName(raw, key, nameMissing)
			gotName = true
		case "address":
			r.address, err = parseAddress(raw, key)
		case "website":
			r.website, err = optString(raw, key)
		case "linkedin":
			r.linkedin, err = optString(raw, key)
		case "industry":
			if r.industry, err = optInt(raw, key); err == nil && r.industry != nil {
				if f := fieldByCode(s.ofields, "industry"); !f.hasOption(*r.industry) {
					err = fmt.Errorf("industry: option %d does not exist", *r.industry)
				}
			}
		case "annual_revenue":
			r.revenue, err = optInt(raw, key)
		case "employee_count":
			r.employees, err = optInt(raw, key)
		default:
			return fmt.Errorf("unknown property %q", key)
		}
		return err
	})
	if err == nil && create && !gotName {
		err = errors.New(nameMissing)
	}
	return err
}

func fieldByCode(defs []fieldDef, code string) *fieldDef {
	for i := range defs {
		if defs[i].Code == code {
			return &defs[i]
		}
	}
	return &fieldDef{}
}

// splitName splits like v1: the first word is first_name, the rest last_name.
func splitName(name string) (*string, *string) {
	parts := strings.Fields(name)
	if len(parts) == 0 {
		return nil, nil
	}
	return nonEmpty(parts[0]), nonEmpty(strings.Join(parts[1:], " "))
}

func nonEmpty(v string) *string {
	if v = strings.TrimSpace(v); v == "" {
		return nil
	}
	return &v
}

func (s *Sim) apply(k kind, r *record, body map[string]json.RawMessage, create bool) error {
	switch k {
	case kindOrg:
		return s.applyOrg(r, body, create)
	case kindDeal:
		return s.applyDeal(r, body, create)
	case kindActivity:
		return s.applyActivity(r, body, create)
	}
	return s.applyPerson(r, body, create)
}

// createLocked validates and inserts a new record; the caller holds s.mu.
func (s *Sim) createLocked(k kind, body map[string]json.RawMessage) (*record, *apiError) {
	now := s.nowSecond()
	r := &record{ownerID: s.opts.UserID, visibleTo: 3, addTime: now, updateTime: time.Time{},
		labelIDs: []int64{}, emails: []contact{}, phones: []contact{}, ims: []contact{}, custom: map[string]any{}}
	switch k {
	case kindDeal:
		if e := s.dealsCapped(); e != nil {
			return nil, e
		}
		r.deal = &dealData{currency: s.opts.Currency, status: "open", origin: originAPI}
	case kindActivity:
		r.activity = &activityData{typ: defaultActivityType, creatorID: s.opts.UserID}
	}
	if err := s.apply(k, r, body, true); err != nil {
		return nil, badRequest("%s", err.Error())
	}
	if r.updateTime.IsZero() {
		r.updateTime = now
	}
	r.createdWall = s.now()
	s.storeOf(k).insert(r)
	return r, nil
}

// patchLocked applies only the given properties; update_time moves. The caller holds s.mu.
func (s *Sim) patchLocked(k kind, id int64, body map[string]json.RawMessage) (*record, *apiError) {
	st := s.storeOf(k)
	old := st.get(id)
	if old == nil || old.deleted {
		return nil, notFound(k)
	}
	r := old.clone()
	if err := s.apply(k, r, body, false); err != nil {
		return nil, badRequest("%s", err.Error())
	}
	r.updateTime = s.nowSecond()
	st.replace(old, r)
	return r, nil
}

// deleteLocked marks the record deleted; update_time becomes the delete time (migration
// guide). Deals of a deleted person or organization stay as they are, links included:
// the docs name no cascade [unverified].
func (s *Sim) deleteLocked(k kind, id int64) *apiError {
	st := s.storeOf(k)
	old := st.get(id)
	if old == nil || old.deleted {
		return notFound(k)
	}
	r := old.clone()
	r.deleted, r.updateTime = true, s.nowSecond()
	st.replace(old, r)
	return nil
}

// render builds the v2 item; customKeys nil means every custom field.
func (s *Sim) render(k kind, r *record, customKeys []string, include []string) map[string]any {
	if k == kindActivity { // no custom fields, labels or visibility
		return s.renderActivity(r, include)
	}
	cf := map[string]any{}
	if customKeys == nil {
		for _, f := range s.fieldsOf(k) {
			if f.Custom {
				cf[f.Code] = r.custom[f.Code]
			}
		}
	} else {
		for _, c := range customKeys {
			cf[c] = r.custom[c]
		}
	}
	// A deal's name is its title.
	nameKey := "name"
	if k == kindDeal {
		nameKey = "title"
	}
	m := map[string]any{"id": r.id, nameKey: r.name, "owner_id": r.ownerID, "add_time": fmtTime(r.addTime),
		"update_time": fmtTime(r.updateTime), "is_deleted": r.deleted, "visible_to": r.visibleTo,
		"label_ids": nonNilSlice(r.labelIDs), "custom_fields": cf}
	switch k {
	case kindDeal:
		s.renderDeal(m, r)
	case kindPerson:
		m["first_name"], m["last_name"] = r.firstName, r.lastName
		m["org_id"] = nilIfZero(r.orgID)
		m["emails"], m["phones"] = nonNilSlice(r.emails), nonNilSlice(r.phones)
		m["picture_id"] = nil
		if s.opts.ContactSync {
			m["postal_address"] = renderAddress(r.address)
			m["notes"], m["birthday"], m["job_title"] = r.notes, r.birthday, r.jobTitle
			m["im"] = nonNilSlice(r.ims)
		}
	default:
		m["address"] = renderAddress(r.address)
		m["website"], m["linkedin"] = r.website, r.linkedin
		m["industry"], m["annual_revenue"], m["employee_count"] = r.industry, r.revenue, r.employees
	}
	for _, f := range include {
		switch {
		case strings.HasSuffix(f, "_count"):
			m[f] = 0
		case f == "marketing_status" && r.marketingStatus != "":
			m[f] = r.marketingStatus
		case f == "first_won_time" && r.deal != nil && !r.deal.wonTime.IsZero(): // one won time is kept [unverified]
			m[f] = fmtTime(r.deal.wonTime)
		default:
			m[f] = nil
		}
	}
	return m
}

func renderAddress(a map[string]any) any {
	if a == nil {
		return nil
	}
	out := make(map[string]any, len(addressOutKeys))
	for _, k := range addressOutKeys {
		out[k] = a[k]
	}
	return out
}

func nilIfZero(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nonNilSlice renders a nil list as [], as v2 does.
func nonNilSlice[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
