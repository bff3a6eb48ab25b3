package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// lifecycleDef is the demo contacts sync with HubSpot's lifecycle stage
// carried to the Salesforce Contact's Department, each stage by its label.
func lifecycleDef() engine.Definition {
	def := app.DemoSync("lifecycle", "hs", "sf")
	def.Fields = append(def.Fields, mapping.Field{A: "lifecyclestage", B: "Department", Transform: "map",
		ValueMap: map[string]string{"subscriber": "Subscriber", "lead": "Lead", "marketingqualifiedlead": "MQL",
			"salesqualifiedlead": "SQL", "opportunity": "Opportunity", "customer": "Customer", "evangelist": "Evangelist", "other": "Other"}})
	return def
}

// lifecyclePair connects both sandboxes, creates one person in each CRM
// (a HubSpot customer, a Salesforce Contact of the same email), and runs
// the lifecycle sync once, which links them. It returns the two ids.
func lifecyclePair(t *testing.T) (*app.App, *sandbox.Server, string, string) {
	t.Helper()
	ctx := context.Background()
	a, srv := connectedSandbox(t, 91, 1)
	hs := mustCreateHS(t, srv.HubSpot(), "contacts", map[string]string{"email": "stage.back@example.com", "firstname": "Ada", "lastname": "Stage", "lifecyclestage": "customer"})
	sf := mustCreateSF(t, srv.Salesforce(), "Contact", map[string]string{"Email": "stage.back@example.com", "FirstName": "Ada", "LastName": "Stage", "Department": "Customer"})
	saveSyncs(t, a, lifecycleDef())
	if res, err := a.Run(ctx, "lifecycle", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	if !isLinked(t, a, "lifecycle", hs.ID, sf.ID) {
		t.Fatalf("the two records are not linked: %v", syncLinks(t, a, "lifecycle"))
	}
	return a, srv, hs.ID, sf.ID
}

// TestLifecycleStageBackwardFromSalesforce: a Salesforce user moves a
// customer back to lead. The run must leave HubSpot at lead (HubSpot keeps
// a stage set backward unless it is cleared first), audit customer -> lead
// once, and the next run must write nothing: before, HubSpot silently kept
// customer, the audit said lead, and the next run wrote Customer over the
// user's Salesforce value.
func TestLifecycleStageBackwardFromSalesforce(t *testing.T) {
	ctx := context.Background()
	a, srv, hsID, sfID := lifecyclePair(t)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := sf.Update("Contact", sfID, map[string]string{"Department": "Lead"}); err != nil {
		t.Fatal(err)
	}
	updates := func() int64 { return srv.Stats()["hubspot"]["POST /crm/objects/2026-03/contacts/batch/update"] }
	before := updates()
	res, err := a.Run(ctx, "lifecycle", app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the move back: %v %+v", err, res.Summary)
	}
	if got, _ := hs.Get("contacts", hsID); got.Properties["lifecyclestage"] != "lead" {
		t.Errorf("HubSpot stage after the run: %q, want lead", got.Properties["lifecyclestage"])
	}
	if n := updates() - before; n != 2 {
		t.Errorf("HubSpot batch updates for one backward stage: %d, want 2 (the clear, then the set)", n)
	}
	rows, err := a.DB().Audit(ctx, res.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var stageRows int
	for _, r := range rows {
		if r.Field == "lifecyclestage" {
			stageRows++
			if r.Old != "customer" || r.New != "lead" || r.RecordID != hsID {
				t.Errorf("audit row %+v; want %s lifecyclestage customer -> lead", r, hsID)
			}
		}
	}
	if stageRows != 1 {
		t.Errorf("audit rows for the stage: %d, want 1: %+v", stageRows, rows)
	}

	again, err := a.Run(ctx, "lifecycle", app.RunOptions{Confirm: true})
	if err != nil || again.Summary.Status != "success" {
		t.Fatalf("next run: %v %+v", err, again.Summary)
	}
	if got, _ := sf.Get("Contact", sfID); got.Fields["Department"] != "Lead" {
		t.Errorf("Salesforce Department after the next run: %q, want the user's Lead kept", got.Fields["Department"])
	}
	if rows, _ := a.DB().Audit(ctx, again.Summary.RunID); len(rows) != 0 {
		t.Errorf("the next run wrote %+v; want nothing (our own write came back as a change)", rows)
	}

	// Undo goes forward again (lead -> customer) on HubSpot, and back on
	// Salesforce.
	u, err := a.Undo(ctx, res.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil || u.Summary.Status != "success" {
		t.Fatalf("undo: %v %+v", err, u.Summary)
	}
	if got, _ := hs.Get("contacts", hsID); got.Properties["lifecyclestage"] != "customer" {
		t.Errorf("HubSpot stage after undo: %q, want customer", got.Properties["lifecyclestage"])
	}
}

// TestLifecycleStageUndoBackward: a run that moved HubSpot forward
// (lead -> customer) is undone; the undo is itself a backward move and
// must land, not be reported done while HubSpot kept customer.
func TestLifecycleStageUndoBackward(t *testing.T) {
	ctx := context.Background()
	a, srv, hsID, sfID := lifecyclePair(t)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if _, err := hs.Update("contacts", hsID, map[string]string{"lifecyclestage": "lead"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Update("Contact", sfID, map[string]string{"Department": "Lead"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "lifecycle", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("settling run: %v %+v", err, res.Summary)
	}
	if _, err := sf.Update("Contact", sfID, map[string]string{"Department": "Customer"}); err != nil {
		t.Fatal(err)
	}
	fwd, err := a.Run(ctx, "lifecycle", app.RunOptions{Confirm: true})
	if err != nil || fwd.Summary.Status != "success" {
		t.Fatalf("forward run: %v %+v", err, fwd.Summary)
	}
	if got, _ := hs.Get("contacts", hsID); got.Properties["lifecyclestage"] != "customer" {
		t.Fatalf("HubSpot stage after the forward run: %q, want customer", got.Properties["lifecyclestage"])
	}
	u, err := a.Undo(ctx, fwd.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil || u.Summary.Status != "success" {
		t.Fatalf("undo: %v %+v", err, u.Summary)
	}
	if got, _ := hs.Get("contacts", hsID); got.Properties["lifecyclestage"] != "lead" {
		t.Errorf("HubSpot stage after undoing the forward move: %q, want lead", got.Properties["lifecyclestage"])
	}
}
