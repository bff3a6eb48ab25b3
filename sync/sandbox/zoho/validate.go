package zoho

import (
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// emailPattern is a plain address check: one @, no spaces, a dot in the domain.
var emailPattern = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)

// ignoredKeys are record keys the sandbox accepts and drops: layout and wizard
// selections, tags and "$" properties such as $append_values.
var ignoredKeys = []string{"Layout", "Wizard", "Tag", "Record_Image"}

const (
	msgInvalidData  = "invalid data"
	msgInvalidField = "the field api name given seems to be invalid" // createRecords 207 example
	msgRequired     = "required field not found"                     // upsert MANDATORY_NOT_FOUND example
	msgInvalidID    = "the id given seems to be invalid"             // API_Exception enum
	msgDuplicate    = "duplicate data"
)

// typeErr is INVALID_DATA naming the expected data type (createRecords invaliddatatype
// example: {"expected_data_type":"integer","api_name":"Number_1","json_path":...}).
func typeErr(fd *fieldDef, idx int) *zerr {
	return fieldErr("INVALID_DATA", msgInvalidData, fd.apiName, idx, map[string]any{"expected_data_type": fd.dataType})
}

// parseValue validates one input value for fd and returns what the store keeps, or nil
// to clear the field. v is decoded JSON with exact numbers.
func (s *Sim) parseValue(fd *fieldDef, v any, idx int) (any, *zerr) {
	if v == nil {
		return nil, nil
	}
	switch fd.dataType {
	case TypeText, TypeTextarea, TypeEmail, TypePhone, TypeWebsite, TypePicklist:
		str, ok := v.(string)
		if !ok {
			return nil, typeErr(fd, idx)
		}
		if str == "" || fd.dataType == TypePicklist && str == "-None-" {
			return nil, nil
		}
		if utf8.RuneCountInString(str) > fd.length {
			// createRecords invaliddatalength example.
			return nil, fieldErr("INVALID_DATA", msgInvalidData, fd.apiName, idx, map[string]any{"maximum_length": fd.length})
		}
		switch fd.dataType {
		case TypeEmail:
			if !emailPattern.MatchString(str) {
				return nil, typeErr(fd, idx) // [unverified: expected_data_type on a malformed address]
			}
		case TypeWebsite:
			if strings.ContainsAny(str, " \t\n") {
				return nil, typeErr(fd, idx)
			}
		case TypePicklist:
			// Every picklist is treated as restricted: an unknown value is refused with
			// the supported values (InvalidDataSupportedValuesDetails) [unverified: Zoho
			// may accept unlisted values on unrestricted picklists].
			if !slices.Contains(fd.picklist, str) {
				return nil, fieldErr("INVALID_DATA", msgInvalidData, fd.apiName, idx,
					map[string]any{"supported_values": supportedValues(fd)})
			}
		}
		return str, nil
	case TypeDate:
		str, ok := v.(string)
		if _, err := time.Parse(time.DateOnly, str); !ok || err != nil {
			return nil, typeErr(fd, idx)
		}
		return str, nil
	case TypeDatetime:
		str, ok := v.(string)
		t, err := parseTime(str)
		if !ok || err != nil {
			return nil, typeErr(fd, idx)
		}
		return fmtTime(t), nil
	case TypeBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, typeErr(fd, idx)
		}
		return b, nil
	case TypeInteger:
		n, ok := v.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil {
			return nil, typeErr(fd, idx)
		}
		if len(strconv.FormatInt(max(i, -i), 10)) > fd.length {
			return nil, fieldErr("INVALID_DATA", msgInvalidData, fd.apiName, idx, map[string]any{"maximum_length": fd.length})
		}
		return i, nil
	case TypeDouble, TypeCurrency:
		n, ok := v.(json.Number)
		x, err := n.Float64()
		if !ok || err != nil || math.IsInf(x, 0) {
			return nil, typeErr(fd, idx)
		}
		return x, nil
	case TypeLookup, TypeOwnerLookup:
		if fd.dataType == TypeLookup {
			return s.parseRef(fd, s.modules[fd.lookup], v, idx)
		}
		id, ok := refID(v)
		if !ok {
			return nil, typeErr(fd, idx)
		}
		if s.userBy[id] == nil {
			return nil, fieldErr("INVALID_DATA", msgInvalidID, fd.apiName, idx, nil)
		}
		return id, nil
	}
	return nil, typeErr(fd, idx)
}

