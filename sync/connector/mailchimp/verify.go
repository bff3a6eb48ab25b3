package mailchimp

import (
	"context"
	"net/http"

	"github.com/crmsync/crmsync/sync/connector"
)

// verify calls GET /3.0/ping, Mailchimp's health check, which needs a
// valid key for the data centre at base. It names no account: the API
// root's account_id is not the id an OAuth sign-in's metadata gives.
func verify(ctx context.Context, client *http.Client, base string) (connector.Discovery, error) {
	o := defaultOptions()
	o.MaxRetries = 2
	c, err := newConnector(client, base, o)
	if err != nil {
		return connector.Discovery{}, err
	}
	r, err := c.call(ctx, http.MethodGet, "/ping", nil)
	if err != nil {
		return connector.Discovery{}, err
	}
	defer r.Release()
	if r.Status != http.StatusOK {
		return connector.Discovery{}, r.apiError()
	}
	return connector.Discovery{}, nil
}
