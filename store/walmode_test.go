//go:build unix

package store_test

import (
	"context"
	"os"
	"syscall"
	"testing"
)

// TestWALRecreatedMidSessionStays0600: when the pool's last connection
// closes, SQLite removes the -wal and -shm files and the next statement makes
// them again, after Open's chmod. They still hold the data, so they must
// come back 0600 under a permissive umask (SQLite copies the data file's
// mode).
func TestWALRecreatedMidSessionStays0600(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	db, path := openTemp(t)
	db.SQL().SetMaxIdleConns(0) // every statement closes the last connection
	ctx := context.Background()
	if _, err := db.SQL().ExecContext(ctx, "CREATE TABLE IF NOT EXISTS zz_probe(x)"); err != nil {
		t.Fatal(err)
	}
	conn, err := db.SQL().Conn(ctx) // hold one so the files exist to look at
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "INSERT INTO zz_probe VALUES(1)"); err != nil {
		t.Fatal(err)
	}
	for _, side := range []string{"-wal", "-shm"} {
		fi, err := os.Stat(path + side)
		if err != nil {
			t.Fatalf("%s: %v", side, err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s recreated with mode %v, want 0600", side, fi.Mode().Perm())
		}
	}
}