// parseRef reads a lookup value pointing into target, which must hold it live.
func (s *Sim) parseRef(fd *fieldDef, target *moduleDef, v any, idx int) (any, *zerr) {
	id, ok := refID(v)
	if !ok {
		return nil, typeErr(fd, idx)
	}
	if target == nil || target.st.liveRecord(id) == nil {
		return nil, fieldErr("INVALID_DATA", msgInvalidID, fd.apiName, idx, nil) // [unverified message]
	}
	return id, nil
}

// seModuleKey names a multi-module lookup's target module in a record ("$se_module").
const seModuleKey = "$se_module"

// applyMulti writes a multi-module lookup (Tasks.What_Id): the target module comes from
// the record's "$se_module", or on update from the one stored. Without one the write is
// MANDATORY_NOT_FOUND on $se_module, and a module the field cannot point to is
// INVALID_DATA with the supported modules [unverified: both refusals' shapes]. Clearing
// the lookup clears its module.
func (s *Sim) applyMulti(fd *fieldDef, r *record, obj map[string]any, v any, idx int) *zerr {
	if v == nil {
		delete(r.values, fd.apiName)
		delete(r.values, seModuleKey)
		return nil
	}
	module := r.str(seModuleKey)
	if raw, present := obj[seModuleKey]; present {
		str, ok := raw.(string)
		if !ok {
			return fieldErr("INVALID_DATA", msgInvalidData, seModuleKey, idx, map[string]any{"expected_data_type": "text"})
		}
		module = str
	}
	if module == "" {
		return fieldErr("MANDATORY_NOT_FOUND", msgRequired, seModuleKey, idx, nil)
	}
	i := slices.IndexFunc(fd.multi, func(x string) bool { return strings.EqualFold(x, module) })
	if i < 0 {
		return fieldErr("INVALID_DATA", msgInvalidData, seModuleKey, idx, map[string]any{"supported_values": fd.multi})
	}
	id, e := s.parseRef(fd, s.modules[fd.multi[i]], v, idx)
	if e != nil {
		return e
	}
	r.values[fd.apiName], r.values[seModuleKey] = id, fd.multi[i]
	return nil
}

// supportedValues lists a picklist's values for INVALID_DATA, without "-None-".
func supportedValues(fd *fieldDef) []string {
	out := make([]string, 0, len(fd.picklist))
	for _, v := range fd.picklist {
		if v != "-None-" {
			out = append(out, v)
		}
	}
	return out
}

// refID reads a lookup value: {"id":"123"} (also {"id":123}, {"name":..,"id":..}) or a
// bare id string [unverified: the bare form].
func refID(v any) (int64, bool) {
	switch x := v.(type) {
	case map[string]any:
		return refID(x["id"])
	case string:
		return parseID(x)
	case json.Number:
		return parseID(x.String())
	}
	return 0, false
}

// applyFields writes obj's fields into r: unknown API names first (refused, or dropped
// with Options.IgnoreUnknownFields), then the module's fields in metadata order.
// Read-only fields (Created_Time, Full_Name...) are dropped silently [unverified].
func (s *Sim) applyFields(m *moduleDef, r *record, obj map[string]any, idx int) *zerr {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "id" || strings.HasPrefix(k, "$") || slices.Contains(ignoredKeys, k) || m.field(k) != nil {
			continue
		}
		if !s.opts.IgnoreUnknownFields {
			return fieldErr("INVALID_DATA", msgInvalidField, k, idx, nil)
		}
	}
	for _, fd := range m.fields {
		v, present := obj[fd.apiName]
		if !present || fd.readOnly {
			continue
		}
		if len(fd.multi) > 0 {
			if e := s.applyMulti(fd, r, obj, v, idx); e != nil {
				return e
			}
			continue
		}
		val, e := s.parseValue(fd, v, idx)
		if e != nil {
			return e
		}
		if val == nil {
			delete(r.values, fd.apiName)
		} else {
			r.values[fd.apiName] = val
		}
	}
	return nil
}

// checkRecord enforces mandatory fields (MANDATORY_NOT_FOUND) and unique fields
// (DUPLICATE_DATA, createRecords duplicatedataerror example) on the record as written.
// Insert checks duplicates "based on unique fields" (insert doc) only: Contacts.Email is
// the upsert's system duplicate-check field but not unique unless Options.UniqueFields
// says so, so a second contact with the same email is accepted [unverified].
func (s *Sim) checkRecord(m *moduleDef, r *record, idx int) *zerr {
	for _, fd := range m.fields {
		if fd.mandatory && r.values[fd.apiName] == nil {
			return fieldErr("MANDATORY_NOT_FOUND", msgRequired, fd.apiName, idx, nil)
		}
	}
	for _, fd := range m.uniqueFields() {
		v, ok := r.values[fd.apiName]
		if !ok {
			continue
		}
		dups := s.findEqual(m, fd, v, r.id)
		if len(dups) == 0 {
			continue
		}
		d := dups[0]
		owner := s.userBy[d.values["Owner"].(int64)]
		return fieldErr("DUPLICATE_DATA", msgDuplicate, fd.apiName, idx, map[string]any{
			"id": idString(d.id), "more_records": len(dups) > 1,
			"duplicate_record": map[string]any{"id": idString(d.id),
				"Owner":  map[string]any{"name": owner.name, "id": idString(owner.id)},
				"module": map[string]any{"api_name": m.name, "id": idString(m.id)}},
		})
	}
	return nil
}

