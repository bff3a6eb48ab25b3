package app_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/app/secret"
)

// storedRefreshToken is the refresh token the keyring holds for conn.
func storedRefreshToken(t *testing.T, secrets secret.Store, conn string) string {
	t.Helper()
	raw, err := secrets.Get(context.Background(), "connection/"+conn+"/token")
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal([]byte(raw), &tok); err != nil || tok.RefreshToken == "" {
		t.Fatalf("stored token of %s: %v", conn, err)
	}
	return tok.RefreshToken
}

// TestRevokedGrantMarksOnlyItsConnection: the Salesforce admin
// revokes crmsync's grant; the next run of a HubSpot ↔ Salesforce sync
// stops. Connections must say Salesforce needs a reconnect, and must not
// send the user to reconnect HubSpot, whose sign-in is fine.
func TestRevokedGrantMarksOnlyItsConnection(t *testing.T) {
	ctx := context.Background()
	srv := startSandbox(t, 813, 6)
	secrets := secret.NewMemory()
	a := openHome(t, t.TempDir(), secrets, nil)
	for _, v := range [][2]string{{"hubspot", "hs"}, {"salesforce", "sf"}} {
		if _, err := a.ConnectSandbox(ctx, srv, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	sf := srv.Salesforce().Auth()
	sf.Revoke(storedRefreshToken(t, secrets, "sf"))
	sf.ExpireAllAccess()

	if _, err := a.Run(ctx, "contacts", app.RunOptions{Confirm: true}); err == nil {
		t.Fatal("the run succeeded with a revoked Salesforce grant")
	}
	conns, err := a.Connections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		want := map[string]bool{"sf": true}[c.Name]
		if got := c.Status == "reconnect"; got != want {
			t.Errorf("connection %s: status %q (%s), want reconnect=%v", c.Name, c.Status, c.StatusDetail, want)
		}
	}
}

// TestWorkingSignInClearsReconnect: a connection marked "needs reconnect"
// (a vendor outage answered 401s for a while) whose sign-in works again is
// shown connected after the next run reads through it, without connecting
// again; the other connection is left as it was.
func TestWorkingSignInClearsReconnect(t *testing.T) {
	ctx := context.Background()
	a, _ := connectedSandbox(t, 814, 6)
	saveSyncs(t, a, app.DemoSync("contacts", "hs", "sf"))
	if err := a.DB().SetConnectionStatus(ctx, "sf", "reconnect", "salesforce: 401 INVALID_SESSION_ID during an outage"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(ctx, "contacts", app.RunOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	conns, err := a.Connections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		if c.Status != "connected" || c.StatusDetail != "" {
			t.Errorf("connection %s after a run that read through it: %q (%s); want connected", c.Name, c.Status, c.StatusDetail)
		}
	}
}
