package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// runOK runs a sync with confirmation and fails the test unless it
// succeeded.
func runOK(t *testing.T, a *app.App, name string) app.RunResult {
	t.Helper()
	res, err := a.Run(context.Background(), name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("%s run: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
	}
	return res
}

// activitySyncedOnce connects HubSpot and Salesforce (seed, 60 contacts),
// saves the contacts sync and activity, a sync of activities on those
// contacts, and runs each once.
func activitySyncedOnce(t *testing.T, seed int64, activity engine.Definition) (*app.App, *hubspot.Sim, *salesforce.Sim) {
	t.Helper()
	a, srv := connectedSandbox(t, seed, 60)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), activity)
	runOK(t, a, "contacts")
	runOK(t, a, activity.Name)
	return a, srv.HubSpot(), srv.Salesforce()
}

// sfRecordsWhere lists the Salesforce records of object whose field is value.
func sfRecordsWhere(sf *salesforce.Sim, object, field, value string) []salesforce.Record {
	var out []salesforce.Record
	for _, r := range sf.Records(object) {
		if r.Fields[field] == value {
			out = append(out, r)
		}
	}
	return out
}

// TestTaskHeldUntilItsContactLinks: a HubSpot task on a contact made
// since the contacts sync last ran reaches Salesforce once, without a
// contact; once the contacts sync links the contact, the same Task gets it
// (no second Task), and the run after writes nothing.
func TestTaskHeldUntilItsContactLinks(t *testing.T) {
	a, hs, sf := activitySyncedOnce(t, 41, app.DemoTasksSync("tasks", "hs", "sf", "contacts"))

	contact := mustCreateHS(t, hs, "contacts", map[string]string{"email": "newbie@audit.example", "firstname": "Nia", "lastname": "Newbie"})
	const subject = "Audit: welcome call for Nia"
	task := mustCreateHS(t, hs, "tasks", map[string]string{"hs_task_subject": subject, "hs_task_status": "NOT_STARTED", "hs_timestamp": "2026-12-10T09:00:00Z"})
	if err := hs.SeedAssociations("tasks", "contacts", map[string]string{task.ID: contact.ID}); err != nil {
		t.Fatal(err)
	}

	// Salesforce's WhoId is optional: the Task is made now, its contact
	// waits for the contacts sync.
	held := runOK(t, a, "tasks")
	early := sfRecordsWhere(sf, "Task", "Subject", subject)
	if len(early) != 1 || early[0].Fields["WhoId"] != "" || held.Plan.Counts.WaitingLink != 1 {
		t.Fatalf("before the contact links: Tasks %+v, %d references waiting; want one Task, its contact waiting\n%s",
			early, held.Plan.Counts.WaitingLink, held.Plan.Summary())
	}
	runOK(t, a, "contacts")
	var sfContact string
	for _, l := range syncLinks(t, a, "contacts") {
		if l.AID == contact.ID {
			sfContact = l.BID
		}
	}
	if sfContact == "" {
		t.Fatal("the new contact was not linked by the contacts sync")
	}
	runOK(t, a, "tasks")
	got := sfRecordsWhere(sf, "Task", "Subject", subject)
	if len(got) != 1 || got[0].ID != early[0].ID || got[0].Fields["WhoId"] != sfContact {
		t.Fatalf("Salesforce Tasks %q: %+v, want %s alone, on Contact %s", subject, got, early[0].ID, sfContact)
	}
	if again := runOK(t, a, "tasks"); again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("run after wrote %+v\n%s", again.Summary, again.Plan.Summary())
	}
}

