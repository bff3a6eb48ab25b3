package dynamics

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Writes: create (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-entity-web-api),
// update/upsert/delete (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/update-delete-entities-using-web-api)
// and their conditional forms (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api).

func errInvalidProperty(e *entityDef, name string) *apiError {
	// Troubleshooting page: "Invalid property 'Name' was found in entity 'Microsoft.Dynamics.CRM.account'".
	return newErr(http.StatusBadRequest, codeODataGeneric,
		"An error occurred while validating input parameters: Microsoft.Crm.CrmException: Invalid property '%s' was found in entity '%s'. ---> Microsoft.OData.ODataException: Does not support untyped value in non-open type.",
		name, e.typeName())
}

func errUndeclaredNav(e *entityDef, nav string) *apiError {
	// Troubleshooting page: a bind on a navigation property that doesn't exist.
	return newErr(http.StatusBadRequest, codePayload,
		"Error identified in Payload provided by the user for Entity :'%s'  ---->  InnerException : Microsoft.OData.ODataException: An undeclared property '%s' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.",
		e.set, nav)
}

func errWrongType(edm string) *apiError {
	// [unverified] exact wording of the OData reader's conversion failure.
	return newErr(http.StatusBadRequest, codeODataGeneric,
		"An error occurred while validating input parameters: Microsoft.OData.ODataException: Cannot convert a primitive value to the expected type '%s'. See the inner exception for more details.", edm)
}

func errRowNotFound(e *entityDef, id string) *apiError {
	// "account With Id = 00000000-... Does Not Exist" (conditional operations page).
	return newErr(http.StatusNotFound, codeNotFound, "%s With Id = %s Does Not Exist", e.logical, id)
}

func errKeyNotFound(e *entityDef) *apiError {
	return newErr(http.StatusNotFound, codeNotFound, "A record with the specified key values does not exist in %s entity", e.logical) // [unverified]
}

func errAlreadyExists() *apiError {
	// "A record with matching key values already exists." (conditional operations page, 412).
	return newErr(http.StatusPreconditionFailed, codeDuplicate, "A record with matching key values already exists.")
}

func errVersion() *apiError {
	return newErr(http.StatusPreconditionFailed, codeVersionMismatch, "The version of the existing record doesn't match the RowVersion property provided.")
}

func decodeBody(e *entityDef, body []byte) (map[string]any, *apiError) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, newErr(http.StatusBadRequest, codePayload,
			"Error identified in Payload provided by the user for Entity :'%s'  ---->  InnerException : Microsoft.OData.ODataException: The payload is not a valid JSON object.", e.set) // [unverified]
	}
	return obj, nil
}

