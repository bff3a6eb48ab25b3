package logfile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two Opens of one path are two processes (the window and `crmsync
// scheduler`): each has its own descriptor and its own idea of the size.
// The window writes enough to rotate twice; the scheduler's line written
// after that must be in the log or its .1, not in a file unlinked by the
// second rotation.
func TestOtherProcessLinesSurviveRotations(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "crmsync.log")
	window, err := Open(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer window.Close()
	sched, err := Open(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer sched.Close()

	line := append(bytes.Repeat([]byte("w"), 39), '\n') // 40 bytes
	if _, err := sched.Write([]byte("scheduler started\n")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 8; i++ { // 320 bytes: the window rotates more than once
		if _, err := window.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sched.Write([]byte("scheduled run failed: why\n")); err != nil {
		t.Fatal(err)
	}
	cur, _ := os.ReadFile(path)
	old, _ := os.ReadFile(path + ".1")
	if !strings.Contains(string(cur)+string(old), "scheduled run failed: why") {
		t.Fatalf("the scheduler's line is in neither the log nor .1 (it went to a moved-away, deleted file);\nlog:\n%s\n.1:\n%s", cur, old)
	}
	for _, p := range []string{path, path + ".1"} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v, want mode 0600", p, st, err)
		}
	}
}

// Both processes' lines count toward the size: the log never grows far
// past its size because each process counts only its own writes.
func TestSizeCountsOtherProcessLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "crmsync.log")
	a, err := Open(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	line := append(bytes.Repeat([]byte("x"), 39), '\n')
	for i := 0; i < 10; i++ {
		w := a
		if i%2 == 1 {
			w = b
		}
		if _, err := w.Write(line); err != nil {
			t.Fatal(err)
		}
		if st, _ := os.Stat(path); st.Size() > 100 {
			t.Fatalf("after line %d the log is %d bytes, over its size of 100: each process counted only its own lines", i+1, st.Size())
		}
	}
}
