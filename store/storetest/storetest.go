// Package storetest opens real SQLite stores for other packages' tests.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// MetaCache opens a store in a temporary folder, saves one connection of
// vendor and returns the store and that connection's metadata cache. The
// store is closed when the test ends.
func MetaCache(t testing.TB, name, vendor string) (*store.DB, *store.MetaCache) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	id, err := db.SaveConnection(ctx, store.Connection{Name: name, Vendor: vendor})
	if err != nil {
		t.Fatal(err)
	}
	return db, db.MetaCache(id)
}
