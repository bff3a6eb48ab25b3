package salesforce

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/crmsync/crmsync/sync/sandbox/simkit/oauthflow"
)

// TestRevokeOfRefreshTokenEndsItsAccessTokens: Salesforce's revoke
// endpoint (Revoking OAuth Tokens, Mobile SDK guide; Help "Revoke OAuth
// Tokens"): "If a refresh token is included, Salesforce revokes it and any
// associated access tokens." The sandbox revoked the refresh token alone,
// so the access token issued with it kept working.
func TestRevokeOfRefreshTokenEndsItsAccessTokens(t *testing.T) {
	e := newEnv(t, Options{PathPrefix: ""})
	access, refresh := sfFlow(e).Tokens(t)
	e.token = access
	if r, _ := e.do("GET", v+"/limits", nil); r.StatusCode != 200 {
		t.Fatalf("limits with the new access token: %d", r.StatusCode)
	}
	r, err := http.PostForm(e.srv.URL+"/services/oauth2/revoke", url.Values{"token": {refresh}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 200 {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	if e.sim.Auth().RefreshValid(refresh) {
		t.Error("the revoked refresh token still refreshes")
	}
	if r, raw := e.do("GET", v+"/limits", nil); r.StatusCode != 401 {
		t.Errorf("the access token of the revoked refresh token: HTTP %d %s, want 401", r.StatusCode, raw)
	}
}

// sfFlow is the sandbox's authorization-code flow with PKCE, as a public
// client (no secret).
func sfFlow(e *env) oauthflow.Flow {
	return oauthflow.Flow{AuthorizeURL: e.srv.URL + "/services/oauth2/authorize", TokenURL: e.srv.URL + "/services/oauth2/token",
		ClientID: e.sim.Auth().ClientID(), RedirectURI: "http://localhost:8787/callback", Extra: url.Values{"response_type": {"code"}}}
}