// TestNoteEditedOnBothSides: a note edited in Salesforce and later in
// HubSpot between runs is a conflict the preview shows; the run writes the
// newer (HubSpot's) text to Salesforce with its old → new in the audit, and
// the run after writes nothing.
func TestNoteEditedOnBothSides(t *testing.T) {
	ctx := context.Background()
	a, hs, sf := activitySyncedOnce(t, 53, app.DemoNotesSync("notes", "hs", "sf", "contacts"))
	links := syncLinks(t, a, "notes")
	if len(links) == 0 {
		t.Fatal("no linked notes")
	}
	hsNote, sfNote := links[0].AID, links[0].BID
	before, _ := sf.Get("Note", sfNote)

	if _, err := sf.Update("Note", sfNote, map[string]string{"Body": "Salesforce says: budget approved"}); err != nil {
		t.Fatal(err)
	}
	// Salesforce keeps LastModifiedDate to the second: an edit in the same
	// second would be a tie, held in Review rather than won by HubSpot.
	time.Sleep(1100 * time.Millisecond)
	if _, err := hs.Update("notes", hsNote, map[string]string{"hs_note_body": "<p>HubSpot says: budget <b>approved</b> for Q1</p>"}); err != nil {
		t.Fatal(err)
	}

	preview, err := a.Run(ctx, "notes", app.RunOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var seen bool
	for _, c := range preview.Plan.Conflicts {
		if c.A == hsNote && c.B == sfNote {
			seen = true
			if c.Winner != "a" {
				t.Errorf("conflict %+v: want HubSpot's newer edit to win", c)
			}
		}
	}
	if !seen {
		t.Fatalf("preview shows no conflict for note %s/%s:\n%s", hsNote, sfNote, preview.Plan.Summary())
	}

	res := runOK(t, a, "notes")
	s, _ := sf.Get("Note", sfNote)
	if s.Fields["Body"] != "HubSpot says: budget approved for Q1" {
		t.Fatalf("Salesforce Note body %q (was %q), want HubSpot's text", s.Fields["Body"], before.Fields["Body"])
	}
	rows, err := a.AuditPage(ctx, res.Summary.RunID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var audited bool
	for _, r := range rows {
		if r.RecordID == sfNote && r.Field == "Body" {
			audited = r.Old == "Salesforce says: budget approved" && strings.Contains(r.New, "for Q1")
			if !audited {
				t.Errorf("audit row %+v: want Salesforce's text → HubSpot's", r)
			}
		}
	}
	if !audited {
		t.Fatalf("no audit row for Note %s Body in %+v", sfNote, rows)
	}
	if again := runOK(t, a, "notes"); again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("run after wrote %+v\n%s", again.Summary, again.Plan.Summary())
	}
}

// TestTaskDeletedInSalesforce: a rep deletes a synced Salesforce Task
// and the HubSpot task is edited later. Deletes are not synced by the
// ready-made syncs, so the delete is held, the HubSpot task stays, the edit
// neither fails against the Task that is gone nor brings it back, and the
// run after writes nothing.
func TestTaskDeletedInSalesforce(t *testing.T) {
	a, hs, sf, task, sfTask := salesforceTaskSynced(t)
	sfTasks := sf.Count("Task")
	if !sf.Delete("Task", sfTask) {
		t.Fatal("delete failed")
	}
	if held := runOK(t, a, "tasks"); held.Plan.Counts.HeldDelete != 1 || held.Plan.Counts.Delete != 0 {
		t.Fatalf("run after the delete: %+v, want the delete held\n%s", held.Plan.Counts, held.Plan.Summary())
	}
	time.Sleep(5 * time.Millisecond)
	const subject = "Audit: edited after the delete"
	if _, err := hs.Update("tasks", task, map[string]string{"hs_task_subject": subject}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if res := runOK(t, a, "tasks"); res.Summary.Created+res.Summary.Updated != 0 {
			t.Fatalf("run after the edit wrote %+v\n%s", res.Summary, res.Plan.Summary())
		}
	}
	if h, ok := hs.Get("tasks", task); !ok || h.Properties["hs_task_subject"] != subject {
		t.Fatalf("HubSpot task %s: %v %q, want it kept with its edit", task, ok, h.Properties["hs_task_subject"])
	}
	if n := sf.Count("Task"); n != sfTasks-1 {
		t.Fatalf("Salesforce Tasks %d → %d, want the deleted one gone and nothing brought back", sfTasks, n)
	}
}

// TestTaskArchivedInHubSpot: a synced HubSpot task is deleted and its
// Salesforce Task edited later. The ready-made syncs list no HubSpot
// deletes (that costs calls; only syncs that propagate deletes do), so the
// write of the edit meets HubSpot's OBJECT_NOT_FOUND: that is the delete,
// held in the same run with a warning naming the task, not a failure; the
// run after holds it again, writes nothing and fails nothing, and the
// Salesforce Task is never deleted.
func TestTaskArchivedInHubSpot(t *testing.T) {
	ctx := context.Background()
	a, hs, sf, task, sfTask := salesforceTaskSynced(t)
	hsTasks := hs.Count("tasks")
	if !hs.Archive("tasks", task) {
		t.Fatal("archive failed")
	}
	runOK(t, a, "tasks")
	time.Sleep(5 * time.Millisecond)
	if _, err := sf.Update("Task", sfTask, map[string]string{"Subject": "Audit: edited after the archive"}); err != nil {
		t.Fatal(err)
	}
	held, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || held.Summary.Failed != 0 || held.Summary.Status != "success" {
		t.Fatalf("run after the edit: %v %+v, want the delete of the task held, not failed", err, held.Summary)
	}
	d, err := a.RunDetail(ctx, held.Summary.RunID)
	if err != nil || len(d.Errors) != 0 || !strings.Contains(strings.Join(held.Plan.Warnings, "\n"), task+" was deleted in hs") {
		t.Fatalf("run errors %+v %v, warnings %q: want none, and task %s named as deleted", d.Errors, err, held.Plan.Warnings, task)
	}
	after := runOK(t, a, "tasks")
	if c := after.Plan.Counts; c.HeldDelete != 1 || c.Delete != 0 || after.Summary.Created+after.Summary.Updated != 0 {
		t.Fatalf("run after the failure: %+v %+v, want the delete held and nothing written\n%s", c, after.Summary, after.Plan.Summary())
	}
	if _, ok := sf.Get("Task", sfTask); !ok {
		t.Fatalf("Salesforce Task %s deleted", sfTask)
	}
	if n := hs.Count("tasks"); n != hsTasks-1 {
		t.Fatalf("HubSpot tasks %d → %d, want the archived one not created again", hsTasks, n)
	}
	if again := runOK(t, a, "tasks"); again.Summary.Created+again.Summary.Updated+again.Summary.Failed != 0 {
		t.Fatalf("last run %+v\n%s", again.Summary, again.Plan.Summary())
	}
}

// TestTaskOnContactMergedInSalesforce: Salesforce merges the Contact
// a synced Task names into another linked Contact, moving the Task's WhoId
// to the survivor. As with a merged Account (TestAccountMergeMovesContactsCompany)
// the HubSpot task stays on its contact until a person merges the two
// HubSpot contacts as the held delete says; then the task is on the merged
// contact, its Task on the survivor, nothing is duplicated, and the run
// after writes nothing.
func TestTaskOnContactMergedInSalesforce(t *testing.T) {
	a, hs, sf, task, sfTask := salesforceTaskSynced(t)
	s, _ := sf.Get("Task", sfTask)
	loser := s.Fields["WhoId"]
	var survivor, hsSurvivor, hsLoser string
	for _, l := range syncLinks(t, a, "contacts") {
		switch {
		case l.BID == loser:
			hsLoser = l.AID
		case survivor == "":
			survivor, hsSurvivor = l.BID, l.AID
		}
	}
	hsTasks, sfTasks := hs.Count("tasks"), sf.Count("Task")
	time.Sleep(5 * time.Millisecond)
	if err := sf.Merge("Contact", survivor, loser); err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "contacts")
	held := runOK(t, a, "tasks")
	if cs, _ := hs.Associated("tasks", task, "contacts"); len(cs) != 1 || cs[0] != hsLoser {
		t.Fatalf("HubSpot task %s on contacts %v before the HubSpot merge, want still %s\n%s", task, cs, hsLoser, held.Plan.Summary())
	}
	merged, err := hs.Merge("contacts", hsSurvivor, hsLoser)
	if err != nil {
		t.Fatal(err)
	}
	runOK(t, a, "contacts")
	runOK(t, a, "tasks")
	if s, _ := sf.Get("Task", sfTask); s.Fields["WhoId"] != survivor {
		t.Fatalf("Salesforce Task on %q, want the survivor %s", s.Fields["WhoId"], survivor)
	}
	if cs, _ := hs.Associated("tasks", task, "contacts"); len(cs) != 1 || cs[0] != merged {
		t.Fatalf("HubSpot task %s on contacts %v, want only the merged contact %s", task, cs, merged)
	}
	if n, m := hs.Count("tasks"), sf.Count("Task"); n != hsTasks || m != sfTasks {
		t.Fatalf("tasks %d → %d in HubSpot, %d → %d in Salesforce", hsTasks, n, sfTasks, m)
	}
	if again := runOK(t, a, "tasks"); again.Summary.Created+again.Summary.Updated != 0 || again.Plan.Counts.WaitingLink != 0 {
		t.Fatalf("run after wrote %+v, %d references waiting\n%s", again.Summary, again.Plan.Counts.WaitingLink, again.Plan.Summary())
	}
}

