package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
)

// TestDynamicsTaskCompletion: a task completed in HubSpot is
// completed in Dynamics 365 (statecode 1 Completed, statuscode 5), a task
// completed in Dynamics is COMPLETED in HubSpot, and the run after writes
// nothing (no loop, no reopen).
func TestDynamicsTaskCompletion(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 37, 60)
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	saveSyncs(t, a, app.DemoDynamicsSync("contacts", "hs", "dv", ""), app.DemoDynamicsTasksSync("tasks", "hs", "dv", "contacts"))
	for _, name := range []string{"contacts", "tasks"} {
		if res, err := a.Run(ctx, name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
			t.Fatalf("%s run: %v %+v\n%s", name, err, res.Summary, res.Plan.Summary())
		}
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	num := func(v any) string { return fmt.Sprint(v) }
	links := syncLinks(t, a, "tasks")
	var inHS, inDV *struct{ a, b string }
	createdDone := 0
	for _, l := range links {
		h, _ := hs.Get("tasks", l.AID)
		d, _ := dv.Get("tasks", l.BID)
		if l.CreatedBy == "b" && h.Properties["hs_task_status"] == "COMPLETED" {
			// A create cannot set statecode: the connector closes the new row.
			createdDone++
			if num(d.Fields["statecode"]) != "1" || num(d.Fields["statuscode"]) != "5" {
				t.Errorf("Dynamics task %s created from completed HubSpot task %s: statecode %v statuscode %v, want 1 and 5",
					l.BID, l.AID, d.Fields["statecode"], d.Fields["statuscode"])
			}
		}
		if h.Properties["hs_task_status"] == "COMPLETED" || num(d.Fields["statecode"]) != "0" {
			continue
		}
		p := &struct{ a, b string }{l.AID, l.BID}
		if inHS == nil {
			inHS = p
		} else if inDV == nil {
			inDV = p
		}
	}
	if createdDone == 0 {
		t.Fatal("no Dynamics task was created from a completed HubSpot task")
	}
	if inHS == nil || inDV == nil {
		t.Fatalf("no two open linked tasks among %d links", len(links))
	}
	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if _, err := hs.Update("tasks", inHS.a, map[string]string{"hs_task_status": "COMPLETED"}); err != nil {
		t.Fatal(err)
	}
	if _, err := dv.Update("tasks", inDV.b, map[string]any{"statecode": 1, "statuscode": 5}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after completing: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if d, _ := dv.Get("tasks", inHS.b); num(d.Fields["statecode"]) != "1" || num(d.Fields["statuscode"]) != "5" {
		t.Errorf("HubSpot task %s completed; its Dynamics task %s has statecode %v statuscode %v, want 1 (Completed) and 5",
			inHS.a, inHS.b, d.Fields["statecode"], d.Fields["statuscode"])
	}
	if h, _ := hs.Get("tasks", inDV.a); h.Properties["hs_task_status"] != "COMPLETED" {
		t.Errorf("Dynamics task %s completed; its HubSpot task %s has status %q, want COMPLETED", inDV.b, inDV.a, h.Properties["hs_task_status"])
	}
	if again, err := a.Run(ctx, "tasks", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("the run after: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
}
