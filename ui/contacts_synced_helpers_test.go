package ui

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
)

// contactsSyncedOnce is savedContactsSync with the sync run once, which
// must succeed. It answers the saved definition for the test to change.
func contactsSyncedOnce(t *testing.T, l *live) engine.Definition {
	t.Helper()
	savedContactsSync(t, l)
	if res, err := l.a.Run(context.Background(), "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	return app.DemoSync("contacts", demoHubSpot, demoSalesforce)
}

// contactsLinks reads the contacts sync's links; the caller judges the
// error and how many links it needs.
func contactsLinks(t *testing.T, l *live) ([]store.LinkRow, error) {
	t.Helper()
	ctx := context.Background()
	row, err := l.a.DB().Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	return l.a.DB().Links(ctx, row.ID)
}
