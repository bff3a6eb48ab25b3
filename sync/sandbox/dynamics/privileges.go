package dynamics

import (
	"net/http"
)

// Table privileges. A security role grants each table's privileges
// (prvCreate<Table>, prvWrite<Table>, ...); a caller whose roles lack the
// one an operation needs is refused with 403 and PrivilegeDenied
// (0x80040220), "Principal user (Id=…, type=8, …), is missing
// prvCreateContact privilege (Id=…) on OTC=2 for entity 'contact'", the
// form DenyUserRead's answer takes (users.go) [unverified: the privilege
// id is this simulator's own].

// DenyCreate makes the connected app user lack the create privilege on the
// table behind entitySet (prvCreate<SchemaName>), until called with false:
// every create of a row there, by POST or by an upsert that would create,
// is refused. The Go API acts as a system administrator and still creates.
func (s *Sim) DenyCreate(entitySet string, deny bool) error {
	t, err := s.tableFor(entitySet)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noCreate == nil {
		s.noCreate = map[*entityDef]bool{}
	}
	s.noCreate[t.def] = deny
	return nil
}

// errNoCreate is the PrivilegeDenied answer to a create in t when the
// caller lacks its create privilege; nil when it has it. The caller holds s.mu.
func (s *Sim) errNoCreate(t *table) *apiError {
	if !s.noCreate[t.def] {
		return nil
	}
	return newErr(http.StatusForbidden, codePrivilegeDenied,
		"Principal user (Id=%s, type=8, roleCount=1, privilegeCount=311, accessMode='0 Read-Write', businessUnitId=%s), is missing prvCreate%s privilege (Id=%s) on OTC=%d for entity '%s'. context.Caller=%s. Consider adding missed privilege to one of the principal (user/team) roles.",
		s.userID, s.buID, t.def.schema, "4c2b1a6e-8f3d-4e7a-9b15-0d6c2e8f7a31", t.def.objectTypeCode, t.def.logical, s.userID)
}
