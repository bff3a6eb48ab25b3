package salesforce

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// fieldValue converts one JSON value to its stored string form, or returns a record error.
func fieldValue(o *Object, idx int, raw any) (string, *recError) {
	f := o.Fields[idx]
	bad := func(code, msg string) *recError {
		return &recError{StatusCode: code, Message: msg, Fields: []string{f.Name}}
	}
	var v string
	switch x := raw.(type) {
	case nil:
		return "", nil
	case string:
		v = x
	case json.Number:
		v = x.String()
	case bool:
		v = strconv.FormatBool(x)
	default:
		return "", bad("JSON_PARSER_ERROR", fmt.Sprintf("Cannot deserialize instance of %s from a JSON object or array", f.Type))
	}
	if v == "" {
		return "", nil
	}
	typeErr := func() *recError {
		return bad("INVALID_TYPE_ON_FIELD_IN_RECORD", fmt.Sprintf("%s: value not of required type: %s", f.Label, v))
	}
	switch f.Type {
	case "email":
		if !validEmail(v) {
			return "", bad("INVALID_EMAIL_ADDRESS", fmt.Sprintf("%s: invalid email address: %s", f.Label, v))
		}
	case "picklist":
		// An unrestricted picklist stores a value outside its list (or an
		// inactive one) as is; a restricted one refuses it. A custom
		// dependent picklist's value is not checked against its
		// controller: Salesforce documents no API refusal for it (Help,
		// "Dependent Picklist Considerations" speaks of the UI; admins'
		// guides say API and Data Loader writes bypass the matrix unless
		// a validation rule enforces it). Only State and Country/Territory
		// Picklists are checked, with FIELD_INTEGRITY_EXCEPTION
		// (statecountry.go). crmsync holds an off-matrix value in review
		// itself (the engine reads describe's validFor).
		if f.Restricted && f.address == "" && !slices.ContainsFunc(f.Picklist, func(pv PicklistValue) bool { return pv.Active && pv.Value == v }) {
			return "", bad("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", fmt.Sprintf("%s: bad value for restricted picklist field: %s", f.Label, v))
		}
	case "multipicklist":
		// Values separated by ";". Salesforce keeps a selection in the
		// picklist's own order, without repeats, whatever order it was
		// written in (Salesforce Help, "Multi-Select Picklists"); values
		// outside the list (unrestricted only) follow, as written.
		chosen := map[string]bool{}
		var extra []string
		for p := range strings.SplitSeq(v, ";") {
			if p = strings.TrimSpace(p); p == "" || chosen[p] {
				continue
			}
			chosen[p] = true
			if !slices.ContainsFunc(f.Picklist, func(pv PicklistValue) bool { return pv.Active && pv.Value == p }) {
				if f.Restricted {
					return "", bad("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", fmt.Sprintf("%s: bad value for restricted picklist field: %s", f.Label, p))
				}
				if !slices.ContainsFunc(f.Picklist, func(pv PicklistValue) bool { return pv.Value == p }) {
					extra = append(extra, p)
				}
			}
		}
		var kept []string
		for _, pv := range f.Picklist {
			if chosen[pv.Value] {
				kept = append(kept, pv.Value)
			}
		}
		v = strings.Join(append(kept, extra...), ";")
	case "double", "currency", "percent":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "", typeErr()
		}
		if outsideRange(f, v) {
			return "", bad("NUMBER_OUTSIDE_VALID_RANGE", fmt.Sprintf("%s: value outside of valid range on numeric field: %s", f.Label, v))
		}
	case "int":
		n, ok := intValue(v)
		if !ok {
			return "", typeErr()
		}
		v = n
	case "boolean":
		if v != "true" && v != "false" {
			return "", typeErr()
		}
	case "date":
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return "", typeErr()
		}
		v = t.Format("2006-01-02")
	case "datetime":
		ms, ok := parseDateTime(v)
		if !ok {
			return "", typeErr()
		}
		v = fmtMillis(ms)
	case "reference", "id":
		k := normID(v)
		if k == "" {
			return "", bad("MALFORMED_ID", fmt.Sprintf("%s: id value of incorrect type: %s", f.Label, v))
		}
		// A well-formed id of another object (Salto's tests of the API:
		// "Demystifying 'Invalid Cross Reference Id' errors", 2022).
		if !slices.ContainsFunc(f.ReferenceTo, func(to string) bool { return strings.HasPrefix(k, refPrefix(to)) }) {
			return "", bad("FIELD_INTEGRITY_EXCEPTION", fmt.Sprintf("%s: id value of incorrect type: %s", f.Label, v))
		}
		if len(v) == 15 {
			v += checksum(v)
		}
	}
	// Salesforce counts a field's length in UTF-16 units, a surrogate pair
	// (an emoji) as two (Knowledge article 005166849, "Surrogate Pair
	// Characters Are Treated as Two Characters").
	if f.Length > 0 && utf16Len(v) > f.Length {
		return "", bad("STRING_TOO_LONG", fmt.Sprintf("%s: data value too large: %s (max length=%d)", f.Label, v, f.Length))
	}
	return v, nil
}

