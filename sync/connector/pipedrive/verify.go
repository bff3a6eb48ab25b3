package pipedrive

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/crmsync/crmsync/sync/connector"
)

// verify reads the connected user (GET /api/v1/users/me), which any API
// token may read, and names the company as identify does.
func verify(ctx context.Context, client *http.Client, base string) (connector.Discovery, error) {
	o := defaultOptions()
	o.maxRetries = 2
	c, err := newConnector(client, base, o)
	if err != nil {
		return connector.Discovery{}, err
	}
	r, err := c.call(ctx, http.MethodGet, mePath, nil)
	if err != nil {
		return connector.Discovery{}, err
	}
	if r.Status != http.StatusOK {
		return connector.Discovery{}, r.apiError()
	}
	var env envelope
	var me struct {
		CompanyID     json.Number `json:"company_id"`
		CompanyName   string      `json:"company_name"`
		CompanyDomain string      `json:"company_domain"`
	}
	if r.Decode(&env) != nil || json.Unmarshal(env.Data, &me) != nil {
		return connector.Discovery{}, nil // the token worked; the company stays unnamed
	}
	id := me.CompanyID.String()
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return connector.Discovery{}, nil
	}
	return connector.Discovery{AccountID: id, AccountName: firstNonBlank(me.CompanyDomain, me.CompanyName, id) + " (company " + id + ")"}, nil
}
