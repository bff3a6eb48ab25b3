package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmsync/crmsync/app/secret"
	"golang.org/x/oauth2"
)

// testVendor is a tiny OAuth authorization server: authorize (redirects
// back with code+state or an error), token (PKCE S256 check, expiring
// access tokens, rotating refresh tokens), revoke, and a protected API.
type testVendor struct {
	t   *testing.T
	srv *httptest.Server

	clientID, clientSecret string // empty secret = public client: a sent secret is rejected

	mu           sync.Mutex
	deny         bool // authorize answers access_denied
	requirePKCE  bool // authorize rejects requests without an S256 challenge
	rotate       bool // refresh issues a new refresh token and kills the old one
	expiresIn    int  // seconds; 0 = omit expires_in (Salesforce)
	failRefresh  int  // when non-zero, refresh answers this status with a body echoing the refresh token
	failRevoke   bool // revoke answers 400
	codes        map[string]codeGrant
	refreshValid map[string]bool
	accessValid  map[string]bool
	issued       []string // every secret this server produced, for leak checks
	refreshes    int
	exchanges    int
	revoked      []string
}

type codeGrant struct{ challenge, redirectURI string }

func newTestVendor(t *testing.T, clientSecret string) *testVendor {
	v := &testVendor{
		t: t, clientID: "crmsync-test", clientSecret: clientSecret,
		requirePKCE: true, rotate: true, expiresIn: 3600,
		codes: map[string]codeGrant{}, refreshValid: map[string]bool{}, accessValid: map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", v.authorize)
	mux.HandleFunc("POST /token", v.token)
	mux.HandleFunc("POST /revoke", v.revoke)
	mux.HandleFunc("/api/echo", v.api)
	v.srv = httptest.NewServer(mux)
	t.Cleanup(v.srv.Close)
	return v
}

func (v *testVendor) endpoint(pkce bool) Endpoint {
	return Endpoint{
		Vendor: "testcrm", AuthURL: v.srv.URL + "/authorize", TokenURL: v.srv.URL + "/token",
		RevokeURL: v.srv.URL + "/revoke", ClientID: v.clientID, ClientSecret: v.clientSecret,
		Scopes: []string{"api", "refresh_token"}, PKCE: pkce,
	}
}

func randomString(prefix string) string {
	b := make([]byte, 18)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

func (v *testVendor) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || q.Get("client_id") != v.clientID || q.Get("response_type") != "code" {
		http.Error(w, "bad authorize request", http.StatusBadRequest)
		return
	}
	back := url.Values{"state": {q.Get("state")}}
	v.mu.Lock()
	switch {
	case v.deny:
		back.Set("error", "access_denied")
		back.Set("error_description", "The user denied access to testcrm")
	case v.requirePKCE && (q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == ""):
		back.Set("error", "invalid_request")
		back.Set("error_description", "PKCE S256 required")
	default:
		code := randomString("code-")
		v.codes[code] = codeGrant{challenge: q.Get("code_challenge"), redirectURI: redirect.String()}
		v.issued = append(v.issued, code)
		back.Set("code", code)
	}
	v.mu.Unlock()
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// issueLocked creates a token pair; the caller holds v.mu.
func (v *testVendor) issueLocked() map[string]any {
	access, refresh := randomString("at-"), randomString("rt-")
	v.accessValid[access] = true
	v.refreshValid[refresh] = true
	v.issued = append(v.issued, access, refresh)
	resp := map[string]any{
		"access_token": access, "refresh_token": refresh, "token_type": "Bearer",
		"instance_url": v.srv.URL, "id": v.srv.URL + "/id/00D/005", "hub_id": 4242,
		"id_token": randomString("idt-"),
	}
	if v.expiresIn > 0 {
		resp["expires_in"] = v.expiresIn
	}
	return resp
}

func (v *testVendor) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("client_id") != v.clientID {
		oauthError(w, 401, "invalid_client", "unknown client")
		return
	}
	if r.PostForm.Get("client_secret") != v.clientSecret {
		oauthError(w, 401, "invalid_client", "client secret mismatch (public clients must omit it)")
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		code := r.PostForm.Get("code")
		g, ok := v.codes[code]
		delete(v.codes, code) // single use
		if !ok || g.redirectURI != r.PostForm.Get("redirect_uri") {
			oauthError(w, 400, "invalid_grant", "authorization code invalid or redirect_uri mismatch")
			return
		}
		if g.challenge != "" && oauth2.S256ChallengeFromVerifier(r.PostForm.Get("code_verifier")) != g.challenge {
			oauthError(w, 400, "invalid_grant", "invalid code verifier")
			return
		}
		v.exchanges++
		writeJSON(w, 200, v.issueLocked())
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if v.failRefresh != 0 {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(v.failRefresh)
			io.WriteString(w, "upstream could not process refresh_token="+rt+" for "+v.clientSecret)
			return
		}
		if !v.refreshValid[rt] {
			oauthError(w, 400, "invalid_grant", "expired access/refresh token "+rt)
			return
		}
		v.refreshes++
		resp := v.issueLocked()
		if v.rotate {
			delete(v.refreshValid, rt)
		} else {
			delete(v.refreshValid, resp["refresh_token"].(string))
			resp["refresh_token"] = rt
		}
		delete(resp, "hub_id") // refresh answers carry fewer extras
		writeJSON(w, 200, resp)
	default:
		oauthError(w, 400, "unsupported_grant_type", "")
	}
}

func (v *testVendor) revoke(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.failRevoke {
		oauthError(w, 400, "unsupported_token_type", "cannot revoke "+r.PostForm.Get("token"))
		return
	}
	tok := r.PostForm.Get("token")
	v.revoked = append(v.revoked, tok)
	delete(v.refreshValid, tok)
	w.WriteHeader(200)
}

// api echoes the request body for a valid bearer token, else 401 like
// Salesforce's INVALID_SESSION_ID.
func (v *testVendor) api(w http.ResponseWriter, r *http.Request) {
	access, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	v.mu.Lock()
	ok := v.accessValid[access]
	v.mu.Unlock()
	if !ok {
		writeJSON(w, 401, []map[string]string{{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}})
		return
	}
	io.Copy(w, r.Body)
}

// grant issues a token pair directly, as if a sign-in had happened.
func (v *testVendor) grant(expired bool) *oauth2.Token {
	v.mu.Lock()
	defer v.mu.Unlock()
	resp := v.issueLocked()
	tok := &oauth2.Token{AccessToken: resp["access_token"].(string), RefreshToken: resp["refresh_token"].(string), TokenType: "Bearer"}
	tok.Expiry = time.Now().Add(time.Hour)
	if expired {
		tok.Expiry = time.Now().Add(-time.Hour)
	}
	return tok.WithExtra(map[string]any{"instance_url": v.srv.URL, "hub_id": float64(4242)})
}

// expireSessions kills every access token (the org's session timeout).
func (v *testVendor) expireSessions() {
	v.mu.Lock()
	clear(v.accessValid)
	v.mu.Unlock()
}

func (v *testVendor) stats() (refreshes, exchanges int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.refreshes, v.exchanges
}

func (v *testVendor) set(f func(v *testVendor)) {
	v.mu.Lock()
	f(v)
	v.mu.Unlock()
}

// assertNoSecrets fails when err's message contains anything the vendor
// issued (codes, access and refresh tokens) or the client secret.
func (v *testVendor) assertNoSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, s := range append([]string{v.clientSecret}, v.issued...) {
		if s != "" && strings.Contains(msg, s) {
			t.Fatalf("error message leaks a secret %q: %s", s[:6]+"…", msg)
		}
	}
}

