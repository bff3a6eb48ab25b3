package klaviyo

import (
	"net/url"
	"testing"

	"github.com/crmsync/crmsync/sync/sandbox/simkit/oauthflow"
)

// TestRevokeOfRefreshTokenEndsItsAccessTokens: revoking a Klaviyo
// refresh token (POST /oauth/revoke, token_type_hint refresh_token) ends
// the app's grant (Set up OAuth guide), and RFC 7009 §2.1 says a server
// that ends a grant SHOULD also invalidate the access tokens issued under
// it. The sandbox left the access token working after its grant was
// revoked; a revoked access token alone still leaves the refresh token.
func TestRevokeOfRefreshTokenEndsItsAccessTokens(t *testing.T) {
	h := newHarness(t, Options{Seed: 7})
	access, refresh := klaviyoFlow(h).Tokens(t)
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

	access, refresh = klaviyoFlow(h).Tokens(t)
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

// klaviyoFlow is the sandbox's authorization-code flow with PKCE, the
// client by HTTP Basic.
func klaviyoFlow(h *harness) oauthflow.Flow {
	return oauthflow.Flow{AuthorizeURL: h.url("/oauth/authorize"), TokenURL: h.url("/oauth/token"),
		ClientID: h.sim.Auth().ClientID(), ClientSecret: h.sim.Auth().ClientSecret(), RedirectURI: h.sim.opts.RedirectURI, Basic: true,
		Extra: url.Values{"response_type": {"code"}, "scope": {"accounts:read profiles:read"}}}
}

// klaviyoRevoke posts token to /oauth/revoke with the client by HTTP Basic.
func klaviyoRevoke(t *testing.T, h *harness, token, hint string) int {
	t.Helper()
	status, _ := klaviyoFlow(h).Post(t, h.url("/oauth/revoke"), url.Values{"token": {token}, "token_type_hint": {hint}})
	return status
}
