package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestUndoLeavesALaterRunsWrite: run N copies a HubSpot first
// name "Xena" to Salesforce; HubSpot then says "Zed" (run N+1 copies it)
// and "Xena" again (run N+2 copies it). Salesforce holds "Xena", the value
// run N wrote, but it is run N+2's write, newer than run N: as in rclone
// bisync or HubSpot's Data Sync, the newer write wins. Undoing run N must
// not write run N's old value over it; it may ask, naming run N+2.
func TestUndoLeavesALaterRunsWrite(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 7201, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	l := links[0]
	c, _ := sf.Get("Contact", l.BID)
	old := c.Fields["FirstName"]
	var runs []int64
	for _, name := range []string{"Xena", "Zed", "Xena"} {
		time.Sleep(1100 * time.Millisecond) // the vendors keep modified times to the second
		if _, err := hs.Update("contacts", l.AID, map[string]string{"firstname": name}); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, runUpdating(ctx, t, a, "contacts", 1).Summary.RunID)
	}
	undoN, latest := runs[0], runs[2]
	u := undoLogged(ctx, t, a, undoN)
	if c, _ := sf.Get("Contact", l.BID); c.Fields["FirstName"] != "Xena" {
		t.Fatalf("Salesforce %s FirstName after undoing run %d: %q (run %d's old value was %q); run %d's later write of %q was reverted",
			l.BID, undoN, c.Fields["FirstName"], undoN, old, latest, "Xena")
	}
	if u.Summary.Updated != 0 {
		t.Errorf("the undo wrote %d records; want none", u.Summary.Updated)
	}
	// Left, it says why: in Review, naming the run that wrote it since.
	item := openItemOf(t, a, "contacts", l.BID)
	if item.ID == 0 {
		t.Fatalf("the undo of run %d left %s's FirstName without a word", undoN, l.BID)
	}
	if reason := reasonOf(t, item); !strings.Contains(reason, fmt.Sprintf("run %d", latest)) {
		t.Errorf("the undo's item says %q; want it to name run %d, which wrote the value since", reason, latest)
	}
	// Accepted, the person's answer writes run N's old value back.
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "take-a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if c, _ := sf.Get("Contact", l.BID); c.Fields["FirstName"] != old {
		t.Errorf("Salesforce %s FirstName after accepting the undo: %q; want run %d's old %q", l.BID, c.Fields["FirstName"], undoN, old)
	}
}

// TestUndoDecisionAfterCaseOnlyEdit: undoing run 2 finds a
// Salesforce email changed since and asks; before the person answers, a rep
// retypes that address with capitals. To the planner and to the undo an
// email's case is no change, so accepting the undo must write the old
// address back, not refuse it as "changed again".
func TestUndoDecisionAfterCaseOnlyEdit(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 7202, false)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	l := links[0]
	c, _ := sf.Get("Contact", l.BID)
	old := c.Fields["Email"]
	time.Sleep(1100 * time.Millisecond)
	if _, err := hs.Update("contacts", l.AID, map[string]string{"email": "undo.new@example.com"}); err != nil {
		t.Fatal(err)
	}
	run2 := runUpdating(ctx, t, a, "contacts", 1)
	time.Sleep(1100 * time.Millisecond)
	if _, err := sf.Update("Contact", l.BID, map[string]string{"Email": "rep.typed@example.com"}); err != nil {
		t.Fatal(err)
	}
	undoLogged(ctx, t, a, run2.Summary.RunID)
	item := openItemOf(t, a, "contacts", l.BID)
	if item.ID == 0 {
		t.Fatalf("the undo did not ask about the email the rep changed")
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := sf.Update("Contact", l.BID, map[string]string{"Email": "Rep.Typed@Example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Decide(ctx, item.ID, engine.Decision{Action: "take-a"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run after the decision: %+v warnings %q", res.Summary, res.Plan.Warnings)
	if c, _ := sf.Get("Contact", l.BID); c.Fields["Email"] != old {
		t.Errorf("Salesforce %s email after accepting the undo: %q; want the old %q written back (the rep's edit since was case only)", l.BID, c.Fields["Email"], old)
	}
}

// TestUndoLeavesALaterRunsWriteOfAnUnknownValue: a run stops with
// Klaviyo's update of a first name unconfirmed; a person types another
// name there, so the next run audits the stopped run's write as "outcome
// unknown". Then HubSpot gets the sent name again and a later run writes
// it to Klaviyo. Undoing the stopped run must not write the old name over
// that later run's write; it asks, naming the later run.
func TestUndoLeavesALaterRunsWriteOfAnUnknownValue(t *testing.T) {
	ctx := context.Background()
	k := stoppedKlaviyoRun(t, 7203)
	a, srv, stopped := k.a, k.srv, k.stopped
	unconfirmed, sent := -1, ""
	for i, l := range k.links {
		if p, _ := srv.Klaviyo().Profile(l.BID); p.FirstName != fmt.Sprintf("Renamed%d", i) {
			unconfirmed, sent = i, fmt.Sprintf("Renamed%d", i)
			break
		}
	}
	if unconfirmed < 0 {
		t.Fatal("every update of the stopped run reached Klaviyo")
	}
	l := k.links[unconfirmed]
	time.Sleep(1100 * time.Millisecond)
	if _, err := srv.Klaviyo().UpdateProfile(l.BID, map[string]any{"first_name": "Typed"}); err != nil {
		t.Fatal(err)
	}
	if next, err := a.Run(ctx, "s", app.RunOptions{Confirm: true}); err != nil || next.Summary.Status != "success" {
		t.Fatalf("next run: %v %+v", err, next.Summary)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"firstname": sent}); err != nil {
		t.Fatal(err)
	}
	later, err := a.Run(ctx, "s", app.RunOptions{Confirm: true})
	if err != nil || later.Summary.Status != "success" {
		t.Fatalf("later run: %v %+v", err, later.Summary)
	}
	if p, _ := srv.Klaviyo().Profile(l.BID); p.FirstName != sent {
		t.Fatalf("the later run left Klaviyo %s %q; want %q", l.BID, p.FirstName, sent)
	}
	auditOf(t, a, stopped.RunID)
	undoLogged(ctx, t, a, stopped.RunID)
	if p, _ := srv.Klaviyo().Profile(l.BID); p.FirstName != sent {
		t.Errorf("Klaviyo %s first name after undoing run %d: %q; run %d's later write of %q was reverted",
			l.BID, stopped.RunID, p.FirstName, later.Summary.RunID, sent)
	}
	item := openItemOf(t, a, "s", l.BID)
	if item.ID == 0 {
		t.Fatalf("the undo left %s's first name without a word", l.BID)
	}
	if reason := reasonOf(t, item); !strings.Contains(reason, fmt.Sprintf("run %d", later.Summary.RunID)) || !strings.Contains(reason, "outcome unknown") {
		t.Errorf("the undo's item says %q; want it to name run %d, which wrote the value since, and the stop's unknown outcome", reason, later.Summary.RunID)
	}
}
