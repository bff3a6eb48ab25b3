package pipedrive

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A record's owner (owner_id: a person's, an organization's, a deal's, and
// an activity's "Assigned to user") is the id of one of the company's
// users, an integer in v2's items and request bodies. The connector offers
// it as a picklist of the active users, by id as a decimal string (what it
// reads and writes), labelled with the user's name and carrying their
// email, which is what an owner row (mapping's owner transform) matches
// users by. The users come from API v1 (v2 has no users list):
//
//	GET /api/v1/users   scope users:read; unpaged, every user, active or not
//
// answering {"success": true, "data": [{id, name, email, active_flag,
// is_deleted, …}]}. A deactivated user keeps the records they own, so a
// record may read an owner the options do not list.
const (
	usersPath  = "/api/v1/users"
	ownerField = "owner_id"
	// usersKey names the user list in the metadata cache.
	usersKey = "pipedrive/v1/users#owners"
)

// withOwners turns the schema's owner_id into a picklist of the active
// users. An app without the users:read scope gets none (an owner row
// reports it when it compiles); any other failure fails the schema, since
// a picklist with no users would send every owner to review.
func (c *Connector) withOwners(ctx context.Context, sc connector.Schema) (connector.Schema, error) {
	i := slices.IndexFunc(sc.Fields, func(f connector.Field) bool { return f.Name == ownerField && !f.ReadOnly })
	if i < 0 {
		return sc, nil
	}
	opts, err := c.users.Options(ctx, c.meta, usersKey, connector.FreshSchema(ctx), func(ctx context.Context) ([]connector.Option, bool, error) {
		opts, err := c.readUsers(ctx)
		return opts, opts != nil, err // nil: no users:read scope, asked again next run
	})
	if err != nil {
		return connector.Schema{}, fmt.Errorf("pipedrive: users for %s.%s: %w", sc.Object, ownerField, err)
	}
	sc.Fields = slices.Clone(sc.Fields) // the held schema is shared
	sc.Fields[i].Type, sc.Fields[i].Options = connector.TypeEnum, opts
	return sc, nil
}

// readUsers reads the users list and keeps the active users with an
// email. A 403 (an OAuth app without users:read: "Scope and URL
// mismatch") reads none: nil, no error.
func (c *Connector) readUsers(ctx context.Context) ([]connector.Option, error) {
	r, err := c.call(ctx, http.MethodGet, usersPath, nil)
	if err != nil {
		return nil, err
	}
	if r.Status == http.StatusForbidden {
		return nil, nil
	}
	if r.Status != http.StatusOK {
		return nil, r.apiError()
	}
	var env envelope
	if err := r.Decode(&env); err != nil {
		return nil, err
	}
	var users []struct {
		ID        json.Number `json:"id"`
		Name      string      `json:"name"`
		Email     string      `json:"email"`
		Active    bool        `json:"active_flag"`
		IsDeleted bool        `json:"is_deleted"`
	}
	if err := json.Unmarshal(env.Data, &users); err != nil {
		return nil, r.Fail("data is not a list of users: " + err.Error())
	}
	out := []connector.Option{}
	for _, u := range users {
		email := strings.TrimSpace(u.Email)
		if !u.Active || u.IsDeleted || email == "" || u.ID == "" {
			continue // a deactivated user owns nothing new; one with no email matches nobody
		}
		out = append(out, connector.Option{Value: u.ID.String(), Label: strings.TrimSpace(u.Name), Email: email})
	}
	return out, nil
}