// apply validates body and writes it into r (a private copy). Rules:
//   - unknown properties and lookup properties (_x_value) are refused; lookups are set
//     with "<navigation>@odata.bind": "/accounts(<id>)" (create-entity-web-api, associate on create);
//   - strings longer than MaxLength give 0x80044331 (batch page example message);
//   - read-only columns (fullname, createdon, modifiedon) are ignored [unverified];
//   - "" is stored as null [unverified];
//   - email formats are not checked: the docs describe Format only as a UI hint [unverified].
func (s *Sim) apply(t *table, r *record, body map[string]any, create bool) *apiError {
	e := t.def
	for k, v := range body {
		if nav, ok := strings.CutSuffix(k, "@odata.bind"); ok {
			if err := s.bind(t, r, nav, v); err != nil {
				return err
			}
			continue
		}
		if strings.Contains(k, "@") {
			continue // instance annotations such as @odata.type
		}
		a := e.byProp[k]
		if a == nil {
			if e.unsupported[k] {
				return errUnsupportedProp(e, k)
			}
			if _, isNav := e.navs[k]; isNav {
				return errWrongType("Microsoft.Dynamics.CRM." + e.navs[k].target)
			}
			return errInvalidProperty(e, k)
		}
		if a.isLookup() {
			return newErr(http.StatusBadRequest, codeQueryUnsupported,
				"CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.")
		}
		if a.name == e.primaryID {
			if v == nil {
				return errWrongType(edmGUID)
			}
			continue // handled by the caller
		}
		if (create && !a.create) || (!create && !a.update) {
			continue
		}
		if v == nil {
			delete(r.vals, a.name)
			continue
		}
		switch a.kind {
		case kindString, kindMemo:
			sv, ok := v.(string)
			if !ok {
				return errWrongType(a.edm)
			}
			if utf8.RuneCountInString(sv) > a.maxLen {
				return newErr(http.StatusBadRequest, codeMaxLength,
					"A validation error occurred.  The length of the '%s' attribute of the '%s' entity exceeded the maximum allowed length of '%d'.",
					a.name, e.logical, a.maxLen)
			}
			if sv == "" {
				delete(r.vals, a.name)
			} else {
				r.vals[a.name] = sv
			}
		case kindMoney:
			num, ok := v.(json.Number)
			if !ok {
				return errWrongType(a.edm)
			}
			f, err := strconv.ParseFloat(num.String(), 64)
			if err != nil {
				return errWrongType(a.edm)
			}
			if f < a.minMoney || f > a.maxMoney {
				return newErr(http.StatusBadRequest, codeOutOfRange,
					"A validation error occurred. The value %s of '%s' on record of type '%s' is outside the valid range. Accepted range: %s to %s",
					num.String(), a.name, e.logical, valueString(a.minMoney), valueString(a.maxMoney)) // [unverified]
			}
			// Rounded by roundMoney once the row's currency is known.
			r.vals[a.name] = f
		case kindDecimal, kindDouble:
			f, apiErr := numberValue(e, a, v)
			if apiErr != nil {
				return apiErr
			}
			r.vals[a.name] = f
		case kindBool:
			// Two options columns take JSON true/false (Edm.Boolean); 0/1 are refused as
			// a type mismatch [unverified].
			bv, ok := v.(bool)
			if !ok {
				return errWrongType(a.edm)
			}
			r.vals[a.name] = bv
		case kindEntity:
			// annotation.objecttypecode follows objectid; a string is accepted and the
			// lookup's table is kept [unverified].
			if _, ok := v.(string); !ok {
				return errWrongType(a.edm)
			}
		case kindMulti:
			sv, ok := v.(string)
			if !ok {
				return errWrongType(a.edm)
			}
			set, err := parseChoices(e, a, sv)
			if err != nil {
				return err
			}
			if set == "" {
				delete(r.vals, a.name)
			} else {
				r.vals[a.name] = set
			}
		default:
			if a.edm == edmTime {
				// DateAndTime columns take an ISO 8601 date-time; UserLocal values are stored
				// and returned in UTC (https://learn.microsoft.com/power-apps/developer/data-platform/behavior-format-date-time-attribute).
				sv, ok := v.(string)
				if !ok {
					return errWrongType(a.edm)
				}
				tm, err := time.Parse(time.RFC3339, sv)
				if err != nil {
					return newErr(http.StatusBadRequest, codeODataGeneric, "Cannot convert the literal '%s' to the expected type 'Edm.DateTimeOffset'.", sv)
				}
				r.vals[a.name] = tm.UTC().Truncate(time.Second)
				continue
			}
			if a.dateOnly {
				sv, ok := v.(string)
				if !ok {
					return errWrongType(a.edm)
				}
				if !reDate.MatchString(sv) {
					return newErr(http.StatusBadRequest, codeODataGeneric, "Cannot convert the literal '%s' to the expected type 'Edm.Date'.", sv)
				}
				r.vals[a.name] = sv
				continue
			}
			num, ok := v.(json.Number)
			if !ok {
				return errWrongType(a.edm)
			}
			n, err := strconv.ParseInt(num.String(), 10, 32)
			if err != nil {
				return errWrongType(a.edm)
			}
			if len(a.options) > 0 {
				if !a.hasOption(n) {
					return errBadOption(e, a, n)
				}
				r.vals[a.name] = n
				if a.kind == kindState && body["statuscode"] == nil {
					// SetState: a new statecode without a statuscode takes the state's
					// DefaultStatus: "When you update StateCode without specifying a
					// StatusCode, the default status value will be set by the system"
					// (https://learn.microsoft.com/power-apps/developer/data-platform/special-update-operation-behavior).
					// An opportunity's Won and Lost are refused (opportunityclose.go).
					for _, o := range a.options {
						if o.value == n {
							r.vals["statuscode"] = o.defStatus
						}
					}
				}
				continue
			}
			if n < a.minInt || n > a.maxInt {
				return newErr(http.StatusBadRequest, codeOutOfRange,
					"A validation error occurred. The value %d of '%s' on record of type '%s' is outside the valid range. Accepted range: %d to %d",
					n, a.name, e.logical, a.minInt, a.maxInt) // [unverified]
			}
			r.vals[a.name] = n
		}
	}
	return nil
}