// TestNoteHeldUntilItsContactLinks: a HubSpot note on a contact made
// since the contacts sync last ran cannot reach Salesforce yet (a Note
// needs its ParentId): the run neither fails nor creates it; once the
// contacts sync links the contact, the note is created once on that
// Contact, and the run after writes nothing.
func TestNoteHeldUntilItsContactLinks(t *testing.T) {
	a, hs, sf := activitySyncedOnce(t, 53, app.DemoNotesSync("notes", "hs", "sf", "contacts"))

	contact := mustCreateHS(t, hs, "contacts", map[string]string{"email": "later@audit.example", "firstname": "Lee", "lastname": "Later"})
	const text = "Audit: Lee asked for the enterprise quote"
	note := mustCreateHS(t, hs, "notes", map[string]string{"hs_note_body": "<p>" + text + "</p>", "hs_timestamp": "2026-12-01T10:00:00Z"})
	if err := hs.SeedAssociations("notes", "contacts", map[string]string{note.ID: contact.ID}); err != nil {
		t.Fatal(err)
	}
	held := runOK(t, a, "notes")
	if got := sfRecordsWhere(sf, "Note", "Body", text); len(got) != 0 || held.Summary.Failed != 0 {
		t.Fatalf("before the contact links: Notes %+v, %+v; want none and no failure\n%s", got, held.Summary, held.Plan.Summary())
	}
	runOK(t, a, "contacts")
	var sfContact string
	for _, l := range syncLinks(t, a, "contacts") {
		if l.AID == contact.ID {
			sfContact = l.BID
		}
	}
	written := runOK(t, a, "notes")
	got := sfRecordsWhere(sf, "Note", "Body", text)
	if sfContact == "" || len(got) != 1 || got[0].Fields["ParentId"] != sfContact {
		t.Fatalf("Salesforce Notes %+v, want one on Contact %q\n%s", got, sfContact, written.Plan.Summary())
	}
	if again := runOK(t, a, "notes"); again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("run after wrote %+v\n%s", again.Summary, again.Plan.Summary())
	}
}

