package pipedrive

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRevokeEndsTheGrant: Pipedrive's revoke endpoint (POST
// /oauth/revoke, RFC 7009) "has to be authenticated via HTTP Basic Auth"
// (app-uninstallation); revoking the refresh token invalidates the grant,
// so its access token stops working too. The sandbox took the client in
// the form and left the access token working.
func TestRevokeEndsTheGrant(t *testing.T) {
	e := newEnv(t, Options{})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"client_id": {e.sim.Auth().ClientID()}, "redirect_uri": {"http://127.0.0.1:53682/callback"}, "state": {"s"}}
	resp, err := noFollow.Get(e.base + "/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	post := func(path string, form url.Values, basic bool) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, e.base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			req.SetBasicAuth(e.sim.Auth().ClientID(), e.sim.Auth().ClientSecret())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		return resp.StatusCode, m
	}
	st, tok := post("/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {"http://127.0.0.1:53682/callback"}}, true)
	if st != 200 {
		t.Fatalf("token: %d %v", st, tok)
	}
	access, refresh := tok["access_token"].(string), tok["refresh_token"].(string)
	inForm := url.Values{"token": {refresh}, "token_type_hint": {"refresh_token"},
		"client_id": {e.sim.Auth().ClientID()}, "client_secret": {e.sim.Auth().ClientSecret()}}
	if st, body := post("/oauth/revoke", inForm, false); st == 200 || body["error"] != "invalid_client" {
		t.Errorf("a revoke with the client in the form, not HTTP Basic: %d %v", st, body)
	}
	if st, body := post("/oauth/revoke", url.Values{"token": {refresh}, "token_type_hint": {"refresh_token"}}, true); st != 200 {
		t.Fatalf("revoke: %d %v", st, body)
	}
	if e.sim.Auth().RefreshValid(refresh) {
		t.Errorf("the revoked refresh token still refreshes")
	}
	if r := e.request("GET", "/api/v2/persons", nil, map[string]string{"Authorization": "Bearer " + access}); r.status != 401 {
		t.Errorf("the revoked grant's access token: HTTP %d, want 401", r.status)
	}
	if st, _ := post("/oauth/revoke", url.Values{"token": {"unknown"}}, true); st != 200 {
		t.Errorf("an unknown token answers %d; RFC 7009 §2.2 says 200", st)
	}
}
