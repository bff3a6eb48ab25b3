package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/salesforce"
)

// TestMultiSelectSyncsAsASet runs the demo contacts sync, whose Buying Role
// row joins HubSpot's multiple checkboxes (internal values, in the order
// they were ticked) to a Salesforce multi-select picklist (labels, kept in
// the picklist's order), over real HTTP. Each option is translated, the
// orders never read as a change, an edit on either side reaches the other
// with its audit, edits on both sides merge option by option, and an option
// with no mapping goes to review and writes nothing.
func TestMultiSelectSyncsAsASet(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 11, 30)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if err := a.SaveSync(ctx, app.DemoSync("contacts", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}

	// A contact seeded in HubSpot only, with two roles ticked out of
	// order, arrives in Salesforce in the picklist's order.
	var hsID, sfID string
	for _, l := range syncLinks(t, a, "contacts") {
		h, _ := hs.Get("contacts", l.AID)
		if l.CreatedBy == "b" && h.Properties["hs_buying_role"] == "DECISION_MAKER;BUDGET_HOLDER" {
			hsID, sfID = l.AID, l.BID
			break
		}
	}
	if hsID == "" {
		t.Fatal("no HubSpot contact with DECISION_MAKER;BUDGET_HOLDER was created in Salesforce")
	}
	if got := sfRole(t, sf, sfID); got != "Budget Holder;Decision Maker" {
		t.Fatalf("Salesforce Buying_Role__c = %q; want %q", got, "Budget Holder;Decision Maker")
	}

	// Both sides now hold the same set in different orders: no change.
	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := again.Summary; s.Created+s.Updated != 0 {
		t.Fatalf("second run wrote %d creates and %d updates; want none\n%s", s.Created, s.Updated, again.Plan.Summary())
	}

	// An edit in Salesforce reaches HubSpot option by option.
	if _, err := sf.Update("Contact", sfID, map[string]string{"Buying_Role__c": "Influencer;Champion"}); err != nil {
		t.Fatal(err)
	}
	edited, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || edited.Summary.Updated != 1 {
		t.Fatalf("run after the Salesforce edit: %v, %+v; want one update", err, edited.Summary)
	}
	if h, _ := hs.Get("contacts", hsID); h.Properties["hs_buying_role"] != "CHAMPION;INFLUENCER" {
		t.Fatalf("HubSpot hs_buying_role = %q; want CHAMPION;INFLUENCER", h.Properties["hs_buying_role"])
	}
	d, err := a.RunDetail(ctx, edited.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range d.Audit {
		found = found || r.RecordID == hsID && r.Field == "hs_buying_role" && r.Old == "DECISION_MAKER;BUDGET_HOLDER" && r.New == "CHAMPION;INFLUENCER"
	}
	if !found {
		t.Fatalf("audit of the run has no hs_buying_role DECISION_MAKER;BUDGET_HOLDER (as HubSpot held it) → CHAMPION;INFLUENCER for %s: %+v", hsID, d.Audit)
	}

	// Both sides edit the selection before the next run: HubSpot adds End
	// User, Salesforce drops Influencer. Neither edit is lost and nothing
	// conflicts: the selections merge option by option.
	if _, err := hs.Update("contacts", hsID, map[string]string{"hs_buying_role": "INFLUENCER;CHAMPION;END_USER"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sf.Update("Contact", sfID, map[string]string{"Buying_Role__c": "Champion"}); err != nil {
		t.Fatal(err)
	}
	both, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || both.Summary.Conflicts != 0 || both.Summary.Updated != 2 {
		t.Fatalf("run after edits on both sides: %v, %+v; want two updates and no conflict\n%s", err, both.Summary, both.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", hsID); h.Properties["hs_buying_role"] != "CHAMPION;END_USER" {
		t.Fatalf("HubSpot hs_buying_role = %q; want CHAMPION;END_USER", h.Properties["hs_buying_role"])
	}
	if got := sfRole(t, sf, sfID); got != "Champion;End User" {
		t.Fatalf("Salesforce Buying_Role__c = %q; want Champion;End User", got)
	}

	// HubSpot's Legal & Compliance has no Salesforce option in the demo's
	// value map: the record goes to review naming the value, and
	// Salesforce keeps what it had.
	if _, err := hs.Update("contacts", hsID, map[string]string{"hs_buying_role": "LEGAL_AND_COMPLIANCE;CHAMPION"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if got := sfRole(t, sf, sfID); got != "Champion;End User" {
		t.Fatalf("Salesforce Buying_Role__c after an unmapped option = %q; want it unchanged", got)
	}
	items, err := a.Reviews(ctx, "contacts", "rejected", "open")
	if err != nil {
		t.Fatal(err)
	}
	found = false
	for _, it := range items {
		found = found || it.RecordID == hsID && strings.Contains(it.Detail, "LEGAL_AND_COMPLIANCE")
	}
	if !found {
		t.Fatalf("no open rejected review item for %s naming LEGAL_AND_COMPLIANCE: %+v", hsID, items)
	}
}

// sfRole reads a Salesforce Contact's Buying_Role__c from the sandbox.
func sfRole(t *testing.T, sf *salesforce.Sim, id string) string {
	t.Helper()
	r, ok := sf.Get("Contact", id)
	if !ok {
		t.Fatalf("Salesforce Contact %s is gone", id)
	}
	return r.Fields["Buying_Role__c"]
}

// TestUndoOfMultiSelectIgnoresOrder: a HubSpot user saves the selection a
// run wrote in another order (the same options), and undoing that run still
// writes the old selection back instead of calling it a conflict.
func TestUndoOfMultiSelectIgnoresOrder(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 11, 30)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	if err := a.SaveSync(ctx, app.DemoSync("contacts", "hs", "sf")); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	var hsID, sfID string
	for _, l := range syncLinks(t, a, "contacts") {
		if h, _ := hs.Get("contacts", l.AID); h.Properties["hs_buying_role"] == "DECISION_MAKER;BUDGET_HOLDER" {
			hsID, sfID = l.AID, l.BID
		}
	}
	if hsID == "" {
		t.Fatal("no linked HubSpot contact with DECISION_MAKER;BUDGET_HOLDER")
	}
	if _, err := sf.Update("Contact", sfID, map[string]string{"Buying_Role__c": "Influencer;Champion"}); err != nil {
		t.Fatal(err)
	}
	edited, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil || edited.Summary.Updated != 1 {
		t.Fatalf("run after the Salesforce edit: %v, %+v", err, edited.Summary)
	}
	if _, err := hs.Update("contacts", hsID, map[string]string{"hs_buying_role": "INFLUENCER;CHAMPION"}); err != nil {
		t.Fatal(err)
	}
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Updated != 0 {
		t.Fatalf("a reordered selection was synced as a change: %v, %+v", err, res.Summary)
	}
	undo, err := a.Undo(ctx, edited.Summary.RunID, app.RunOptions{Confirm: true})
	if err != nil || undo.Summary.Updated != 1 || undo.Summary.Review != 0 {
		t.Fatalf("undo: %v, %+v; want one update and nothing for review\n%s", err, undo.Summary, undo.Plan.Summary())
	}
	if h, _ := hs.Get("contacts", hsID); h.Properties["hs_buying_role"] != "DECISION_MAKER;BUDGET_HOLDER" {
		t.Fatalf("HubSpot hs_buying_role after the undo = %q; want DECISION_MAKER;BUDGET_HOLDER back", h.Properties["hs_buying_role"])
	}
}
