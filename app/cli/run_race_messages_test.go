package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/spf13/cobra"
)

// A cron run that lost the race to another crmsync (the window, the
// scheduler) never opened a run: no "Run 0" line, and a reason a person
// can act on instead of the engine's wording.
func TestStalePlanPrintsNoPhantomRun(t *testing.T) {
	var out bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetOut(&out)
	r := &root{}
	stale := fmt.Errorf("engine: sync %q: %w (run 2 started after it)", "contacts", engine.ErrStalePlan)
	err := r.reportRun(cmd, app.RunResult{Plan: &engine.Plan{Sync: "contacts"}, Summary: &engine.RunSummary{}}, stale, 0)
	if strings.Contains(out.String(), "Run 0") {
		t.Errorf("stdout shows a run that never opened:\n%s", out.String())
	}
	if err == nil || !strings.Contains(err.Error(), "another run") || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("error = %v; want it to say another run got there first and nothing was written", err)
	}
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// A command that ends on its own (no Ctrl+C) must not say it is stopping:
// cron mails whatever reaches stderr.
func TestFinishedCommandSaysNotStopping(t *testing.T) {
	var errb lockedBuf
	cmd := &cobra.Command{}
	cmd.SetErr(&errb)
	cmd.SetContext(context.Background())
	r := &root{}
	for range 300 {
		_, stop := r.interruptible(cmd)
		stop()
	}
	time.Sleep(100 * time.Millisecond)
	if s := errb.String(); s != "" {
		t.Fatalf("stderr after commands that were not interrupted:\n%.300s", s)
	}
}
