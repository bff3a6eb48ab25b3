package dynamics

import (
	"fmt"
	"net/http"
	"strings"
)

// Column-level security, as Microsoft Learn's "Column-level security with code"
// (https://learn.microsoft.com/power-apps/developer/data-platform/column-level-security)
// describes it: a secured column has AttributeMetadata.IsSecured true, and what a user
// may do with it is what the field permissions (CanRead, CanCreate, CanUpdate) of the
// field security profiles they are in allow. "The default API behavior when returning a
// value for a secured column is to return no data. The calling application can't
// distinguish between a value that is secured and a value that is null": a read answers
// null. A write the caller may not make is refused with 403 (the Web API's status for
// AttributePermissionUpdateIsMissingDuringUpdate and AttributePrivilegeCreateIsMissing,
// "Compose HTTP requests and handle errors"), with the codes and messages of the web
// service error codes reference.

// Field security error codes (web service error codes reference).
const (
	codeFieldUpdateMissing = "0x8004f507" // AttributePermissionUpdateIsMissingDuringUpdate
	codeFieldCreateMissing = "0x8004f502" // AttributePrivilegeCreateIsMissing
)

// FieldPermission is what the connected app user's field security profiles allow on a
// secured column (FieldPermission.CanRead, CanCreate and CanUpdate: Allowed or Not
// Allowed).
type FieldPermission struct {
	Read, Create, Update bool
}

// unsecurable are the system columns the admin guide says cannot be secured.
var unsecurable = map[string]bool{"createdon": true, "modifiedon": true, "statecode": true, "statuscode": true}

// SecureColumn turns on column-level security on a column of the table behind
// entitySet (IsSecured true) and gives the connected app user perm on it. Lookups,
// the primary key and primary name, and system columns cannot be secured (the admin
// guide's "Columns that can't be secured"). The Go API (Create, Update, Get) acts as a
// system administrator, who reads and sets every secured column.
func (s *Sim) SecureColumn(entitySet, column string, perm FieldPermission) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	a := t.def.byName[column]
	if a == nil || !canBeSecured(t.def, a) {
		return fmt.Errorf("dynamics sim: %s.%s cannot be secured", t.def.logical, column)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secured == nil {
		s.secured = map[*attrDef]FieldPermission{}
	}
	s.secured[a] = perm
	return nil
}

// CallerPermission says whether the column is secured and, when it is, what the
// connected app user may do with it.
func (s *Sim) CallerPermission(entitySet, column string) (perm FieldPermission, secured bool) {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return FieldPermission{}, false
	}
	a := t.def.byName[column]
	s.mu.RLock()
	defer s.mu.RUnlock()
	perm, secured = s.secured[a]
	if !secured {
		return FieldPermission{Read: true, Create: true, Update: true}, false
	}
	return perm, true
}

func canBeSecured(e *entityDef, a *attrDef) bool {
	return !a.virtual && !a.isLookup() && a.kind != kindID && a.name != e.primaryID && a.name != e.primaryName && !unsecurable[a.name]
}

// isSecured reports a secured column; callers hold s.mu.
func (s *Sim) isSecured(a *attrDef) bool {
	_, ok := s.secured[a]
	return ok
}

// callerReads reports whether a read shows the column's value to the app user;
// callers hold s.mu.
func (s *Sim) callerReads(a *attrDef) bool {
	perm, ok := s.secured[a]
	return !ok || perm.Read
}

// checkFieldWrites refuses a write naming a secured column the app user may not set:
// on create a value (null sets nothing [unverified]), on update any value, null
// included [unverified: whether an unchanged value is refused too]. Callers hold s.mu.
func (s *Sim) checkFieldWrites(t *table, body map[string]any, create bool) *apiError {
	for k, v := range body {
		if strings.Contains(k, "@") {
			continue
		}
		a := t.def.byProp[k]
		if a == nil {
			continue // apply refuses it
		}
		perm, ok := s.secured[a]
		if !ok {
			continue
		}
		switch {
		case create && !perm.Create && v != nil:
			return newErr(http.StatusForbidden, codeFieldCreateMissing,
				"The user does not have create permissions to a secured field. The requested operation could not be completed.")
		case !create && !perm.Update:
			return newErr(http.StatusForbidden, codeFieldUpdateMissing,
				"The user doesn't have AttributePrivilegeUpdate and not granted shared access for a secured attribute during update operation")
		}
	}
	return nil
}
