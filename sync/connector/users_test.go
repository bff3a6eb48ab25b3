package connector_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/store/storetest"
	"github.com/crmsync/crmsync/sync/connector"
)

// Users are fetched once per connector; another connector of the same
// connection takes them from the metadata cache (a real SQLite file); a
// fresh schema fetches again; an answer marked not cacheable (no scope) is
// held by the connector but not stored, so the next connector asks again.
func TestUsersFetchedOnceAndCached(t *testing.T) {
	_, cache := storetest.MetaCache(t, "hs", "hubspot")
	meta := &connector.Meta{Cache: cache}
	ctx := context.Background()
	calls := 0
	ada := []connector.Option{{Value: "1", Label: "Ada", Email: "ada@x.test"}}
	fetch := func(cacheable bool) func(context.Context) ([]connector.Option, bool, error) {
		return func(context.Context) ([]connector.Option, bool, error) { calls++; return ada, cacheable, nil }
	}
	var first connector.Users
	for range 2 {
		opts, err := first.Options(ctx, meta, "users", false, fetch(true))
		if err != nil || len(opts) != 1 || opts[0].Email != "ada@x.test" {
			t.Fatalf("options %v, %v", opts, err)
		}
	}
	var second connector.Users
	if opts, err := second.Options(ctx, meta, "users", false, fetch(true)); err != nil || len(opts) != 1 || opts[0].Label != "Ada" {
		t.Fatalf("from the cache: %v, %v", opts, err)
	}
	if calls != 1 {
		t.Fatalf("%d fetches for two connectors of one connection; want 1", calls)
	}
	if _, err := second.Options(ctx, meta, "users", true, fetch(true)); err != nil || calls != 2 {
		t.Fatalf("a fresh read: %d fetches, %v; want 2", calls, err)
	}
	var third, fourth connector.Users
	if _, err := third.Options(ctx, meta, "denied", false, fetch(false)); err != nil {
		t.Fatal(err)
	}
	if _, err := fourth.Options(ctx, meta, "denied", false, fetch(false)); err != nil || calls != 4 {
		t.Fatalf("%d fetches; want a refused answer asked again by the next connector (4)", calls)
	}
}
