package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A record's owner (OwnerId) is a lookup to User. The connector offers it
// as a picklist of the org's active standard users, by id, labelled with
// the user's name and carrying their email, which is what an owner row
// (mapping's owner transform) matches users by. Only active standard users
// can own records (Salesforce refuses an inactive owner with
// INACTIVE_OWNER_OR_USER). They are read with one SOQL query, paged:
//
//	SELECT Id, Name, Email FROM User WHERE IsActive = true AND UserType = 'Standard' ORDER BY Id
//
// and kept in the metadata cache beside the describes, so a write refused
// for an owner (a user deactivated since) reads them again next run.
const (
	ownerField = "OwnerId"
	usersSOQL  = "SELECT Id, Name, Email FROM User WHERE IsActive = true AND UserType = 'Standard' ORDER BY Id"
)

// usersKey names the user list in the metadata cache, under the describes'
// prefix so that what drops the describes drops it too.
func usersKey(version string) string { return describePrefix + version + "/User#owners" }

// withOwners turns the schema's OwnerId into a picklist of the users.
func (c *Conn) withOwners(ctx context.Context, sc connector.Schema, fresh bool) (connector.Schema, error) {
	i := -1
	for j, f := range sc.Fields {
		if f.Name == ownerField && !f.ReadOnly {
			i = j
		}
	}
	if i < 0 {
		return sc, nil
	}
	v, err := c.apiVersion(ctx)
	if err != nil {
		return connector.Schema{}, err
	}
	users, err := c.users.Options(ctx, c.meta, usersKey(v), fresh, func(ctx context.Context) ([]connector.Option, bool, error) {
		users, err := c.queryUsers(ctx)
		return users, true, err
	})
	if err != nil {
		return connector.Schema{}, fmt.Errorf("salesforce: users for %s.%s: %w", sc.Object, ownerField, err)
	}
	sc.Fields[i].Type, sc.Fields[i].Options = connector.TypeEnum, users
	return sc, nil
}

// queryUsers pages through usersSOQL.
func (c *Conn) queryUsers(ctx context.Context) ([]connector.Option, error) {
	next, err := c.dataURL(ctx, "/query", url.Values{"q": {usersSOQL}})
	if err != nil {
		return nil, err
	}
	var out []connector.Option
	for next != "" {
		var qr queryResult
		if err := c.call(ctx, "GET", next, nil, &qr, ""); err != nil {
			return nil, err
		}
		for _, raw := range qr.Records {
			var u struct{ Id, Name, Email string }
			if err := json.Unmarshal(raw, &u); err != nil {
				return nil, fmt.Errorf("a User record: %w", err)
			}
			if u.Id == "" || strings.TrimSpace(u.Email) == "" {
				continue // a user with no email matches nobody
			}
			out = append(out, connector.Option{Value: u.Id, Label: strings.TrimSpace(u.Name), Email: strings.TrimSpace(u.Email)})
		}
		next = ""
		if !qr.Done && qr.NextRecordsURL != "" {
			next = c.abs(qr.NextRecordsURL)
		}
	}
	return out, nil
}