// TestDynamicsNoteEditedOnBothSides: a note edited in HubSpot and
// later in Dynamics 365 between runs: the newer (Dataverse's) text wins,
// HubSpot's note takes it with its old → new in the audit, and the run
// after writes nothing (the plain text written into HubSpot's HTML body
// does not come back as a change).
func TestDynamicsNoteEditedOnBothSides(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 41, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	saveSyncs(t, a, app.DemoDynamicsSync("contacts", "hs", "dv", ""), app.DemoDynamicsNotesSync("notes", "hs", "dv", "contacts"))
	runOK(t, a, "contacts")
	runOK(t, a, "notes")
	links := syncLinks(t, a, "notes")
	if len(links) == 0 {
		t.Fatal("no linked notes")
	}
	hsNote, dvNote := links[0].AID, links[0].BID
	if _, err := hs.Update("notes", hsNote, map[string]string{"hs_note_body": "<p>HubSpot: renewal at <i>risk</i></p>"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // Dataverse keeps modifiedon to the second
	const dvText = "Dynamics: renewal signed & countersigned"
	if _, err := dv.Update("annotations", dvNote, map[string]any{"notetext": dvText}); err != nil {
		t.Fatal(err)
	}
	res := runOK(t, a, "notes")
	if res.Plan.Counts.Conflicts != 1 {
		t.Errorf("plan counts %+v, want the conflict shown\n%s", res.Plan.Counts, res.Plan.Summary())
	}
	h, _ := hs.Get("notes", hsNote)
	t.Logf("HubSpot body now %q", h.Properties["hs_note_body"])
	if !strings.Contains(h.Properties["hs_note_body"], "renewal signed") {
		t.Fatalf("HubSpot note body %q, want Dataverse's newer text\n%s", h.Properties["hs_note_body"], res.Plan.Summary())
	}
	rows, err := a.AuditPage(ctx, res.Summary.RunID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, r := range rows {
		if r.RecordID == hsNote && r.Field == "hs_note_body" {
			audited = strings.Contains(r.Old, "risk") && strings.Contains(r.New, "signed")
		}
	}
	if !audited {
		t.Fatalf("no audit row HubSpot's text → Dataverse's for note %s: %+v", hsNote, rows)
	}
	if again := runOK(t, a, "notes"); again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("run after wrote %+v\n%s", again.Summary, again.Plan.Summary())
	}
}
