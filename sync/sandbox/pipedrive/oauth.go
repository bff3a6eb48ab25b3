package pipedrive

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// codeTTL: "the authorization_code expires in 5 minutes" (marketplace-oauth-authorization).
const codeTTL = 5 * time.Minute

// writeOAuthError renders the OAuth server's error body, as Pipedrive's own SDK tests
// mock it: {"success":false,"message":"Invalid grant: ...","error":"invalid_grant"}.
func writeOAuthError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"success": false, "message": msg, "error": code})
}

// apiDomain is the token response's api_domain: the base URL the client appends
// /api/v2 to, here the simulator's mount point or the company domain under it.
func (s *Sim) apiDomain(r *http.Request) string {
	if d := s.companyDomain(); d != "" {
		return simkit.MountURL(r, s.opts.PathPrefix) + domainsPath + d
	}
	return simkit.MountURL(r, s.opts.PathPrefix)
}

// handleAuthorize serves GET /oauth/authorize (client_id, redirect_uri, state). Scopes
// come from the app registration and PKCE is not part of Pipedrive's flow, so scope and
// code_challenge parameters are dropped before simkit's consent step; a denial comes
// back as error=user_denied.
func (s *Sim) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if s.opts.RedirectURI != "" && q.Get("redirect_uri") != s.opts.RedirectURI {
		http.Error(w, "Invalid request: redirect_uri is invalid", http.StatusBadRequest)
		return
	}
	q.Del("scope")
	q.Del("code_challenge")
	q.Del("code_challenge_method")
	inner := r.Clone(r.Context())
	inner.URL.RawQuery = q.Encode()
	rec := httptest.NewRecorder()
	s.auth.HandleAuthorize(rec, inner)
	if rec.Code != http.StatusFound {
		http.Error(w, strings.TrimSpace(rec.Body.String()), rec.Code)
		return
	}
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	lq := loc.Query()
	if lq.Get("error") != "" {
		lq.Set("error", "user_denied")
		lq.Del("error_description")
	}
	if code := lq.Get("code"); code != "" {
		s.codesMu.Lock()
		s.codes[code] = s.now()
		s.codesMu.Unlock()
	}
	loc.RawQuery = lq.Encode()
	http.Redirect(w, r, loc.String(), http.StatusFound)
}

// clientCredentials takes client_id/client_secret from HTTP Basic auth, or from the
// form body, which the docs allow but do not recommend.
func clientCredentials(r *http.Request) (id, secret string) {
	if id, secret, ok := r.BasicAuth(); ok {
		return id, secret
	}
	return r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
}

// checkClient validates the client; the messages are the OAuth status codes page's.
func (s *Sim) checkClient(w http.ResponseWriter, r *http.Request) bool {
	id, secret := clientCredentials(r)
	if id == "" || secret == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client", "Invalid client: cannot retrieve client credentials")
		return false
	}
	if id != s.auth.ClientID() || subtle.ConstantTimeCompare([]byte(secret), []byte(s.auth.ClientSecret())) != 1 {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client", "Invalid client: client is invalid")
		return false
	}
	return true
}

func parseForm(w http.ResponseWriter, r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Invalid request: content must be application/x-www-form-urlencoded")
		return false
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Invalid request: malformed form body")
		return false
	}
	return true
}

// handleToken serves POST /oauth/token for authorization_code and refresh_token grants.
func (s *Sim) handleToken(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) || !s.checkClient(w, r) {
		return
	}
	form := r.PostForm
	inner := url.Values{"client_id": {s.auth.ClientID()}, "client_secret": {s.auth.ClientSecret()}}
	grant := form.Get("grant_type")
	switch grant {
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing parameter: `grant_type`")
		return
	case "authorization_code":
		code := form.Get("code")
		s.codesMu.Lock()
		issued, ok := s.codes[code]
		delete(s.codes, code) // single use, even when the exchange fails
		s.codesMu.Unlock()
		if !ok {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid grant: `authorization_code` is invalid")
			return
		}
		if s.now().Sub(issued) > codeTTL {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid grant: `authorization_code` has expired")
			return
		}
		redirect := form.Get("redirect_uri")
		if u, err := url.Parse(redirect); redirect == "" || err != nil || u.Scheme == "" || u.Host == "" {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Invalid request: `redirect_uri` is not a valid URI")
			return
		}
		if s.opts.RedirectURI != "" && redirect != s.opts.RedirectURI {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Invalid request: `redirect_uri` is invalid")
			return
		}
		inner.Set("grant_type", grant)
		inner.Set("code", code)
		inner.Set("redirect_uri", redirect)
	case "refresh_token":
		inner.Set("grant_type", grant)
		inner.Set("refresh_token", form.Get("refresh_token"))
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: `grant_type` is invalid")
		return
	}
	g, oerr := s.auth.Exchange(inner, true)
	if oerr != nil {
		switch {
		case grant == "refresh_token":
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid grant: `refresh_token` is invalid")
		case strings.Contains(oerr.Description, "redirect_uri"):
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Invalid request: `redirect_uri` is invalid")
		default:
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "Invalid grant: `authorization_code` is invalid")
		}
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": g.AccessToken, "token_type": "Bearer", "refresh_token": g.RefreshToken,
		"scope": strings.Join(g.Scopes, ","), "expires_in": g.ExpiresIn, "api_domain": s.apiDomain(r),
	})
}

// handleRevoke serves POST /oauth/revoke (form token, optional token_type_hint), which
// conforms to RFC 7009 and "has to be authenticated via HTTP Basic Auth with the values
// of client_id and client_secret" (app-uninstallation). Revoking the refresh token
// invalidates the grant: its access tokens stop working too (RFC 7009 §2.1). An unknown
// token answers 200 as well (§2.2).
func (s *Sim) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		return
	}
	if _, _, ok := r.BasicAuth(); !ok {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Invalid client: cannot retrieve client credentials")
		return
	}
	if !s.checkClient(w, r) {
		return
	}
	if r.PostForm.Get("token") == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Missing parameter: `token`")
		return
	}
	s.auth.RevokeGrant(r.PostForm.Get("token"))
	w.WriteHeader(http.StatusOK)
}