// findEqual returns the live records other than self whose fd equals v (text compares
// case-insensitively), oldest first.
func (s *Sim) findEqual(m *moduleDef, fd *fieldDef, v any, self int64) []*record {
	var out []*record
	for _, r := range m.st.recs {
		if r.deleted || r.id == self {
			continue
		}
		if sameValue(r.values[fd.apiName], v) {
			out = append(out, r)
		}
	}
	return out
}

func sameValue(a, b any) bool {
	if as, ok := a.(string); ok {
		bs, ok := b.(string)
		return ok && strings.EqualFold(as, bs)
	}
	return a != nil && a == b
}

// derive sets the fields Zoho computes from others, after a write's fields are applied
// (old is nil on insert; given is the write's input; at is the write's time):
//   - Deals: a Stage set or changed without a Probability in the same write takes the
//     stage's probability (stage-probability mapping), and Expected_Revenue is
//     Amount × Probability / 100 ("Calculated based on the Amount and deal Stage", help)
//     [unverified: that the API applies the mapping as the web form does];
//   - Tasks: Closed_Time is stamped when Status becomes Completed and cleared when it
//     leaves Completed [unverified].
func (s *Sim) derive(m *moduleDef, old, r *record, given map[string]any, at time.Time) {
	switch m.name {
	case ModuleDeals:
		stage := r.str("Stage")
		if _, set := given["Probability"]; !set && (old == nil || old.str("Stage") != stage) {
			if p, ok := stageProbability[stage]; ok {
				r.values["Probability"] = p
			}
		}
		amount, okA := r.values["Amount"].(float64)
		p, okP := r.values["Probability"].(int64)
		if okA && okP {
			r.values["Expected_Revenue"] = math.Round(amount*float64(p)) / 100
		} else {
			delete(r.values, "Expected_Revenue")
		}
	case ModuleTasks:
		if r.str("Status") != "Completed" {
			delete(r.values, "Closed_Time")
		} else if r.values["Closed_Time"] == nil {
			r.values["Closed_Time"] = fmtTime(at)
		}
	}
}

// createLocked inserts a record from obj; s.mu is held.
func (s *Sim) createLocked(m *moduleDef, obj map[string]any, idx int) (*record, *zerr) {
	r := &record{values: map[string]any{}}
	if e := s.applyFields(m, r, obj, idx); e != nil {
		return nil, e
	}
	if r.values["Owner"] == nil {
		r.values["Owner"] = s.users[0].id // [unverified: Owner null on insert means the caller]
	}
	now := s.nowSecond()
	s.derive(m, nil, r, obj, now)
	if e := s.checkRecord(m, r, idx); e != nil {
		return nil, e
	}
	r.id = s.nextID()
	r.created, r.modified, r.createdWall = now, now, s.now()
	r.createdBy, r.modifiedBy = s.users[0].id, s.users[0].id
	m.st.insert(r)
	return r, nil
}

// updateLocked applies obj to old; Modified_Time moves on every update, changed or not.
func (s *Sim) updateLocked(m *moduleDef, old *record, obj map[string]any, idx int) (*record, *zerr) {
	r := old.clone()
	if e := s.applyFields(m, r, obj, idx); e != nil {
		return nil, e
	}
	if r.values["Owner"] == nil {
		r.values["Owner"] = old.values["Owner"]
	}
	now := s.nowSecond()
	s.derive(m, old, r, obj, now)
	if e := s.checkRecord(m, r, idx); e != nil {
		return nil, e
	}
	r.modified, r.modifiedBy = now, s.users[0].id
	m.st.replace(old, r)
	return r, nil
}

// deleteLocked moves a live record to the recycle bin.
func (s *Sim) deleteLocked(m *moduleDef, id int64) bool {
	old := m.st.liveRecord(id)
	if old == nil {
		return false
	}
	r := old.clone()
	r.deleted, r.deletedTime, r.deletedBy = true, s.nowSecond(), s.users[0].id
	m.st.replace(old, r)
	return true
}
