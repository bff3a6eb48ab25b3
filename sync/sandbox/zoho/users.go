package zoho

// Users: the org's CRM users, the Users API that lists them, and the rule that a
// record's Owner names an active one.
//
// Sources:
//   - [spec] zoho/crm-oas v8.0/users/operations/getUsers/operation.md (getUsers,
//     GET /users): query type (enum: CurrentUser, DeletedUsers, DeactiveUsers,
//     NotConfirmedUsers, ConfirmedUsers, ActiveUsers, AdminUsers, ActiveConfirmedAdmins,
//     ActiveConfirmedUsers, DeveloperUsers, AllUsers, AllActiveUsers, ActiveLiteUser,
//     ActiveAndDeactive, ChildRoleUsers, ParentRoleUsers, SubordinateRoleUsers,
//     ConfirmedReportingUsers), page, per_page, ids (1 to 100, comma separated), fields;
//     200 {"users": [GetUserDetails] (maxItems 200), "info": {per_page, count, page,
//     more_records}, all required}; 204 "when no users match". GetUserDetails has id,
//     first_name (null when unset), last_name, full_name, email, status (active,
//     inactive "deactivated", deleted, disabled, closed, "disabled dormant"),
//     role {name, id}, profile {name, id}, confirm, type__s ("Regular User"...), alias.
//     Scopes: ZohoCRM.users.READ. Its 200 example (response-200-usersgetresponse.md)
//     shows one user with "status": "disabled".
//   - [doc] crm/developer/docs/api/v8/get-users.html (as mirrored at zoho.wiki): GET
//     /users and /users/{user_id}; "scope=ZohoCRM.users.{operation_type}", ALL or READ;
//     type=ActiveUsers "Retrieves only active users", AllUsers "both active and
//     inactive".
//   - [page] Zoho's Kaizen #51 "Handling Users with Zoho CRM API": AllUsers is the
//     default type; page defaults to 1, per_page to 200.
//   - [spec] v8.0/record createRecords request examples: a record's Owner is written
//     {"name": "Patricia Boyle", "id": "5725767000000411001"}; reads carry
//     {name, id, email} (getRecords examples).
//   - [spec] v8.0/change_owner changeSingleRecordOwner examples: a new owner who is not
//     active is INVALID_DATA with details {"owner_status": "inactive", ...}, one who
//     closed the account {"owner_status": "deleted"}; and the Services module's create
//     examples refuse an inactive user in a user lookup with INVALID_DATA, details
//     {"user_status": "inactive", "api_name", "json_path"}, "Members is not Active".
//
// This sandbox's own reading, [unverified]:
//   - the insert, update and upsert answer for an Owner who is not active: that record
//     alone fails with INVALID_DATA, "Owner is not Active", details {api_name: "Owner",
//     json_path: "$.data[i].Owner", user_status: <the user's status>} (the Services
//     example's shape on the records API); an id that is no user keeps the sandbox's
//     INVALID_DATA "the id given seems to be invalid" on Owner;
//   - AllUsers, ConfirmedUsers and ActiveAndDeactive leave deleted users out; DeactiveUsers
//     is every user neither active nor deleted; every sandbox user is confirmed, so
//     NotConfirmedUsers finds none; AdminUsers are the users of the Administrator profile;
//     the role, lite, developer and reporting types are not modelled and answer 400
//     INVALID_DATA on type, as does a value outside the enum;
//   - users are listed in id order; per_page above 200 is refused with INVALID_DATA on
//     per_page (as for records); fields is accepted and ignored (every field is
//     rendered); If-Modified-Since is not modelled;
//   - more than 100 ids answer 400 LIMIT_EXCEEDED on ids (message and code);
//   - GET /users/{user_id} (getSingleUser) is not served;
//   - the default role ("Manager") and profile ("Standard") of a seeded user, and the
//     connected user's ("CEO", "Administrator", the getUsers example's).

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
)

// User statuses (GetUserDetails.status).
const (
	UserActive   = "active"
	UserInactive = "inactive" // deactivated
	UserDisabled = "disabled"
	UserDeleted  = "deleted"
	UserClosed   = "closed"
)

const (
	profileAdmin = "Administrator"
	maxUserIDs   = 100 // ids: maxItems
)

