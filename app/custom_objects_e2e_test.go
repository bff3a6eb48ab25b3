package app_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestCustomObjectsSyncEndToEnd: both CRMs list their custom objects as
// sync objects, and a two-way sync between HubSpot's custom object
// Projects and Salesforce's Project__c links the project both hold, creates
// each other's, runs again without writing, and carries an edit.
func TestCustomObjectsSyncEndToEnd(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 73, 20)
	offered := func(conn, name, label string) {
		t.Helper()
		cs, err := a.ObjectChoices(ctx, conn)
		if err != nil {
			t.Fatalf("objects of %s: %v", conn, err)
		}
		i := slices.IndexFunc(cs, func(c connector.ObjectChoice) bool { return c.Name == name })
		if i < 0 || !strings.Contains(cs[i].Label, label) {
			t.Fatalf("%s offers %+v; want %s labelled with %q", conn, cs, name, label)
		}
	}
	offered("hs", hubspot.ProjectsObject, `Custom object "Projects"`)
	offered("sf", "Project__c", `Custom object "Project"`)

	hs, sf := srv.HubSpot(), srv.Salesforce()
	mk := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	apolloHS, err := hs.Create(hubspot.ProjectsObject, map[string]string{"project_name": "Apollo", "status": "active", "budget": "120000", "start_date": "2026-01-15"})
	mk(err)
	_, err = hs.Create(hubspot.ProjectsObject, map[string]string{"project_name": "Gemini", "status": "planned", "budget": "50000"})
	mk(err)
	apolloSF, err := sf.Create("Project__c", map[string]string{"Name": "apollo", "Status__c": "Active", "Budget__c": "120000", "Start_Date__c": "2026-01-15"})
	mk(err)
	_, err = sf.Create("Project__c", map[string]string{"Name": "Mercury", "Status__c": "Done", "Budget__c": "9000"})
	mk(err)

	def := engine.Definition{
		Name:      "projects",
		A:         engine.SideDef{Connection: "hs", Object: hubspot.ProjectsObject},
		B:         engine.SideDef{Connection: "sf", Object: "Project__c"},
		Direction: mapping.TwoWay,
		Match:     []engine.MatchRule{{A: "project_name", B: "Name", Normalize: "lower"}},
		Unmatched: engine.UnmatchedCreate,
		Conflict:  engine.ConflictNewer,
		Fields: []mapping.Field{
			{A: "project_name", B: "Name", Rule: mapping.UnlessBlank},
			{A: "status", B: "Status__c", Transform: "map", ValueMap: map[string]string{"planned": "Planned", "active": "Active", "done": "Done"}},
			{A: "budget", B: "Budget__c", Transform: "number"},
			{A: "start_date", B: "Start_Date__c", Rule: mapping.UnlessBlank},
		},
	}
	saveSyncs(t, a, def)
	first, err := a.Run(ctx, "projects", app.RunOptions{Confirm: true})
	if err != nil || first.Summary.Status != "success" || first.Summary.Failed != 0 {
		t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
	}
	if c := first.Plan.Counts; c.Link != 1 || c.CreateA != 1 || c.CreateB != 1 {
		t.Fatalf("first run: %+v; want Apollo linked and one project created on each side\n%s", c, first.Plan.Summary())
	}
	byName := func(recs []map[string]string, key, name string) map[string]string {
		for _, r := range recs {
			if strings.EqualFold(r[key], name) {
				return r
			}
		}
		return nil
	}
	var hsProjects, sfProjects []map[string]string
	for _, r := range hs.Records(hubspot.ProjectsObject) {
		hsProjects = append(hsProjects, r.Properties)
	}
	for _, r := range sf.Records("Project__c") {
		sfProjects = append(sfProjects, r.Fields)
	}
	if len(hsProjects) != 3 || len(sfProjects) != 3 {
		t.Fatalf("HubSpot holds %d projects and Salesforce %d; want 3 each, no duplicate Apollo", len(hsProjects), len(sfProjects))
	}
	if g := byName(sfProjects, "Name", "Gemini"); g == nil || g["Status__c"] != "Planned" {
		t.Errorf("Gemini in Salesforce: %v; want Status__c Planned", g)
	}
	if m := byName(hsProjects, "project_name", "Mercury"); m == nil || m["status"] != "done" {
		t.Errorf("Mercury in HubSpot: %v; want status done", m)
	}
	if again, err := a.Run(ctx, "projects", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
		t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := sf.Update("Project__c", apolloSF.ID, map[string]string{"Budget__c": "150000"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "projects", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Updated != 1 || res.Summary.Failed != 0 {
		t.Fatalf("run after the edit: %v %+v\n%s", err, res.Summary, res.Plan.Summary())
	}
	if r, _ := hs.Get(hubspot.ProjectsObject, apolloHS.ID); r.Properties["budget"] != "150000" {
		t.Errorf("Apollo's budget in HubSpot %q after the Salesforce edit, want 150000", r.Properties["budget"])
	}
}

// TestCustomObjectsWithZohoAndDynamics: HubSpot's custom object Projects
// syncs two ways with Zoho CRM's custom module Projects and with a
// Dataverse custom table, each offered by the editor with its label: each
// side's project is created on the other with its status translated, and
// the run after writes nothing.
func TestCustomObjectsWithZohoAndDynamics(t *testing.T) {
	type side struct {
		vendor, conn, object, label string
		name, status                string            // the other side's field names
		statuses                    map[string]string // HubSpot status → the other side's
		create                      func(t *testing.T, name, status string)
		find                        func(name string) (status string, ok bool)
	}
	for _, tc := range []side{
		{vendor: "zoho", conn: "zc", object: "Projects", label: `Custom module "Projects"`, name: "Name", status: "Status",
			statuses: map[string]string{"planned": "Planned", "active": "Active", "done": "Done"}},
		{vendor: "dynamics", conn: "dv", object: "crmsync_projects", label: `Custom table "Projects"`, name: "crmsync_name", status: "crmsync_status",
			statuses: map[string]string{"planned": "100000000", "active": "100000001", "done": "100000002"}},
	} {
		t.Run(tc.vendor, func(t *testing.T) {
			ctx := context.Background()
			a, srv := connectedSandbox(t, 79, 10)
			if _, err := a.ConnectSandbox(ctx, srv, tc.vendor, tc.conn); err != nil {
				t.Fatalf("connect %s: %v", tc.vendor, err)
			}
			cs, err := a.ObjectChoices(ctx, tc.conn)
			if i := slices.IndexFunc(cs, func(c connector.ObjectChoice) bool { return c.Name == tc.object }); err != nil || i < 0 || !strings.Contains(cs[i].Label, tc.label) {
				t.Fatalf("%s offers %+v (%v); want %s labelled with %q", tc.vendor, cs, err, tc.object, tc.label)
			}
			switch tc.vendor {
			case "zoho":
				zc := srv.Zoho()
				tc.create = func(t *testing.T, name, status string) {
					if _, err := zc.Create(tc.object, map[string]any{"Name": name, "Status": status}); err != nil {
						t.Fatal(err)
					}
				}
				tc.find = func(name string) (string, bool) {
					for _, r := range zc.Records(tc.object) {
						if r.Fields["Name"] == name && !r.Deleted {
							return r.Fields["Status"], true
						}
					}
					return "", false
				}
			default:
				dv := srv.Dynamics()
				tc.create = func(t *testing.T, name, status string) {
					n, _ := strconv.Atoi(status)
					if _, err := dv.Create(tc.object, map[string]any{"crmsync_name": name, "crmsync_status": n}); err != nil {
						t.Fatal(err)
					}
				}
				tc.find = func(name string) (string, bool) {
					for _, r := range dv.Records(tc.object) {
						if fmt.Sprint(r.Fields["crmsync_name"]) == name {
							return fmt.Sprint(r.Fields["crmsync_status"]), true
						}
					}
					return "", false
				}
			}
			hs := srv.HubSpot()
			if _, err := hs.Create(hubspot.ProjectsObject, map[string]string{"project_name": "Vega", "status": "active"}); err != nil {
				t.Fatal(err)
			}
			tc.create(t, "Orion", tc.statuses["done"])
			def := engine.Definition{
				Name:      "projects",
				A:         engine.SideDef{Connection: "hs", Object: hubspot.ProjectsObject},
				B:         engine.SideDef{Connection: tc.conn, Object: tc.object},
				Direction: mapping.TwoWay,
				Match:     []engine.MatchRule{{A: "project_name", B: tc.name, Normalize: "lower"}},
				Unmatched: engine.UnmatchedCreate,
				Conflict:  engine.ConflictNewer,
				Fields: []mapping.Field{
					{A: "project_name", B: tc.name, Rule: mapping.UnlessBlank},
					{A: "status", B: tc.status, Transform: "map", ValueMap: tc.statuses},
				},
			}
			saveSyncs(t, a, def)
			first, err := a.Run(ctx, "projects", app.RunOptions{Confirm: true})
			if err != nil || first.Summary.Status != "success" || first.Summary.Failed != 0 {
				t.Fatalf("first run: %v %+v\n%s", err, first.Summary, first.Plan.Summary())
			}
			if st, ok := tc.find("Vega"); !ok || st != tc.statuses["active"] {
				t.Errorf("Vega in %s: found %v, status %q; want %q", tc.vendor, ok, st, tc.statuses["active"])
			}
			orion := false
			for _, r := range hs.Records(hubspot.ProjectsObject) {
				if r.Properties["project_name"] == "Orion" {
					orion = r.Properties["status"] == "done"
				}
			}
			if !orion {
				t.Errorf("Orion did not reach HubSpot with status done")
			}
			if again, err := a.Run(ctx, "projects", app.RunOptions{Confirm: true}); err != nil || again.Summary.Created+again.Summary.Updated != 0 {
				t.Fatalf("second run: %v %+v\n%s", err, again.Summary, again.Plan.Summary())
			}
		})
	}
}
