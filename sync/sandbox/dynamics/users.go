package dynamics

// Users (the systemuser table) and the owner of a row (ownerid).
//
// Sources:
//   - User (SystemUser) table/entity reference
//     (learn.microsoft.com/power-apps/developer/data-platform/reference/entities/systemuser):
//     entity set systemusers, primary id systemuserid, primary name fullname,
//     OwnershipType BusinessOwned; messages Create, Retrieve, RetrieveMultiple
//     (GET /systemusers), Update, Delete; columns firstname and lastname (String
//     256, ApplicationRequired), fullname (String 200, read-only),
//     internalemailaddress ("Primary Email", String 100, Format Email,
//     SystemRequired), domainname ("User Name", String 1024, SystemRequired),
//     isdisabled (Boolean, "Status", DefaultValue False, labels Disabled/Enabled,
//     global systemuser_isdisabled), accessmode (Picklist, SystemRequired, default
//     0, global systemuser_accessmode: 0 Read-Write, 1 Administrative, 2 Read,
//     3 Support User, 4 Non-interactive, 5 Delegated Admin), applicationid
//     (Uniqueidentifier, "The identifier for the application").
//   - User and team tables (learn.microsoft.com/power-apps/developer/data-platform/user-team-entities):
//     Non-Interactive users "can access the system but only through the Web
//     service" and are used for service-to-service code; Support users are created
//     by Microsoft's support team.
//   - Owner table reference: ownerid's many-to-one relationship is owner_<table>
//     with ReferencedEntity "owner" (not systemuser or team) and navigation property
//     "ownerid"; this simulator keeps the owner out of ManyToOneRelationships.
//   - Update a record Owner and Owning Business Unit
//     (learn.microsoft.com/power-platform/admin/update-record-owner): "The new owner
//     must be in an Enabled user status" (a newer revision of the page allows a
//     disabled user that keeps a role with Read privilege; this simulator follows
//     the rule above and refuses every disabled user).
//   - Web service error codes: 0x80040225 unManagedidsusernotenabled "The specified
//     user is either disabled or is not a member of any business unit."; 0x80040217
//     ObjectDoesNotExist.
//   - A caller without the read privilege on systemuser gets 403 with code
//     0x80040220 (PrivilegeDenied) and "Principal user (Id=…, type=8, …), is missing
//     prvReadUser privilege (…) on OTC=8 for entity 'systemuser'" (a Dataverse answer
//     quoted on the Dynamics community forum; 2nd hand).
//
// The connected identity is the signed-in user of the authorization-code flow this
// sandbox serves (a delegated sign-in, not an application user): an enabled
// Read-Write (accessmode 0) user named "Sandbox User", the name and
// preferred_username of the ID token. It owns every row created without an owner.
//
// This sandbox's own reading, [unverified]:
//   - the status of the disabled-owner refusal (400) and that it applies to every
//     write naming the user, even when the owner does not change;
//   - the exact text of the 403 for a caller without prvReadUser (the ids and
//     counts are made up);
//   - writes to systemusers through the Web API are refused with a simulator-only
//     400: users come from SeedUsers, as they come from Microsoft Entra ID;
//   - teams (SeedTeams) are only ids a row can be owned by: there is no teams
//     entity set to query;
//   - the systemuser table's MetadataId is made up; its ObjectTypeCode 8 is the
//     OTC the PrivilegeDenied message names.

import (
	"net/http"
	"strings"
)

// The access modes of systemuser.accessmode.
const (
	AccessReadWrite      = 0
	AccessAdministrative = 1
	AccessRead           = 2
	AccessSupportUser    = 3
	AccessNonInteractive = 4
	AccessDelegatedAdmin = 5
)

// The connected user, as the ID token names it.
const (
	callerFirstName = "Sandbox"
	callerLastName  = "User"
	callerEmail     = "sandbox.user@contoso.onmicrosoft.com"
)

// User is a Go-side view of a systemuser row. FullName is "FirstName LastName";
// SeedUsers splits a FullName given alone at its last space. DomainName (the
// sign-in name) defaults to Email. ApplicationID is set on an application user
// (AccessMode AccessNonInteractive).
type User struct {
	ID, FirstName, LastName, FullName, Email, DomainName, ApplicationID string
	Disabled                                                            bool
	AccessMode                                                          int
}

