package logfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRefusedRotationKeepsLogging: on Windows a file another process
// holds open cannot be renamed (Go opens files without FILE_SHARE_DELETE),
// so when the window and `crmsync scheduler` share crmsync.log, moving it
// aside at its size is refused. The lines must still reach the log, and a
// later rotation must work once the rename is allowed again; a refused
// rename must not end the log for the rest of the process. (The refusal
// is made here by a directory in crmsync.log.1's place.)
func TestRefusedRotationKeepsLogging(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "crmsync.log")
	l, err := Open(path, 64)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	block := path + ".1"
	if err := os.MkdirAll(filepath.Join(block, "held"), 0o700); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if _, err := fmt.Fprintf(l, "line %d while the rename is refused.....\n", i); err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	if err := os.RemoveAll(block); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(l, "line 4 after the rename is allowed....\n"); err != nil {
		t.Errorf("write 4: %v", err)
	}
	cur, _ := os.ReadFile(path)
	old, _ := os.ReadFile(block)
	for i := range 4 {
		if !strings.Contains(string(old), fmt.Sprintf("line %d ", i)) {
			t.Errorf("line %d is not in crmsync.log.1:\n%s", i, old)
		}
	}
	if !strings.Contains(string(cur), "line 4 ") {
		t.Errorf("line 4 is not in crmsync.log:\n%s", cur)
	}
	if st, err := os.Stat(path); err != nil || st.Size() > 64 {
		t.Errorf("crmsync.log after rotating again: %v %v, want at most 64 bytes", st.Size(), err)
	}
}
