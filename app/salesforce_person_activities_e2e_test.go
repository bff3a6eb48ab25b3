package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/store"
)

// TestPersonAccountActivitiesAndNotes: in a Salesforce org with
// person accounts, Pat is a person account linked by the contacts sync to
// a HubSpot contact. A HubSpot task on Pat must reach Salesforce as a Task
// whose WhoId is Pat's person contact; a Salesforce Task on Pat's person
// contact must reach HubSpot on Pat; and a Salesforce Note on Pat's person
// account (ParentId the Account, where Salesforce's UI puts a person
// account's notes) must reach HubSpot on Pat, not be left out silently.
func TestPersonAccountActivitiesAndNotes(t *testing.T) {
	ctx := context.Background()
	a, clock, sf, hs := personAccountOrg(t)
	const email = "pat.person@example.com"
	acct, pc, err := sf.CreatePersonAccount(map[string]string{"FirstName": "Pat", "LastName": "Person", "Email": email})
	if err != nil {
		t.Fatal(err)
	}
	h, err := hs.Create("contacts", map[string]string{"email": email, "firstname": "Pat", "lastname": "Person"})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"), app.DemoTasksSync("tasks", "hs", "sf", "contacts"),
		app.DemoNotesSync("notes", "hs", "sf", "contacts"))
	run := func(name string) app.RunResult {
		t.Helper()
		res, err := a.Run(ctx, name, app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d, err := a.RunDetail(ctx, res.Summary.RunID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range d.Errors {
			t.Errorf("%s: %s %s %s %s", name, e.RecordID, e.Field, e.Code, e.Message)
		}
		return res
	}
	run("contacts")
	if !slices.ContainsFunc(syncLinks(t, a, "contacts"), func(l store.LinkRow) bool { return l.AID == h.ID && l.BID == pc.ID }) {
		t.Fatalf("HubSpot %s not linked to person contact %s", h.ID, pc.ID)
	}

	clock.step(time.Minute)
	hsTask, err := hs.Create("tasks", map[string]string{"hs_task_subject": "Call Pat back", "hs_timestamp": "2026-11-30T10:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hs.SeedAssociations("tasks", "contacts", map[string]string{hsTask.ID: h.ID}); err != nil {
		t.Fatal(err)
	}
	sfTask, err := sf.Create("Task", map[string]string{"Subject": "Send Pat the brochure", "WhoId": pc.ID, "Status": "Not Started", "Priority": "Normal"})
	if err != nil {
		t.Fatal(err)
	}
	sfNote, err := sf.Create("Note", map[string]string{"Title": "Allergies", "Body": "Pat is allergic to nuts", "ParentId": acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	run("tasks")
	res := run("notes")

	taskOf := map[string]string{}
	for _, l := range syncLinks(t, a, "tasks") {
		taskOf[l.AID] = l.BID
	}
	if s, ok := sf.Get("Task", taskOf[hsTask.ID]); !ok || s.Fields["WhoId"] != pc.ID {
		t.Errorf("the HubSpot task on Pat in Salesforce: %+v (want WhoId %s)", s.Fields, pc.ID)
	}
	for aid, bid := range taskOf {
		if bid == sfTask.ID {
			if ids, _ := hs.Associated("tasks", aid, "contacts"); !slices.Equal(ids, []string{h.ID}) {
				t.Errorf("the Salesforce Task on Pat is on HubSpot contacts %v, want [%s]", ids, h.ID)
			}
		}
	}
	if !slices.Contains(mapValues(taskOf), sfTask.ID) {
		t.Errorf("the Salesforce Task on Pat did not reach HubSpot")
	}

	var hsNote string
	for _, l := range syncLinks(t, a, "notes") {
		if l.BID == sfNote.ID {
			hsNote = l.AID
		}
	}
	if hsNote == "" {
		t.Fatalf("the Salesforce Note on Pat's person account (ParentId %s) did not reach HubSpot: skips %+v", acct.ID, res.Plan.Skips)
	}
	if ids, _ := hs.Associated("notes", hsNote, "contacts"); !slices.Equal(ids, []string{h.ID}) {
		t.Errorf("the Note on Pat's person account is on HubSpot contacts %v, want [%s]", ids, h.ID)
	}

	clock.step(5 * time.Minute)
	for _, name := range []string{"tasks", "notes"} {
		if s := run(name).Summary; s.Created+s.Updated != 0 || s.Failed != 0 {
			t.Errorf("the %s run after wrote or failed again: %+v", name, s)
		}
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
