package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// An unrestricted Salesforce picklist (Lead Source, as Salesforce ships
// it) stores a value outside its list: HubSpot's CONNECTED reaches it as
// is, and the next run writes nothing.
func TestUnrestrictedPicklistTakesHubSpotValue(t *testing.T) {
	ctx := context.Background()
	a, srv, clock := clockedApp(t, "salesforce", "sf")
	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields = append(def.Fields, mapping.Field{A: "hs_lead_status", B: "LeadSource", Direction: mapping.AtoB, Rule: mapping.UnlessBlank})
	if err := a.SaveSync(ctx, def); err != nil {
		t.Fatalf("save: %v; want the row accepted, Lead Source being unrestricted", err)
	}
	if res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	l := syncLinks(t, a, def.Name)[0]
	clock.step(time.Minute)
	if _, err := srv.HubSpot().Update("contacts", l.AID, map[string]string{"hs_lead_status": "CONNECTED"}); err != nil {
		t.Fatal(err)
	}
	clock.step(time.Minute)
	res, errs := runAndErrors(t, a, def.Name)
	if res.Summary.Status != "success" || len(errs) != 0 || res.Summary.Updated != 1 {
		t.Fatalf("run: %+v errors %+v; want the one update", res.Summary, errs)
	}
	rec, _ := srv.Salesforce().Get("Contact", l.BID)
	if rec.Fields["LeadSource"] != "CONNECTED" {
		t.Fatalf("Salesforce LeadSource = %q; want CONNECTED, stored as is", rec.Fields["LeadSource"])
	}
	clock.step(time.Minute)
	again, errs := runAndErrors(t, a, def.Name)
	if again.Summary.Status != "success" || again.Summary.Updated != 0 || again.Summary.Created != 0 || len(errs) != 0 {
		t.Fatalf("next run: %+v errors %+v; want nothing written (no loop)", again.Summary, errs)
	}
	if rec2, _ := srv.Salesforce().Get("Contact", l.BID); !rec2.UpdatedAt.Equal(rec.UpdatedAt) {
		t.Errorf("Salesforce contact written again: %v -> %v", rec.UpdatedAt, rec2.UpdatedAt)
	}
}

// An admin restricted Lead Source: the same row is refused before any
// write, naming the field and the values it would not take.
func TestRestrictedPicklistStillRefused(t *testing.T) {
	ctx := context.Background()
	a, _, _ := steppedApp(t, 12, func(srv *sandbox.Server) error {
		return srv.Salesforce().RestrictPicklist("Contact", "LeadSource", true)
	}, [2]string{"hubspot", "hs"}, [2]string{"salesforce", "sf"})
	def := app.DemoSync("contacts", "hs", "sf")
	def.Fields = append(def.Fields, mapping.Field{A: "hs_lead_status", B: "LeadSource", Direction: mapping.AtoB, Rule: mapping.UnlessBlank})
	err := a.SaveSync(ctx, def)
	if err == nil {
		_, err = a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	}
	if err == nil || !strings.Contains(err.Error(), "LeadSource") || !strings.Contains(err.Error(), `"CONNECTED"`) || !strings.Contains(err.Error(), "value_map") {
		t.Fatalf("restricted Lead Source: %v; want a refusal naming LeadSource, CONNECTED and the value map to add", err)
	}
}
