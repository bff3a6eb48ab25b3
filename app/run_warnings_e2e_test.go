package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// restoredContact links contacts, deletes a linked Contact (its delete is
// held) and restores it: the next run closes the held delete with a
// warning naming the Contact. It returns the app, the sandbox and the
// Contact's link.
func restoredContact(t *testing.T) (*app.App, *sandbox.Server, store.LinkRow) {
	t.Helper()
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 23, true)
	sfID := links[0].BID
	time.Sleep(1100 * time.Millisecond)
	if !srv.Salesforce().Delete("Contact", sfID) {
		t.Fatalf("could not delete Contact %s", sfID)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Plan.Counts.HeldDelete != 1 {
		t.Fatalf("run after the delete: %v %+v", err, res.Plan.Counts)
	}
	time.Sleep(1100 * time.Millisecond)
	if err := srv.Salesforce().Undelete("Contact", sfID); err != nil {
		t.Fatal(err)
	}
	return a, srv, links[0]
}

// TestRunWarningsStoredAndLogged: a background run whose plan warns
// keeps the warning with the run and writes it to the log, once: nobody
// saw its preview, so History and the log are where a person finds it.
func TestRunWarningsStoredAndLogged(t *testing.T) {
	ctx := context.Background()
	a, _, restored := restoredContact(t)
	sfID := restored.BID
	res, err := a.Run(ctx, "contacts", app.RunOptions{Trigger: "schedule"})
	if err != nil || res.Summary == nil {
		t.Fatalf("run after the restore: %v %+v", err, res)
	}
	if len(res.Plan.Warnings) == 0 {
		t.Fatalf("the run after the restore made no warning; the scenario does not hold")
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Run.Warnings, res.Plan.Warnings) {
		t.Errorf("the run's row holds warnings %q, want the plan's %q", d.Run.Warnings, res.Plan.Warnings)
	}
	log := logFileText(t, a)
	if n := strings.Count(log, "no longer deleted"); n != 1 || !strings.Contains(log, sfID) {
		t.Errorf("the log names the warning on %d lines, want 1 naming %s:\n%.3000s", n, sfID, log)
	}
}

// TestRunWarningsInSyncAll: Sync all's outcome, a line a sync, says
// when a sync's run warned, as the "Run finished" dialog does.
func TestRunWarningsInSyncAll(t *testing.T) {
	a, _, _ := restoredContact(t)
	out, err := a.RunAll(context.Background(), app.RunOptions{}, nil)
	if err != nil || len(out) != 1 || out[0].Result.Plan == nil || len(out[0].Result.Plan.Warnings) == 0 {
		t.Fatalf("sync all: %v %+v; want one run that warned", err, out)
	}
	if line := out[0].Line(); !strings.Contains(line, "1 warning") {
		t.Errorf("Sync all's line for a run that warned does not say so: %q (warnings %q)", line, out[0].Result.Plan.Warnings)
	}
}

// TestPreviewAfterRunAccountsForReads: the preview right after a run
// reads the run's own writes back. It read 23 records and said "unchanged
// 0" with nothing to do: it must say those records are as the run left
// them, not leave them unaccounted for.
func TestPreviewAfterRunAccountsForReads(t *testing.T) {
	ctx := context.Background()
	a, _, _ := syncedContacts(t, 23, true)
	res, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Plan.Counts
	if c.ReadA+c.ReadB == 0 || c.Unchanged != 0 {
		t.Fatalf("the scenario does not hold: counts %+v", c)
	}
	want := fmt.Sprintf("%d records read are unchanged since crmsync last read or wrote them", c.ReadA+c.ReadB)
	if s := res.Plan.Summary(); !strings.Contains(s, want) {
		t.Errorf("the preview after a run does not account for the records it read; want %q in:\n%s", want, s)
	}
}
