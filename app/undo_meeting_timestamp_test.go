package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestUndoMeetingMoveRestoresOwnTimestamp: a meeting whose activity
// date (hs_timestamp) was not its start is moved by a run; undoing the
// run must put back the activity date it had, not the old start.
func TestUndoMeetingMoveRestoresOwnTimestamp(t *testing.T) {
	ctx := context.Background()
	a, srv, id, act := meetingsWithPipedrive(t)
	before := readMeetingPair(t, srv, id, act)
	own := before.start.Add(-3 * time.Hour).UTC().Format(time.RFC3339)
	if _, err := srv.HubSpot().Update("meetings", id, map[string]string{"hs_timestamp": own}); err != nil {
		t.Fatal(err)
	}
	if r, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true}); err != nil || r.Summary.Failed != 0 {
		t.Fatalf("settle: %v %+v", err, r.Summary)
	}
	time.Sleep(1100 * time.Millisecond)
	movePipedriveActivityADayEarlier(t, srv, act, before.start)
	res, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 {
		t.Fatalf("run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if _, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("undo: %v", err)
	}
	h, _ := srv.HubSpot().Get("meetings", id)
	if !instantOf(t, h.Properties["hs_timestamp"]).Equal(instantOf(t, own)) || !instantOf(t, h.Properties["hs_meeting_start_time"]).Equal(before.start) {
		t.Errorf("after the undo start %s hs_timestamp %s; want %s and %s (the activity date it had)",
			h.Properties["hs_meeting_start_time"], h.Properties["hs_timestamp"], before.start.Format(time.RFC3339), own)
	}
}

// TestKilledMeetingMoveUndoRestoresOwnTimestamp: as
// TestUndoMeetingMoveRestoresOwnTimestamp, the run moving the
// meeting (from a Salesforce Event) killed once HubSpot took the update:
// the undo reconciles it from the journal and must still put back the
// activity date the meeting had, not the one the kill left.
func TestKilledMeetingMoveUndoRestoresOwnTimestamp(t *testing.T) {
	ctx := context.Background()
	a, srv, tr := lossyApp(t, 43, 5, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	hs := srv.HubSpot()
	evID, id := linkedEventMeeting(t, a, srv)
	const own = "2026-06-01T07:30:00Z"
	if _, err := hs.Update("meetings", id, map[string]string{"hs_timestamp": own}); err != nil {
		t.Fatal(err)
	}
	// The activity date alone is no mapped field: nothing to write.
	if r, err := a.Run(ctx, "meetings", app.RunOptions{Confirm: true}); err != nil || r.Summary.Updated+r.Summary.Created+r.Summary.Failed != 0 {
		t.Fatalf("run after the activity date was set: %v %+v\n%s", err, r.Summary, r.Plan.Summary())
	}
	time.Sleep(5 * time.Millisecond)
	moveEventAWeekLater(t, srv, evID)
	kctx, kill := context.WithCancel(ctx)
	defer kill()
	tr.kill = kill
	tr.arm(1, postTo("/meetings/batch/update"))
	res, err := a.Run(kctx, "meetings", app.RunOptions{Confirm: true})
	if len(tr.lostCalls()) != 1 {
		t.Fatalf("the run did not die at the meeting update: %v %+v %v", err, res.Summary, tr.lostCalls())
	}
	tr.kill = nil
	if h, _ := hs.Get("meetings", id); !instant(h.Properties["hs_timestamp"]).Equal(instant("2026-06-08T10:00:00Z")) {
		t.Fatalf("the killed run did not move the activity date: %s", h.Properties["hs_timestamp"])
	}
	if _, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true}); err != nil {
		t.Fatalf("undo: %v", err)
	}
	h, _ := hs.Get("meetings", id)
	if !instant(h.Properties["hs_timestamp"]).Equal(instant(own)) || !instant(h.Properties["hs_meeting_start_time"]).Equal(instant("2026-06-01T10:00:00Z")) {
		t.Errorf("after the undo start %s hs_timestamp %s; want 2026-06-01T10:00:00Z and %s", h.Properties["hs_meeting_start_time"], h.Properties["hs_timestamp"], own)
	}
}
