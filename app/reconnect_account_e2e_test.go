package app_test

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox/hubspot"
)

// TestReconnectToAnotherAccount: the contacts sync has linked the
// people of HubSpot portal 24681357 with Salesforce. Connection hs is then
// connected again, to a different HubSpot portal. Its links name records
// of the old portal: the app must notice the account changed and say so,
// not run the sync mixing the old account's links with the new account's
// records.
func TestReconnectToAnotherAccount(t *testing.T) {
	ctx := context.Background()
	a, srv, links := syncedContacts(t, 51, false)
	before, _ := a.DB().Connection(ctx, "hs")

	other, hs := otherPortal(t)
	c, err := a.Connect(ctx, otherPortalRequest(other, hs.URL))
	if err != nil {
		t.Logf("reconnect refused: %v", err)
		if now, _ := a.DB().Connection(ctx, "hs"); now.AccountID != before.AccountID || now.APIBase != before.APIBase {
			t.Errorf("the refused reconnect still changed connection hs: %+v", now)
		}
		if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err != nil {
			t.Errorf("the old connection no longer runs: %v", err)
		}
		return // noticed
	}
	if c.AccountID == before.AccountID {
		t.Fatalf("test setup: the second portal has the same account id %q", c.AccountID)
	}
	// The new portal's people get ids the old links name.
	linked := map[string]string{}
	for _, l := range links {
		linked[l.AID] = l.BID
	}
	var hit, sfID string
	for i := 0; i < 200 && hit == ""; i++ {
		r, err := other.Create("contacts", map[string]string{"email": "stranger" + itoa(i) + "@elsewhere.example", "firstname": "Stranger", "lastname": "Number" + itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		if b, ok := linked[r.ID]; ok {
			hit, sfID = r.ID, b
		}
	}
	if hit == "" {
		t.Skip("no id of the new portal names a linked record")
	}
	sfBefore, _ := srv.Salesforce().Get("Contact", sfID)
	res, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err != nil {
		t.Logf("run after reconnect: %v", err)
		return // noticed
	}
	sfAfter, _ := srv.Salesforce().Get("Contact", sfID)
	t.Errorf("connection hs moved from %s to %s with %d links of the old account, and nothing said so: the run went on (%+v); Salesforce contact %s (linked to old portal contact %s) changed from %s <%s> to %s <%s>",
		before.AccountName, c.AccountName, len(links), res.Summary, sfID, hit,
		sfBefore.Fields["LastName"], sfBefore.Fields["Email"], sfAfter.Fields["LastName"], sfAfter.Fields["Email"])
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestDisconnectKeepsSyncs: disconnecting a connection syncs use keeps
// those syncs and their settings, and running one says which connection is
// missing.
func TestDisconnectKeepsSyncs(t *testing.T) {
	ctx := context.Background()
	a, _, _ := syncedContacts(t, 55, false)
	if err := a.Disconnect(ctx, "hs"); err != nil {
		t.Logf("disconnect: %v", err)
	}
	v, err := a.Sync(ctx, "contacts")
	if err != nil {
		t.Fatalf("the sync went with its connection: %v", err)
	}
	if v.Definition.A.Connection != "hs" || len(v.Definition.Fields) == 0 {
		t.Errorf("the sync's settings changed: %+v", v.Definition)
	}
	if n := len(syncLinks(t, a, "contacts")); n == 0 {
		t.Errorf("the sync's links went with its connection")
	}
	_, err = a.Run(ctx, "contacts", app.RunOptions{Confirm: true})
	if err == nil || !strings.Contains(err.Error(), `"hs"`) {
		t.Errorf("run without its connection: %v", err)
	}
}

// otherPortal is a second HubSpot portal (hub 11223344), served over HTTP.
func otherPortal(t *testing.T) (*hubspot.Sim, *httptest.Server) {
	t.Helper()
	other := hubspot.New(hubspot.Options{Seed: 99, HubID: 11223344})
	hs := httptest.NewServer(other)
	t.Cleanup(hs.Close)
	return other, hs
}

// otherPortalRequest connects connection hs to portal other served at url.
func otherPortalRequest(other *hubspot.Sim, url string) app.ConnectRequest {
	return app.ConnectRequest{
		Vendor: "hubspot", Name: "hs", ClientID: other.Auth().ClientID(), ClientSecret: other.Auth().ClientSecret(),
		APIBase: url, AuthURL: url + "/oauth/authorize", TokenURL: url + "/oauth/2026-03/token",
		RevokeURL: url + "/oauth/2026-03/token/revoke", OpenConsent: app.FollowConsent(nil),
	}
}
