package app_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/connector/registry"
)

// A data folder an older build (or mkdir under umask 022) left at 0755
// is narrowed to 0700 on open: it holds the database, its -wal, the log
// and the run locks, whose names and sizes others need not see.
func TestLooseDataFolderIsNarrowed(t *testing.T) {
	home := filepath.Join(t.TempDir(), "crmsync")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(home, 0o755); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), app.Options{Home: home, Secrets: secret.NewMemory(), Vendors: registry.Vendors()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, dir := range []string{home, filepath.Join(home, "locks")} {
		fi, err := os.Stat(dir)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o700 {
			t.Errorf("%s has mode %v after open, want 0700", dir, got)
		}
	}
}

// Under umask 0 every file and folder crmsync makes in its data folder is
// still its owner's alone, the log and the SQLite side files included.
func TestUmaskZeroDataFolder(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	home := filepath.Join(t.TempDir(), "nested", "crmsync")
	a := openAppAt(t, home)
	if _, err := a.Connections(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := filepath.Walk(filepath.Dir(home), func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", p, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func openAppAt(t *testing.T, home string) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), app.Options{Home: home, Secrets: secret.NewMemory(), Vendors: registry.Vendors()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}
