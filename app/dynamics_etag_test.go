package app_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// TestDynamicsEditBetweenReadAndWriteKept: a contact's first name and
// title are edited in HubSpot, and its city (a column the sync does not
// map) in Dynamics 365, so the run reads the row in both CRMs. After the
// run has read them and before it writes, a person changes the same
// contact's title and last name in Dynamics 365. The run's update is
// conditional on the version it read, so Dataverse refuses it: the run
// fails that one record, saying it changed in Dynamics 365 meanwhile, and
// writes none of it. The next run merges the three edits: the person's
// title (the later edit, by the sync's newer policy) and last name reach
// HubSpot, HubSpot's first name reaches Dynamics, and the audit shows no
// write over the person's title. (A row the run does not read is still
// updated with If-Match: *: the connector keeps only this run's versions.)
func TestDynamicsEditBetweenReadAndWriteKept(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 83, 30)
	if _, err := a.ConnectSandbox(ctx, srv, "dynamics", "dv"); err != nil {
		t.Fatalf("connect dynamics: %v", err)
	}
	hs, dv := srv.HubSpot(), srv.Dynamics()
	saveSyncs(t, a, app.DemoDynamicsSync("dynamics", "hs", "dv", ""))
	runOK(t, a, "dynamics")
	if echo := runOK(t, a, "dynamics"); echo.Summary.Created+echo.Summary.Updated != 0 {
		t.Fatalf("second run wrote %+v\n%s", echo.Summary, echo.Plan.Summary())
	}
	pair := syncLinks(t, a, "dynamics")[0]
	str := func(v any) string { return fmt.Sprint(v) }

	time.Sleep(1100 * time.Millisecond) // modifiedon has one-second resolution
	if _, err := hs.Update("contacts", pair.AID, map[string]string{"firstname": "Hubbie", "jobtitle": "Title from HubSpot"}); err != nil {
		t.Fatal(err)
	}
	if _, err := dv.Update("contacts", pair.BID, map[string]any{"address1_city": "Elsewhere"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the person's edit below is the later one
	var once sync.Once
	var editErr error
	first, err := a.Run(ctx, "dynamics", app.RunOptions{Confirm: true, Progress: func(p engine.Progress) {
		if p.Phase == "store" { // planned and read, nothing written to a CRM yet
			once.Do(func() {
				_, editErr = dv.Update("contacts", pair.BID, map[string]any{"jobtitle": "Person's title", "lastname": "Personson"})
			})
		}
	}})
	if err != nil || editErr != nil {
		t.Fatalf("run: %v; the person's edit: %v", err, editErr)
	}
	d, _ := dv.Get("contacts", pair.BID)
	if str(d.Fields["jobtitle"]) != "Person's title" || str(d.Fields["lastname"]) != "Personson" || str(d.Fields["firstname"]) == "Hubbie" {
		t.Fatalf("Dynamics contact %s after the run: title %v, last name %v, first name %v; want the person's edit kept and nothing of the run's update written\n%+v",
			pair.BID, d.Fields["jobtitle"], d.Fields["lastname"], d.Fields["firstname"], first.Summary)
	}
	if first.Summary.Failed != 1 || first.Summary.Updated != 0 {
		t.Fatalf("run %+v, want the one record failed and nothing written", first.Summary)
	}
	said := false
	for _, g := range first.Failures {
		said = said || strings.Contains(g.Line(), pair.BID) && strings.Contains(g.Line(), "changed in Dynamics 365 while the run was writing")
	}
	if !said {
		t.Errorf("no failure names contact %s as changed in Dynamics 365 meanwhile: %+v", pair.BID, first.Failures)
	}

	second := runOK(t, a, "dynamics")
	d, _ = dv.Get("contacts", pair.BID)
	h, _ := hs.Get("contacts", pair.AID)
	got := fmt.Sprintf("Dynamics %v/%v/%v, HubSpot %s/%s/%s", d.Fields["firstname"], d.Fields["lastname"], d.Fields["jobtitle"],
		h.Properties["firstname"], h.Properties["lastname"], h.Properties["jobtitle"])
	if want := "Dynamics Hubbie/Personson/Person's title, HubSpot Hubbie/Personson/Person's title"; got != want {
		t.Fatalf("after the next run: %s; want %s\n%s", got, want, second.Plan.Summary())
	}
	for _, run := range []int64{first.Summary.RunID, second.Summary.RunID} {
		detail, err := a.RunDetail(ctx, run)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range detail.Audit {
			if r.Side == "b" && r.RecordID == pair.BID && (r.Field == "jobtitle" || r.Field == "lastname") {
				t.Errorf("run %d wrote %s of Dynamics contact %s (%q → %q) over the person's edit", run, r.Field, pair.BID, r.Old, r.New)
			}
		}
	}
	if echo := runOK(t, a, "dynamics"); echo.Summary.Created+echo.Summary.Updated != 0 {
		t.Fatalf("the run after wrote %+v\n%s", echo.Summary, echo.Plan.Summary())
	}
}
