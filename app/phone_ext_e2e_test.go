package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
)

// TestPhoneExtensionSurvives: a HubSpot phone with an extension must
// reach Salesforce with its extension, not be cut silently to the main line.
func TestPhoneExtensionSurvives(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 11, 12)
	hs, sf := srv.HubSpot(), srv.Salesforce()
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || res.Summary.Status != "success" {
		t.Fatalf("first run: %v %+v", err, res.Summary)
	}
	l := syncLinks(t, a, "contacts")[0]
	if _, err := hs.Update("contacts", l.AID, map[string]string{"phone": "+1 415-555-0100 ext. 23"}); err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := sf.Get("Contact", l.BID)
	if !strings.Contains(r.Fields["Phone"], "23") {
		t.Fatalf("Salesforce Phone = %q after HubSpot set %q; the extension was dropped (run %+v)", r.Fields["Phone"], "+1 415-555-0100 ext. 23", res.Summary)
	}
	if again, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil || again.Summary.Updated != 0 {
		t.Fatalf("the run after wrote again: %v %+v", err, again.Summary)
	}
}
