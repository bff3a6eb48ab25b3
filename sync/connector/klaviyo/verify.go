package klaviyo

import (
	"context"
	"net/http"

	"github.com/crmsync/crmsync/sync/connector"
)

// verify reads the account (GET /api/accounts), which any private key
// may read, and names it as discover does.
func verify(ctx context.Context, client *http.Client, base string) (connector.Discovery, error) {
	return accountDiscovery(ctx, client, base, 2)
}
