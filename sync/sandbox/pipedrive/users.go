package pipedrive

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Users: the company's users, who own records (owner_id). Sources:
//   - [spec] pipedrive/client-nodejs, src/versions/v1/api/users-api.ts (generated
//     from the v1 OpenAPI document): getUsers is GET /users, "Returns data about
//     all users within the company", with no query parameters (no paging, no
//     filter), authenticated by x-api-token or oauth2 scope users:read;
//     getCurrentUser (/users/me) needs only base. API v2 has no users list
//     (src/versions/v2/api/users-api.ts holds only /users/{id}/followers).
//   - [spec] src/versions/v1/models/get-users-response.ts and base-user.ts: the
//     answer is {success, data: [BaseUser]}; BaseUser is id, name,
//     default_currency, locale, lang, email, phone, activated, last_login,
//     created, modified (YYYY-MM-DD HH:MM:SS), has_created_company, access
//     ([UserAccess]: app, admin, permission_set_id), active_flag ("whether the
//     user is activated"), timezone_name, timezone_offset, role_id, icon_url,
//     is_you, is_deleted.
//   - [spec] users-api.ts getCurrentUser: GET /users/me, "Returns data about an
//     authorized user within the company", scope base; the answer's data is the
//     BaseUser with the company's id, name, domain and country and the
//     language; timezone_name is the user's time zone (e.g. "Europe/Tallinn").
//   - [doc] developers.pipedrive.com/docs/api/v1/Users: GET /v1/users, cost 20.
//   - [doc] pipedrive.readme.io/docs/marketplace-oauth-and-api-proxy-status-codes:
//     a request outside the app's scopes is 403 "Scope and URL mismatch".
//   - [doc] support.pipedrive.com/en/article/data-deleted-deactivated-user: a
//     deactivated user keeps their name and email, and the items they own stay
//     theirs until reassigned.
//
// What these do not say, the sandbox chooses, marked [unverified]: that a write
// naming a deactivated user as owner_id is refused (400, "owner_id: user N is
// not active"), like an unknown one (400, "owner_id: user N not found"); the
// values of locale, lang, timezone_*, role_id and permission_set_id; that the
// list is ordered by id; that an API token (full user access) needs no scope.

// scopeUsersRead opens GET /v1/users to an OAuth app (the spec's oauth2 scope).
const scopeUsersRead = "users:read"

// User is one user of the company, as tests and the seeder see it.
type User struct {
	ID      int64 // assigned by SeedUsers when 0
	Name    string
	Email   string
	Active  bool
	IsAdmin bool      // access[{app: "sales", admin}]
	Created time.Time // zero = now
	// TimeZone is the user's timezone_name, an IANA name ("" = UTC).
	TimeZone string
}

// firstUserID starts the ids SeedUsers assigns.
const firstUserID = 13100001

// addUserLocked adds u, filling its name, email and time; the caller holds s.mu
// or owns s.
func (s *Sim) addUserLocked(u User) User {
	if u.ID == 0 {
		u.ID = firstUserID
		for s.users[u.ID] != nil {
			u.ID++
		}
	}
	u.Name = cmp.Or(strings.TrimSpace(u.Name), fmt.Sprintf("User %d", u.ID))
	u.Email = strings.TrimSpace(u.Email)
	if u.Created.IsZero() {
		u.Created = s.nowSecond()
	}
	u.Created = u.Created.UTC().Truncate(time.Second)
	s.users[u.ID] = &u
	return u
}

// SeedUsers adds users to the company (an id already taken is replaced) and
// returns them with their ids. A user without a name is "User <id>".
func (s *Sim) SeedUsers(users []User) []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, len(users))
	for i, u := range users {
		out[i] = s.addUserLocked(u)
	}
	return out
}

// Users returns every user of the company, the connected one included, in id
// order.
func (s *Sim) Users() []User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.usersLocked()
}

