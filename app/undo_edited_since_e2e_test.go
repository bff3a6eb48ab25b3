package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestUndoLeavesAFieldEditedSinceEachKind: for each object kind the
// HubSpot–Salesforce syncs can undo, a run copies a HubSpot value to
// Salesforce, then a rep types another value there. Undoing the run must
// leave the rep's value (it is no longer what the run wrote) and list the
// field for a person, as rclone bisync and HubSpot's restore compare first.
func TestUndoLeavesAFieldEditedSinceEachKind(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7321, 6)
	people := app.DemoContactsName
	saveSyncs(t, a,
		app.DemoCompaniesSync(app.DemoCompaniesName, "hs", "sf"),
		app.DemoSyncWithCompanies(people, "hs", "sf", app.DemoCompaniesName),
		app.DemoDealsSync(app.DemoDealsName, "hs", "sf", app.DemoCompaniesName),
		app.DemoTasksSync("tasks", "hs", "sf", people),
		app.DemoCallsSync("calls", "hs", "sf", people),
		app.DemoMeetingsSync("meetings", "hs", "sf", people))
	if _, err := a.RunAll(ctx, app.RunOptions{Confirm: true}, nil); err != nil {
		t.Fatal(err)
	}
	kinds := []struct{ sync, hsObj, sfObj, hsField, sfField, ran, typed string }{
		{app.DemoCompaniesName, "companies", "Account", "city", "BillingCity", "Runcity", "Repcity"},
		{people, "contacts", "Contact", "jobtitle", "Title", "Run title", "Rep title"},
		{app.DemoDealsName, "deals", "Opportunity", "amount", "Amount", "4321", "999"},
		{"tasks", "tasks", "Task", "hs_task_body", "Description", "run body", "rep body"},
		{"calls", "calls", "Task", "hs_call_body", "Description", "run call", "rep call"},
		{"meetings", "meetings", "Event", "hs_meeting_location", "Location", "Run room", "Rep room"},
	}
	hs, sf := srv.HubSpot(), srv.Salesforce()
	sfIDs, runs := make([]string, len(kinds)), make([]int64, len(kinds))
	time.Sleep(1100 * time.Millisecond) // the vendors keep modified times to the second
	for i, k := range kinds {
		links := syncLinks(t, a, k.sync)
		if len(links) == 0 {
			t.Fatalf("%s: no linked records", k.sync)
		}
		sfIDs[i] = links[0].BID
		if _, err := hs.Update(k.hsObj, links[0].AID, map[string]string{k.hsField: k.ran}); err != nil {
			t.Fatal(err)
		}
		runs[i] = runUpdating(ctx, t, a, k.sync, 1).Summary.RunID
	}
	time.Sleep(1100 * time.Millisecond)
	for i, k := range kinds {
		if _, err := sf.Update(k.sfObj, sfIDs[i], map[string]string{k.sfField: k.typed}); err != nil {
			t.Fatal(err)
		}
	}
	for i, k := range kinds {
		undoLogged(ctx, t, a, runs[i])
		if r, _ := sf.Get(k.sfObj, sfIDs[i]); r.Fields[k.sfField] != k.typed {
			t.Errorf("%s: Salesforce %s %s %s after undoing run %d: %q; the rep's %q, typed after the run, was overwritten",
				k.sync, k.sfObj, sfIDs[i], k.sfField, runs[i], r.Fields[k.sfField], k.typed)
		}
		if it := openItemOf(t, a, k.sync, sfIDs[i]); it.ID == 0 {
			t.Errorf("%s: the undo of run %d left %s's %s without a word", k.sync, runs[i], sfIDs[i], k.sfField)
		}
	}
}
