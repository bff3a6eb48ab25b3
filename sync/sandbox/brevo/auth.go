package brevo

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// authenticate reads the "api-key" header (an API key, full access: granted nil)
// or "Authorization: Bearer <OAuth access token>" (granted: its scopes). Anything
// else is 401 {"code":"unauthorized","message":"Key not found"} [the wording for a
// missing or bad Bearer token is unverified; the same body is used].
func (s *Sim) authenticate(r *http.Request) ([]string, *apiError) {
	unauth := &apiError{401, "unauthorized", "Key not found"}
	if key := strings.TrimSpace(r.Header.Get("api-key")); key != "" {
		s.keyMu.Lock()
		ok := s.apiKeys[key]
		s.keyMu.Unlock()
		if !ok {
			return nil, unauth
		}
		return nil, nil
	}
	tok := simkit.BearerToken(r)
	if tok == "" || s.auth.Check(tok) != simkit.TokenValid {
		return nil, unauth
	}
	s.keyMu.Lock()
	sc, ok := s.scopes[tok]
	s.keyMu.Unlock()
	if !ok {
		sc = []string{"all"}
	}
	return sc, nil
}

// MintAPIKey creates an API key with full access: "xkeysib-", 64 hex digits, "-"
// and 16 letters and digits (the shape of keys in the account's SMTP & API
// settings) [exact length unverified].
func (s *Sim) MintAPIKey() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	var t [8]byte
	_, _ = rand.Read(t[:])
	key := "xkeysib-" + hex.EncodeToString(b[:]) + "-" + hex.EncodeToString(t[:])
	s.keyMu.Lock()
	s.apiKeys[key] = true
	s.keyMu.Unlock()
	return key
}

// RevokeAPIKey deletes an API key, as the account's settings do.
func (s *Sim) RevokeAPIKey(key string) { s.keyMu.Lock(); delete(s.apiKeys, key); s.keyMu.Unlock() }

// MintAccessToken returns an OAuth access token with scope "all" that never
// expires on its own, for the combined sandbox and demos.
func (s *Sim) MintAccessToken() string { return s.auth.IssueLongLived() }

// MintAccessTokenWithScopes returns a never-expiring access token with only scopes.
func (s *Sim) MintAccessTokenWithScopes(scopes ...string) string {
	tok := s.auth.IssueLongLived()
	s.keyMu.Lock()
	s.scopes[tok] = slices.Clone(scopes)
	s.keyMu.Unlock()
	return tok
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// handleAuthorize serves GET /realms/partner/oauth/authorize (oauth.brevo.com):
// response_type=code, client_id, redirect_uri, scope ("all", or granular scopes
// separated by spaces) and state, per the integration guide. The guide names no
// PKCE; a code_challenge (S256) is accepted and then enforced [unverified].
// Consent is automatic; the redirect carries code and state, or
// error=access_denied.
func (s *Sim) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if s.opts.RedirectURI != "" && q.Get("redirect_uri") != s.opts.RedirectURI {
		http.Error(w, "Invalid parameter: redirect_uri", http.StatusBadRequest)
		return
	}
	for _, sc := range strings.Fields(q.Get("scope")) {
		if sc != "all" && !slices.Contains(AllScopes, sc) {
			simkit.RedirectError(w, r, "invalid_scope", "Invalid scopes: "+sc)
			return
		}
	}
	s.auth.HandleAuthorize(w, r)
}

// handleToken serves POST /realms/partner/oauth/token, form-encoded [the token
// path beside the documented authorize path is unverified], for grant_type
// authorization_code (code, redirect_uri) and refresh_token. The client
// authenticates with client_id and client_secret in the form, or HTTP Basic
// [which of the two Brevo requires is unverified]. The answer: access_token,
// token_type "Bearer", expires_in 3600, refresh_token, scope.
func (s *Sim) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	form := url.Values{}
	for _, k := range []string{"grant_type", "code", "code_verifier", "redirect_uri", "refresh_token", "client_id", "client_secret"} {
		if v := r.PostForm.Get(k); v != "" {
			form.Set(k, v)
		}
	}
	if id, secret, ok := r.BasicAuth(); ok {
		form.Set("client_id", id)
		form.Set("client_secret", secret)
	}
	g, oerr := s.auth.Exchange(form, true)
	if oerr != nil {
		status := oerr.Status
		if oerr.Code == "invalid_client" {
			status = http.StatusUnauthorized
		}
		writeOAuthError(w, status, oerr.Code, oerr.Description)
		return
	}
	s.keyMu.Lock()
	s.scopes[g.AccessToken] = g.Scopes
	s.keyMu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": g.AccessToken, "token_type": "Bearer",
		"expires_in": g.ExpiresIn, "refresh_token": g.RefreshToken, "scope": strings.Join(g.Scopes, " ")})
}
