package klaviyo

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRevokeOfRefreshTokenEndsItsAccessTokens: revoking a Klaviyo
// refresh token (POST /oauth/revoke, token_type_hint refresh_token) ends
// the app's grant (Set up OAuth guide), and RFC 7009 §2.1 says a server
// that ends a grant SHOULD also invalidate the access tokens issued under
// it. The sandbox left the access token working after its grant was
// revoked; a revoked access token alone still leaves the refresh token.
func TestRevokeOfRefreshTokenEndsItsAccessTokens(t *testing.T) {
	h := newHarness(t, Options{Seed: 7})
	access, refresh := klaviyoGrant(t, h)
	bearer := func() int {
		code, _, _ := h.call("GET", "/api/accounts", nil, "Authorization", "Bearer "+access)
		return code
	}
	if code := bearer(); code != 200 {
		t.Fatalf("call with the new access token: %d", code)
	}
	if code := klaviyoRevoke(t, h, refresh, "refresh_token"); code != 200 {
		t.Fatalf("revoke: %d", code)
	}
	if h.sim.Auth().RefreshValid(refresh) {
		t.Error("the revoked refresh token still refreshes")
	}
	if code := bearer(); code != 401 {
		t.Errorf("the access token of the revoked grant: HTTP %d, want 401", code)
	}

	access, refresh = klaviyoGrant(t, h)
	if code := klaviyoRevoke(t, h, access, "access_token"); code != 200 {
		t.Fatalf("revoke of an access token: %d", code)
	}
	if code := bearer(); code != 401 {
		t.Errorf("the revoked access token: HTTP %d, want 401", code)
	}
	if !h.sim.Auth().RefreshValid(refresh) {
		t.Error("revoking an access token took its refresh token along")
	}
}

// klaviyoGrant runs the authorization-code flow with PKCE and returns the
// access and refresh tokens.
func klaviyoGrant(t *testing.T, h *harness) (access, refresh string) {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	verifier := "verifier-0123456789-0123456789-0123456789-0123456789"
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"response_type": {"code"}, "client_id": {h.sim.Auth().ClientID()}, "redirect_uri": {h.sim.opts.RedirectURI},
		"scope": {"accounts:read profiles:read"}, "state": {"st8"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	resp, err := noRedirect.Get(h.url("/oauth/authorize?" + q.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "code_verifier": {verifier},
		"redirect_uri": {h.sim.opts.RedirectURI}}
	req, _ := http.NewRequest("POST", h.url("/oauth/token"), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(h.sim.Auth().ClientID(), h.sim.Auth().ClientSecret())
	r, err := http.DefaultClient.Do(req)
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

// klaviyoRevoke posts token to /oauth/revoke with the client by HTTP Basic.
func klaviyoRevoke(t *testing.T, h *harness, token, hint string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", h.url("/oauth/revoke"), strings.NewReader(url.Values{"token": {token}, "token_type_hint": {hint}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(h.sim.Auth().ClientID(), h.sim.Auth().ClientSecret())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
