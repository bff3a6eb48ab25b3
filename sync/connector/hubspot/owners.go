package hubspot

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// A record's owner (hubspot_owner_id) is a property whose values are the
// ids of the account's owners: the properties API marks it
// referencedObjectType OWNER and lists no options (externalOptions). The
// owners come from the owners API:
//
//	GET /crm/owners/2026-03?limit=500&after=…   scope crm.objects.owners.read
//
// answering {"results": [PublicOwner…], "paging": {"next": {"after": …}}},
// active owners only unless archived=true. The connector offers each owner
// property as a picklist of the active owners, by id, labelled with the
// person's name and carrying their email, which is what an owner row
// (mapping's owner transform) matches users by. Sources: the owners API
// reference (developers.hubspot.com/docs/api-reference/crm-owners-v3 and
// its 2026-03 version) and the CRM API's property docs.
const (
	ownersPath     = "/crm/owners/" + apiVersion
	ownersPageSize = 500 // the most one page may hold
	// scopeOwnersRead reads the owners; any account grants it. It is an
	// optional scope, so a HubSpot app set up before crmsync asked for it
	// still connects; without it the owner fields list no users.
	scopeOwnersRead = "crm.objects.owners.read"
	// referencedOwner marks an owner property.
	referencedOwner = "OWNER"
)

// owner is the part of PublicOwner the connector uses.
type owner struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Type      string `json:"type"`
	Archived  bool   `json:"archived"`
}

// ownersKey names the owner list in the metadata cache.
const ownersKey = "hubspot/owners/" + apiVersion

// withOwners fills the options of the schema's owner properties (props
// names them) with the account's active owners. A connection without the
// owners scope gets none, which an owner row reports when it compiles;
// any other failure fails the schema, since a picklist with no users
// would send every owner to review.
func (c *Connector) withOwners(ctx context.Context, sc connector.Schema, props []property, fresh bool) (connector.Schema, error) {
	var names []string
	for _, p := range props {
		if strings.EqualFold(p.ReferencedObjectType, referencedOwner) {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		return sc, nil
	}
	opts, err := c.owners.Options(ctx, c.meta, ownersKey, fresh, func(ctx context.Context) ([]connector.Option, bool, error) {
		opts, err := c.readOwners(ctx)
		return opts, opts != nil, err // none: no scope (or no owner with an email), asked again next run
	})
	if err != nil {
		return connector.Schema{}, fmt.Errorf("owners: %w", err)
	}
	sc.Fields = append([]connector.Field(nil), sc.Fields...) // the cached schema is shared
	for i := range sc.Fields {
		for _, n := range names {
			if sc.Fields[i].Name == n {
				sc.Fields[i].Type, sc.Fields[i].Options = connector.TypeEnum, opts
			}
		}
	}
	return sc, nil
}

// readOwners pages through the active owners. A token without the owners
// scope reads none (nil, no error).
func (c *Connector) readOwners(ctx context.Context) ([]connector.Option, error) {
	var out []connector.Option
	after := ""
	for {
		q := url.Values{"limit": {fmt.Sprint(ownersPageSize)}, "archived": {"false"}}
		if after != "" {
			q.Set("after", after)
		}
		r, err := c.call(ctx, http.MethodGet, ownersPath+"?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		if missingScopes(r) {
			c.release(r)
			return nil, nil
		}
		if r.Status != http.StatusOK {
			return nil, r.apiError()
		}
		var page struct {
			Results []owner `json:"results"`
			Paging  *struct {
				Next *struct {
					After string `json:"after"`
				} `json:"next"`
			} `json:"paging"`
		}
		err = r.Decode(&page)
		c.release(r) // page holds copies
		if err != nil {
			return nil, err
		}
		if page.Results == nil {
			// HubSpot lists "results", [] for none: an answer without them
			// (a gateway's JSON) would read as no owners scope, every owner
			// sent to review.
			return nil, r.Fail(`answer has no "results" list`)
		}
		for _, o := range page.Results {
			if o.Archived || strings.TrimSpace(o.Email) == "" || o.ID == "" {
				continue // a queue or a user with no email matches nobody
			}
			name := strings.TrimSpace(o.FirstName + " " + o.LastName)
			out = append(out, connector.Option{Value: o.ID, Label: name, Email: strings.TrimSpace(o.Email)})
		}
		if page.Paging == nil || page.Paging.Next == nil || page.Paging.Next.After == "" || page.Paging.Next.After == after {
			return out, nil
		}
		after = page.Paging.Next.After
	}
}
