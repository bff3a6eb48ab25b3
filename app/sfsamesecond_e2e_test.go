package app_test

import (
	"context"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestSalesforceEditInCursorSecond: Salesforce's SystemModstamp has
// whole-second precision, so a contact edited again in the second the
// sync's last read ended on keeps the stamp it was read with. The fallback
// read (the second not yet settled) skipped every id it had handed out at
// that second unless its stamp had moved, so the edit never reached
// HubSpot. It must arrive on the next run, and the run after must write
// nothing and read once.
func TestSalesforceEditInCursorSecond(t *testing.T) {
	ctx := context.Background()
	a, srv, rc := frozenSandboxApp(t, 94, "salesforce", "sf", "/queryAll")
	def := app.DemoSync("contacts", "hs", "sf")
	l := runTwiceThenPick(t, a, def)
	before, _ := srv.Salesforce().Get("Contact", l.BID)
	after, err := srv.Salesforce().Update("Contact", l.BID, map[string]string{"Title": "Head of Samesecond"})
	if err != nil {
		t.Fatal(err)
	}
	if !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("the edit moved SystemModstamp %v -> %v; the sandbox should keep whole seconds", before.UpdatedAt, after.UpdatedAt)
	}
	res, err := a.Run(ctx, def.Name, app.RunOptions{Confirm: true})
	if err != nil || res.Summary.Status != "success" {
		t.Fatalf("run after the edit: %v %+v", err, res.Summary)
	}
	if h, _ := srv.HubSpot().Get("contacts", l.AID); h.Properties["jobtitle"] != "Head of Samesecond" {
		t.Fatalf("Salesforce contact %s retitled in the cursor's second; HubSpot contact %s has jobtitle %q (run: %+v)",
			l.BID, l.AID, h.Properties["jobtitle"], res.Summary)
	}
	runAgainQuiet(t, a, def.Name, rc)
}
