package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
)

// TestDeactivatedPicklistValueIsNotRetried maps HubSpot's Lead Status
// one way onto Salesforce's Lead Source through a value map. An admin then
// deactivates one of the Lead Sources the map writes. The first run that
// writes it fails that record with Salesforce's own message; the metadata
// cache (a day) still lists the value, and the next run must not send the
// same refused write again when it retries the record: it knows the value
// is gone and says so.
func TestDeactivatedPicklistValueIsNotRetried(t *testing.T) {
	ctx := context.Background()
	clock := &stepClock{at: time.Now()}
	a, srv := connectedSandboxAt(t, 5, 12, clock.now)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields = append(def.Fields, mapping.Field{A: "hs_lead_status", B: "LeadSource", Direction: mapping.AtoB, Transform: "map",
		Rule: mapping.UnlessBlank, ValueMap: map[string]string{"NEW": "Web", "OPEN": "Phone Inquiry", "IN_PROGRESS": "Partner Referral",
			"OPEN_DEAL": "Purchased List", "UNQUALIFIED": "Other", "CONNECTED": "Other"}})
	saveSyncs(t, a, def)
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	l := syncLinks(t, a, "contacts")[0]

	if err := sf.DeactivatePicklistValue("Contact", "LeadSource", "Phone Inquiry"); err != nil {
		t.Fatal(err)
	}
	if _, err := hs.Update("contacts", l.AID, map[string]string{"hs_lead_status": "OPEN"}); err != nil {
		t.Fatal(err)
	}
	first, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.RunDetail(ctx, first.Summary.RunID)
	if err != nil {
		t.Fatal(err)
	}
	refused := false
	for _, e := range d.Errors {
		refused = refused || e.RecordID == l.BID && e.Field == "LeadSource" && strings.Contains(e.Message, "bad value for restricted picklist field: Phone Inquiry")
	}
	if !refused {
		t.Fatalf("run after the deactivation: %+v, errors %+v; want Salesforce's refusal of Phone Inquiry on %s's LeadSource", first.Summary, d.Errors, l.BID)
	}

	clock.step(2 * time.Minute) // the failed record's retry is due
	again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	t.Logf("next run: err %v, summary %+v", err, again.Summary)
	if again.Summary != nil {
		d2, derr := a.RunDetail(ctx, again.Summary.RunID)
		if derr != nil {
			t.Fatal(derr)
		}
		for _, e := range d2.Errors {
			if e.RecordID == l.BID && e.Code == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" {
				t.Fatalf("the next run sent the refused value again and failed the same way: %+v", e)
			}
		}
	}
	if err == nil || !strings.Contains(err.Error(), "Phone Inquiry") || !strings.Contains(err.Error(), "LeadSource") {
		items, _ := a.Reviews(ctx, "contacts", "rejected", "open")
		named := false
		for _, it := range items {
			named = named || strings.Contains(it.Detail, "Phone Inquiry")
		}
		if !named {
			t.Fatalf("the next run neither refused the mapping nor sent the record to review naming Phone Inquiry: %v; reviews %+v", err, items)
		}
	}
}
