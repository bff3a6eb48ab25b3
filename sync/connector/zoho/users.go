package zoho

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A record's owner (Owner, data_type "ownerlookup", on every module) reads as
// {"name", "id", "email"} and is written {"id": …}. The connector offers each writable
// ownerlookup field as a picklist of the organization's active users, by id (the id the
// record reads and writes), labelled with the user's full name and carrying their email,
// which is what an owner row (mapping's owner transform) matches users by. The users
// come from the Users API (crm-oas v8.0 users getUsers; docs api/v8/get-users):
//
//	GET /crm/v8/users?type=ActiveUsers&page=…&per_page=200   scope ZohoCRM.users.READ
//
// answering {"users": [...], "info": {"more_records": …}}, or 204 when there are none.
// A connection made before crmsync asked for the users scope is answered 401
// OAUTH_SCOPE_MISMATCH (or a user without the permission 403 NO_PERMISSION): its owner
// fields list no users, which an owner row reports when it compiles. The list is kept
// in the connector's memory and the metadata cache; a fresh schema reads it again.
const (
	usersPath     = apiRoot + "/users"
	usersPageSize = 200 // per_page's maximum (getUsers: users maxItems 200)
	// scopeUsersRead reads the users (getUsers' security).
	scopeUsersRead = "ZohoCRM.users.READ"
	// usersKey names the active users in the metadata cache.
	usersKey = "zoho/v8/users#ActiveUsers"
	// maxUserPages bounds the paging should more_records never turn false.
	maxUserPages = 500
	ownerLookup  = "ownerlookup"
)

// userItem is the part of getUsers' GetUserDetails the connector uses.
type userItem struct {
	ID        json.RawMessage `json:"id"`
	FullName  string          `json:"full_name"`
	FirstName *string         `json:"first_name"`
	LastName  *string         `json:"last_name"`
	Email     string          `json:"email"`
	Status    string          `json:"status"`
}

// withOwners turns the schema's writable ownerlookup fields into picklists of the
// active users. The cached schema is shared, so the fields are copied.
func (c *Connector) withOwners(ctx context.Context, sc *schema) (connector.Schema, error) {
	out := sc.Schema
	var idx []int
	for i, f := range out.Fields {
		if sc.types[f.Name] == ownerLookup && !f.ReadOnly {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return out, nil
	}
	opts, err := c.users.Options(ctx, c.meta, usersKey, connector.FreshSchema(ctx), c.readUsers)
	if err != nil {
		return connector.Schema{}, fmt.Errorf("zoho: users for %s.Owner: %w", sc.Object, err)
	}
	out.Fields = append([]connector.Field(nil), out.Fields...)
	for _, i := range idx {
		out.Fields[i].Type, out.Fields[i].Options = connector.TypeEnum, opts
	}
	return out, nil
}

// readUsers pages through the active users. scoped is false when Zoho refused the
// list for want of the scope or the permission (no users, no error).
func (c *Connector) readUsers(ctx context.Context) (out []connector.Option, scoped bool, err error) {
	for page := 1; page <= maxUserPages; page++ {
		q := url.Values{"type": {"ActiveUsers"}, "page": {fmt.Sprint(page)}, "per_page": {fmt.Sprint(usersPageSize)}}
		r, err := c.call(ctx, http.MethodGet, usersPath+"?"+q.Encode(), nil, nil)
		if err != nil {
			return nil, false, err
		}
		switch r.Status {
		case http.StatusNoContent:
			return out, true, nil
		case http.StatusOK:
		default:
			e := r.apiError()
			if e.Code == "OAUTH_SCOPE_MISMATCH" || e.Code == "NO_PERMISSION" || r.Status == http.StatusForbidden {
				return nil, false, nil
			}
			return nil, false, e
		}
		var body struct {
			Users []userItem `json:"users"`
			Info  struct {
				MoreRecords bool `json:"more_records"`
			} `json:"info"`
		}
		if err := r.Decode(&body); err != nil {
			return nil, false, err
		}
		if body.Users == nil {
			// Zoho answers 204 for none: a 200 without "users" (a
			// gateway's JSON) is not an organization without users, whose
			// empty picklist would be cached for a day.
			return nil, false, r.Fail(`answer has no "users" list`)
		}
		for _, u := range body.Users {
			id, _ := value(u.ID)
			email := strings.TrimSpace(u.Email)
			if id == "" || email == "" || u.Status != "" && !strings.EqualFold(u.Status, "active") {
				continue // a user with no email matches nobody; only active users own records
			}
			out = append(out, connector.Option{Value: id, Label: u.name(), Email: email})
		}
		if !body.Info.MoreRecords || len(body.Users) == 0 {
			return out, true, nil
		}
	}
	return out, true, nil
}

// name is the user's full name, or first and last names joined.
func (u userItem) name() string {
	if n := strings.TrimSpace(u.FullName); n != "" {
		return n
	}
	var parts []string
	for _, p := range []*string{u.FirstName, u.LastName} {
		if p != nil && strings.TrimSpace(*p) != "" {
			parts = append(parts, strings.TrimSpace(*p))
		}
	}
	return strings.Join(parts, " ")
}
