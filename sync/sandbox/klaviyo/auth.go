package klaviyo

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

func itoa(n int) string { return strconv.Itoa(n) }

// authenticate reads "Authorization: Klaviyo-API-Key pk_..." (a private key, full
// access here: granted is nil) or "Authorization: Bearer <OAuth access token>"
// (granted is the token's scopes). bucket names the rate-limit quota: private keys
// share the account's, an OAuth app has its own ("Rate limits, status codes, and
// errors").
func (s *Sim) authenticate(r *http.Request) (granted []string, bucket string, e *apiError) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	switch {
	case h == "":
		return nil, "", errNotAuthenticated()
	case strings.EqualFold(scheme, "Klaviyo-API-Key"):
		s.keyMu.Lock()
		ok := s.apiKeys[cred]
		s.keyMu.Unlock()
		if !ok {
			return nil, "", errAuthFailed()
		}
		return nil, "account", nil
	case strings.EqualFold(scheme, "Bearer"):
		if s.auth.Check(cred) != simkit.TokenValid {
			return nil, "", errAuthFailed()
		}
		s.keyMu.Lock()
		sc, ok := s.scopes[cred]
		s.keyMu.Unlock()
		if !ok {
			sc = AllScopes
		}
		return sc, "oauth", nil
	}
	return nil, "", errNotAuthenticated()
}

// MintAPIKey creates a private API key with full access: "pk_" and 34 hex digits
// (the shape of keys shown in Klaviyo's settings) [length unverified].
func (s *Sim) MintAPIKey() string {
	var b [17]byte
	_, _ = rand.Read(b[:])
	key := "pk_" + hex.EncodeToString(b[:])
	s.keyMu.Lock()
	s.apiKeys[key] = true
	s.keyMu.Unlock()
	return key
}

// RevokeAPIKey disables a private key, as deleting it in the account's settings does.
func (s *Sim) RevokeAPIKey(key string) { s.keyMu.Lock(); delete(s.apiKeys, key); s.keyMu.Unlock() }

// MintAccessToken returns an OAuth access token with every scope that never
// expires on its own, for the combined sandbox and demos.
func (s *Sim) MintAccessToken() string { return s.MintAccessTokenWithScopes(AllScopes...) }

// MintAccessTokenWithScopes returns a never-expiring OAuth access token granted
// only the given scopes.
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
	_, _ = w.Write([]byte(`{"error":` + strconv.Quote(code) + `,"error_description":` + strconv.Quote(desc) + `}`))
}

// handleAuthorize serves GET /oauth/authorize (www.klaviyo.com/oauth/authorize):
// response_type=code, client_id, redirect_uri, scope (space-separated), state and
// PKCE, which Klaviyo requires (code_challenge with code_challenge_method=S256).
// Consent is automatic; the redirect carries code and state.
func (s *Sim) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if s.opts.RedirectURI != "" && q.Get("redirect_uri") != s.opts.RedirectURI {
		http.Error(w, "Invalid redirect_uri", http.StatusBadRequest)
		return
	}
	if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" {
		// [the page Klaviyo shows here is unverified]
		http.Error(w, "error=invalid_request: PKCE is required (code_challenge with code_challenge_method=S256)", http.StatusBadRequest)
		return
	}
	for _, sc := range strings.Fields(q.Get("scope")) {
		if !slices.Contains(AllScopes, sc) {
			simkit.RedirectError(w, r, "invalid_scope", "unknown scope "+sc)
			return
		}
	}
	s.auth.HandleAuthorize(w, r)
}

// clientAuth reads the client credentials: HTTP Basic, as the guide requires
// ("Authorization: Basic <base64 encoded client_id:client_secret>").
func (s *Sim) clientAuth(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	return ok && id == s.auth.ClientID() && subtle.ConstantTimeCompare([]byte(secret), []byte(s.auth.ClientSecret())) == 1
}

// handleToken serves POST /oauth/token (a.klaviyo.com/oauth/token), form-encoded,
// for the authorization_code grant (code, code_verifier, redirect_uri) and the
// refresh_token grant. The answer: access_token, token_type "Bearer", expires_in
// 3600, refresh_token and scope.
func (s *Sim) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "malformed form body")
		return
	}
	if !s.clientAuth(r) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	form := url.Values{"client_id": {s.auth.ClientID()}, "client_secret": {s.auth.ClientSecret()}}
	for _, k := range []string{"grant_type", "code", "code_verifier", "redirect_uri", "refresh_token"} {
		if v := r.PostForm.Get(k); v != "" {
			form.Set(k, v)
		}
	}
	if form.Get("grant_type") == "authorization_code" && form.Get("code_verifier") == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing code_verifier")
		return
	}
	g, oerr := s.auth.Exchange(form, true)
	if oerr != nil {
		code := oerr.Code
		if code == "unsupported_grant_type" {
			code = "invalid_grant_type" // the troubleshooting guide's name
		}
		writeOAuthError(w, oerr.Status, code, oerr.Description)
		return
	}
	s.keyMu.Lock()
	s.scopes[g.AccessToken] = g.Scopes
	s.keyMu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	writeJSON(rec, http.StatusOK, map[string]any{"access_token": g.AccessToken, "token_type": "Bearer",
		"expires_in": g.ExpiresIn, "refresh_token": g.RefreshToken, "scope": strings.Join(g.Scopes, " ")})
	_, _ = w.Write(rec.Body.Bytes())
}

// handleRevoke serves POST /oauth/revoke (token, token_type_hint; client by HTTP
// Basic). Revoking a refresh token revokes the grant (guide), and with it the
// access tokens issued under it (RFC 7009 §2.1) [unverified: the guide does not
// say how soon an access token stops working].
func (s *Sim) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("token") == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "token is required")
		return
	}
	if !s.clientAuth(r) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	tok := r.PostForm.Get("token")
	s.auth.RevokeGrant(tok) // RFC 7009: an unknown token also answers 200
	s.keyMu.Lock()
	delete(s.scopes, tok)
	s.keyMu.Unlock()
	w.WriteHeader(http.StatusOK)
}