// bind sets a lookup from "<nav>@odata.bind": "/accounts(<id>)" (also "accounts(<id>)" or
// an absolute URL). null clears it [unverified]. A missing target is the row-not-found 404.
func (s *Sim) bind(t *table, r *record, nav string, v any) *apiError {
	ref, ok := t.def.navs[nav]
	if !ok {
		return errUndeclaredNav(t.def, nav)
	}
	if v == nil {
		if ref.attr.kind == kindOwner {
			// ownerid is SystemRequired [unverified message and code].
			return newErr(http.StatusBadRequest, "0x80040203", "Attribute: %s cannot be set to NULL", ref.attr.name)
		}
		delete(r.vals, ref.attr.name)
		delete(r.lookupType, ref.attr.name)
		return nil
	}
	sv, ok := v.(string)
	if !ok {
		return errWrongType("Edm.String")
	}
	if ref.attr.kind == kindOwner {
		return s.bindOwner(t, r, nav, ref.attr, sv) // a systemuser or a team (users.go)
	}
	target := s.byLogic[ref.target]
	if target == nil {
		return errBindURI(t.def, sv, nav)
	}
	set, key, ok := splitBindURI(sv)
	if !ok || set != target.def.set {
		return errBindURI(t.def, sv, nav)
	}
	k, err := s.parseKey(target, key)
	if err != nil {
		return err
	}
	row, ferr := s.find(target, k)
	if ferr != nil {
		return ferr
	}
	r.vals[ref.attr.name] = row.id
	if r.lookupType == nil {
		r.lookupType = map[string]string{}
	}
	r.lookupType[ref.attr.name] = ref.target
	return nil
}

// splitBindURI reads "/accounts(<key>)", "accounts(<key>)" or an absolute URL.
func splitBindURI(uri string) (set, key string, ok bool) {
	p := uri
	if i := strings.Index(p, apiPath); i >= 0 {
		p = p[i+len(apiPath):]
	}
	p = strings.TrimPrefix(p, "/")
	set, key, _ = strings.Cut(p, "(")
	if !strings.HasSuffix(key, ")") {
		return set, "", false
	}
	return set, strings.TrimSuffix(key, ")"), true
}

func errBindURI(e *entityDef, uri, nav string) *apiError {
	return newErr(http.StatusBadRequest, codePayload,
		"Error identified in Payload provided by the user for Entity :'%s'  ---->  InnerException : Microsoft.OData.ODataException: The URI '%s' in the '%s@odata.bind' annotation is not valid.", e.set, uri, nav) // [unverified]
}

// find returns the live row a key names, or the documented not-found error.
func (s *Sim) find(t *table, k *rowKey) (*record, *apiError) {
	if k.alt == nil {
		if r := t.byID[k.id]; r != nil {
			return r, nil
		}
		return nil, errRowNotFound(t.def, k.id)
	}
	if r := s.findAlt(t, k); r != nil {
		return r, nil
	}
	return nil, errKeyNotFound(t.def)
}

