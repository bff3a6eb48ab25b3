// Package authtest runs the OAuth authorization-code flow against a
// sandbox's authorization server without a browser, for the connectors'
// tests: the same redirect, state and PKCE checks a browser would pass
// through, and the vendor's own token endpoint.
package authtest

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"golang.org/x/oauth2"
)

// Code follows conf's authorize URL (with the vendor's extra opts, such as
// Zoho's access_type=offline) to its redirect, checks the state came back
// with a code, and exchanges the code with its PKCE verifier.
func Code(t testing.TB, conf *oauth2.Config, opts ...oauth2.AuthCodeOption) *oauth2.Token {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(conf.AuthCodeURL("st4te", append(opts, oauth2.S256ChallengeOption(verifier))...))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "st4te" {
		t.Fatalf("authorize redirect %q (status %d)", resp.Header.Get("Location"), resp.StatusCode)
	}
	tok, err := conf.Exchange(context.Background(), loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("token exchange: %v", err)
	}
	return tok
}
