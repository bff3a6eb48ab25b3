package salesforce

import (
	"fmt"
	"slices"
	"strings"
)

// Creating person accounts (SOAP API Developer Guide, "Person Account
// Record Types"; Object Reference, "RecordType"; Salesforce Help, "Create
// Person Accounts"). Person accounts come with record types on Account:
// the RecordType records whose SobjectType is Account and IsPersonType
// true, the default one PersonAccount, found with
//
//	SELECT Id FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true
//
// An Account created with such a RecordTypeId is a person account: it
// takes LastName (required) instead of Name, which Salesforce derives from
// the names, and its person fields (PersonEmail, ...), and Salesforce
// creates its person contact with it, whose id the Account's
// PersonContactId holds. [unverified: the error for a person account
// created without LastName is this sandbox's REQUIRED_FIELD_MISSING.]

// personRecordTypeID is the id of the org's PersonAccount record type.
var personRecordTypeID = makeID("012", 1)

// recordTypeObject is RecordType as this sandbox holds it: read-only, no
// owner, the fields a person-account query reads.
func recordTypeObject() *Object {
	readOnly := func(f Field) Field { f.Createable, f.Updateable = false, false; return f }
	o := newObject("RecordType", "Record Type", "Record Types", "012",
		readOnly(str("Name", "Name", 80)), readOnly(str("DeveloperName", "Record Type Name", 80)),
		readOnly(str("SobjectType", "SObject Type Name", 40)), readOnly(typed("IsPersonType", "Is Person Type", "boolean")),
		readOnly(typed("IsActive", "Active", "boolean")))
	o.Fields = slices.Delete(o.Fields, fOwnerID, fOwnerID+1)
	reindex(o)
	o.noOwner, o.readOnly = true, true
	return o
}

// addPersonRecordType gives the org its PersonAccount record type and
// Account its RecordTypeId. Caller holds s.mu.
func (s *Sim) addPersonRecordType(account *objectStore) []Field {
	st := newObjectStore(recordTypeObject())
	s.stores["recordtype"] = st
	vals := make([]string, len(st.obj.Fields))
	for name, v := range map[string]string{"Name": "Person Account", "DeveloperName": "PersonAccount",
		"SobjectType": "Account", "IsPersonType": "true", "IsActive": "true", "IsDeleted": "false"} {
		i, _ := st.obj.field(name)
		vals[i] = v
	}
	vals[fCreatedByID], vals[fLastModifiedByID] = adminUserID, adminUserID
	st.next = 1
	now := s.nowMs()
	st.insert(vals, now, now)
	if _, has := account.obj.field("RecordTypeId"); has {
		return nil
	}
	return []Field{ref("RecordTypeId", "Account Record Type", "RecordType")}
}

// isPersonCreate reports whether rec, to be created in st, is a person
// account: an Account with the person record type. Caller holds s.mu.
func (s *Sim) isPersonCreate(st *objectStore, rec map[string]any) bool {
	if st.obj.Name != "Account" {
		return false
	}
	for k, v := range rec {
		if strings.EqualFold(k, "RecordTypeId") {
			id, _ := v.(string)
			return id != "" && normID(id) == normID(personRecordTypeID)
		}
	}
	return false
}

// createPersonLocked creates a person account from an Account body with
// the person record type, and its person contact. Caller holds s.mu.
func (s *Sim) createPersonLocked(body map[string]any) (*record, []recError) {
	ast, cst := s.stores["account"], s.stores["contact"]
	text := func(name string) string {
		for k, v := range body {
			if s, ok := v.(string); ok && strings.EqualFold(k, name) {
				return s
			}
		}
		return ""
	}
	if strings.TrimSpace(text("LastName")) == "" {
		return nil, []recError{{StatusCode: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [LastName]", Fields: []string{"LastName"}}}
	}
	ab := make(map[string]any, len(body)+1)
	for k, v := range body {
		ab[k] = v
	}
	ab["Name"] = strings.TrimSpace(text("FirstName") + " " + text("LastName"))
	a, errs := s.createLocked(ast, ab)
	if errs != nil {
		return nil, errs
	}
	c, errs := s.createLocked(cst, map[string]any{"LastName": text("LastName"), "AccountId": a.id})
	if errs != nil {
		ast.remove(a)
		return nil, []recError{{StatusCode: "UNKNOWN_EXCEPTION", Message: fmt.Sprintf("person contact: %s", joinErrs(errs)), Fields: []string{}}}
	}
	pairPerson(ast, cst, a, c)
	s.mirrorPerson(ast, a)
	return a, nil
}