// User is one CRM user as tests and the seeder see it.
type User struct {
	ID        string // assigned by SeedUsers when empty
	FirstName string
	LastName  string
	Email     string
	Status    string // UserActive (the default), UserInactive, UserDisabled, UserDeleted...
	Role      string // the role's name; default "Manager"
	Profile   string // the profile's name; default "Standard"
}

// user is a CRM user (Owner, Created_By, Modified_By, deleted_by).
type user struct {
	id                int64
	first, last, name string // name is the full name
	email, status     string
	role, profile     string
	roleID, profileID int64
}

func (u *user) export() User {
	return User{ID: idString(u.id), FirstName: u.first, LastName: u.last, Email: u.email, Status: u.status,
		Role: u.role, Profile: u.profile}
}

// splitName reads a full name as a first name and a last name (the last word).
func splitName(full string) (first, last string) {
	full = strings.TrimSpace(full)
	if i := strings.LastIndexByte(full, ' '); i > 0 {
		return strings.TrimSpace(full[:i]), full[i+1:]
	}
	return "", full
}

// putUser stores u (replacing the user with its id) and returns it as stored. The
// caller holds s.mu or is constructing s.
func (s *Sim) putUser(u User, id int64) *user {
	x := &user{id: id, first: strings.TrimSpace(u.FirstName), last: strings.TrimSpace(u.LastName),
		email: strings.TrimSpace(u.Email), status: cmp.Or(u.Status, UserActive),
		role: cmp.Or(u.Role, "Manager"), profile: cmp.Or(u.Profile, "Standard")}
	x.name = strings.TrimSpace(x.first + " " + x.last)
	// Roles and profiles are named; their ids are derived from the names [unverified].
	x.roleID, x.profileID = s.metaID("role:"+x.role), s.metaID("profile:"+x.profile)
	if old := s.userBy[id]; old != nil {
		*old = *x
		return old
	}
	s.users = append(s.users, x)
	s.userBy[id] = x
	return x
}

// metaID is a stable id for a named role or profile, in the org's id space.
func (s *Sim) metaID(name string) int64 {
	var h int64 = 17
	for _, c := range name {
		h = (h*31 + int64(c)) % 100_000
	}
	return s.prefix*1_000_000_000_000 + 26_000 + h
}

// SeedUsers adds users to the org, or replaces those whose ID is already a user's: an
// empty ID gets the next id, an empty Status "active", Role "Manager", Profile
// "Standard". It returns the users as stored, leaving out any whose ID is not a number.
func (s *Sim) SeedUsers(users []User) []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(users))
	for _, u := range users {
		var id int64
		if u.ID == "" {
			id = s.nextID()
		} else if n, ok := parseID(u.ID); ok {
			id = n
		} else {
			continue
		}
		out = append(out, s.putUser(u, id).export())
	}
	return out
}

// Users returns every user, the connected user included, in id order.
func (s *Sim) Users() []User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]User, 0, len(s.users))
	for _, u := range s.sortedUsers() {
		out = append(out, u.export())
	}
	return out
}

// SetUserStatus sets a user's status (UserActive, UserInactive, UserDisabled,
// UserDeleted...), as an administrator deactivating or deleting a user does; it reports
// false for an unknown user or an empty status.
func (s *Sim) SetUserStatus(id, status string) bool {
	n, ok := parseID(id)
	if !ok || strings.TrimSpace(status) == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userBy[n]
	if u == nil {
		return false
	}
	u.status = status
	return true
}

func (s *Sim) sortedUsers() []*user {
	us := slices.Clone(s.users)
	slices.SortFunc(us, func(a, b *user) int { return cmp.Compare(a.id, b.id) })
	return us
}

// inactiveOwner refuses an owner lookup naming a user who is not active.
func inactiveOwner(fd *fieldDef, u *user, idx int) *zerr {
	return fieldErr("INVALID_DATA", fd.apiName+" is not Active", fd.apiName, idx, map[string]any{"user_status": u.status})
}