func systemUserDef() *entityDef {
	attrs := []*attrDef{
		{name: "systemuserid", schema: "SystemUserId", display: "User", kind: kindID, edm: edmGUID, required: "SystemRequired", create: true},
		str("firstname", "FirstName", "First Name", 256, "Text", "ApplicationRequired"),
		str("lastname", "LastName", "Last Name", 256, "Text", "ApplicationRequired"),
		{name: "fullname", schema: "FullName", display: "Full Name", kind: kindString, edm: edmString, format: "Text", maxLen: 200, required: "None"},
		str("internalemailaddress", "InternalEMailAddress", "Primary Email", 100, "Email", "SystemRequired"),
		str("domainname", "DomainName", "User Name", 1024, "Text", "SystemRequired"),
		boolean("isdisabled", "IsDisabled", "Status", "systemuser_isdisabled", false, "Disabled", "Enabled"),
		withRequired(picklist("accessmode", "AccessMode", "Access Mode", "systemuser_accessmode",
			option{value: AccessReadWrite, label: "Read-Write"}, option{value: AccessAdministrative, label: "Administrative"},
			option{value: AccessRead, label: "Read"}, option{value: AccessSupportUser, label: "Support User"},
			option{value: AccessNonInteractive, label: "Non-interactive"}, option{value: AccessDelegatedAdmin, label: "Delegated Admin"}), "SystemRequired"),
		{name: "applicationid", schema: "ApplicationId", display: "Application ID", kind: kindID, edm: edmGUID, required: "None", create: true, update: true},
	}
	attrs = append(attrs, systemTimes()...)
	return newEntity(&entityDef{logical: "systemuser", set: "systemusers", schema: "SystemUser", display: "User", displayPlural: "Users",
		primaryID: "systemuserid", primaryName: "fullname", objectTypeCode: 8, ownership: "BusinessOwned", readOnlyAPI: true,
		metadataID: "e2a4b9c1-7d35-4f60-8a2e-51c0d3b7f948", attrs: attrs})
}

// userVals are a user's stored columns.
func userVals(u User) map[string]any {
	vals := map[string]any{"isdisabled": u.Disabled, "accessmode": int64(u.AccessMode)}
	first, last := strings.TrimSpace(u.FirstName), strings.TrimSpace(u.LastName)
	if first == "" && last == "" {
		name := strings.TrimSpace(u.FullName)
		if i := strings.LastIndexByte(name, ' '); i >= 0 {
			first, last = strings.TrimSpace(name[:i]), name[i+1:]
		} else {
			last = name
		}
	}
	for k, v := range map[string]string{"firstname": first, "lastname": last, "internalemailaddress": strings.TrimSpace(u.Email),
		"domainname": cmpOr(strings.TrimSpace(u.DomainName), strings.TrimSpace(u.Email)), "applicationid": strings.ToLower(u.ApplicationID)} {
		if v != "" {
			vals[k] = v
		}
	}
	return vals
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// addCaller stores the connected user; called from New, before any other row, with
// the row version New starts from so the versions rows get afterwards do not move.
func (s *Sim) addCaller() {
	t := s.tables["systemusers"]
	now := s.nowSecond()
	t.insert(&record{id: s.userID, vals: userVals(User{FirstName: callerFirstName, LastName: callerLastName, Email: callerEmail}),
		lookupType: map[string]string{}, created: now, modified: now, version: s.version})
}

func (s *Sim) userOf(r *record) User {
	u := User{ID: r.id, FullName: fullName(r), Disabled: r.vals["isdisabled"] == true}
	u.FirstName, _ = r.vals["firstname"].(string)
	u.LastName, _ = r.vals["lastname"].(string)
	u.Email, _ = r.vals["internalemailaddress"].(string)
	u.DomainName, _ = r.vals["domainname"].(string)
	u.ApplicationID, _ = r.vals["applicationid"].(string)
	if m, ok := r.vals["accessmode"].(int64); ok {
		u.AccessMode = int(m)
	}
	return u
}

// SeedUsers adds users (a GUID is assigned where ID is empty) and returns them as
// stored. A user whose id is taken replaces nothing and is returned as it is stored.
func (s *Sim) SeedUsers(users []User) []User {
	t := s.tables["systemusers"]
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, len(users))
	for i, u := range users {
		id := strings.ToLower(u.ID)
		if id == "" {
			id = s.newGUID()
		}
		if r := t.byID[id]; r != nil {
			out[i] = s.userOf(r)
			continue
		}
		now := s.nowSecond()
		r := &record{id: id, vals: userVals(u), lookupType: map[string]string{}, created: now, modified: now, version: s.nextVersion()}
		t.insert(r)
		out[i] = s.userOf(r)
	}
	return out
}

// Users returns every user, the connected one included, in id order.
func (s *Sim) Users() []User {
	t := s.tables["systemusers"]
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]User, len(t.idIdx))
	for i, r := range t.idIdx {
		out[i] = s.userOf(r)
	}
	return out
}

