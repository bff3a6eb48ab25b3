package salesforce

// User: the org's users, and the check that a record's OwnerId names one.
//
// Sources:
//   - Object Reference, "User" (developer.salesforce.com/docs/atlas.en-us.
//     object_reference.meta/object_reference/sforce_api_objects_user.htm):
//     key prefix 005; Alias (string, 8, required); Email; FirstName (40);
//     LastName (80); Name, "Concatenation of FirstName and LastName"
//     (Tooling API "User", 121 characters); IsActive; Username (80);
//     UserType, "The category of user license", values Standard,
//     PowerPartner, CspLitePortal, CustomerSuccess, PowerCustomerSuccess,
//     CsnOnly, Guest, ... (the list as quoted from the API guide, v212).
//     Supported calls include create(), update(), query(), but not delete();
//     creating or updating a User needs the Manage Internal Users
//     permission.
//   - Field Reference, "User" (v234): Email is 128 characters; CreatedById,
//     CreatedDate and the other audit fields are on User.
//   - Salesforce Help 000387915 ("Errors due to invalid IDs during Data
//     Loader import and update"): "MALFORMED_ID: Object name id: id value
//     of incorrect type" for an id with bad characters or length, and
//     "INVALID_CROSS_REFERENCE_KEY: invalid cross reference id" for one
//     that names no record.
//   - INACTIVE_OWNER_OR_USER, "operation performed with inactive User", when
//     OwnerId is set to a deactivated user on insert or update
//     (salesforcedictionary.com/errors/inactive-owner-or-user, [2nd]; the
//     code is in restforce's list of Salesforce error codes).
//
// This sandbox's own reading, [unverified]:
//   - the message's full form "operation performed with inactive user
//     [<15-char id>] as owner of <object in lower case>";
//   - a create, update or delete of a User through this API is refused
//     with INSUFFICIENT_ACCESS_OR_READONLY, "insufficient access rights on
//     object id", as for a connected user without Manage Internal Users
//     (Salesforce itself has no delete() for User at all);
//   - clearing OwnerId on update fails with REQUIRED_FIELD_MISSING,
//     "Required fields are missing: [OwnerId]";
//   - User keeps IsDeleted (always false) because every object here
//     starts with the same system fields; the Object Reference may not
//     list it on User;
//   - the default Alias (first letter of FirstName and up to four of
//     LastName, lower case) and Username (the email) of a seeded user.

import (
	"fmt"
	"slices"
	"strings"
)

// User is a Go-side view of a User record for tests and the seeder.
type User struct {
	ID, FirstName, LastName, Email, UserType string
	Active                                   bool
}

// userTypes are UserType's picklist values (Object Reference, User).
var userTypes = []string{"Standard", "PowerPartner", "CspLitePortal", "CustomerSuccess", "PowerCustomerSuccess",
	"CsnOnly", "Guest", "SelfService"}

// The users a default org holds: the connected user (Options.UserID), and
// the admin who set the org up, at a fixed id.
const adminUserID = "005000000000002AAA"

func userObject() *Object {
	readOnly := func(f Field) Field { f.Createable, f.Updateable = false, false; return f }
	username := readOnly(str("Username", "Username", 80))
	username.Nillable, username.Unique = false, true
	alias := readOnly(str("Alias", "Alias", 8))
	alias.Nillable = false
	email := readOnly(typed("Email", "Email", "email"))
	email.Length, email.Nillable = 128, false
	active := readOnly(typed("IsActive", "Active", "boolean"))
	active.Nillable, active.DefaultedOnCreate = false, true
	userType := readOnly(restricted(pick("UserType", "User Type", userTypes...)))
	userType.Length, userType.DefaultedOnCreate = 40, true
	name := Field{Name: "Name", Label: "Full Name", Type: "string", Length: 121, Calculated: true}
	o := newObject("User", "User", "Users", "005",
		username, readOnly(str("FirstName", "First Name", 40)), readOnly(required(str("LastName", "Last Name", 80))), name,
		email, alias, active, userType)
	// A User has no owner: drop OwnerId, as a custom setting does.
	o.Fields = slices.Delete(o.Fields, fOwnerID, fOwnerID+1)
	o.index = map[string]int{}
	for i, f := range o.Fields {
		o.index[strings.ToLower(f.Name)] = i
	}
	o.noOwner, o.readOnly = true, true
	return o
}

func readOnlyError() recError {
	return recError{StatusCode: "INSUFFICIENT_ACCESS_OR_READONLY", Message: "insufficient access rights on object id", Fields: []string{}}
}

// userActive reports whether a User record is active.
func userActive(st *objectStore, r *record) bool {
	i, _ := st.obj.field("IsActive")
	return r.vals[i] == "true"
}

