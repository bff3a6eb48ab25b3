package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	dvsim "github.com/crmsync/crmsync/sync/sandbox/dynamics"
	hssim "github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

const scoreColumn = "crmsync_score"

// TestDecimalLoweredCreateWithState: as
// TestDecimalPrecisionLoweredInsideCacheDay, for a create Dataverse is
// sent as two requests (the row, then its statecode: Inactive is not
// valid for a create). A Dataverse Decimal column of 4 places is lowered
// to 2 within the day its definition is cached; a HubSpot project of
// budget 2000.1234, already done, is created there as 2000.12. The runs
// after must not take that rounding for a Dataverse edit and write 2000.12
// over HubSpot's 2000.1234.
func TestDecimalLoweredCreateWithState(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 98, 0)
	dv, hs := srv.Dynamics(), srv.HubSpot()
	if err := dv.AddNumberColumn("crmsync_projects", scoreColumn, "Score", dvsim.DecimalColumn, 4); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, projectsWithStateSync())
	if _, err := hs.Create(hssim.ProjectsObject, map[string]string{"project_name": "Vega", "status": "active", "budget": "1234.5678"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "projects", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" || res.Summary.Created != 1 {
		t.Fatalf("first run: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if got := projectScore(dv, "Vega"); got != "1234.5678" {
		t.Fatalf("Vega holds %q in Dataverse; want 1234.5678 at 4 places", got)
	}
	if err := dv.SetNumberPrecision("crmsync_projects", scoreColumn, 2); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	orion, err := hs.Create(hssim.ProjectsObject, map[string]string{"project_name": "Orion", "status": "done", "budget": "2000.1234"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		before, defsBefore := dataverseCalls(dv), definitionCalls(dv)
		res, err := a.Run(ctx, "projects", app.RunOptions{Confirm: true})
		t.Logf("run %d: %d Dataverse calls, %d definition reads", i+1, dataverseCalls(dv)-before, definitionCalls(dv)-defsBefore)
		if err != nil || res.Summary.Status != "success" {
			t.Fatalf("run %d after the change: %v %+v\n%s", i+1, err, res.Summary, res.Plan.Summary())
		}
		if i > 0 && res.Summary.Created+res.Summary.Updated != 0 {
			t.Errorf("run %d after the change wrote %d records, want none\n%s", i+1, res.Summary.Created+res.Summary.Updated, res.Plan.Summary())
		}
	}
	if got := projectScore(dv, "Orion"); got != "2000.12" {
		t.Errorf("Orion holds %q in Dataverse; want 2000.12 (2 places now)", got)
	}
	if st := projectState(dv, "Orion"); st != "1" {
		t.Errorf("Orion's statecode in Dataverse is %q; want 1 (Inactive, as done)", st)
	}
	h, _ := hs.Get(hssim.ProjectsObject, orion.ID)
	if got := strings.TrimSuffix(h.Properties["budget"], ".0"); got != "2000.1234" {
		t.Errorf("HubSpot's budget of 2000.1234 became %q: Dataverse's rounding came back", got)
	}
}

// projectsWithStateSync syncs HubSpot's Projects with the Dataverse
// custom table, a done project being an Inactive row.
func projectsWithStateSync() engine.Definition {
	return engine.Definition{
		Name:      "projects",
		A:         engine.SideDef{Connection: "hs", Object: hssim.ProjectsObject},
		B:         engine.SideDef{Connection: "dv", Object: "crmsync_projects"},
		Direction: mapping.TwoWay,
		Match:     []engine.MatchRule{{A: "project_name", B: "crmsync_name", Normalize: "lower"}},
		Unmatched: engine.UnmatchedCreate,
		Conflict:  engine.ConflictNewer,
		Fields: []mapping.Field{
			{A: "project_name", B: "crmsync_name", Rule: mapping.UnlessBlank},
			{A: "budget", B: scoreColumn},
			{A: "status", B: "statecode", Direction: mapping.AtoB, Transform: "map",
				ValueMap: map[string]string{"planned": "0", "active": "0", "done": "1"}},
		},
	}
}

// projectScore is scoreColumn of the Dataverse project called name.
func projectScore(dv *dvsim.Sim, name string) string {
	for _, r := range dv.Records("crmsync_projects") {
		if fmt.Sprint(r.Fields["crmsync_name"]) == name {
			return numText(r.Fields[scoreColumn])
		}
	}
	return ""
}

// projectState is the statecode of the Dataverse project called name.
func projectState(dv *dvsim.Sim, name string) string {
	for _, r := range dv.Records("crmsync_projects") {
		if fmt.Sprint(r.Fields["crmsync_name"]) == name {
			return fmt.Sprint(r.Fields["statecode"])
		}
	}
	return ""
}
