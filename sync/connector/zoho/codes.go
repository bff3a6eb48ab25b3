package zoho

import (
	"cmp"
	"encoding/json"

	"github.com/crmsync/crmsync/sync/connector"
)

// Per-record error codes of the write endpoints (createRecords,
// updateRecords, upsertRecords): crm-oas v8.0 record.json's API_Exception
// code enum, and the per-record error schemas of the operations' docs
// (DependentFieldMissingError, DependentMismatchError, NotReviewedError,
// DuplicateLinkingDataError, DependentServiceError, InvalidModuleError).
const (
	codeDependentMissing  = "DEPENDENT_FIELD_MISSING"
	codeDependentMismatch = "DEPENDENT_MISMATCH"
	codeInBlueprint       = "RECORD_IN_BLUEPRINT"
	codeNotReviewed       = "NOT_REVIEWED"
	codeStorageFull       = "STORAGE_SPACE_EXCEEDED"
	// NO_PERMISSION ("no permission to perform an action on this record",
	// record.json API_Exception) and AUTHORIZATION_FAILED ("User does not
	// have sufficient privilege to delete records", deleteRecords example).
	codeNoPermission        = "NO_PERMISSION"
	codeAuthorizationFailed = "AUTHORIZATION_FAILED"
)

// categoryOf sorts a record's error code. A code not listed stays
// "server": a failure on Zoho's side (INTERNAL_ERROR, and
// DEPENDENT_SERVICE_ERROR and CANNOT_PROCESS, a service behind Zoho CRM
// that could not finish), which a later run may get past.
func categoryOf(code string) connector.Category {
	switch code {
	case "INVALID_DATA", "MANDATORY_NOT_FOUND", "DUPLICATE_DATA", "MULTIPLE_OR_MULTI_ERRORS", "LIMIT_EXCEEDED", "NOT_ALLOWED",
		// The record's data: a value Zoho's field setup refuses.
		codeDependentMissing, codeDependentMismatch, "EXPECTED_FIELD_MISSING", "PATTERN_NOT_MATCHED",
		"DATA_MISMATCH", "MAPPING_MISMATCH", "AMBIGUITY_DURING_PROCESSING", "DUPLICATE_LINKING_DATA",
		// The record's state in Zoho, which a person there changes.
		codeConverted, "CONVERTED_RECORD", codeLocked, codeNotApproved, codeNotReviewed, codeInBlueprint,
		// The signed-in user's permission on the record (profile, role,
		// sharing), which a Zoho CRM administrator changes and no retry
		// does; it is this record's alone, so the others are written.
		codeNoPermission, codeAuthorizationFailed:
		return connector.CatValidation
	case "RECORD_NOT_FOUND", "ID_ALREADY_DELETED":
		return connector.CatNotFound
	case codeStorageFull:
		// The org's storage is full: every create after this one is
		// refused too, as Salesforce's STORAGE_LIMIT_EXCEEDED.
		return connector.CatAccount
	case "INVALID_MODULE", "FEATURE_NOT_SUPPORTED", "NOT_SUPPORTED":
		// The module, or the feature the write needs, as a whole: every
		// record written there would be refused the same way.
		return connector.CatTarget
	}
	return connector.CatServer
}

// hint says what lets a record through that Zoho refused with e, where
// the code alone does not; field is the field e names.
func (e zohoError) hint(field string) string {
	field = cmp.Or(field, "the field")
	switch e.Code {
	case codeDependentMismatch:
		return field + " depends on " + e.dependee() + " in Zoho CRM: it takes only the options " +
			e.dependee() + "'s value allows, so change one or the other, or the dependency in Zoho CRM"
	case codeDependentMissing:
		return field + " depends on " + e.dependee() + " in Zoho CRM: a record with " + e.dependee() +
			" needs a value of " + field + " too, so map it or give it one"
	case codeInBlueprint:
		return "the record is in a Blueprint's process in Zoho CRM, whose transitions alone change " + field +
			": move it on through the transition in Zoho CRM, or stop the sync writing " + field
	case codeNotReviewed:
		return "the record waits for review in Zoho CRM: it can be written once it is reviewed"
	case codeStorageFull:
		return "the Zoho CRM org's data storage is full: no record can be created until an administrator deletes records or buys more storage"
	case codeNoPermission, codeAuthorizationFailed:
		if e.hasPermissions() {
			return e.permissionsHint()
		}
		return "a permission in Zoho CRM: the Zoho user crmsync signs in as may not change this record, by its profile, " +
			"its role or the record's sharing rules; a Zoho CRM administrator grants it, and neither a retry nor connecting again does"
	case "INVALID_MODULE":
		return "Zoho CRM does not know this module: it may have been renamed or removed in Zoho CRM's setup"
	}
	return ""
}

// hasPermissions says whether e names the profile permissions it lacks
// (details.permissions, as a request's 403 NO_PERMISSION does).
func (e zohoError) hasPermissions() bool {
	var d struct {
		Permissions []string `json:"permissions"`
	}
	_ = json.Unmarshal(e.Details, &d)
	return len(d.Permissions) > 0
}

// dependee is the controlling field a dependent field's error names
// (details.dependee.api_name), "its controlling field" when it names none.
func (e zohoError) dependee() string {
	var d struct {
		Dependee struct {
			APIName string `json:"api_name"`
		} `json:"dependee"`
	}
	_ = json.Unmarshal(e.Details, &d)
	if d.Dependee.APIName == "" {
		return "its controlling field"
	}
	return d.Dependee.APIName
}
