package klaviyo

import (
	"context"
	"net/http"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/transport"
)

// verify reads the account (GET /api/accounts), which any private key
// may read, and names it as discover does.
func verify(ctx context.Context, client *http.Client, base string) (connector.Discovery, error) {
	o := defaultOptions()
	o.Options = transport.Options{Vendor: vendor, MaxRetries: 2}
	c, err := newConnector(client, base, o)
	if err != nil {
		return connector.Discovery{}, err
	}
	a, err := c.Account(ctx)
	if err != nil {
		return connector.Discovery{}, err
	}
	return connector.Discovery{AccountID: a.ID, AccountName: a.Name}, nil
}
