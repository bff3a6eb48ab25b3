package mailchimp

import (
	"crypto/subtle"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

// writeOAuthError renders the login server's RFC 6749 error body [shape unverified].
func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc})
}

// handleAuthorize serves GET /oauth2/authorize (response_type=code, client_id,
// redirect_uri, state). Consent is automatic and the redirect carries code and state.
// Mailchimp has no scopes and its guide has no PKCE, so scope and code_challenge are
// dropped before simkit's consent step: a client that sends a challenge still works,
// and its code_verifier is ignored at the token endpoint.
func (s *Sim) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if s.opts.RedirectURI != "" && q.Get("redirect_uri") != s.opts.RedirectURI {
		http.Error(w, "Invalid redirect_uri", http.StatusBadRequest)
		return
	}
	for _, k := range []string{"scope", "code_challenge", "code_challenge_method"} {
		q.Del(k)
	}
	inner := r.Clone(r.Context())
	inner.URL.RawQuery = q.Encode()
	rec := httptest.NewRecorder()
	s.auth.HandleAuthorize(rec, inner)
	if rec.Code != http.StatusFound {
		http.Error(w, strings.TrimSpace(rec.Body.String()), rec.Code)
		return
	}
	http.Redirect(w, r, rec.Header().Get("Location"), http.StatusFound)
}

// handleToken serves POST /oauth2/token for the authorization_code grant (client_id,
// client_secret, redirect_uri, code; the secret may also come as HTTP Basic). The
// answer is {"access_token","expires_in":0,"scope":null}: tokens never expire and
// there is no refresh token (OAuth 2 guide).
func (s *Sim) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if bid, bsecret, ok := r.BasicAuth(); ok {
		id, secret = bid, bsecret
	}
	if id != s.auth.ClientID() || subtle.ConstantTimeCompare([]byte(secret), []byte(s.auth.ClientSecret())) != 1 {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client credentials")
		return
	}
	switch grant := r.PostForm.Get("grant_type"); grant {
	case "authorization_code":
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing grant_type")
		return
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Only authorization_code is supported")
		return
	}
	inner := url.Values{"client_id": {id}, "client_secret": {secret}, "grant_type": {"authorization_code"},
		"code": {r.PostForm.Get("code")}, "redirect_uri": {r.PostForm.Get("redirect_uri")}}
	g, oerr := s.auth.Exchange(inner, true)
	if oerr != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", oerr.Description)
		return
	}
	s.auth.Revoke(g.RefreshToken) // simkit issues one; Mailchimp does not
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": g.AccessToken, "expires_in": 0, "scope": nil})
}

// handleMetadata serves GET /oauth2/metadata with "Authorization: OAuth <token>" (the
// guide's scheme; Bearer is accepted too): the account's data center, its login and
// api_endpoint, the base a client appends /3.0 to; here the mount point.
func (s *Sim) handleMetadata(w http.ResponseWriter, r *http.Request) {
	tok := headerCredential(r)
	if tok == "" || !s.validCredential(tok) || strings.HasPrefix(strings.ToLower(r.Header.Get("Authorization")), "basic") {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_token", "The access token is missing or invalid")
		return
	}
	base := s.baseURL(r)
	writeJSON(w, http.StatusOK, map[string]any{
		"dc": s.opts.DataCenter, "role": "owner", "accountname": s.opts.AccountName, "user_id": s.userID,
		"login": map[string]any{"email": s.opts.LoginEmail, "avatar": nil, "login_id": s.userID,
			"login_name": s.opts.LoginName, "login_email": s.opts.LoginEmail},
		"login_url": base, "api_endpoint": base,
	})
}