// inactiveOwner is the error for setting reference f of an o record to
// the inactive user r.
func inactiveOwner(o *Object, f Field, r *record) *recError {
	return &recError{StatusCode: "INACTIVE_OWNER_OR_USER", Fields: []string{f.Name},
		Message: fmt.Sprintf("operation performed with inactive user [%s] as owner of %s", r.id[:15], strings.ToLower(o.Name))}
}

// ownerCleared refuses an update that sets OwnerId to null: a record
// always has an owner.
func ownerCleared(o *Object, vals map[int]string) *recError {
	if o.noOwner {
		return nil
	}
	if v, set := vals[fOwnerID]; set && v == "" {
		return &recError{StatusCode: "REQUIRED_FIELD_MISSING", Message: "Required fields are missing: [OwnerId]", Fields: []string{"OwnerId"}}
	}
	return nil
}

// defaultUsers adds the users every new org has. Called from New.
func (s *Sim) defaultUsers() {
	s.putUser(User{ID: s.opts.UserID, FirstName: "Integration", LastName: "User", Email: "integration@sandbox.example", Active: true})
	s.putUser(User{ID: adminUserID, FirstName: "Sandbox", LastName: "Admin", Email: "admin@sandbox.example", Active: true})
}

// putUser stores u, replacing the user with its id if there is one; an
// empty ID gets the next free 005 id. It reports false for an ID that is
// not a well-formed User id. Caller holds s.mu (or is New).
func (s *Sim) putUser(u User) (User, bool) {
	st := s.stores["user"]
	o := st.obj
	id := u.ID
	if id == "" {
		for st.byID[makeID(o.Prefix, st.next)[:15]] != nil {
			st.next++
		}
		id = makeID(o.Prefix, st.next)
		st.next++
	}
	k := normID(id)
	if k == "" || !strings.HasPrefix(k, o.Prefix) {
		return User{}, false
	}
	id = k + checksum(k)
	if u.UserType == "" {
		u.UserType = "Standard"
	}
	u.ID = id
	now := s.nowMs()
	r := st.byID[k]
	if r == nil {
		r = &record{id: id, vals: make([]string, len(o.Fields)), created: now}
		st.recs = append(st.recs, r)
		st.byID[k] = r
		st.live++
	} else {
		st.unindex(r)
	}
	r.modified = max(now, r.modified)
	set := func(name, v string) { i, _ := o.field(name); r.vals[i] = v }
	set("FirstName", u.FirstName)
	set("LastName", u.LastName)
	set("Email", u.Email)
	set("UserType", u.UserType)
	set("IsActive", fmt.Sprint(u.Active))
	set("Alias", alias(u.FirstName, u.LastName))
	username := u.Email
	ui, _ := o.field("Username")
	if other := st.findUnique(ui, username); username == "" || (other != nil && other != r) {
		username = strings.ToLower(k) + "@sandbox.example"
	}
	set("Username", username)
	set("CreatedById", s.opts.UserID)
	set("LastModifiedById", s.opts.UserID)
	st.index(r)
	return u, true
}

// alias is a user's default Alias: FirstName's first letter and up to
// four letters of LastName, in lower case.
func alias(first, last string) string {
	a := []rune(strings.ToLower(last))
	if len(a) > 4 {
		a = a[:4]
	}
	if f := []rune(strings.ToLower(first)); len(f) > 0 {
		a = append([]rune{f[0]}, a...)
	}
	return string(a)
}

// SeedUsers adds users (or replaces those whose ID is already a user's):
// an empty ID gets the next "005" id, an empty UserType "Standard". It
// returns the users as stored, leaving out any whose ID is not a
// well-formed User id.
func (s *Sim) SeedUsers(users []User) []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(users))
	for _, u := range users {
		if stored, ok := s.putUser(u); ok {
			out = append(out, stored)
		}
	}
	return out
}

// Users returns every user, the connected user included, in id order.
func (s *Sim) Users() []User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.stores["user"]
	get := func(r *record, name string) string { i, _ := st.obj.field(name); return r.vals[i] }
	out := make([]User, 0, len(st.recs))
	for _, r := range st.recs {
		out = append(out, User{ID: r.id, FirstName: get(r, "FirstName"), LastName: get(r, "LastName"), Email: get(r, "Email"),
			UserType: get(r, "UserType"), Active: userActive(st, r)})
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.ID[:15], b.ID[:15]) })
	return out
}

// SetUserActive activates or deactivates a user, as an admin does in
// Setup; it reports false if there is no such user.
func (s *Sim) SetUserActive(id string, active bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stores["user"]
	r := st.get(id)
	if r == nil {
		return false
	}
	i, _ := st.obj.field("IsActive")
	r.vals[i] = fmt.Sprint(active)
	r.modified = max(s.nowMs(), r.modified)
	return true
}
