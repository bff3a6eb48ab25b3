package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

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
	def := engine.Definition{Name: "tasks-b", A: engine.SideDef{Connection: "sf", Object: "Task"}, B: engine.SideDef{Connection: "hs", Object: "tasks"},
		Direction: mapping.TwoWay, Match: []engine.MatchRule{{A: "Subject", B: "hs_task_subject", Normalize: "lower"}},
		Unmatched: engine.UnmatchedCreate, Conflict: engine.ConflictReview, Schedule: "manual",
		Fields: []mapping.Field{{A: "Subject", B: "hs_task_subject", Rule: mapping.UnlessBlank},
			{A: "ActivityDate", B: "hs_timestamp", Transform: "datetime:America/New_York", ReverseTransform: "date:America/New_York", Rule: mapping.UnlessBlank}}}
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
