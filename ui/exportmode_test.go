package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"
)

// TestCSVExportIsPrivate: the run's CSV holds the customers' data
// (every field's old and new value), so the file is mode 0600 like the
// data file, both when the export creates it and when it is written over
// an existing world-readable file.
func TestCSVExportIsPrivate(t *testing.T) {
	l := newLive(t)
	d := demoRunDetail(t, l)
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.csv")
	if err := os.WriteFile(existing, []byte("old export\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(existing, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, csvName(d)), existing} {
		w, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		l.ui(func() { l.u.saveCSV(w, d) })
		l.see("Saved " + filepath.Base(path) + ".")
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: mode %#o after the export, want 0600", filepath.Base(path), mode)
		}
	}
}
