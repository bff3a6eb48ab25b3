package salesforce

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

func (s *Sim) instanceURL(r *http.Request) string { return simkit.MountURL(r, s.opts.PathPrefix) }

// handleToken serves POST /services/oauth2/token. Public PKCE clients may omit client_secret.
func (s *Sim) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "malformed request"})
		return
	}
	requireSecret := r.PostForm.Get("code_verifier") == "" && r.PostForm.Get("grant_type") == "authorization_code"
	g, oerr := s.auth.Exchange(r.PostForm, requireSecret)
	if oerr != nil {
		code, desc := oerr.Code, oerr.Description
		switch {
		case code == "invalid_client" && r.PostForm.Get("client_id") != s.auth.ClientID():
			code, desc = "invalid_client_id", "client identifier invalid"
		case code == "invalid_client":
			desc = "invalid client credentials"
		case code == "invalid_grant" && r.PostForm.Get("grant_type") == "refresh_token":
			desc = "expired access/refresh token"
		}
		writeJSON(w, oerr.Status, map[string]string{"error": code, "error_description": desc})
		return
	}
	issued := strconv.FormatInt(g.IssuedAt.UnixMilli(), 10)
	idURL := "https://login.salesforce.com/id/" + s.opts.OrgID + "/" + s.opts.UserID
	mac := hmac.New(sha256.New, []byte(s.auth.ClientSecret()))
	mac.Write([]byte(idURL + issued))
	body := map[string]string{
		"access_token": g.AccessToken, "instance_url": s.instanceURL(r), "id": idURL, "token_type": "Bearer",
		"issued_at": issued, "signature": base64.StdEncoding.EncodeToString(mac.Sum(nil)), "scope": strings.Join(g.Scopes, " "),
	}
	if g.RefreshToken != "" {
		body["refresh_token"] = g.RefreshToken
	}
	w.Header().Set("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private")
	writeJSON(w, http.StatusOK, body)
}

// handleRevoke serves /services/oauth2/revoke (POST form or GET ?token=).
// "If a refresh token is included, Salesforce revokes it and any
// associated access tokens" (Revoking OAuth Tokens, Mobile SDK guide).
func (s *Sim) handleRevoke(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if !s.auth.RevokeGrant(r.Form.Get("token")) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_token_type", "error_description": "this token type is not supported"})
		return
	}
	w.WriteHeader(http.StatusOK)
}
