package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
)

// A rejected multi-select value is edited as the target field's options,
// ticked: the review item for HubSpot's Legal & Compliance (no Salesforce
// option) shows Salesforce's Buying Role options, ticking two records
// their values as the decision, and the next run writes it to both sides
// of the linked pair.
func TestReviewEditsMultiSelectAsOptions(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	l.connectSandbox()
	l.closeDialogs()
	def, hsID := buyingRoleRejectedInReview(t, l)
	l.tap("Edit value (E)")
	var group *widget.CheckGroup
	l.ui(func() {
		if gs := allOf[*widget.CheckGroup](l.u.Window()); len(gs) == 1 {
			group = gs[0]
		}
	})
	if group == nil || !strings.Contains(strings.Join(group.Options, ","), "Budget Holder") || len(group.Options) != 8 {
		t.Fatalf("no check group of Salesforce's eight Buying Role options: %+v", group)
	}
	l.ui(func() { group.SetSelected([]string{"Other", "Champion"}) })
	l.tap("Set")
	items, err := l.a.Reviews(ctx, def.Name, "rejected", "decided")
	if err != nil || len(items) != 1 || items[0].RecordID != hsID || !strings.Contains(items[0].Decision, `"value":"Other;Champion"`) {
		t.Fatalf("decided rejected items = %+v, %v; want %s set to Other;Champion", items, err, hsID)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	if sf, _ := l.srv.Salesforce().Get("Contact", items[0].OtherID); sf.Fields["Buying_Role__c"] != "Champion;Other" {
		t.Fatalf("Salesforce %s Buying_Role__c = %q after the decision; want Champion;Other", items[0].OtherID, sf.Fields["Buying_Role__c"])
	}
	// The row is two-way, so HubSpot takes the decided value too.
	if h, _ := l.srv.HubSpot().Get("contacts", hsID); h.Properties["hs_buying_role"] != "CHAMPION;OTHER" {
		t.Fatalf("HubSpot %s hs_buying_role = %q after the decision; want CHAMPION;OTHER", hsID, h.Properties["hs_buying_role"])
	}
	if again, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || again.Summary.Updated != 0 {
		t.Fatalf("the run after the decision: %v, %+v; want no writes", err, again.Summary)
	}
}

// buyingRoleRejectedInReview saves and runs the demo sync "roles" on a
// live UI whose sandboxes are connected, gives a linked HubSpot contact
// Legal & Compliance, a buying role Salesforce has no option for, runs
// again, and shows that rejected value's item in Review.
func buyingRoleRejectedInReview(t *testing.T, l *live) (engine.Definition, string) {
	t.Helper()
	ctx := context.Background()
	def := app.DemoSync("roles", demoHubSpot, demoSalesforce)
	if err := l.a.SaveSync(ctx, def); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	var hsID string
	for _, r := range l.srv.HubSpot().Records("contacts") {
		if r.Properties["hs_buying_role"] != "" {
			hsID = r.ID
			break
		}
	}
	// A value with no Salesforce option is rejected to the review queue.
	if _, err := l.srv.HubSpot().Update("contacts", hsID, map[string]string{"hs_buying_role": "LEGAL_AND_COMPLIANCE"}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil {
		t.Fatal(err)
	}
	l.navigate(ScreenReview)
	l.choose("rejected")
	l.see("record " + hsID)
	return def, hsID
}
