// Package oauthflow drives a sandbox's OAuth endpoints as a client does
// (authorize without following the redirect, then form posts to the token
// and revoke endpoints), for the sandboxes' tests.
package oauthflow

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Flow is one vendor's authorization-code grant with PKCE.
type Flow struct {
	AuthorizeURL, TokenURL string
	ClientID, ClientSecret string
	RedirectURI            string
	// Basic sends the client by HTTP Basic (Klaviyo, Pipedrive); otherwise
	// client_id (and client_secret when Secret is set) go in the form.
	Basic bool
	// Extra are more authorize parameters (scope, response_type).
	Extra url.Values
}

const verifier = "oauthflow-verifier-0123456789-0123456789-0123456789"

// Tokens runs the flow and returns the access and refresh tokens.
func (f Flow) Tokens(t testing.TB) (access, refresh string) {
	t.Helper()
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"client_id": {f.ClientID}, "redirect_uri": {f.RedirectURI}, "state": {"oauthflow-state"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	for k, v := range f.Extra {
		q[k] = v
	}
	loc := Authorize(t, f.AuthorizeURL, q)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "code_verifier": {verifier},
		"redirect_uri": {f.RedirectURI}}
	status, tok := f.Post(t, f.TokenURL, form)
	access, _ = tok["access_token"].(string)
	refresh, _ = tok["refresh_token"].(string)
	if status != 200 || access == "" || refresh == "" {
		t.Fatalf("token: %d %v", status, tok)
	}
	return access, refresh
}

// Post posts form to u with the flow's client and returns the status and
// the decoded JSON answer (nil when it is not JSON).
func (f Flow) Post(t testing.TB, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	form = cloneValues(form)
	if !f.Basic {
		form.Set("client_id", f.ClientID)
		if f.ClientSecret != "" {
			form.Set("client_secret", f.ClientSecret)
		}
	}
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if f.Basic {
		req.SetBasicAuth(f.ClientID, f.ClientSecret)
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

// Authorize GETs authorizeURL with q without following the redirect and
// returns where it redirects to.
func Authorize(t testing.TB, authorizeURL string, q url.Values) *url.URL {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authorizeURL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: HTTP %d, redirect %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+2)
	for k, x := range v {
		out[k] = x
	}
	return out
}
