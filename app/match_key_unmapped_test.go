package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/mapping"
)

// The README's sync file matches on email without mapping it: creates in
// HubSpot (whose contacts upsert by email) must not get a made-up email.
func TestMatchOnEmailUnmappedCreatesInHubSpot(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 7, 12)
	def := app.DemoSync("contacts", "hs", "sf")
	var fields []mapping.Field
	for _, f := range def.Fields {
		if f.A == "firstname" || f.A == "lastname" {
			fields = append(fields, f)
		}
	}
	def.Fields = fields
	saveSyncs(t, a, def)
	before := len(srv.HubSpot().Records("contacts"))
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Status != "success" || res.Summary.Failed != 0 {
		t.Fatalf("run: %s, %d failed: %s", res.Summary.Status, res.Summary.Failed, res.Summary.Message)
	}
	recs := srv.HubSpot().Records("contacts")
	if len(recs) == before {
		t.Fatal("no contact created in HubSpot")
	}
	for _, r := range recs {
		if strings.HasPrefix(r.Properties["email"], "contacts:") {
			t.Fatalf("HubSpot contact %s got email %q", r.ID, r.Properties["email"])
		}
	}
}
