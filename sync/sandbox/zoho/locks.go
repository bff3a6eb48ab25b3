package zoho

import (
	"fmt"
	"strings"
)

// Record locking: Zoho CRM locks records by its locking rules (a deal once
// Closed Won, say) or by hand, and an API update or delete of a locked
// record fails alone with RECORD_LOCKED. The shapes are crm-oas v8.0's
// examples: updateRecords response-400-recordlockederror
//
//	{"code":"RECORD_LOCKED","details":{"api_name":"id","json_path":"$.data[0].id","action":"record_locking"},
//	 "message":"Sorry, you cannot perform this operation as the record is locked.","status":"error"}
//
// and deleteRecords RecordLocked
//
//	{"code":"RECORD_LOCKED","details":{"action":"record_locking","id":"…"},
//	 "message":"You cannot perform this operation as the record is locked.","status":"error"}
//
// A record submitted for approval is held likewise until it is approved
// or rejected: NOT_APPROVED, in the shapes of updateRecords
// notapprovederror ({"resource_path_index":1}, "Cannot update record that
// is not approved yet") and deleteRecords NotApproved ({}, "cannot delete
// record that is not approved yet").
//
// [unverified: the HTTP status when such a record sits among others that
// succeed (207, as any per-record failure here); whether an upsert that
// matches a held record answers the update's shape, as here.]

// LockRecord locks (true) or unlocks record id of module against API
// updates and deletes, as a locking rule or a user's lock does.
func (s *Sim) LockRecord(module, id string, locked bool) error { return s.hold(module, id, "", locked) }

// AwaitApproval submits record id of module for approval (true), which
// holds it against API updates and deletes, or approves it (false).
func (s *Sim) AwaitApproval(module, id string, waiting bool) error {
	return s.hold(module, id, approvalSuffix, waiting)
}

// hold sets or clears a hold (suffix: "" for a lock) on record id of module.
func (s *Sim) hold(module, id, suffix string, on bool) error {
	m, err := s.mod(module)
	if err != nil {
		return err
	}
	n, ok := parseID(id)
	if !ok {
		return fmt.Errorf("zoho sandbox: record id %q is not an id", id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locked == nil {
		s.locked = map[string]bool{}
	}
	if key := lockKey(m, n) + suffix; on {
		s.locked[key] = true
	} else {
		delete(s.locked, key)
	}
	return nil
}

// approvalSuffix marks an approval's hold in Sim.locked.
const approvalSuffix = "#approval"

func lockKey(m *moduleDef, id int64) string { return strings.ToLower(m.name) + "/" + idString(id) }

// isLocked reports a lock on record id of m. Caller holds s.mu.
func (s *Sim) isLocked(m *moduleDef, id int64) bool { return s.locked[lockKey(m, id)] }

// awaitsApproval reports record id of m waiting for approval. Caller holds s.mu.
func (s *Sim) awaitsApproval(m *moduleDef, id int64) bool {
	return s.locked[lockKey(m, id)+approvalSuffix]
}

// holdError is the update's answer for a held record at data[idx], nil
// when it is not held. Caller holds s.mu.
func (s *Sim) holdError(m *moduleDef, id int64, idx int) *zerr {
	switch {
	case s.isLocked(m, id):
		return errRecordLocked(idx)
	case s.isDenied(m, id):
		return errRecordNoPermission(id)
	case s.awaitsApproval(m, id):
		return badRequest("NOT_APPROVED", "Cannot update record that is not approved yet", map[string]any{"resource_path_index": 1})
	}
	return nil
}

// holdDeleteResult is the delete's answer for a held record, nil when it is
// not held. Caller holds s.mu.
func (s *Sim) holdDeleteResult(m *moduleDef, id int64, raw string) map[string]any {
	switch {
	case s.isLocked(m, id):
		return recordLockedDelete(raw)
	case s.isDenied(m, id):
		return noPermissionDelete(raw)
	case s.awaitsApproval(m, id):
		return map[string]any{"code": "NOT_APPROVED", "details": map[string]any{},
			"message": "cannot delete record that is not approved yet", "status": "error"}
	}
	return nil
}

// errRecordLocked is an update's (or an upsert's update's) answer for the
// locked record at data[idx].
func errRecordLocked(idx int) *zerr {
	return badRequest("RECORD_LOCKED", "Sorry, you cannot perform this operation as the record is locked.",
		map[string]any{"api_name": "id", "json_path": fmt.Sprintf("$.data[%d].id", idx), "action": "record_locking"})
}

// recordLockedDelete is a delete's answer for the locked record id.
func recordLockedDelete(id string) map[string]any {
	return map[string]any{"code": "RECORD_LOCKED", "details": map[string]any{"action": "record_locking", "id": id},
		"message": "You cannot perform this operation as the record is locked.", "status": "error"}
}
