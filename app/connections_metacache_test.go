package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// metadataCalls counts schema and version requests both sandboxes served.
func metadataCalls(srv *sandbox.Server) int64 {
	var n int64
	for k, v := range srv.HubSpot().Stats() {
		if strings.HasPrefix(k, "GET /crm/properties/") {
			n += v
		}
	}
	for k, v := range srv.Salesforce().Stats() {
		if k == "GET /services/data/{$}" || strings.HasSuffix(k, "/describe") {
			n += v
		}
	}
	return n
}

// TestRunsShareTheMetadataCache: every session opened for a stored
// connection gets the connection's persistent cache, so a run after a warm
// one spends no calls on schemas or the API version; deleting the
// connection deletes its cache.
func TestRunsShareTheMetadataCache(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 5, 10)
	if err := a.SaveSync(ctx, app.DemoSync("contacts", "hs", "sf")); err != nil {
		t.Fatalf("save: %v", err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("first run: %v", err)
	}
	before := metadataCalls(srv)
	if before == 0 {
		t.Fatal("no metadata calls at all: the counters are not what this test thinks")
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{})
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if s := res.Summary; s.Created+s.Updated != 0 {
		t.Fatalf("second run wrote: %+v", s)
	}
	if got := metadataCalls(srv) - before; got != 0 {
		t.Fatalf("a run with a warm cache made %d metadata calls, want 0", got)
	}

	var rows int
	if err := a.DB().SQL().QueryRowContext(ctx, "SELECT count(*) FROM metadata_cache").Scan(&rows); err != nil || rows == 0 {
		t.Fatalf("metadata_cache rows = %d (%v)", rows, err)
	}
	if err := a.Disconnect(ctx, "sf"); err != nil {
		t.Logf("disconnect: %v", err) // the sandbox may not confirm the revoke; the local delete is what matters
	}
	var left int
	if err := a.DB().SQL().QueryRowContext(ctx,
		"SELECT count(*) FROM metadata_cache WHERE key LIKE 'salesforce/%'").Scan(&left); err != nil || left != 0 {
		t.Fatalf("salesforce cache rows after disconnect = %d (%v)", left, err)
	}
}
