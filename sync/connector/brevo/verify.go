package brevo

import (
	"context"
	"net/http"

	"github.com/crmsync/crmsync/sync/connector"
)

// verify reads the account (GET /v3/account), Brevo's cheapest
// authenticated read, and names it as discover does.
func verify(ctx context.Context, client *http.Client, base string) (connector.Discovery, error) {
	return accountDiscovery(ctx, client, base, 2)
}
