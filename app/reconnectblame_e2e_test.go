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
