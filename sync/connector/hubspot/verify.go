package hubspot

import (
	"context"
	"net/http"

	"github.com/crmsync/crmsync/sync/connector"
)

// verify reads one contact, HubSpot's cheapest authenticated read. It
// needs crm.objects.contacts.read, as every ready-made sync does, so a
// private app token without it is refused with HubSpot's 403
// MISSING_SCOPES naming the scope. The portal is then named from the
// account details, as an OAuth sign-in's hub_id names it; if that read
// fails the key still stands, unnamed.
func verify(ctx context.Context, client *http.Client, base string) (connector.Discovery, error) {
	o := defaultOptions()
	o.maxRetries = 2
	c, err := newConnector(client, base, o)
	if err != nil {
		return connector.Discovery{}, err
	}
	r, err := c.call(ctx, http.MethodGet, "/crm/objects/"+apiVersion+"/contacts?limit=1", nil)
	if err != nil {
		return connector.Discovery{}, err
	}
	ok := r.Status == http.StatusOK
	if !ok {
		err = r.apiError()
	}
	c.release(r)
	if !ok {
		return connector.Discovery{}, err
	}
	d, err := c.details(ctx, false)
	if err != nil || d.PortalID == "" {
		return connector.Discovery{}, nil
	}
	return connector.Discovery{AccountID: d.PortalID.String(), AccountName: "portal " + d.PortalID.String()}, nil
}
