package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

func TestRunOrderPutsLinkedSyncsFirst(t *testing.T) {
	def := func(name string, links ...string) engine.Definition {
		d := engine.Definition{Name: name}
		for _, l := range links {
			d.Fields = append(d.Fields, mapping.Field{A: "ref", B: "Ref", Transform: "link:" + l})
		}
		return d
	}
	got := app.RunOrder([]engine.Definition{
		def("a-tasks", "m-contacts"), def("m-contacts", "z-companies"), def("z-companies"),
		def("b-deals", "z-companies"), def("loop-1", "loop-2"), def("loop-2", "loop-1"), def("orphan", "gone"),
	})
	want := []string{"z-companies", "m-contacts", "a-tasks", "b-deals", "loop-2", "loop-1", "orphan"}
	if !slices.Equal(got, want) {
		t.Fatalf("RunOrder = %v, want %v", got, want)
	}
}

// TestRunAllSyncsInOrder runs the companies, contacts and tasks syncs
// between HubSpot and Salesforce, named against their order, with one
// sync paused and one over its safety limit: the companies run first, so
// the contacts' companies are written in the same round; the paused sync
// is left alone, and the one over its limit writes nothing and says why.
func TestRunAllSyncsInOrder(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 31, 40)
	tasks := app.DemoTasksSync("aa-tasks", "hs", "sf", "mm-contacts")
	contacts := app.DemoSyncWithCompanies("mm-contacts", "hs", "sf", "zz-companies")
	companies := app.DemoCompaniesSync("zz-companies", "hs", "sf")
	deals := app.DemoDealsSync("bb-deals", "hs", "sf", "zz-companies")
	meetings := app.DemoMeetingsSync("cc-meetings", "hs", "sf", "mm-contacts")
	meetings.Safety.MaxChanges = 1
	saveSyncs(t, a, companies, contacts, tasks, deals, meetings)
	if err := a.SetPaused(ctx, "bb-deals", true); err != nil {
		t.Fatal(err)
	}
	eventsBefore := srv.Salesforce().Count("Event")
	var announced []string
	out, err := a.RunAll(ctx, app.RunOptions{}, func(done, total int, sync string) {
		if total != 5 || done >= total {
			t.Errorf("progress %d of %d for %s", done, total, sync)
		}
		announced = append(announced, sync)
	})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	by := map[string]app.SyncOutcome{}
	for _, o := range out {
		order = append(order, o.Sync)
		by[o.Sync] = o
	}
	if want := []string{"zz-companies", "mm-contacts", "aa-tasks", "bb-deals", "cc-meetings"}; !slices.Equal(order, want) {
		t.Fatalf("ran %v, want %v", order, want)
	}
	if want := []string{"zz-companies", "mm-contacts", "aa-tasks", "cc-meetings"}; !slices.Equal(announced, want) {
		t.Errorf("progress named %v, want %v (the paused sync is not run)", announced, want)
	}
	for _, name := range []string{"zz-companies", "mm-contacts", "aa-tasks"} {
		o := by[name]
		if o.Err != nil || o.Result.Summary == nil || o.Result.Summary.Status != "success" {
			t.Fatalf("%s: %v %+v", name, o.Err, o.Result.Summary)
		}
	}
	// Every company was linked before the contacts ran, so none of their
	// references waited. (Some tasks may: their contact went to review.)
	if w := by["mm-contacts"].Result.Plan.WaitingOn; len(w) > 0 {
		t.Errorf("contacts planned with references waiting on %v: it ran before the companies", w)
	}
	// The contacts were linked before the tasks ran: tasks created in
	// Salesforce in that round name their Contact.
	withWho := 0
	for _, l := range syncLinks(t, a, "aa-tasks") {
		if task, _ := srv.Salesforce().Get("Task", l.BID); l.CreatedBy == "b" && task.Fields["WhoId"] != "" {
			withWho++
		}
	}
	if withWho == 0 {
		t.Error("no Task created in Salesforce names its Contact after one round")
	}
	// The companies were linked before the contacts ran: every contact
	// linked in that run has the Account of its company's link.
	withAccount := 0
	for _, l := range syncLinks(t, a, "mm-contacts") {
		c, _ := srv.Salesforce().Get("Contact", l.BID)
		if c.Fields["AccountId"] != "" {
			withAccount++
		}
	}
	if withAccount == 0 {
		t.Error("no Salesforce Contact has an Account after one round")
	}
	if o := by["bb-deals"]; !o.Paused || o.Result.Summary != nil {
		t.Errorf("the paused deals sync: %+v", o)
	}
	if runs, err := a.Runs(ctx, "bb-deals", 5); err != nil || len(runs) != 0 {
		t.Errorf("the paused sync has runs: %v %v", runs, err)
	}
	o := by["cc-meetings"]
	if !o.NeedsConfirmation() || !strings.Contains(o.Line(), "needs your confirmation") || !strings.Contains(o.Line(), "limit of 1") {
		t.Errorf("meetings over its limit: %q (%v)", o.Line(), o.Err)
	}
	if n := srv.Salesforce().Count("Event"); n != eventsBefore {
		t.Errorf("the sync over its limit wrote: %d Events, had %d", n, eventsBefore)
	}
	if line := by["mm-contacts"].Line(); !strings.HasPrefix(line, "mm-contacts: success, created ") {
		t.Errorf("contacts line %q", line)
	}
}
