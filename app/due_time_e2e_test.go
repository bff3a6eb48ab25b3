package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
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

// TestDateOntoHubSpotDatetimeOnSideB: the sync editor's suggestion for a
// date on side A onto a HubSpot datetime on side B (datetime:ZONE, back
// as date:ZONE). A HubSpot task due at 15:00 in the portal must not read
// as a change of its Salesforce date on every run (the day's start
// against 15:00), and a Salesforce task created in HubSpot is due on its
// day there.
func TestDateOntoHubSpotDatetimeOnSideB(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 66, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	def := tasksOntoHubSpot(engine.ConflictNewer,
		mapping.Field{A: "Status", B: "hs_task_status", Transform: "map", ValueMap: map[string]string{"Not Started": "NOT_STARTED", "Completed": "COMPLETED"},
			ReverseTransform: "map", ReverseValueMap: map[string]string{"NOT_STARTED": "Not Started", "COMPLETED": "Completed"}, Rule: mapping.UnlessBlank})
	saveSyncs(t, a, def)
	ny, _ := time.LoadLocation("America/New_York")
	due := time.Date(2026, 12, 10, 15, 0, 0, 0, ny).UTC().Format(time.RFC3339)
	if _, err := hs.Create("tasks", map[string]string{"hs_task_subject": "Quote at three", "hs_timestamp": due, "hs_task_status": "NOT_STARTED"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Create("Task", map[string]string{"Subject": "Renewal from Salesforce", "ActivityDate": "2026-12-11", "Status": "Not Started", "Priority": "Normal"}); err != nil {
		t.Fatal(err)
	}
	first, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v", err, first.Summary)
	}
	for _, r := range sf.Records("Task") {
		if r.Fields["Subject"] == "Quote at three" && r.Fields["ActivityDate"] != "2026-12-10" {
			t.Fatalf("Salesforce Task due %s, want 2026-12-10", r.Fields["ActivityDate"])
		}
	}
	for _, r := range hs.Records("tasks") {
		if r.Properties["hs_task_subject"] == "Renewal from Salesforce" {
			ts, _ := time.Parse(time.RFC3339, r.Properties["hs_timestamp"])
			if got := ts.In(ny).Format("2006-01-02"); got != "2026-12-11" {
				t.Fatalf("HubSpot task due %s in the portal, want 2026-12-11", got)
			}
		}
	}
	for i := 0; i < 2; i++ {
		again, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
		if err != nil || again.Summary.Created+again.Summary.Updated+again.Summary.Conflicts != 0 {
			t.Fatalf("run %d after: %v %+v\n%s", i+2, err, again.Summary, again.Plan.Summary())
		}
	}
	quote := func(want time.Time) {
		t.Helper()
		for _, r := range hs.Records("tasks") {
			if ts, _ := time.Parse(time.RFC3339, r.Properties["hs_timestamp"]); r.Properties["hs_task_subject"] == "Quote at three" && !ts.Equal(want) {
				t.Fatalf("HubSpot task due %s, want %s", ts.In(ny), want)
			}
		}
	}
	quote(time.Date(2026, 12, 10, 15, 0, 0, 0, ny))
	// Salesforce moves it a day: HubSpot's task keeps 15:00.
	for _, r := range sf.Records("Task") {
		if r.Fields["Subject"] == "Quote at three" {
			if _, err := sf.Update("Task", r.ID, map[string]string{"ActivityDate": "2026-12-11"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	moved, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil || moved.Summary.Updated != 1 {
		t.Fatalf("run after the move: %v %+v", err, moved.Summary)
	}
	quote(time.Date(2026, 12, 11, 15, 0, 0, 0, ny))
	if again, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || again.Summary.Updated != 0 {
		t.Fatalf("run after: %v %+v", err, again.Summary)
	}
}

// TestDateOntoDatetimeOnBNoSpuriousConflict: the editor's
// suggestion for a Salesforce date onto a HubSpot datetime (datetime:ZONE
// back as date:ZONE), conflicts left for review. A HubSpot task due at
// 15:00 and its Salesforce date agree; however many quiet runs came
// before, a Salesforce user moving the date is a change of one side only:
// HubSpot's task moves to that day at 15:00, with no conflict to review.
func TestDateOntoDatetimeOnBNoSpuriousConflict(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 67, 0)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	def := tasksOntoHubSpot(engine.ConflictReview)
	saveSyncs(t, a, def)
	ny, _ := time.LoadLocation("America/New_York")
	due := time.Date(2026, 12, 10, 15, 0, 0, 0, ny).UTC().Format(time.RFC3339)
	task, err := hs.Create("tasks", map[string]string{"hs_task_subject": "Quote at three", "hs_timestamp": due})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	var sfID string
	for _, r := range sf.Records("Task") {
		if r.Fields["Subject"] == "Quote at three" {
			sfID = r.ID
		}
	}
	if sfID == "" {
		t.Fatal("no Salesforce Task made from the HubSpot task")
	}
	day := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	for quiet := 1; quiet <= 2; quiet++ {
		for i := 0; i < quiet; i++ {
			if res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Updated+res.Summary.Conflicts != 0 {
				t.Fatalf("quiet run: %v %+v", err, res.Summary)
			}
		}
		day = day.AddDate(0, 0, 1)
		if _, err := sf.Update("Task", sfID, map[string]string{"ActivityDate": day.Format("2006-01-02")}); err != nil {
			t.Fatal(err)
		}
		res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Conflicts != 0 {
			t.Fatalf("after %d quiet run(s), Salesforce moved the date to %s: %v %+v, want no conflict (only Salesforce changed)\n%s",
				quiet, day.Format("2006-01-02"), err, res.Summary, res.Plan.Summary())
		}
		r, _ := hs.Get("tasks", task.ID)
		ts, _ := time.Parse(time.RFC3339, r.Properties["hs_timestamp"])
		if got, want := ts.In(ny).Format("2006-01-02 15:04"), day.Format("2006-01-02")+" 15:00"; got != want {
			t.Fatalf("after %d quiet run(s): HubSpot task due %s, want %s (Salesforce moved it, its time kept)", quiet, got, want)
		}
	}
}

// tasksOntoHubSpot is the sync the editor suggests for Salesforce Tasks
// (A) onto HubSpot tasks (B) in a New York portal: the due date onto
// HubSpot's datetime as datetime:ZONE, back as date:ZONE, and more rows.
func tasksOntoHubSpot(conflict string, more ...mapping.Field) engine.Definition {
	return engine.Definition{Name: "tasks-b", A: engine.SideDef{Connection: "sf", Object: "Task"}, B: engine.SideDef{Connection: "hs", Object: "tasks"},
		Direction: mapping.TwoWay, Match: []engine.MatchRule{{A: "Subject", B: "hs_task_subject", Normalize: "lower"}},
		Unmatched: engine.UnmatchedCreate, Conflict: conflict, Schedule: "manual",
		Fields: append([]mapping.Field{{A: "Subject", B: "hs_task_subject", Rule: mapping.UnlessBlank},
			{A: "ActivityDate", B: "hs_timestamp", Transform: "datetime:America/New_York", ReverseTransform: "date:America/New_York", Rule: mapping.UnlessBlank}}, more...)}
}