func (s *Sim) findAlt(t *table, k *rowKey) *record {
	probe := &record{vals: k.values}
	v, ok := keyValue(k.alt, probe)
	if !ok {
		return nil
	}
	if id, ok := k.alt.index[v]; ok {
		return t.byID[id]
	}
	return nil
}

func (s *Sim) entityID(op *opReq, t *table, id string) string {
	return op.base + apiPath + t.def.set + "(" + id + ")"
}

// writeResult is 204 with OData-EntityId, or with "Prefer: return=representation" the row
// (201 for a create, 200 for an update) honouring $select, with Preference-Applied.
func (s *Sim) writeResult(t *table, r *record, op *opReq, created bool, inBatch bool) *opResult {
	sel, _ := parseSelect(t.def, op.query.Get("$select"))
	var res *opResult
	if _, ok := prefer(op.header)["return"]; ok && strings.Contains(strings.ToLower(strings.Join(op.header.Values("Prefer"), ",")), "return=representation") {
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		body := s.render(t, r, sel)
		body["@odata.context"] = contextURL(op.base, t.def.set, sel, true)
		res = jsonResult(status, body)
		res.header.Set("Preference-Applied", "return=representation")
	} else {
		res = newResult(http.StatusNoContent)
	}
	if inBatch {
		res.header.Set("Location", s.entityID(op, t, r.id))
	}
	res.header["OData-EntityId"] = []string{s.entityID(op, t, r.id)} // exact casing of the docs
	return res
}

// create serves POST /{set}. The caller holds s.mu.
func (s *Sim) create(t *table, op *opReq) *opResult {
	if _, err := parseSelect(t.def, op.query.Get("$select")); err != nil {
		return errResult(err)
	}
	body, err := decodeBody(t.def, op.body)
	if err != nil {
		return errResult(err)
	}
	id := ""
	if v, ok := body[t.def.primaryID]; ok {
		sv, _ := v.(string)
		if !reGUID.MatchString(sv) {
			return errResult(errWrongType(edmGUID))
		}
		id = strings.ToLower(sv)
		if t.byID[id] != nil {
			return errResult(errAlreadyExists()) // [unverified] a create with a taken id
		}
	}
	if err := s.errNoCreate(t); err != nil {
		return errResult(err)
	}
	if err := s.checkFieldWrites(t, body, true); err != nil {
		return errResult(err)
	}
	r, err := s.insertNew(t, id, nil, body)
	if err != nil {
		return errResult(err)
	}
	return s.writeResult(t, r, op, true, op.batched)
}

// insertNew validates and stores a new row; keyVals are alternate-key values from an upsert URL.
func (s *Sim) insertNew(t *table, id string, keyVals map[string]any, body map[string]any) (*record, *apiError) {
	r := &record{vals: map[string]any{}}
	for k, v := range keyVals {
		r.vals[k] = v
	}
	if err := s.apply(t, r, body, true); err != nil {
		return nil, err
	}
	if r.lookupType == nil {
		r.lookupType = map[string]string{}
	}
	return s.storeNew(t, r, id)
}

// storeNew gives a new row its default owner, its id ("" for a new GUID)
// and stamps, checks its alternate keys and stores it.
func (s *Sim) storeNew(t *table, r *record, id string) (*record, *apiError) {
	s.defaultOwner(t, r.vals, r.lookupType)
	s.defaultCurrency(t, r.vals, r.lookupType)
	s.roundMoney(t, r)
	if id == "" {
		id = s.newGUID()
	}
	r.id = id
	now := s.nowSecond()
	r.created, r.modified, r.version = now, now, s.nextVersion()
	if err := s.checkRow(t, r); err != nil {
		return nil, err
	}
	t.insert(r)
	return r, nil
}

