package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestPipedriveTaskDoneBothWays: a HubSpot task's status and its
// Pipedrive activity's done flag go both ways. A task marked done in
// Pipedrive is COMPLETED in HubSpot; one re-opened there is NOT_STARTED;
// an activity edited in Pipedrive without its done flag moving leaves a
// HubSpot task IN_PROGRESS as it is, and a HubSpot status moving between
// open statuses writes nothing to Pipedrive; the run after writes nothing.
func TestPipedriveTaskDoneBothWays(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 35, 8)
	if _, err := a.ConnectSandbox(ctx, srv, "pipedrive", "pd"); err != nil {
		t.Fatalf("connect pipedrive: %v", err)
	}
	hs, pd := srv.HubSpot(), srv.Pipedrive()
	saveSyncs(t, a, app.DemoPipedriveSync("people", "hs", "pd", ""), app.DemoPipedriveTasksSync("tasks", "hs", "pd", "people"))
	for _, name := range []string{"people", "tasks"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	due := time.Now().UTC().Add(72 * time.Hour).Truncate(24 * time.Hour).Format(time.RFC3339)
	tasks := map[string]string{ // subject -> HubSpot status
		"Audit finish me":   "NOT_STARTED",
		"Audit reopen me":   "COMPLETED",
		"Audit leave me":    "IN_PROGRESS",
		"Audit waiting now": "WAITING",
	}
	idOf := map[string]string{}
	for subject, status := range tasks {
		r, err := hs.Create("tasks", map[string]string{"hs_task_subject": subject, "hs_task_status": status, "hs_timestamp": due})
		if err != nil {
			t.Fatal(err)
		}
		idOf[subject] = r.ID
	}
	if res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != len(tasks) {
		t.Fatalf("run after the new tasks: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	activityOf := map[string]int64{}
	for _, l := range syncLinks(t, a, "tasks") {
		for subject, id := range idOf {
			if l.AID == id {
				activityOf[subject], _ = strconv.ParseInt(l.BID, 10, 64)
			}
		}
	}
	for subject, status := range tasks {
		act, ok := pd.GetActivity(activityOf[subject])
		if !ok || act.Done != (status == "COMPLETED") {
			t.Fatalf("task %q %s made activity %d done %v", subject, status, activityOf[subject], act.Done)
		}
	}

	time.Sleep(1100 * time.Millisecond) // update_time has one-second resolution
	for subject, body := range map[string]map[string]any{
		"Audit finish me": {"done": true},
		"Audit reopen me": {"done": false},
		"Audit leave me":  {"note": "called, still on it"},
	} {
		if _, err := pd.UpdateActivity(activityOf[subject], body); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := hs.Update("tasks", idOf["Audit waiting now"], map[string]string{"hs_task_status": "DEFERRED"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the edits: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	want := map[string]string{"Audit finish me": "COMPLETED", "Audit reopen me": "NOT_STARTED", "Audit leave me": "IN_PROGRESS", "Audit waiting now": "DEFERRED"}
	for subject, status := range want {
		if h, _ := hs.Get("tasks", idOf[subject]); h.Properties["hs_task_status"] != status {
			t.Errorf("HubSpot task %q is %s after the run, want %s\n%s", subject, h.Properties["hs_task_status"], status, res.Plan.Summary())
		}
	}
	if h, _ := hs.Get("tasks", idOf["Audit leave me"]); h.Properties["hs_task_body"] != "called, still on it" {
		t.Errorf("HubSpot task body %q, want the note edited in Pipedrive", h.Properties["hs_task_body"])
	}
	for subject, done := range map[string]bool{"Audit finish me": true, "Audit reopen me": false, "Audit leave me": false, "Audit waiting now": false} {
		if act, _ := pd.GetActivity(activityOf[subject]); act.Done != done {
			t.Errorf("activity %q done %v, want %v", subject, act.Done, done)
		}
	}
	if c := res.Plan.Counts; c.UpdateB != 0 {
		t.Errorf("the run wrote %d Pipedrive activities; a HubSpot status moving between open ones is no change there\n%s", c.UpdateB, res.Plan.Summary())
	}
	if again, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}

// TestZohoTaskCompletedBothWays: a task completed in Zoho is
// COMPLETED in HubSpot, one completed in HubSpot is Completed in Zoho, one
// re-opened in Zoho is open in HubSpot; the run after writes nothing.
func TestZohoTaskCompletedBothWays(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 39, 8)
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zc"); err != nil {
		t.Fatalf("connect zoho: %v", err)
	}
	hs, zc := srv.HubSpot(), srv.Zoho()
	saveSyncs(t, a, app.DemoZohoSync("contacts", "hs", "zc"), app.DemoZohoTasksSync("tasks", "hs", "zc", "contacts"))
	for _, name := range []string{"contacts", "tasks"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	due := time.Now().UTC().Add(72 * time.Hour).Truncate(24 * time.Hour).Format(time.RFC3339)
	idOf := map[string]string{}
	for subject, status := range map[string]string{"Audit done in Zoho": "NOT_STARTED", "Audit done in HubSpot": "IN_PROGRESS", "Audit reopened in Zoho": "COMPLETED"} {
		r, err := hs.Create("tasks", map[string]string{"hs_task_subject": subject, "hs_task_status": status, "hs_timestamp": due})
		if err != nil {
			t.Fatal(err)
		}
		idOf[subject] = r.ID
	}
	if res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true}); err != nil || res.Summary.Created != 3 {
		t.Fatalf("run after the new tasks: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	zohoOf := map[string]string{}
	for _, l := range syncLinks(t, a, "tasks") {
		for subject, id := range idOf {
			if l.AID == id {
				zohoOf[subject] = l.BID
			}
		}
	}
	time.Sleep(1100 * time.Millisecond) // Zoho's Modified_Time has one-second resolution
	for subject, status := range map[string]string{"Audit done in Zoho": "Completed", "Audit reopened in Zoho": "In Progress"} {
		if _, err := zc.Update("Tasks", zohoOf[subject], map[string]any{"Status": status}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := hs.Update("tasks", idOf["Audit done in HubSpot"], map[string]string{"hs_task_status": "COMPLETED"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the edits: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	for subject, want := range map[string][2]string{"Audit done in Zoho": {"COMPLETED", "Completed"},
		"Audit done in HubSpot": {"COMPLETED", "Completed"}, "Audit reopened in Zoho": {"IN_PROGRESS", "In Progress"}} {
		h, _ := hs.Get("tasks", idOf[subject])
		z, _ := zc.Get("Tasks", zohoOf[subject])
		if h.Properties["hs_task_status"] != want[0] || z.Fields["Status"] != want[1] {
			t.Errorf("task %q: HubSpot %s, Zoho %s; want %s and %s\n%s", subject, h.Properties["hs_task_status"], z.Fields["Status"], want[0], want[1], res.Plan.Summary())
		}
	}
	if again, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}
