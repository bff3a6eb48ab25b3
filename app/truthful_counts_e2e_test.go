package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestRetryWaitingIsSaid: a record failed for a passing reason waits
// in the retry queue with a back-off; a run inside the back-off must not
// say plain success: its message (and History's) names the records that
// wait and when they are tried next.
func TestRetryWaitingIsSaid(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 9501, false)
	l := links[0]
	srv.Salesforce().LockRow(l.BID, -1)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"jobtitle": "Waits a minute"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Failed != 1 {
		t.Fatalf("run with the row locked: %v %+v; want one failed record", err, res.Summary)
	}
	srv.Salesforce().LockRow(l.BID, 0)
	res, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Summary.Message, "1 record waits to be retried") || !strings.Contains(res.Summary.Message, "next try about") {
		t.Errorf("run inside the back-off: status %s, message %q; want it to say 1 record waits to be retried and when", res.Summary.Status, res.Summary.Message)
	}
	d, err := a.RunDetail(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Run.Message, "1 record waits to be retried") {
		t.Errorf("History's run %d message %q; want the waiting record said", d.Run.ID, d.Run.Message)
	}
	v, err := a.Sync(ctx, "contacts")
	if err != nil {
		t.Fatal(err)
	}
	if v.RetryWaiting != 1 || v.RetryNext.IsZero() {
		t.Errorf("sync view: %d waiting, next %v; want 1 and its next try", v.RetryWaiting, v.RetryNext)
	}
}

// TestUndoTwiceIsRefused: a run already undone cannot be undone
// again: the second undo says which run undid it and records no run.
func TestUndoTwiceIsRefused(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 9502, false)
	if _, err := srv.HubSpot().Update("contacts", links[0].AID, map[string]string{"firstname": "Twice"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run: %v %+v", err, res.Summary)
	}
	u1, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil || u1.Summary == nil || u1.Summary.Status != "success" {
		t.Fatalf("undo: %v %+v", err, u1.Summary)
	}
	before, _ := a.Runs(ctx, "contacts", 100)
	u2, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	after, _ := a.Runs(ctx, "contacts", 100)
	want := "already undone by run " + strconv.FormatInt(u1.Summary.RunID, 10)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("second undo: err %v, summary %+v; want an error saying %q", err, u2.Summary, want)
	}
	if len(after) != len(before) {
		t.Errorf("second undo added %d runs to History", len(after)-len(before))
	}
	if p, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{DryRun: true}); err == nil {
		t.Errorf("preview of the second undo: no error, plan %+v", p.Plan.Counts)
	}
	// Undoing the undo stays possible.
	if _, err := a.Undo(ctx, u1.Summary.RunID, app.RunOptions{Confirm: true}); err != nil {
		t.Errorf("undo of the undo: %v", err)
	}
}
