package zoho

// Record permissions: Zoho CRM lets a user change a record only as the
// user's profile, role and the org's sharing rules allow, so an
// integration user may read a record (a shared view, a peer's record under
// read-only sharing) that it may not edit or delete. The answers are
// crm-oas v8.0's: record.json API_Exception's NO_PERMISSION with the
// message "no permission to perform an action on this record", and
// deleteRecords' example response-400-authorizationfailed,
// AUTHORIZATION_FAILED "User does not have sufficient privilege to delete
// records".
//
// [unverified: the details of a per-record NO_PERMISSION (here {"id"}),
// and that a delete answers AUTHORIZATION_FAILED per record in data[]
// beside records that are deleted (the example shows it alone, details {});
// whether an upsert matching such a record answers the update's shape, as
// here.]

// DenyRecord takes away (true) or gives back (false) the signed-in user's
// permission to update or delete record id of module, as a role or a
// sharing rule in Zoho CRM does; reads still see it.
func (s *Sim) DenyRecord(module, id string, denied bool) error {
	return s.hold(module, id, deniedSuffix, denied)
}

// deniedSuffix marks a permission's refusal in Sim.locked.
const deniedSuffix = "#denied"

// isDenied reports record id of m refused to the signed-in user. Caller holds s.mu.
func (s *Sim) isDenied(m *moduleDef, id int64) bool { return s.locked[lockKey(m, id)+deniedSuffix] }

// errRecordNoPermission is an update's (or an upsert's update's) answer for the
// record id the user may not change.
func errRecordNoPermission(id int64) *zerr {
	return badRequest("NO_PERMISSION", "no permission to perform an action on this record", map[string]any{"id": idString(id)})
}

// noPermissionDelete is a delete's answer for the record id the user may not delete.
func noPermissionDelete(id string) map[string]any {
	return map[string]any{"code": "AUTHORIZATION_FAILED", "details": map[string]any{"id": id},
		"message": "User does not have sufficient privilege to delete records", "status": "error"}
}
