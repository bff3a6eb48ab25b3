package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app"
	"github.com/crmsync/crmsync/sync/sandbox"
)

// TestZohoZoneWithoutScopeSpendsNoRefreshes: a Zoho connection made
// before crmsync asked for ZohoCRM.org.READ is refused the org's time zone
// (401 OAUTH_SCOPE_MISMATCH), which a refreshed sign-in cannot cure. Each
// load of a side in the sync editor reads the zone; twelve loads must not
// spend Zoho's ten refreshes per ten minutes, nor meet its "too many
// requests" refusal, and the zone stays quietly unread.
func TestZohoZoneWithoutScopeSpendsNoRefreshes(t *testing.T) {
	ctx := context.Background()
	a, srv, _ := clockedApp(t, "salesforce", "sf")
	connectZohoWithout(t, a, srv, "zo", "ZohoCRM.org.READ")
	const tokenCalls = "POST /oauth/v2/token"
	before := srv.Zoho().Stats()[tokenCalls]
	for i := 0; i < 12; i++ {
		if z, err := a.AccountZone(ctx, "zo"); err == nil || z != "" {
			t.Fatalf("load %d: zone %q, %v; want it unread", i+1, z, err)
		} else if strings.Contains(err.Error(), "reconnect") || strings.Contains(err.Error(), "too many") {
			t.Fatalf("load %d: %v", i+1, err)
		}
	}
	if n := srv.Zoho().Stats()[tokenCalls] - before; n > 0 {
		t.Errorf("twelve zone reads refreshed the sign-in %d times; want none", n)
	}
	if _, err := a.Schema(ctx, "zo", "Contacts"); err != nil {
		t.Errorf("schema after the zone reads: %v", err)
	}
}

// connectZohoWithout connects the Zoho sandbox as name with scope taken
// out of the consent URL, as a connection made before crmsync asked for
// that scope.
func connectZohoWithout(t *testing.T, a *app.App, srv *sandbox.Server, name, scope string) {
	t.Helper()
	ctx := context.Background()
	for _, v := range srv.Vendors() {
		if v.Vendor != "zoho" {
			continue
		}
		follow := app.FollowConsent(nil)
		if _, err := a.Connect(ctx, app.ConnectRequest{Vendor: "zoho", Name: name, ClientID: v.ClientID, ClientSecret: v.ClientSecret,
			APIBase: v.APIBase, AuthURL: v.AuthURL, TokenURL: v.TokenURL, RevokeURL: v.RevokeURL,
			OpenConsent: func(ctx context.Context, authURL string) error {
				u, err := url.Parse(authURL)
				if err != nil {
					return err
				}
				q := u.Query()
				q.Set("scope", strings.ReplaceAll(q.Get("scope"), ","+scope, ""))
				u.RawQuery = q.Encode()
				return follow(ctx, u.String())
			}}); err != nil {
			t.Fatal(err)
		}
	}
}