func (s *Sim) usersLocked() []User {
	out := make([]User, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b User) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// SetUserActive activates or deactivates a user, as an admin does in Manage
// users; the records they own stay theirs. It reports whether the user exists.
func (s *Sim) SetUserActive(id int64, active bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	if u != nil {
		u.Active = active
	}
	return u != nil
}

// isUser reports whether id is a user of the company, active or not. The
// caller holds s.mu.
func (s *Sim) isUser(id int64) bool { return s.users[id] != nil }

// ownerError refuses an owner that is not an active user; key names the
// property. The caller holds s.mu.
func (s *Sim) ownerError(key string, id int64) error {
	switch u := s.users[id]; {
	case u == nil:
		return fmt.Errorf("%s: user %d not found", key, id)
	case !u.Active:
		return fmt.Errorf("%s: user %d is not active", key, id) // [unverified] wording
	}
	return nil
}

// scoped refuses an OAuth request when the app lacks scope; the personal API
// token carries the user's full access.
func (s *Sim) scoped(scope string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" && !slices.Contains(s.opts.Scopes, scope) {
			writeError(w, http.StatusForbidden, "Scope and URL mismatch")
			return
		}
		h(w, r)
	}
}

// handleUsers serves GET /v1/users: every user, active or not, unpaged.
func (s *Sim) handleUsers(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	users := s.usersLocked()
	s.mu.RUnlock()
	out := make([]map[string]any, len(users))
	for i, u := range users {
		out[i] = s.renderUser(u)
	}
	writeData(w, out)
}

// renderUser is the v1 BaseUser.
func (s *Sim) renderUser(u User) map[string]any {
	created := u.Created.Format(v1TimeFormat)
	zone := cmp.Or(u.TimeZone, "UTC")
	off := 0
	if loc, err := time.LoadLocation(zone); err == nil {
		_, off = s.now().In(loc).Zone()
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	offset := fmt.Sprintf("%s%02d:%02d", sign, off/3600, off%3600/60)
	return map[string]any{"id": u.ID, "name": u.Name, "default_currency": s.opts.Currency, "locale": "en_US", "lang": 1,
		"email": u.Email, "phone": nil, "activated": true, "last_login": created, "created": created, "modified": created,
		"has_created_company": u.ID == s.opts.UserID,
		"access":              []map[string]any{{"app": "sales", "admin": u.IsAdmin, "permission_set_id": "sales-regular"}},
		"active_flag":         u.Active, "timezone_name": zone, "timezone_offset": offset, "role_id": 1,
		"icon_url": nil, "is_you": u.ID == s.opts.UserID, "is_deleted": false}
}

// SetTimeZone sets the connected user's time zone (timezone_name), as they
// do in Personal preferences.
func (s *Sim) SetTimeZone(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[s.opts.UserID]; u != nil {
		u.TimeZone = name
	}
}

// handleMe serves GET /v1/users/me: the connected user, a BaseUser with
// company_id, company_name, company_domain, company_country and language
// besides (the spec's GetCurrentUserResponse). company_id is
// Options.CompanyID; company_domain is the current domain (SetCompanyDomain;
// "sandbox" while the mount point serves as api_domain) [unverified: the
// other company members' values].
func (s *Sim) handleMe(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	u, ok := s.users[s.opts.UserID]
	var me User
	if ok {
		me = *u
	}
	s.mu.RUnlock()
	if !ok {
		writeError(w, http.StatusNotFound, "User not found")
		return
	}
	out := s.renderUser(me)
	out["company_id"], out["company_name"], out["company_domain"], out["company_country"] = s.opts.CompanyID, "Sandbox Company", cmp.Or(s.companyDomain(), "sandbox"), "US"
	out["language"] = map[string]any{"language_code": "en", "country_code": "US"}
	writeData(w, out)
}

// noteUser is a note creator's user object: name, email, icon_url, is_you.
// The caller holds s.mu.
func (s *Sim) noteUser(id int64) map[string]any {
	name, email := fmt.Sprintf("User %d", id), fmt.Sprintf("user%d@example.com", id)
	if u := s.users[id]; u != nil {
		name, email = u.Name, u.Email
	}
	return map[string]any{"email": email, "name": name, "icon_url": nil, "is_you": id == s.opts.UserID}
}
