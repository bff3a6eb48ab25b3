package hubspot

import (
	"net/http"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// handleAuthorize serves the consent page. HubSpot's install URL takes
// optional_scope beside scope: an optional scope is granted when the
// account has the product behind it and dropped otherwise
// (developers.hubspot.com/docs/apps/developer-platform/build-apps/
// authentication/scopes, "App scope types"). The sandbox portal has every
// product, Marketing Hub Enterprise included, so it grants them all, but
// the batch subscription scope when Options.NoMarketingEnterprise says the
// portal lacks that product.
func (s *Sim) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if opt := strings.Fields(q.Get("optional_scope")); len(opt) > 0 {
		scopes := strings.Fields(q.Get("scope"))
		if len(scopes) == 0 {
			scopes = slices.Clone(s.scopes.defaults)
		}
		for _, o := range opt {
			if o == scopeStatusesBatchWrite && s.opts.NoMarketingEnterprise {
				continue
			}
			if !slices.Contains(scopes, o) {
				scopes = append(scopes, o)
			}
		}
		q.Set("scope", strings.Join(scopes, " "))
		q.Del("optional_scope")
		r = r.Clone(r.Context())
		r.URL.RawQuery = q.Encode()
	}
	s.auth.HandleAuthorize(w, r)
}

// handleToken serves POST /oauth/2026-03/token (form-encoded).
func (s *Sim) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, &simkit.OAuthError{Status: http.StatusBadRequest, Code: "invalid_request", Description: "malformed form body"}, "BAD_REQUEST")
		return
	}
	g, oerr := s.auth.Exchange(r.PostForm, true)
	if oerr != nil {
		legacy := "BAD_REQUEST"
		switch {
		case oerr.Code == "invalid_client":
			legacy = "BAD_CLIENT_ID"
		case oerr.Code == "invalid_grant" && r.PostForm.Get("grant_type") == "refresh_token":
			legacy = "BAD_REFRESH_TOKEN"
		case oerr.Code == "invalid_grant" && r.PostForm.Get("redirect_uri") != "" && oerr.Description == "redirect_uri does not match the authorization request":
			legacy = "BAD_REDIRECT_URI"
		case oerr.Code == "invalid_grant":
			legacy = "BAD_AUTH_CODE"
		}
		writeOAuthError(w, oerr, legacy)
		return
	}
	s.scopes.record(g.AccessToken, g.Scopes)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "bearer", "access_token": g.AccessToken, "refresh_token": g.RefreshToken,
		"expires_in": g.ExpiresIn, "token_use": "access_token", "hub_id": s.opts.HubID, "user_id": s.opts.UserID,
		"scopes": g.Scopes,
	})
}

// handleRevoke serves POST /oauth/2026-03/token/revoke (form: token, client_id, client_secret).
func (s *Sim) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("token") == "" {
		writeOAuthError(w, &simkit.OAuthError{Status: http.StatusBadRequest, Code: "invalid_request", Description: "token is required"}, "BAD_REQUEST")
		return
	}
	if r.PostForm.Get("client_id") != s.auth.ClientID() || r.PostForm.Get("client_secret") != s.auth.ClientSecret() {
		writeOAuthError(w, &simkit.OAuthError{Status: http.StatusUnauthorized, Code: "invalid_client", Description: "invalid client credentials"}, "BAD_CLIENT_ID")
		return
	}
	s.auth.Revoke(r.PostForm.Get("token")) // RFC 7009: unknown tokens also answer success
	s.scopes.forget(r.PostForm.Get("token"))
	w.WriteHeader(http.StatusNoContent)
}

func writeOAuthError(w http.ResponseWriter, e *simkit.OAuthError, legacyStatus string) {
	writeJSON(w, e.Status, map[string]any{"error": e.Code, "error_description": e.Description,
		"status": legacyStatus, "message": e.Description, "correlationId": correlationID()})
}
