package salesforce

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// TestRevokeOfRefreshTokenEndsItsAccessTokens: Salesforce's revoke
// endpoint (Revoking OAuth Tokens, Mobile SDK guide; Help "Revoke OAuth
// Tokens"): "If a refresh token is included, Salesforce revokes it and any
// associated access tokens." The sandbox revoked the refresh token alone,
// so the access token issued with it kept working.
func TestRevokeOfRefreshTokenEndsItsAccessTokens(t *testing.T) {
	e := newEnv(t, Options{PathPrefix: ""})
	access, refresh := sfGrant(t, e)
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

// sfGrant runs the authorization-code flow with PKCE and returns the
// access and refresh tokens.
func sfGrant(t *testing.T, e *env) (access, refresh string) {
	t.Helper()
	verifier := "sf-verifier-0123456789-0123456789-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://localhost:8787/callback"
	q := url.Values{"response_type": {"code"}, "client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {redirect}, "state": {"s1"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.srv.URL + "/services/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	r, err := http.PostForm(e.srv.URL+"/services/oauth2/token", url.Values{"grant_type": {"authorization_code"},
		"client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {redirect}, "code": {loc.Query().Get("code")}, "code_verifier": {verifier}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	tok := map[string]string{}
	_ = json.NewDecoder(r.Body).Decode(&tok)
	if r.StatusCode != 200 || tok["access_token"] == "" || tok["refresh_token"] == "" {
		t.Fatalf("token: %d %v", r.StatusCode, tok)
	}
	return tok["access_token"], tok["refresh_token"]
}
