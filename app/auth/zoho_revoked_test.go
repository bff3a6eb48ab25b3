package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/sync/sandbox/zoho"
	"golang.org/x/oauth2"
)

// TestZohoRevokedRefreshNeedsReconnect: Zoho Accounts refuses a revoked
// refresh token with HTTP 200 and {"error":"invalid_code"} (seen live:
// github.com/Weble/ZohoBooksApi/issues/84, "IdentityProviderException(code:
// 200): invalid_code" from refreshAccessToken; asciisd/zoho-v3#14). No retry
// cures it: the user must connect again.
func TestZohoRevokedRefreshNeedsReconnect(t *testing.T) {
	sim, srv, tok := zohoSignIn(t)
	// The user revokes crmsync's access in Zoho Accounts.
	resp, err := http.PostForm(srv.URL+"/oauth/v2/token/revoke", url.Values{"token": {tok.Refresh}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	ts := zohoTokenSource(t, sim, srv, tok.Access, tok.Refresh)
	ts.Invalidate()
	_, err = ts.Token()
	if !errors.Is(err, ErrReconnectNeeded) {
		t.Fatalf("err = %v, want ErrReconnectNeeded", err)
	}
	if !strings.Contains(err.Error(), "invalid_code") {
		t.Fatalf("err = %v, want Zoho's own code", err)
	}
}

// zohoSignIn signs in to a Zoho sandbox over HTTP as the app's flow does.
func zohoSignIn(t *testing.T) (*zoho.Sim, *httptest.Server, zohoTokens) {
	t.Helper()

	sim := zoho.New(zoho.Options{})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	const redirect = "http://127.0.0.1:5555/callback"
	q := url.Values{"client_id": {sim.Auth().ClientID()}, "response_type": {"code"}, "redirect_uri": {redirect},
		"scope": {"ZohoCRM.modules.contacts.ALL"}, "state": {"s"}, "access_type": {"offline"}, "prompt": {"consent"}}
	resp, err := noRedirect.Get(srv.URL + "/oauth/v2/auth?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {sim.Auth().ClientID()},
		"client_secret": {sim.Auth().ClientSecret()}, "redirect_uri": {redirect}, "code": {loc.Query().Get("code")}}
	resp, err = http.PostForm(srv.URL+"/oauth/v2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tok zohoTokens
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if tok.Refresh == "" {
		t.Fatal("no refresh token from the sandbox")
	}
	return sim, srv, tok
}

type zohoTokens struct {
	Access  string `json:"access_token"`
	Refresh string `json:"refresh_token"`
}

// zohoTokenSource is a token source over a stored Zoho sign-in.
func zohoTokenSource(t *testing.T, sim *zoho.Sim, srv *httptest.Server, access, refresh string) *TokenSource {
	t.Helper()
	ctx := context.Background()
	store := secret.NewMemory()
	if err := Save(ctx, store, connKey, &oauth2.Token{AccessToken: access, RefreshToken: refresh}); err != nil {
		t.Fatal(err)
	}
	ep := Endpoint{Vendor: "zoho", AuthURL: srv.URL + "/oauth/v2/auth", TokenURL: srv.URL + "/oauth/v2/token",
		ClientID: sim.Auth().ClientID(), ClientSecret: sim.Auth().ClientSecret()}
	return NewTokenSource(ctx, ep, store, connKey, srv.Client())
}

// TestZohoRefreshThrottleIsNoReconnect: Zoho allows ten refreshes of a
// token in ten minutes and refuses more with "You have made too many
// requests continuously. Please try again after some time.": a wait
// cures it, so it must not ask the person to connect again.
func TestZohoRefreshThrottleIsNoReconnect(t *testing.T) {
	sim, srv, tok := zohoSignIn(t)
	ts := zohoTokenSource(t, sim, srv, tok.Access, tok.Refresh)
	var err error
	for i := 0; i < 11 && err == nil; i++ {
		ts.Invalidate()
		_, err = ts.Token()
	}
	if err == nil {
		t.Fatal("eleven refreshes in a row were all answered")
	}
	if errors.Is(err, ErrReconnectNeeded) {
		t.Fatalf("a refresh throttle asks for a reconnect: %v", err)
	}
	if !strings.Contains(err.Error(), "too many requests") {
		t.Fatalf("err = %v, want Zoho's own words", err)
	}
}
