package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// salesforceTaskSynced connects HubSpot and Salesforce (seed 41, 60
// contacts), saves the contacts and tasks syncs and returns, after both
// ran, a HubSpot task linked to a Salesforce Task on one linked contact.
func salesforceTaskSynced(t *testing.T) (a *app.App, hs *hubspot.Sim, sf *salesforce.Sim, task, sfTask string) {
	t.Helper()
	a, srv := connectedSandbox(t, 41, 60)
	hs, sf = srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoTasksSync("tasks", "hs", "sf", "contacts"))
	task, sfTask = syncedTaskOnLinkedContact(t, a,
		func(id string) []string { cs, _ := hs.Associated("tasks", id, "contacts"); return cs },
		func(id string) string { s, _ := sf.Get("Task", id); return s.Fields["WhoId"] })
	return a, hs, sf, task, sfTask
}

// syncedTaskOnLinkedContact runs the contacts and tasks syncs and returns a
// HubSpot task linked to a Salesforce Task, both on one linked contact.
func syncedTaskOnLinkedContact(t *testing.T, a *app.App, hsTasks func(id string) []string, whoOf func(id string) string) (task, sfTask string) {
	t.Helper()
	ctx := context.Background()
	for _, name := range []string{"contacts", "tasks"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
	}
	partner := map[string]string{}
	for _, l := range syncLinks(t, a, "contacts") {
		partner[l.AID] = l.BID
	}
	for _, l := range syncLinks(t, a, "tasks") {
		if cs := hsTasks(l.AID); len(cs) == 1 && partner[cs[0]] != "" && whoOf(l.BID) == partner[cs[0]] {
			return l.AID, l.BID
		}
	}
	t.Fatal("no synced task on a linked contact")
	return "", ""
}

// TestTaskContactClearedInSalesforce: a rep takes a Salesforce Task
// off its contact (WhoId cleared). A blank reference is no reference to an
// unlinked record: the run must not put the task in review as "referenced
// record is not linked" (naming no record), and must not write the old
// contact back over the rep's change when the HubSpot task is edited
// later. The HubSpot task keeps its contact (unless blank, as HubSpot's
// connector never removes one).
func TestTaskContactClearedInSalesforce(t *testing.T) {
	ctx := context.Background()
	a, hs, sf, task, sfTask := salesforceTaskSynced(t)
	contacts, _ := hs.Associated("tasks", task, "contacts")

	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Task", sfTask, map[string]string{"WhoId": ""}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("tasks run after the clear: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	open, err := a.Reviews(ctx, "tasks", "", "open")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range open {
		if r.RecordID == sfTask || r.RecordID == task {
			t.Errorf("the cleared contact went to review: %s %s", r.Kind, r.Detail)
		}
	}

	// Someone edits the HubSpot task's subject later.
	time.Sleep(5 * time.Millisecond)
	if _, err := hs.Update("tasks", task, map[string]string{"hs_task_subject": "Call back next week"}); err != nil {
		t.Fatal(err)
	}
	res, err = a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("tasks run after the edit: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	s, _ := sf.Get("Task", sfTask)
	cs, _ := hs.Associated("tasks", task, "contacts")
	if s.Fields["Subject"] != "Call back next week" || s.Fields["WhoId"] != "" || len(cs) != 1 || cs[0] != contacts[0] {
		t.Fatalf("after the rep cleared the Task's contact and the HubSpot task was edited: Salesforce %q on %q, HubSpot contacts %v; want the edit carried, the clear kept and HubSpot's %v kept\n%s",
			s.Fields["Subject"], s.Fields["WhoId"], cs, contacts, res.Plan.Summary())
	}
}