// SetUserDisabled disables or enables a user (as Microsoft Entra ID does when a
// person leaves); false if there is no such user.
func (s *Sim) SetUserDisabled(id string, disabled bool) bool {
	t := s.tables["systemusers"]
	s.mu.Lock()
	defer s.mu.Unlock()
	old := t.byID[strings.ToLower(id)]
	if old == nil {
		return false
	}
	r := old.clone()
	r.vals["isdisabled"] = disabled
	r.modified, r.version = s.nowSecond(), s.nextVersion()
	t.replace(old, r)
	return true
}

// SeedTeams adds owner teams by name and returns their ids; a row can then be owned
// by one ("ownerid@odata.bind": "/teams(<id>)"), and reads _ownerid_value as the
// team's id with the lookuplogicalname "team".
func (s *Sim) SeedTeams(names ...string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.teams == nil {
		s.teams = map[string]string{}
	}
	ids := make([]string, len(names))
	for i, n := range names {
		ids[i] = s.newGUID()
		s.teams[ids[i]] = n
	}
	return ids
}

// DenyUserRead makes the caller lack the read privilege on systemuser (a security
// role without prvReadUser): every read of systemusers is a 403 until undone.
func (s *Sim) DenyUserRead(deny bool) { s.denyUsers.Store(deny) }

// errNoUserRead is the PrivilegeDenied answer to a read of systemusers.
func (s *Sim) errNoUserRead() *apiError {
	return newErr(http.StatusForbidden, codePrivilegeDenied,
		"Principal user (Id=%s, type=8, roleCount=1, privilegeCount=311, accessMode='0 Read-Write', businessUnitId=%s), is missing prvReadUser privilege (Id=%s) on OTC=8 for entity 'systemuser' (LocalizedName='User'). context.Caller=%s. Consider adding missed privilege to one of the principal (user/team) roles.",
		s.userID, s.buID, "09f3c0d1-5a2b-4e8c-9d71-3b6a0e4f2c85", s.userID)
}

// errReadOnlyTable refuses a write to systemusers or transactioncurrencies
// [unverified: simulator-only].
func errReadOnlyTable(e *entityDef) *apiError {
	if e.set != "systemusers" {
		return newErr(http.StatusBadRequest, codeQueryUnsupported,
			"This simulator keeps the %s table read-only: its rows come from SetCurrency and AddCurrency.", e.logical)
	}
	return newErr(http.StatusBadRequest, codeQueryUnsupported,
		"This simulator keeps the systemuser table read-only: users come from Microsoft Entra ID (SeedUsers).")
}

// errUserNotEnabled refuses a disabled owner (0x80040225 of the error codes list).
func errUserNotEnabled() *apiError {
	return newErr(http.StatusBadRequest, codeUserNotEnabled, "The specified user is either disabled or is not a member of any business unit.")
}

// bindOwner sets ownerid from "ownerid@odata.bind": "/systemusers(<id>)" or
// "/teams(<id>)": an unknown user or team is ObjectDoesNotExist (404, as for any
// bind to a missing row), a disabled user is 0x80040225. Any enabled user may own
// rows, whatever the access mode (an application user can).
func (s *Sim) bindOwner(t *table, r *record, nav string, a *attrDef, uri string) *apiError {
	set, key, ok := splitBindURI(uri)
	if !ok || (set != "systemusers" && set != "teams") {
		return errBindURI(t.def, uri, nav)
	}
	if !reGUID.MatchString(key) {
		return newErr(http.StatusBadRequest, codeODataGeneric, "Bad Request - Error in query syntax.")
	}
	id := strings.ToLower(key)
	kind := "systemuser"
	if set == "teams" {
		if _, ok := s.teams[id]; !ok {
			return newErr(http.StatusNotFound, codeNotFound, "team With Id = %s Does Not Exist", id)
		}
		kind = "team"
	} else {
		u := s.tables["systemusers"].byID[id]
		if u == nil {
			return newErr(http.StatusNotFound, codeNotFound, "systemuser With Id = %s Does Not Exist", id)
		}
		if u.vals["isdisabled"] == true {
			return errUserNotEnabled()
		}
	}
	r.vals[a.name] = id
	if r.lookupType == nil {
		r.lookupType = map[string]string{}
	}
	r.lookupType[a.name] = kind
	return nil
}

// defaultOwner makes the calling user the owner of a new row that names none.
func (s *Sim) defaultOwner(t *table, vals map[string]any, lookups map[string]string) {
	if a := t.def.byName["ownerid"]; a != nil && vals["ownerid"] == nil {
		vals["ownerid"], lookups["ownerid"] = s.userID, "systemuser"
	}
}
