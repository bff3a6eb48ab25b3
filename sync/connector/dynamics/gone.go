package dynamics

import (
	"regexp"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// codeObjectDoesNotExist is Dataverse's 404 for a missing row (web
// service error codes: ObjectDoesNotExist, -2147220969, the SDK's
// ObjectNotFoundException).
const codeObjectDoesNotExist = "0x80040217"

// missingRowID reads the row ObjectDoesNotExist names ("account With Id =
// 00000000-… Does Not Exist").
var missingRowID = regexp.MustCompile(`With Id = ([0-9A-Fa-f-]{36}) Does Not Exist`)

// notFoundBlame sorts a write's 404 between the record's own row being
// gone (not found naming no field: the engine holds it as the delete) and
// another row being gone, which must not pass for the record's delete: a
// lookup bound to a row that is gone names that lookup, and any other
// row fails the record as a refusal to fix.
func notFoundBlame(e *connector.Error, op connector.Op, category connector.Category, field string) (connector.Category, string) {
	if category != connector.CatNotFound || field != "" {
		return category, field
	}
	m := missingRowID.FindStringSubmatch(e.Message)
	if !strings.EqualFold(e.Code, codeObjectDoesNotExist) || m == nil || strings.EqualFold(m[1], op.ID) {
		return category, field
	}
	if f := fieldHolding(op, m[1]); f != "" {
		return connector.CatNotFound, f
	}
	return connector.CatValidation, ""
}

// fieldHolding names the field of op whose value is id (a lookup's
// target), "" when none is.
func fieldHolding(op connector.Op, id string) string {
	for name, v := range op.Fields {
		if strings.EqualFold(strings.TrimSpace(v), id) {
			return name
		}
	}
	return ""
}

// codeSegmentNotFound is Dataverse's 404 "Resource not found for the
// segment '<entity set>'." (0x8006088a): the URL names a table (or a
// property path) the organization does not have, such as a custom table
// deleted since crmsync read its schema. It is about the table, never one
// row, so it must not pass for the row's delete: every row of the table
// would be held as deleted.
const codeSegmentNotFound = "0x8006088a"

// tableGoneHint follows Dataverse's words for an unknown segment, saying
// what a person can do about it.
const tableGoneHint = " The table may have been deleted or renamed in Dynamics 365; check the sync's object."