// utf16Len is v's length in UTF-16 units.
func utf16Len(v string) int {
	n := 0
	for _, r := range v {
		n += utf16.RuneLen(r)
	}
	return n
}

// refPrefix is the key prefix of object's ids, "" for one this sandbox
// does not hold.
func refPrefix(object string) string { return keyPrefixes[object] }

func validEmail(v string) bool {
	at := strings.IndexByte(v, '@')
	if at <= 0 || at != strings.LastIndexByte(v, '@') || strings.ContainsAny(v, " \t,;<>()") {
		return false
	}
	dom := v[at+1:]
	dot := strings.LastIndexByte(dom, '.')
	return dot > 0 && dot < len(dom)-2
}

// changes validates a JSON record body. create selects createable vs updateable checks.
// skip names keys that are routing data rather than values (attributes, Id on update).
func changes(o *Object, body map[string]any, create bool, skip ...string) (map[int]string, []recError) {
	out := map[int]string{}
	var errs []recError
	var notWritable []string
outer:
	for name, raw := range body {
		if name == "attributes" {
			continue
		}
		for _, k := range skip {
			if strings.EqualFold(k, name) {
				continue outer
			}
		}
		idx, ok := o.visible(name)
		if !ok {
			errs = append(errs, recError{StatusCode: "INVALID_FIELD", Message: fmt.Sprintf("No such column '%s' on sobject of type %s", name, o.Name), Fields: []string{}})
			continue
		}
		f := o.Fields[idx]
		if (create && !f.Createable) || (!create && !f.Updateable) {
			notWritable = append(notWritable, f.Name)
			continue
		}
		v, e := fieldValue(o, idx, raw)
		if e != nil {
			errs = append(errs, *e)
			continue
		}
		out[idx] = v
	}
	if len(notWritable) > 0 {
		verb := "create/update"
		errs = append(errs, recError{StatusCode: "INVALID_FIELD_FOR_INSERT_UPDATE", Fields: notWritable,
			Message: fmt.Sprintf("Unable to %s fields: %s. Please check the security settings of this field and verify that it is read/write for your profile or permission set.", verb, strings.Join(notWritable, ", "))})
	}
	return out, errs
}

// requiredMissing lists required fields that would be null after applying vals to base.
func requiredMissing(o *Object, base []string, vals map[int]string) []string {
	var missing []string
	for i, f := range o.Fields {
		if !f.required() {
			continue
		}
		v, set := vals[i]
		if !set && base != nil {
			v = base[i]
		}
		if v == "" {
			missing = append(missing, f.Name)
		}
	}
	return missing
}