// upsert serves PATCH /{set}(<key>): it updates the row or, when missing, creates it with
// that id or those alternate key values. If-Match: * prevents the create (404);
// If-None-Match: * prevents the update (412); If-Match: W/"v" is optimistic concurrency.
func (s *Sim) upsert(t *table, k *rowKey, op *opReq) *opResult {
	if _, err := parseSelect(t.def, op.query.Get("$select")); err != nil {
		return errResult(err)
	}
	body, err := decodeBody(t.def, op.body)
	if err != nil {
		return errResult(err)
	}
	existing, ferr := s.find(t, k)
	ifMatch, ifNone := strings.TrimSpace(op.header.Get("If-Match")), strings.TrimSpace(op.header.Get("If-None-Match"))
	if ifMatch != "" && existing == nil {
		return errResult(ferr)
	}
	if ifMatch != "" && ifMatch != "*" && s.noVersions[t.def] {
		return errResult(errNoVersions(t))
	}
	if ifMatch != "" && ifMatch != "*" && ifMatch != etag(existing.version) {
		return errResult(errVersion())
	}
	if ifNone == "*" && existing != nil {
		return errResult(errAlreadyExists())
	}
	if existing == nil {
		if err := s.errNoCreate(t); err != nil {
			return errResult(err)
		}
	}
	if err := s.checkFieldWrites(t, body, existing == nil); err != nil {
		return errResult(err)
	}
	if existing != nil {
		if err := refuseCloseByUpdate(t, body); err != nil {
			return errResult(err)
		}
	}
	if existing == nil {
		r, err := s.insertNew(t, k.id, k.values, body)
		if err != nil {
			return errResult(err)
		}
		return keyedEntityID(s.writeResult(t, r, op, true, op.batched), op, k)
	}
	if k.alt != nil {
		// "The server removes the data set in the body of the request for
		// those alternate key values in the URL" (use-upsert-insert-update-record).
		for _, name := range k.alt.attrs {
			if a := t.def.byName[name]; a != nil {
				delete(body, a.prop())
			}
		}
	}
	r, err := s.updateRow(t, existing, body)
	if err != nil {
		return errResult(err)
	}
	return keyedEntityID(s.writeResult(t, r, op, false, op.batched), op, k)
}

// keyedEntityID names a row written by alternate key as the URL did:
// "OData-EntityId: [Organization Uri]/api/data/v9.2/example_records(example_key1=2,example_key2=2)"
// (use-upsert-insert-update-record).
func keyedEntityID(res *opResult, op *opReq, k *rowKey) *opResult {
	if k.alt == nil || res.failed() {
		return res
	}
	seg, _, _ := strings.Cut(op.path, "/")
	uri := op.base + apiPath + seg
	res.header["OData-EntityId"] = []string{uri} // exact casing of the docs, as writeResult
	if res.header.Get("Location") != "" {
		res.header.Set("Location", uri)
	}
	return res
}

func (s *Sim) updateRow(t *table, old *record, body map[string]any) (*record, *apiError) {
	r := old.clone()
	if err := s.apply(t, r, body, false); err != nil {
		return nil, err
	}
	s.roundMoney(t, r)
	if err := s.checkRow(t, r); err != nil {
		return nil, err
	}
	r.modified, r.version = s.nowSecond(), s.nextVersion()
	t.replace(old, r)
	return r, nil
}

// retrieve serves GET /{set}(<key>) with $select and If-None-Match (304 when unchanged).
func (s *Sim) retrieve(t *table, k *rowKey, op *opReq) *opResult {
	sel, err := parseSelect(t.def, op.query.Get("$select"))
	if err != nil {
		return errResult(err)
	}
	r, err := s.find(t, k)
	if err != nil {
		return errResult(err)
	}
	if m := strings.TrimSpace(op.header.Get("If-None-Match")); m != "" && m == etag(r.version) {
		res := newResult(http.StatusNotModified)
		res.header.Set("Content-Type", jsonType)
		return res
	}
	body := s.render(t, r, sel)
	body["@odata.context"] = contextURL(op.base, t.def.set, sel, true)
	annotate, want := wantLookupAnnotations(op.header)
	if annotate {
		annotateLookups(t, r, body)
	}
	res := jsonResult(http.StatusOK, body)
	if want != "" {
		res.header.Set("Preference-Applied", "odata.include-annotations=\""+want+"\"")
	}
	return res
}
