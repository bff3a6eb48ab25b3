package store_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/crmsync/crmsync/store"
	_ "modernc.org/sqlite"
)

// oldSchemaFile writes a data file as schema `version` left it: the
// migrations up to it, applied by hand, then stmts. It returns the path,
// for store.Open to upgrade.
func oldSchemaFile(t *testing.T, version int, stmts ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), store.FileName)
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) < version {
		t.Fatalf("migrations: %v, %v", files, err)
	}
	sort.Strings(files)
	for _, f := range files[:version] {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(b)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	head := []string{fmt.Sprintf("PRAGMA application_id = %d", store.ApplicationID), fmt.Sprintf("PRAGMA user_version = %d", version)}
	for _, q := range append(head, stmts...) {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return path
}
