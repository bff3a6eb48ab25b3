package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/connector"
)

// TestAccountZoneCachedNotRefusals: the portal's zone is asked once
// across reads (the metadata cache keeps it), again when a fresh read is
// asked for; a zone that could not be read is not kept, so the next read
// asks again.
func TestAccountZoneCachedNotRefusals(t *testing.T) {
	ctx := context.Background()
	a, srv := connectedSandbox(t, 71, 2)
	srv.HubSpot().SetTimeZone("Asia/Tokyo")
	calls := func() int64 { return srv.Stats()["hubspot"]["GET /account-info/2026-03/details"] }
	for range 2 {
		if z, err := a.AccountZone(ctx, "hs"); err != nil || z != "Asia/Tokyo" {
			t.Fatalf("AccountZone = %q, %v", z, err)
		}
	}
	if n := calls(); n != 1 {
		t.Fatalf("two reads asked HubSpot %d times, want 1", n)
	}
	srv.HubSpot().SetTimeZone("Europe/Paris")
	if z, err := a.AccountZone(connector.WithFreshSchema(ctx), "hs"); err != nil || z != "Europe/Paris" || calls() != 2 {
		t.Fatalf("fresh AccountZone = %q, %v after %d calls; want Europe/Paris from a second call", z, err, calls())
	}
	srv.Salesforce().RefuseOrganization(true)
	for range 2 {
		if _, err := a.AccountZone(ctx, "sf"); err == nil {
			t.Fatal("a refused Organization read as a zone")
		}
	}
	srv.Salesforce().RefuseOrganization(false)
	srv.Salesforce().SetTimeZone("America/Chicago")
	if z, err := a.AccountZone(ctx, "sf"); err != nil || z != "America/Chicago" {
		t.Fatalf("after the permission came back AccountZone = %q, %v; want America/Chicago (a refusal is not kept)", z, err)
	}
}

// TestReadyMadeSyncsWithOrgRefused: a Salesforce user refused the
// Organization changes nothing in the ready-made syncs but the deals
// sync's currency: the note names only that, and the HubSpot ↔ Salesforce
// syncs save.
func TestReadyMadeSyncsWithOrgRefused(t *testing.T) {
	a, srv := connectedSandbox(t, 72, 2)
	srv.Salesforce().RefuseOrganization(true)
	defs, note := a.ReadyMadeSyncs(context.Background(), app.DemoConnections{HubSpot: "hs", Salesforce: "sf",
		Pipedrive: "pd", Zoho: "zc", Dynamics: "dv", Mailchimp: "mc", Klaviyo: "kl", Brevo: "br"})
	// The org's currency is unread, which the note says; the zone is not.
	if strings.Contains(note, "time zone") || !strings.Contains(note, "currency of connection sf") {
		t.Fatalf("note %q with the portal's zone readable and the org's currency refused", note)
	}
	for _, def := range defs {
		if def.A.Connection == "hs" && def.B.Connection == "sf" {
			saveSyncs(t, a, def)
		}
	}
}
