package hubspot

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// TestRevokeOfRefreshTokenLeavesAccessTokens pins HubSpot's documented
// revoke, which differs from Salesforce's and Klaviyo's: "This will only
// delete the refresh token. Access tokens generated with the refresh token
// will not be affected" (Delete OAuth 2.0 Refresh Token, legacy OAuth
// docs; the 2026-03 revoke "Deletes/Revokes provided Refresh Token" and
// says nothing more). Coverage only: the sandbox already behaves so.
func TestRevokeOfRefreshTokenLeavesAccessTokens(t *testing.T) {
	e := newEnv(t, Options{})
	access, refresh := hubspotGrant(t, e)
	r, err := http.PostForm(e.srv.URL+"/oauth/2026-03/token/revoke", url.Values{"token": {refresh},
		"client_id": {e.sim.Auth().ClientID()}, "client_secret": {e.sim.Auth().ClientSecret()}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: %d", r.StatusCode)
	}
	if e.sim.Auth().RefreshValid(refresh) {
		t.Error("the revoked refresh token still refreshes")
	}
	e.token = access
	if r, body := e.do("GET", "/crm/objects/2026-03/contacts", nil); r.StatusCode != 200 {
		t.Errorf("the access token after its refresh token was revoked: %d %v, want 200 until it expires", r.StatusCode, body)
	}
}

// hubspotGrant runs the authorization-code flow with PKCE and returns the
// access and refresh tokens.
func hubspotGrant(t *testing.T, e *env) (access, refresh string) {
	t.Helper()
	verifier := "hs-verifier-0123456789-0123456789-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://localhost:53682/callback"
	q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {redirect}, "scope": {"crm.objects.contacts.read"},
		"state": {"st"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.srv.URL + "/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	r, err := http.PostForm(e.srv.URL+"/oauth/2026-03/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {e.sim.Auth().ClientID()},
		"client_secret": {e.sim.Auth().ClientSecret()}, "redirect_uri": {redirect}, "code": {loc.Query().Get("code")}, "code_verifier": {verifier}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var tok map[string]any
	_ = json.NewDecoder(r.Body).Decode(&tok)
	access, _ = tok["access_token"].(string)
	refresh, _ = tok["refresh_token"].(string)
	if r.StatusCode != 200 || access == "" || refresh == "" {
		t.Fatalf("token: %d %v", r.StatusCode, tok)
	}
	return access, refresh
}