func (s *Sim) duplicate(st *objectStore, vals map[int]string, self *record) *recError {
	for idx, v := range vals {
		if v == "" {
			continue
		}
		if other := st.findUnique(idx, v); other != nil && other != self {
			return &recError{StatusCode: "DUPLICATE_VALUE", Fields: []string{},
				Message: fmt.Sprintf("duplicate value found: %s duplicates value on record with id: %s", st.obj.Fields[idx].Name, other.id)}
		}
	}
	return nil
}

// refError checks that each reference in vals names a record that exists
// and is not in the recycle bin. Caller holds s.mu.
func (s *Sim) refError(o *Object, vals map[int]string) *recError {
	for idx, v := range vals {
		f := o.Fields[idx]
		if f.Type != "reference" || v == "" {
			continue
		}
		st := s.referenced(f, v)
		if st == nil {
			continue // User and other objects this sandbox does not hold
		}
		named := []string{f.Name}
		if s.refNoField.Load() {
			named = []string{} // RefusedReferenceNamesNoField
		}
		switch r := st.get(v); {
		case r == nil:
			return &recError{StatusCode: "INVALID_CROSS_REFERENCE_KEY", Message: "invalid cross reference id", Fields: named}
		case r.deleted:
			return &recError{StatusCode: "ENTITY_IS_DELETED", Message: "entity is deleted", Fields: named}
		case st.obj.Name == "User" && !userActive(st, r):
			return inactiveOwner(o, f, r)
		}
	}
	return nil
}

// referenced is the store of the object reference f names with id v: its
// one target, or for a reference to several objects (a Note's ParentId)
// the one whose key prefix v has. Caller holds s.mu.
func (s *Sim) referenced(f Field, v string) *objectStore {
	for _, to := range f.ReferenceTo {
		st, ok := s.stores[strings.ToLower(to)]
		if ok && (len(f.ReferenceTo) == 1 || strings.HasPrefix(v, st.obj.Prefix)) {
			return st
		}
	}
	return nil
}

// createLocked validates and inserts. Caller holds s.mu.
func (s *Sim) createLocked(st *objectStore, body map[string]any, skip ...string) (*record, []recError) {
	if st.obj.readOnly {
		return nil, []recError{readOnlyError()}
	}
	if s.storageFull.Load() {
		return nil, []recError{storageError()}
	}
	vals, errs := changes(st.obj, body, true, skip...)
	if len(errs) > 0 {
		return nil, errs
	}
	for i, f := range st.obj.Fields {
		if _, set := vals[i]; !set && f.Default != "" {
			vals[i] = f.Default
		}
	}
	if m := requiredMissing(st.obj, nil, vals); len(m) > 0 {
		return nil, []recError{{StatusCode: "REQUIRED_FIELD_MISSING", Message: fmt.Sprintf("Required fields are missing: [%s]", strings.Join(m, ", ")), Fields: m}}
	}
	if st.obj.rule != nil {
		if e := st.obj.rule(st.obj, nil, vals); e != nil {
			return nil, []recError{*e}
		}
	}
	if e := s.refError(st.obj, vals); e != nil {
		return nil, []recError{*e}
	}
	if e := s.duplicate(st, vals, nil); e != nil {
		return nil, []recError{*e}
	}
	row := make([]string, len(st.obj.Fields))
	for i, v := range vals {
		row[i] = v
	}
	if !st.obj.noOwner && row[fOwnerID] == "" {
		row[fOwnerID] = s.opts.UserID
	}
	row[fCreatedByID], row[fLastModifiedByID] = s.opts.UserID, s.opts.UserID
	now := s.nowMs()
	rec := st.insert(row, now, now)
	st.nameByID(rec)
	return rec, nil
}

// nameByID names a record of a custom object created without a Name by
// its own 15-character id. Caller holds s.mu.
func (st *objectStore) nameByID(r *record) {
	if !st.obj.nameIsID {
		return
	}
	if i, _ := st.obj.field("Name"); r.vals[i] == "" {
		r.vals[i] = r.id[:15]
	}
}

