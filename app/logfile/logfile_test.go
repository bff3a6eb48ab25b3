package logfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestLogFileIsOwnersOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crmsync.log")
	l, err := Open(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
}

func TestLooseLogFileIsTightened(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crmsync.log")
	if err := os.WriteFile(path, []byte("old line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Open(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Write([]byte("new line\n")); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(path); string(b) != "old line\nnew line\n" {
		t.Fatalf("file holds %q; the old line must be kept and the new appended", b)
	}
}

func TestLogFileRotatesAtItsSize(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "crmsync.log")
	l, err := Open(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	line := bytes.Repeat([]byte("x"), 39)
	line = append(line, '\n') // 40 bytes
	for i := 0; i < 5; i++ {
		if _, err := l.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	// 2 lines fit in 100 bytes: lines 1–2 went to .1, were replaced by
	// lines 3–4, and line 5 is in the log.
	cur, _ := os.ReadFile(path)
	old, _ := os.ReadFile(path + ".1")
	if len(cur) != 40 || len(old) != 80 {
		t.Fatalf("log %d bytes and .1 %d bytes, want 40 and 80", len(cur), len(old))
	}
	if st, _ := os.Stat(path + ".1"); st.Mode().Perm() != 0o600 {
		t.Fatalf("rotated file mode %v, want 0600", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("%d files in the folder, want the log and one older", len(entries))
	}
}

func TestFullLogIsMovedAsideOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crmsync.log")
	if err := os.WriteFile(path, bytes.Repeat([]byte("y"), 200), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := Open(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if st, _ := os.Stat(path); st.Size() != 0 {
		t.Fatalf("log holds %d bytes after opening full, want a new file", st.Size())
	}
	if st, _ := os.Stat(path + ".1"); st == nil || st.Size() != 200 {
		t.Fatal("the full log was not kept as .1")
	}
}

func TestConcurrentWritesKeepWholeLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crmsync.log")
	l, err := Open(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				fmt.Fprintf(l, "goroutine %d line %03d\n", g, i)
			}
		}()
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if n := bytes.Count(b, []byte("\n")); n != 400 {
		t.Fatalf("%d lines, want 400", n)
	}
	if _, err := l.Write([]byte("late\n")); !errors.Is(err, fs.ErrClosed) {
		t.Fatalf("write after close: %v, want fs.ErrClosed", err)
	}
}
