package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// zohoInterestsSync is DemoZohoSync with HubSpot's Buying Role carried
// to and from Zoho's Interests multi-select, option by option.
func zohoInterestsSync(roles map[string]string) engine.Definition {
	def := app.DemoZohoSync("zc", "hs", "zh")
	def.Fields = append(def.Fields, mapping.Field{A: "hs_buying_role", B: "Interests", Transform: "map", ValueMap: roles})
	return def
}

// TestZohoMultiSemicolon: a Zoho admin added the Interests option
// "R&D; Labs". Zoho returns it whole (a JSON array element), but ";"
// separates a multi-select's values in HubSpot and Salesforce, so it
// cannot cross as one value. A linked contact that selects it is not
// synced on that field: an open review item names the record, the field
// and the option; HubSpot keeps its selection; Zoho keeps its own when
// HubSpot's changes; and nothing is written on any run.
func TestZohoMultiSemicolon(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7, 0)
	zh, hs := srv.Zoho(), srv.HubSpot()
	if err := zh.AddPicklistValue("Contacts", "Interests", "R&D; Labs"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ConnectSandbox(ctx, srv, "zoho", "zh"); err != nil {
		t.Fatal(err)
	}
	h, err := hs.Create("contacts", map[string]string{"email": "semi@example.com", "lastname": "Semi", "hs_buying_role": "CHAMPION"})
	if err != nil {
		t.Fatal(err)
	}
	z, err := zh.Create("Contacts", map[string]any{"Last_Name": "Semi", "Email": "semi@example.com", "Interests": []any{"Analytics"}})
	if err != nil {
		t.Fatal(err)
	}
	saveSyncs(t, a, zohoInterestsSync(map[string]string{"CHAMPION": "Analytics", "BLOCKER": "R&D; Labs", "INFLUENCER": "Automation"}))
	runQuiet := func(step string) {
		t.Helper()
		res, err := a.Run(ctx, "zc", app.RunOptions{Confirm: true})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if s := res.Summary; s.Created+s.Updated+s.Failed != 0 {
			t.Errorf("%s wrote or failed: %+v\n%s", step, s, res.Plan.Summary())
		}
	}
	runQuiet("first run (the two contacts agree)")

	if _, err := zh.Update("Contacts", z.ID, map[string]any{"Interests": []any{"Analytics", "R&D; Labs"}}); err != nil {
		t.Fatal(err)
	}
	runQuiet("run after Zoho selects R&D; Labs")
	if got, _ := hs.Get("contacts", h.ID); got.Properties["hs_buying_role"] != "CHAMPION" {
		t.Errorf("HubSpot hs_buying_role = %q; want CHAMPION kept", got.Properties["hs_buying_role"])
	}
	items, err := a.Reviews(ctx, "zc", "rejected", "open")
	if err != nil {
		t.Fatal(err)
	}
	var detail struct{ Reason string }
	for _, it := range items {
		if it.RecordID == z.ID {
			if err := json.Unmarshal([]byte(it.Detail), &detail); err != nil {
				t.Fatalf("review detail %q: %v", it.Detail, err)
			}
		}
	}
	for _, want := range []string{"Interests", `"R&D; Labs"`, `";"`} {
		if !strings.Contains(detail.Reason, want) {
			t.Errorf("review item for Zoho contact %s says %q; want it to name %s", z.ID, detail.Reason, want)
		}
	}

	if _, err := hs.Update("contacts", h.ID, map[string]string{"hs_buying_role": "CHAMPION;INFLUENCER"}); err != nil {
		t.Fatal(err)
	}
	runQuiet("run after HubSpot's change")
	runQuiet("the run after that")
	r, _ := zh.Get("Contacts", z.ID)
	if got := r.Fields["Interests"]; got != "Analytics;R&D; Labs" {
		t.Errorf("Zoho Interests = %q; want Analytics and R&D; Labs kept", got)
	}
}
