package dynamics

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A row's owner (ownerid) is a lookup to a user or a team: read as
// _ownerid_value (with the lookuplogicalname annotation "systemuser" or
// "team"), written by binding its navigation property,
// "ownerid@odata.bind": "/systemusers(<id>)". The connector offers it, as
// it offers every lookup, as a field named after its navigation property,
// ownerid: a picklist of the organization's enabled interactive users, by
// systemuserid in lower case as a read returns it, labelled with the
// user's full name and carrying their primary email, which is what an
// owner row (mapping's owner transform) matches users by. A row owned by a
// team reads as the team's id, which is no option. The users are read with
// one query, paged:
//
//	GET /systemusers?$select=systemuserid,fullname,internalemailaddress,isdisabled,accessmode
//	    &$filter=isdisabled eq false and accessmode eq 0
//
// Access mode 0 is Read-Write, the people who work in the apps; the others
// are Administrative (settings only), Read, Support User (Microsoft's
// support), Non-interactive (the Web API alone: application users, such as
// an integration's) and Delegated Admin (a partner's). Dataverse refuses a
// disabled owner (0x80040225). Sources: the User (SystemUser) table
// reference and "User and team tables" on Microsoft Learn.
const (
	ownerField = "ownerid"
	usersQuery = "/systemusers?$select=systemuserid,fullname,internalemailaddress,isdisabled,accessmode" +
		"&$filter=isdisabled%20eq%20false%20and%20accessmode%20eq%200"
	// usersKey names the user list in the metadata cache, beside the table
	// definitions.
	usersKey = "dynamics/v9.2/systemuser/owners"
	// accessReadWrite is systemuser.accessmode's Read-Write.
	accessReadWrite = 0
)

// systemusers is the table an owner field binds.
var systemusers = table{set: "systemusers", logical: "systemuser", id: "systemuserid"}

// guidValue is a GUID as an owner value must be.
var guidValue = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// withOwners fills the options of the schema's owner field with the
// users. A caller without the read privilege on users gets none, which an
// owner row reports when it compiles; any other failure fails the schema,
// since a picklist with no users would send every owner to review.
func (c *Connector) withOwners(ctx context.Context, sc *schema, fresh bool) (connector.Schema, error) {
	nf, ok := sc.navs[ownerField]
	if !ok || !nf.owner {
		return sc.Schema, nil
	}
	opts, err := c.users.Options(ctx, c.meta, usersKey, fresh, func(ctx context.Context) ([]connector.Option, bool, error) {
		opts, denied, err := c.queryUsers(ctx)
		return opts, !denied, err // a denied read is asked again next run, when a role may grant it
	})
	if err != nil {
		return connector.Schema{}, fmt.Errorf("dynamics: users for %s.%s: %w", sc.Object, ownerField, err)
	}
	out := sc.Schema
	out.Fields = append([]connector.Field(nil), sc.Fields...) // the held schema is shared
	for i := range out.Fields {
		if out.Fields[i].Name == ownerField {
			out.Fields[i].Options = opts
		}
	}
	return out, nil
}

// queryUsers pages through usersQuery. A 403 (the caller's roles lack
// prvReadUser) reads none and says so.
func (c *Connector) queryUsers(ctx context.Context) (opts []connector.Option, denied bool, err error) {
	opts = []connector.Option{}
	for next := usersQuery; next != ""; {
		r, err := c.get(ctx, next, pageHeader(nil))
		if err != nil {
			return nil, false, err
		}
		if r.Status == http.StatusForbidden {
			return nil, true, nil
		}
		if r.Status != http.StatusOK {
			return nil, false, r.apiError()
		}
		var p struct {
			Value []struct {
				ID         string `json:"systemuserid"`
				FullName   string `json:"fullname"`
				Email      string `json:"internalemailaddress"`
				Disabled   bool   `json:"isdisabled"`
				AccessMode *int   `json:"accessmode"`
			} `json:"value"`
			NextLink string `json:"@odata.nextLink"`
		}
		if err := r.Decode(&p); err != nil {
			return nil, false, err
		}
		if p.Value == nil {
			// Not an organization without users: a picklist of none
			// would be cached for a day, every owner sent to review.
			return nil, false, r.Fail(`answer has no "value" list of users`)
		}
		for _, u := range p.Value {
			email := strings.TrimSpace(u.Email)
			if u.ID == "" || email == "" || u.Disabled || u.AccessMode == nil || *u.AccessMode != accessReadWrite {
				continue // the filter says so already; a user with no email matches nobody
			}
			opts = append(opts, connector.Option{Value: strings.ToLower(u.ID), Label: strings.TrimSpace(u.FullName), Email: email})
		}
		next = p.NextLink
	}
	return opts, false, nil
}

// ownerBind is the bind of an owner value; every row has an owner, so a
// blank is refused rather than sent.
func ownerBind(object, id, v string) (string, *connector.RecordError) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", refuse(object, id, ownerField, "OWNER_REQUIRED", "every row has an owner in Dynamics 365; ownerid cannot be cleared")
	}
	if !guidValue.MatchString(v) {
		return "", refuse(object, id, ownerField, "INVALID_VALUE", fmt.Sprintf("%q is not a user id (a GUID)", v))
	}
	return "/" + systemusers.set + "(" + strings.ToLower(v) + ")", nil
}