// userTypes are the modelled values of getUsers' type: which users each keeps.
var userTypes = map[string]func(s *Sim, u *user) bool{
	"AllUsers":              func(_ *Sim, u *user) bool { return u.status != UserDeleted },
	"ActiveAndDeactive":     func(_ *Sim, u *user) bool { return u.status != UserDeleted },
	"ConfirmedUsers":        func(_ *Sim, u *user) bool { return u.status != UserDeleted },
	"ActiveUsers":           func(_ *Sim, u *user) bool { return u.status == UserActive },
	"AllActiveUsers":        func(_ *Sim, u *user) bool { return u.status == UserActive },
	"ActiveConfirmedUsers":  func(_ *Sim, u *user) bool { return u.status == UserActive },
	"DeactiveUsers":         func(_ *Sim, u *user) bool { return u.status != UserActive && u.status != UserDeleted },
	"DeletedUsers":          func(_ *Sim, u *user) bool { return u.status == UserDeleted },
	"NotConfirmedUsers":     func(*Sim, *user) bool { return false },
	"AdminUsers":            func(_ *Sim, u *user) bool { return u.profile == profileAdmin && u.status != UserDeleted },
	"ActiveConfirmedAdmins": func(_ *Sim, u *user) bool { return u.profile == profileAdmin && u.status == UserActive },
	"CurrentUser":           func(s *Sim, u *user) bool { return u == s.users[0] },
}

// renderUser is a user as GetUserDetails.
func (s *Sim) renderUser(u *user) map[string]any {
	var first any
	if u.first != "" {
		first = u.first
	}
	return map[string]any{"id": idString(u.id), "first_name": first, "last_name": u.last, "full_name": u.name,
		"email": u.email, "status": u.status, "confirm": true, "type__s": "Regular User", "alias": nil,
		"role":    map[string]any{"name": u.role, "id": idString(u.roleID)},
		"profile": map[string]any{"name": u.profile, "id": idString(u.profileID)}}
}

// handleUsers serves GET /crm/v8/users?type=&page=&per_page=&ids=: the users of the
// type (AllUsers by default) in id order, per_page (default and maximum 200) a page;
// 204 when the page holds none.
func (s *Sim) handleUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	keep, ok := userTypes[cmp.Or(q.Get("type"), "AllUsers")]
	if !ok {
		writeErr(w, errInvalidParam("type"))
		return
	}
	page, perPage, e := pageParams(q)
	if e != nil {
		writeErr(w, e)
		return
	}
	var ids []int64
	if v := q.Get("ids"); v != "" {
		parts := strings.Split(v, ",")
		if len(parts) > maxUserIDs {
			writeErr(w, badRequest("LIMIT_EXCEEDED", "the given ids exceed the limit", map[string]any{"param_name": "ids", "limit": maxUserIDs}))
			return
		}
		for _, p := range parts {
			n, ok := parseID(strings.TrimSpace(p))
			if !ok {
				writeErr(w, errInvalidParam("ids"))
				return
			}
			ids = append(ids, n)
		}
	}
	s.mu.RLock()
	var match []map[string]any
	for _, u := range s.sortedUsers() {
		if keep(s, u) && (ids == nil || slices.Contains(ids, u.id)) {
			match = append(match, s.renderUser(u))
		}
	}
	s.mu.RUnlock()
	from := (page - 1) * perPage
	if from >= len(match) {
		writeNoContent(w)
		return
	}
	to := min(from+perPage, len(match))
	writeJSON(w, http.StatusOK, map[string]any{"users": match[from:to],
		"info": map[string]any{"per_page": perPage, "count": to - from, "page": page, "more_records": to < len(match)}})
}

// DenyCreate takes (or, with deny false, gives back) the connected user's
// profile permission to create records in module: a token whose scope
// allows it is then refused 403 NO_PERMISSION, the profile's lack, which
// only an administrator can change (errNoPermission).
func (s *Sim) DenyCreate(module string, deny bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.noCreate == nil {
		s.noCreate = map[string]bool{}
	}
	s.noCreate[strings.ToLower(module)] = deny
}

func (s *Sim) createDenied(module string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.noCreate[strings.ToLower(module)]
}

// errNoPermission is the v8 API's 403 for an operation the user's profile
// does not allow: code NO_PERMISSION, details.permissions naming the
// profile permissions missing (crm-oas examples: "permission denied",
// {"permissions": ["Crm_Implied_..."]}) [the permission's name for a
// module's create is unverified].
func errNoPermission(module string) *zerr {
	return &zerr{status: http.StatusForbidden, code: "NO_PERMISSION", message: "permission denied",
		details: map[string]any{"permissions": []string{"Crm_Implied_Create_" + module}}}
}
