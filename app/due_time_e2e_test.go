package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestMovedDueDateKeepsHubSpotTime: a HubSpot task in a New York
// portal due 10 December at 15:00 reaches Salesforce due on the 10th; a
// Salesforce user moves it to the 11th. HubSpot's task must then be due
// on 11 December at 15:00, the time of day its user set (its reminder is
// relative to it), not at midnight; the run after writes nothing; and a
// HubSpot-side change of the time alone (same day) writes nothing to
// Salesforce.
func TestMovedDueDateKeepsHubSpotTime(t *testing.T) {
	ctx := context.Background()
	a, srv, _ := readyMadeTasks(t, 65, "America/New_York")
	hs, sf := srv.HubSpot(), srv.Salesforce()
	ny, _ := time.LoadLocation("America/New_York")
	due := time.Date(2026, 12, 10, 15, 0, 0, 0, ny).UTC().Format(time.RFC3339)
	task, err := hs.Create("tasks", map[string]string{"hs_task_subject": "Send the quote", "hs_timestamp": due})
	if err != nil {
		t.Fatal(err)
	}
	runTasks(t, a)
	var sfID string
	for _, l := range syncLinks(t, a, "demo-tasks") {
		if l.AID == task.ID {
			sfID = l.BID
		}
	}
	if sfID == "" {
		t.Fatal("the HubSpot task was not linked to a Salesforce Task")
	}
	if got, _ := sf.Get("Task", sfID); got.Fields["ActivityDate"] != "2026-12-10" {
		t.Fatalf("ActivityDate %q, want 2026-12-10", got.Fields["ActivityDate"])
	}
	if _, err := sf.Update("Task", sfID, map[string]string{"ActivityDate": "2026-12-11"}); err != nil {
		t.Fatal(err)
	}
	runTasks(t, a)
	hsDue := func() string {
		t.Helper()
		r, _ := hs.Get("tasks", task.ID)
		ts, err := time.Parse(time.RFC3339, r.Properties["hs_timestamp"])
		if err != nil {
			t.Fatalf("hs_timestamp %q: %v", r.Properties["hs_timestamp"], err)
		}
		return ts.In(ny).Format("2006-01-02 15:04")
	}
	if got := hsDue(); got != "2026-12-11 15:00" {
		t.Fatalf("HubSpot task due %s in the portal after Salesforce moved it to the 11th, want 2026-12-11 15:00 (the time its user set)", got)
	}
	if res, err := a.Run(ctx, "demo-tasks", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Fatalf("run after: %v %+v, want nothing written", err, res.Summary)
	}
	later := time.Date(2026, 12, 11, 17, 30, 0, 0, ny).UTC().Format(time.RFC3339)
	if _, err := hs.Update("tasks", task.ID, map[string]string{"hs_timestamp": later}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "demo-tasks", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created+res.Summary.Updated != 0 {
		t.Fatalf("run after a HubSpot time change alone: %v %+v, want nothing written", err, res.Summary)
	}
	if got, _ := sf.Get("Task", sfID); got.Fields["ActivityDate"] != "2026-12-11" {
		t.Fatalf("ActivityDate %q, want 2026-12-11", got.Fields["ActivityDate"])
	}
	if got := hsDue(); got != "2026-12-11 17:30" {
		t.Fatalf("HubSpot task due %s, want its own 17:30 kept", got)
	}
}
