package hubspot

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/crmsync/crmsync/sync/sandbox/simkit/oauthflow"
)

// TestRevokeOfRefreshTokenLeavesAccessTokens pins HubSpot's documented
// revoke, which differs from Salesforce's and Klaviyo's: "This will only
// delete the refresh token. Access tokens generated with the refresh token
// will not be affected" (Delete OAuth 2.0 Refresh Token, legacy OAuth
// docs; the 2026-03 revoke "Deletes/Revokes provided Refresh Token" and
// says nothing more). Coverage only: the sandbox already behaves so.
func TestRevokeOfRefreshTokenLeavesAccessTokens(t *testing.T) {
	e := newEnv(t, Options{})
	flow := hubspotFlow(e)
	access, refresh := flow.Tokens(t)
	if status, body := flow.Post(t, e.srv.URL+"/oauth/2026-03/token/revoke", url.Values{"token": {refresh}}); status != http.StatusNoContent {
		t.Fatalf("revoke: %d %v", status, body)
	}
	if e.sim.Auth().RefreshValid(refresh) {
		t.Error("the revoked refresh token still refreshes")
	}
	e.token = access
	if r, body := e.do("GET", "/crm/objects/2026-03/contacts", nil); r.StatusCode != 200 {
		t.Errorf("the access token after its refresh token was revoked: %d %v, want 200 until it expires", r.StatusCode, body)
	}
}

// hubspotFlow is the sandbox's authorization-code flow with PKCE, the
// client in the form.
func hubspotFlow(e *env) oauthflow.Flow {
	return oauthflow.Flow{AuthorizeURL: e.srv.URL + "/oauth/authorize", TokenURL: e.srv.URL + "/oauth/2026-03/token",
		ClientID: e.sim.Auth().ClientID(), ClientSecret: e.sim.Auth().ClientSecret(), RedirectURI: "http://localhost:53682/callback",
		Extra: url.Values{"scope": {"crm.objects.contacts.read"}}}
}