// redirectPort is the loopback port an authorization URL's redirect_uri
// names: with AnyPort, the one the flow bound.
func redirectPort(t *testing.T, authURL string) int {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	ru, err := url.Parse(u.Query().Get("redirect_uri"))
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(ru.Port())
	if err != nil || port <= 0 {
		t.Fatalf("redirect_uri %q names no port", ru)
	}
	return port
}

// testBrowser plays the user's browser: it GETs the authorization URL and
// follows the redirect to the loopback listener, optionally tampering with
// the callback URL, and reports the final page text on pages.
type testBrowser struct {
	tamper func(u *url.URL)
	pages  chan string
}

func newTestBrowser(tamper func(u *url.URL)) *testBrowser {
	return &testBrowser{tamper: tamper, pages: make(chan string, 4)}
}

func (b *testBrowser) open(ctx context.Context, authURL string) error {
	c := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if b.tamper != nil {
			b.tamper(req.URL)
		}
		return nil
	}}
	// A real browser outlives the flow's context.
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, authURL, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		b.pages <- "browser error: " + err.Error()
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.pages <- string(body)
	return nil
}

// page waits for the page the browser ended on.
func (b *testBrowser) page(t *testing.T) string {
	t.Helper()
	select {
	case p := <-b.pages:
		return p
	case <-time.After(30 * time.Second):
		t.Fatal("browser never finished loading")
		return ""
	}
}

func isNotFound(err error) bool { return errors.Is(err, secret.ErrNotFound) }
