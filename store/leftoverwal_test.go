package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// TestMovedDataFileKeepsItsLog: a killed process leaves crmsync.db
// with its -wal (the newest data lives there until a checkpoint). When the
// user moves crmsync.db away (as a damaged-file error tells them to), Open
// must not start a new file that swallows the old log: that log belongs to
// the moved file, which would be left without its data.
func TestMovedDataFileKeepsItsLog(t *testing.T) {
	db, path := openTemp(t)
	ctx := context.Background()
	for i := 0; i < 200; i++ {
		if _, err := db.SQL().ExecContext(ctx, "INSERT INTO settings(key, value) VALUES(?, ?)", fmt.Sprint("k", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	// The files as a kill leaves them: copied while the DB is open.
	killed := filepath.Join(t.TempDir(), "killed", store.FileName)
	if err := os.MkdirAll(filepath.Dir(killed), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, side := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + side)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(killed+side, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	wal, _ := os.ReadFile(killed + "-wal")
	if err := os.Rename(killed, killed+".old"); err != nil {
		t.Fatal(err)
	}

	db2, err := store.Open(ctx, killed)
	if err == nil {
		db2.Close()
		t.Fatalf("Open started a new data file beside the moved file's log")
	}
	if !strings.Contains(err.Error(), killed+"-wal") {
		t.Errorf("error %q does not name the log", err)
	}
	if got, _ := os.ReadFile(killed + "-wal"); string(got) != string(wal) {
		t.Errorf("the log changed: %d bytes, was %d", len(got), len(wal))
	}
	// Put back beside its log, the moved file has all its rows.
	if err := os.Rename(killed+".old", killed); err != nil {
		t.Fatal(err)
	}
	db3, err := store.Open(ctx, killed)
	if err != nil {
		t.Fatal(err)
	}
	defer db3.Close()
	var n int
	if err := db3.SQL().QueryRow("SELECT count(*) FROM settings WHERE key LIKE 'k%'").Scan(&n); err != nil || n != 200 {
		t.Fatalf("rows back: %d %v, want 200", n, err)
	}
}
