package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// TestCtrlCStopsRunCleanly: Ctrl+C during `sync run` stops the run between
// batches and records it as cancelled, keeping what it committed, instead of
// killing the process mid-batch and leaving the run for the next start to
// find "interrupted".
func TestCtrlCStopsRunCleanly(t *testing.T) {
	h, _ := contactsHarness(t, "--contacts", "1500", "--faults", "latency=150ms")

	c := h.cmd("sync", "run", "contacts", "--yes")
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	waitRunStatus(t, h, "running")
	time.Sleep(300 * time.Millisecond)
	c.Process.Signal(os.Interrupt)
	err := c.Wait()
	if err == nil {
		t.Errorf("an interrupted run exited 0; stdout:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "stopping after the current batch") {
		t.Errorf("stderr after Ctrl+C:\n%s\nwant it to say the run stops after the current batch", errb.String())
	}
	if !strings.Contains(out.String()+errb.String(), "cancelled") {
		t.Errorf("the interrupted run's output does not say it was cancelled:\nstdout: %s\nstderr: %s", out.String(), errb.String())
	}
	runs := runsJSON(t, h)
	if len(runs) == 0 || runs[0].Status != "cancelled" || strings.Contains(runs[0].Message, "interrupted") {
		t.Fatalf("after Ctrl+C the run reads %+v; want it cancelled cleanly, keeping what it committed", runs)
	}
	// What it committed is kept, and the next run finishes the job.
	h.mustRun("sync", "run", "contacts", "--yes")
	if runs := runsJSON(t, h); runs[0].Status != "success" {
		t.Errorf("the run after the cancelled one: %+v", runs[0])
	}
}

type runLine struct {
	ID      int64  `json:"id"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

func runsJSON(t *testing.T, h *harness) []runLine {
	t.Helper()
	var runs []runLine
	if err := json.Unmarshal([]byte(h.mustRun("runs", "--json")), &runs); err != nil {
		t.Fatal(err)
	}
	return runs
}

func waitRunStatus(t *testing.T, h *harness, status string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if runs := runsJSON(t, h); len(runs) > 0 && runs[0].Status == status {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no run reached %q in 60 s", status)
}
