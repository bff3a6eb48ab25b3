package dynamics

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The Microsoft identity platform's OAuth 2.0 authorization code flow
// (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow), served
// at the same mount point as the organization URL: GET /{tenant}/oauth2/v2.0/authorize and
// POST /{tenant}/oauth2/v2.0/token, tenant being "organizations", "common", a GUID or a
// domain. Errors carry the AADSTS codes of
// https://learn.microsoft.com/entra/identity-platform/reference-error-codes.

type grantInfo struct {
	scopes  []string // granted resource scopes, as echoed in "scope"
	openid  bool
	offline bool
}

type identity struct {
	s        *Sim
	mu       sync.Mutex
	codes    map[string]grantInfo // authorization code -> what it grants
	redeemed map[string]bool
	refresh  map[string]grantInfo
}

func newIdentity(s *Sim) *identity {
	return &identity{s: s, codes: map[string]grantInfo{}, redeemed: map[string]bool{}, refresh: map[string]grantInfo{}}
}

func (id *identity) serve(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 4 || parts[1] != "oauth2" || parts[2] != "v2.0" {
		id.s.stats.Inc(r.Method + " /{tenant}/oauth2/(unknown)")
		http.NotFound(w, r)
		return
	}
	tenant, endpoint := parts[0], parts[3]
	key := r.Method + " /{tenant}/oauth2/v2.0/" + endpoint
	id.s.stats.Inc(key)
	if !id.validTenant(tenant) {
		id.tokenError(w, http.StatusBadRequest, "invalid_request", 90002, fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant))
		return
	}
	switch {
	case endpoint == "authorize" && r.Method == http.MethodGet:
		id.authorize(w, r, tenant)
	case endpoint == "token" && r.Method == http.MethodPost:
		id.token(w, r)
	default:
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
	}
}

// validTenant accepts organizations, common, the directory's GUID or a domain name
// [unverified: consumers is refused since Dataverse needs a work account].
func (id *identity) validTenant(t string) bool {
	switch {
	case t == "organizations" || t == "common":
		return true
	case reGUID.MatchString(t):
		return strings.EqualFold(t, id.s.opts.TenantID)
	}
	return strings.Contains(t, ".") && t != "consumers"
}

// redirectOK matches a redirect URI against the registered ones. For loopback URIs
// "the port component ... is ignored for the purposes of matching a redirect URI"
// (https://learn.microsoft.com/entra/identity-platform/reply-url#localhost-exceptions);
// localhost and 127.0.0.1 are distinct registrations [unverified]. Without registered
// URIs any http loopback URI is accepted.
func (id *identity) redirectOK(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Fragment != "" {
		return false
	}
	if len(id.s.opts.RedirectURIs) == 0 {
		return u.Scheme == "http" && isLoopback(u.Hostname())
	}
	for _, reg := range id.s.opts.RedirectURIs {
		if reg == raw {
			return true
		}
		ru, err := url.Parse(reg)
		if err != nil || ru.Scheme != "http" || u.Scheme != "http" || !isLoopback(ru.Hostname()) {
			continue
		}
		if strings.EqualFold(ru.Hostname(), u.Hostname()) && cleanPath(ru.Path) == cleanPath(u.Path) {
			return true
		}
	}
	return false
}

func isLoopback(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }

func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// scopes splits a scope parameter into resource scopes for this org and the OpenID ones.
func (id *identity) scopes(r *http.Request, raw string) (grantInfo, string) {
	var g grantInfo
	org := strings.ToLower(id.s.orgURL(r))
	for _, sc := range strings.Fields(raw) {
		low := strings.ToLower(sc)
		switch low {
		case "openid", "profile", "email":
			g.openid = g.openid || low == "openid"
			continue
		case "offline_access":
			g.offline = true
			continue
		}
		res, perm, ok := cutLast(low, "/")
		if !ok || strings.TrimRight(res, "/") != org || (perm != "user_impersonation" && perm != ".default") {
			return g, sc
		}
		// .default grants the app's configured permission, user_impersonation [unverified echo].
		g.scopes = append(g.scopes, strings.TrimRight(id.s.orgURL(r), "/")+"/user_impersonation")
	}
	if len(g.scopes) == 0 {
		return g, raw
	}
	return g, ""
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func (id *identity) authorize(w http.ResponseWriter, r *http.Request, tenant string) {
	q := r.URL.Query()
	clientID, redirect := q.Get("client_id"), q.Get("redirect_uri")
	// Unknown apps and unregistered redirect URIs are shown on Entra's error page, never
	// redirected [unverified page rendering].
	if clientID != id.s.opts.ClientID {
		http.Error(w, fmt.Sprintf("AADSTS700016: Application with identifier '%s' was not found in the directory '%s'.", clientID, tenant), http.StatusBadRequest)
		return
	}
	if !id.redirectOK(redirect) {
		http.Error(w, fmt.Sprintf("AADSTS50011: The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'.", redirect, clientID), http.StatusBadRequest)
		return
	}
	fail := func(code string, n int, msg string) {
		ru, _ := url.Parse(redirect)
		v := ru.Query()
		v.Set("error", code)
		v.Set("error_description", fmt.Sprintf("AADSTS%d: %s", n, msg))
		if st := q.Get("state"); st != "" {
			v.Set("state", st)
		}
		ru.RawQuery = v.Encode()
		http.Redirect(w, r, ru.String(), http.StatusFound)
	}
	if q.Get("response_type") != "code" {
		fail("unsupported_response_type", 700054, "response_type '"+q.Get("response_type")+"' is not enabled for the application.") // [unverified code]
		return
	}
	if q.Get("scope") == "" {
		fail("invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
		return
	}
	g, bad := id.scopes(r, q.Get("scope"))
	if bad != "" {
		fail("invalid_scope", 70011, "The provided value for the input parameter 'scope' isn't valid. The scope '"+bad+"' doesn't exist.")
		return
	}
	if m := q.Get("code_challenge_method"); m != "" && m != "S256" && m != "plain" {
		fail("invalid_request", 5014, "Invalid code_challenge_method '"+m+"'.") // [unverified code]
		return
	}
	inner := r.Clone(r.Context())
	iq := url.Values{"client_id": {clientID}, "redirect_uri": {redirect}, "response_type": {"code"}, "state": {q.Get("state")},
		"scope": {strings.Join(g.scopes, " ")}, "code_challenge": {q.Get("code_challenge")}}
	if q.Get("code_challenge") != "" {
		iq.Set("code_challenge_method", q.Get("code_challenge_method"))
		if iq.Get("code_challenge_method") == "" {
			iq.Set("code_challenge_method", "plain") // the documented default
		}
	}
	inner.URL.RawQuery = iq.Encode()
	rec := httptest.NewRecorder()
	id.s.auth.HandleAuthorize(rec, inner)
	loc, err := url.Parse(rec.Header().Get("Location"))
	if rec.Code != http.StatusFound || err != nil {
		http.Error(w, strings.TrimSpace(rec.Body.String()), http.StatusBadRequest)
		return
	}
	lq := loc.Query()
	if lq.Get("error") == "access_denied" {
		fail("access_denied", 65004, "User declined to consent to access the app.")
		return
	}
	id.mu.Lock()
	id.codes[lq.Get("code")] = g
	id.mu.Unlock()
	http.Redirect(w, r, loc.String(), http.StatusFound)
}

// tokenError writes the identity platform's error body: error, error_description
// ("AADSTSnnnn: ... Trace ID ... Correlation ID ... Timestamp ..."), error_codes,
// timestamp, trace_id, correlation_id, error_uri (v2-oauth2-auth-code-flow, "Error response").
func (id *identity) tokenError(w http.ResponseWriter, status int, code string, n int, msg string) {
	now := id.s.now().UTC()
	trace, corr := randomGUID(), randomGUID()
	desc := fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s", n, msg, trace, corr,
		now.Format("2006-01-02 15:04:05Z"))
	w.Header().Set("Cache-Control", "no-store, no-cache")
	writeJSON(w, status, map[string]any{"error": code, "error_description": desc, "error_codes": []int{n},
		"timestamp": now.Format("2006-01-02 15:04:05Z"), "trace_id": trace, "correlation_id": corr,
		"error_uri": fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", n)})
}

func (id *identity) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		id.tokenError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
		return
	}
	f := r.PostForm
	if f.Get("client_id") != id.s.opts.ClientID {
		id.tokenError(w, http.StatusBadRequest, "unauthorized_client", 700016,
			fmt.Sprintf("Application with identifier '%s' was not found in the directory.", f.Get("client_id")))
		return
	}
	// Public clients send no secret; a secret that is sent must be right.
	if sec := f.Get("client_secret"); sec != "" && sec != id.s.opts.ClientSecret {
		id.tokenError(w, http.StatusUnauthorized, "invalid_client", 7000215,
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"+id.s.opts.ClientID+"'.")
		return
	}
	inner := url.Values{"client_id": {id.s.opts.ClientID}, "grant_type": {f.Get("grant_type")}}
	var g grantInfo
	switch f.Get("grant_type") {
	case "authorization_code":
		code := f.Get("code")
		if code == "" {
			id.tokenError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'code'.")
			return
		}
		id.mu.Lock()
		info, known := id.codes[code]
		used := id.redeemed[code]
		delete(id.codes, code)
		if known {
			id.redeemed[code] = true
		}
		id.mu.Unlock()
		if used {
			id.tokenError(w, http.StatusBadRequest, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
			return
		}
		if !known {
			id.tokenError(w, http.StatusBadRequest, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.") // [unverified] for an unknown code
			return
		}
		g = info
		inner.Set("code", code)
		inner.Set("redirect_uri", f.Get("redirect_uri"))
		inner.Set("code_verifier", f.Get("code_verifier"))
	case "refresh_token":
		rt := f.Get("refresh_token")
		if rt == "" {
			id.tokenError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'.")
			return
		}
		id.mu.Lock()
		info, ok := id.refresh[rt]
		id.mu.Unlock()
		if !ok {
			id.tokenError(w, http.StatusBadRequest, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.") // [unverified]
			return
		}
		g = info
		inner.Set("refresh_token", rt)
	case "":
		id.tokenError(w, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
		return
	default:
		id.tokenError(w, http.StatusBadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '"+f.Get("grant_type")+"'.")
		return
	}
	tg, oerr := id.s.auth.Exchange(inner, false)
	if oerr != nil {
		switch {
		case strings.Contains(oerr.Description, "redirect_uri"):
			id.tokenError(w, http.StatusBadRequest, "invalid_grant", 50011, "The redirect URI specified in the request does not match the redirect URI of the authorization request.") // [unverified code]
		case strings.Contains(oerr.Description, "verifier"):
			id.tokenError(w, http.StatusBadRequest, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
		case strings.Contains(oerr.Description, "expired"):
			id.tokenError(w, http.StatusBadRequest, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity.")
		default:
			id.tokenError(w, http.StatusBadRequest, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
		}
		return
	}
	// Refresh tokens "replace themselves with a fresh token upon every use"; the old one is
	// refused afterwards. Stricter than Entra on purpose, so tests see a rotated token
	// that was not kept: v2-oauth2-auth-code-flow says "Refresh tokens aren't revoked
	// when used to acquire new access tokens. You're expected to discard the old refresh
	// token."
	id.mu.Lock()
	if old := f.Get("refresh_token"); old != "" {
		delete(id.refresh, old)
	}
	if g.offline {
		id.refresh[tg.RefreshToken] = g
	}
	id.mu.Unlock()
	out := map[string]any{"token_type": "Bearer", "scope": strings.Join(g.scopes, " "), "expires_in": tg.ExpiresIn,
		"ext_expires_in": tg.ExpiresIn, "access_token": tg.AccessToken}
	if g.offline {
		out["refresh_token"] = tg.RefreshToken
	} else {
		id.s.auth.Revoke(tg.RefreshToken)
	}
	if g.openid {
		out["id_token"] = id.idToken(tg.IssuedAt)
	}
	w.Header().Set("Cache-Control", "no-store, no-cache")
	writeJSON(w, http.StatusOK, out)
}

// idToken is an unsigned JWT-shaped OpenID Connect ID token with the v2.0 claims
// (https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference).
func (id *identity) idToken(iat time.Time) string {
	enc := func(v any) string { b, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(b) }
	claims := map[string]any{"aud": id.s.opts.ClientID, "iss": "https://login.microsoftonline.com/" + id.s.opts.TenantID + "/v2.0",
		"iat": iat.Unix(), "nbf": iat.Unix(), "exp": iat.Add(time.Hour).Unix(), "name": "Sandbox User",
		"preferred_username": "sandbox.user@contoso.onmicrosoft.com", "oid": id.s.userID, "tid": id.s.opts.TenantID,
		"sub": id.s.userID, "ver": "2.0"}
	return enc(map[string]any{"typ": "JWT", "alg": "none"}) + "." + enc(claims) + ".sim"
}