// updateLocked validates and applies changes. Caller holds s.mu; u may be nil.
func (s *Sim) updateLocked(st *objectStore, r *record, body map[string]any, u *undo, skip ...string) []recError {
	if st.obj.readOnly {
		return []recError{readOnlyError()}
	}
	if s.approvalLocked(r.id) {
		return []recError{entityLockedError()}
	}
	if st.obj.frozen != nil {
		if e := st.obj.frozen(st.obj, r.vals); e != nil {
			return []recError{*e}
		}
	}
	vals, errs := changes(st.obj, body, false, skip...)
	if len(errs) > 0 {
		return errs
	}
	if e := ownerCleared(st.obj, vals); e != nil {
		return []recError{*e}
	}
	if m := requiredMissing(st.obj, r.vals, vals); len(m) > 0 {
		return []recError{{StatusCode: "REQUIRED_FIELD_MISSING", Message: fmt.Sprintf("Required fields are missing: [%s]", strings.Join(m, ", ")), Fields: m}}
	}
	if st.obj.rule != nil {
		if e := st.obj.rule(st.obj, r.vals, vals); e != nil {
			return []recError{*e}
		}
	}
	if e := s.refError(st.obj, vals); e != nil {
		return []recError{*e}
	}
	if e := s.duplicate(st, vals, r); e != nil {
		return []recError{*e}
	}
	if u != nil {
		u.touch(r)
	}
	st.unindex(r)
	for i, v := range vals {
		r.vals[i] = v
	}
	st.index(r)
	r.modified = max(s.nowMs(), r.modified) // never back, but not past the second either
	s.mirrorPerson(st, r)
	return nil
}

// jsonValue renders a stored value with the field's JSON type.
func (s *Sim) jsonValue(st *objectStore, r *record, idx int) any {
	switch idx {
	case fID:
		return r.id
	case fIsDeleted:
		return r.deleted
	case fCreatedDate:
		return fmtMillis(r.created)
	case fLastModifiedDate:
		return fmtMillis(r.modified)
	case fSystemModstamp:
		return fmtMillis(max(r.modified, r.system))
	}
	f := st.obj.Fields[idx]
	if f.Calculated && f.Name == "Name" {
		fi, _ := st.obj.field("FirstName")
		li, _ := st.obj.field("LastName")
		return strings.TrimSpace(r.vals[fi] + " " + r.vals[li])
	}
	v := r.vals[idx]
	if v == "" {
		if f.Type == "boolean" {
			return false
		}
		return nil
	}
	switch f.Type {
	case "double", "currency", "percent", "int":
		return json.Number(v)
	case "boolean":
		return v == "true"
	}
	return v
}

// stringValue is the comparable string form used by SOQL (datetimes as ms, others raw).
func (s *Sim) stringValue(st *objectStore, r *record, idx int) string {
	switch v := s.jsonValue(st, r, idx).(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	}
	return ""
}

// kv keeps field order in JSON output, as Salesforce does.
type kv struct {
	k string
	v any
}

type orderedRecord []kv

func (o orderedRecord) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, e := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(e.k)
		v, err := json.Marshal(e.v)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// render builds a record with attributes and the given field indexes (nil = all fields).
func (s *Sim) render(st *objectStore, r *record, version string, fields []int) orderedRecord {
	out := orderedRecord{{"attributes", map[string]string{"type": st.obj.Name,
		"url": fmt.Sprintf("/services/data/%s/sobjects/%s/%s", version, st.obj.Name, r.id)}}}
	if fields == nil {
		for i := range st.obj.Fields {
			if st.obj.Fields[i].hidden {
				continue
			}
			out = append(out, kv{st.obj.Fields[i].Name, s.jsonValue(st, r, i)})
		}
		return out
	}
	for _, i := range fields {
		out = append(out, kv{st.obj.Fields[i].Name, s.jsonValue(st, r, i)})
	}
	return out
}
