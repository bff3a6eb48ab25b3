package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestTaskFollowsMergedContact: HubSpot merges a linked contact with a new
// one into a third record and moves the contact's tasks there without
// modifying them, so the index still names the old contact on each task.
// After the contacts sync carries the link over, that old id reads as the
// survivor: a task edited in Salesforce syncs with nothing waiting, and a
// Salesforce Task moved to another Contact moves the HubSpot task too.
func TestTaskFollowsMergedContact(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 41, 60)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoTasksSync("tasks", "hs", "sf", "contacts"))
	waiting := 0 // tasks on contacts the contacts sync holds for review
	for _, name := range []string{"contacts", "tasks"} {
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v", name, err, res.Summary)
		}
		waiting = res.Plan.Counts.WaitingLink
	}
	partner := map[string]string{} // HubSpot contact -> Salesforce Contact
	for _, l := range syncLinks(t, a, "contacts") {
		partner[l.AID] = l.BID
	}
	// A HubSpot task linked to a Salesforce Task, on a linked contact.
	var task, sfTask, contact string
	for _, l := range syncLinks(t, a, "tasks") {
		cs, _ := hs.Associated("tasks", l.AID, "contacts")
		if s, _ := sf.Get("Task", l.BID); len(cs) == 1 && partner[cs[0]] != "" && s.Fields["WhoId"] == partner[cs[0]] {
			task, sfTask, contact = l.AID, l.BID, cs[0]
			break
		}
	}
	if task == "" {
		t.Fatal("no synced task on a linked contact")
	}
	time.Sleep(5 * time.Millisecond) // past the read cursor's millisecond
	newcomer, err := hs.Create("contacts", map[string]string{"email": "second.address@example.com", "lastname": "Newcomer"})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := hs.Merge("contacts", contact, newcomer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cs, _ := hs.Associated("tasks", task, "contacts"); len(cs) != 1 || cs[0] != merged {
		t.Fatalf("HubSpot task %s after the merge is on %v, want the merged contact %s", task, cs, merged)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" || res.Plan.Counts.Relinked != 1 {
		t.Fatalf("contacts run after the merge: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}

	// The Salesforce Task is edited: the HubSpot task, never modified
	// since the merge, is merged with it, its contact included.
	if _, err := sf.Update("Task", sfTask, map[string]string{"Subject": "Follow up after the merge"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Updated != 1 || res.Plan.Counts.WaitingLink > waiting {
		t.Fatalf("tasks run after the edit: %v %+v, %d waiting, want at most the %d of before\n%s", err, res.Summary, res.Plan.Counts.WaitingLink, waiting, res.Plan.Summary())
	}
	row, err := a.DB().Sync(ctx, "tasks")
	if err != nil {
		t.Fatal(err)
	}
	waits, err := a.DB().RefWaits(ctx, row.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range waits {
		if w.RecordID == task || w.RecordID == sfTask {
			t.Fatalf("the edited task waits for a link: %+v", w)
		}
	}
	if h, _ := hs.Get("tasks", task); h.Properties["hs_task_subject"] != "Follow up after the merge" {
		t.Fatalf("HubSpot task %s: subject %q", task, h.Properties["hs_task_subject"])
	}

	// The Salesforce Task moves to another linked Contact.
	var toHS, toSF string
	for h, s := range partner {
		if h != contact && h != merged {
			toHS, toSF = h, s
			break
		}
	}
	if _, err := sf.Update("Task", sfTask, map[string]string{"WhoId": toSF}); err != nil {
		t.Fatal(err)
	}
	res, err = a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" || res.Summary.Updated != 1 {
		t.Fatalf("tasks run after the move: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if cs, _ := hs.Associated("tasks", task, "contacts"); len(cs) != 1 || cs[0] != toHS {
		t.Fatalf("HubSpot task %s after its Task moved: contacts %v, want only %s", task, cs, toHS)
	}
	if again, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}
