package pipedrive

import (
	"net/url"
	"testing"

	"github.com/crmsync/crmsync/sync/sandbox/simkit/oauthflow"
)

// TestRevokeEndsTheGrant: Pipedrive's revoke endpoint (POST
// /oauth/revoke, RFC 7009) "has to be authenticated via HTTP Basic Auth"
// (app-uninstallation); revoking the refresh token invalidates the grant,
// so its access token stops working too. The sandbox took the client in
// the form and left the access token working.
func TestRevokeEndsTheGrant(t *testing.T) {
	e := newEnv(t, Options{})
	basic := oauthflow.Flow{AuthorizeURL: e.base + "/oauth/authorize", TokenURL: e.base + "/oauth/token",
		ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret(), RedirectURI: "http://127.0.0.1:53682/callback", Basic: true}
	access, refresh := basic.Tokens(t)
	inForm := basic
	inForm.Basic = false
	revoke := url.Values{"token": {refresh}, "token_type_hint": {"refresh_token"}}
	if st, body := inForm.Post(t, e.base+"/oauth/revoke", revoke); st == 200 || body["error"] != "invalid_client" {
		t.Errorf("a revoke with the client in the form, not HTTP Basic: %d %v", st, body)
	}
	if st, body := basic.Post(t, e.base+"/oauth/revoke", revoke); st != 200 {
		t.Fatalf("revoke: %d %v", st, body)
	}
	if e.sim.Auth().RefreshValid(refresh) {
		t.Errorf("the revoked refresh token still refreshes")
	}
	if r := e.request("GET", "/api/v2/persons", nil, map[string]string{"Authorization": "Bearer " + access}); r.status != 401 {
		t.Errorf("the revoked grant's access token: HTTP %d, want 401", r.status)
	}
	if st, _ := basic.Post(t, e.base+"/oauth/revoke", url.Values{"token": {"unknown"}}); st != 200 {
		t.Errorf("an unknown token answers %d; RFC 7009 §2.2 says 200", st)
	}
}
