package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/crmsync/crmsync/store"
)

// reopenAfterKill closes db, which drops its run locks as a killed
// process's end would, and opens the same file again.
func reopenAfterKill(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	path := db.Path()
	db.Close()
	again, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { again.Close() })
	return again
}

// TestRecoverLeavesAnotherProcessRunAlone: a second DB on the same file
// (the CLI started beside the window) neither marks the first one's live
// run interrupted nor opens a second run of the sync; once the first
// finishes, the sync runs again.
func TestRecoverLeavesAnotherProcessRunAlone(t *testing.T) {
	window, id, ctx := engineSync(t)
	run, err := window.OpenRun(ctx, id, "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := store.Open(ctx, window.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if n, err := cli.RecoverStaleRuns(ctx); n != 0 || err != nil {
		t.Fatalf("recovered %d runs (%v) while the window's run %d is alive", n, err, run)
	}
	if r, _ := cli.Run(ctx, run); r.Status != "running" {
		t.Fatalf("the window's live run reads %q (%s)", r.Status, r.Message)
	}
	if _, err := cli.OpenRun(ctx, id, "manual", 0); !errors.Is(err, store.ErrRunOpen) {
		t.Fatalf("second run from the other process: %v, want ErrRunOpen", err)
	}
	if err := window.FinishRun(ctx, store.RunRow{ID: run, SyncID: id, Status: "success"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.OpenRun(ctx, id, "manual", 0); err != nil {
		t.Fatalf("a run after the window's ended: %v", err)
	}
}
