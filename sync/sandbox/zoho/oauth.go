package zoho

import (
	"cmp"
	"crypto/subtle"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/sync/sandbox/simkit"
)

// OAuth limits of Zoho Accounts (accounts/protocol/oauth: authorization code "valid for
// 2 minutes"; token limits: 20 refresh tokens per user, the oldest deleted on the 21st;
// 30 active access tokens per refresh token, the oldest deleted; 10 access tokens per
// 10 minutes per refresh token).
const (
	codeTTL          = 2 * time.Minute
	maxRefreshTokens = 20
	maxAccessTokens  = 30
	refreshPerWindow = 10
	refreshWindow    = 10 * time.Minute
)

type codeInfo struct {
	issued             time.Time
	accessType, prompt string
	pkce               bool // the authorize request sent a code_challenge
}

// oauthState is what Zoho Accounts tracks beside simkit's token store: the grant's
// access_type, token scopes and the per-user and per-refresh-token limits.
type oauthState struct {
	mu        sync.Mutex
	now       func() time.Time
	codes     map[string]codeInfo
	consented bool                // an offline grant has been consented to before
	scopes    map[string][]string // access token -> scopes; absent = every scope (minted tokens)
	refreshes []string            // refresh tokens, oldest first
	accessOf  map[string][]string // refresh token -> its access tokens, oldest first
	windows   map[string]*simkit.SlidingWindow
}

func newOAuthState(now func() time.Time) *oauthState {
	return &oauthState{now: now, codes: map[string]codeInfo{}, scopes: map[string][]string{},
		accessOf: map[string][]string{}, windows: map[string]*simkit.SlidingWindow{}}
}

// tokenError renders Zoho Accounts' token error body, {"error":"invalid_code"}, with HTTP
// 200 as Zoho answers [unverified: status; Zoho's SDKs look only for the "error" key].
func tokenError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusOK, map[string]any{"error": code})
}

// handleAuthorize serves GET /oauth/v2/auth (client_id, response_type=code, redirect_uri,
// scope, access_type, prompt, state, PKCE code_challenge). Consent is automatic; the
// redirect carries code, state, location and accounts-server (multi-DC doc). Scopes are
// comma separated in Zoho's URLs.
func (s *Sim) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if s.opts.RedirectURI != "" && q.Get("redirect_uri") != s.opts.RedirectURI {
		http.Error(w, "invalid_redirect_uri", http.StatusBadRequest)
		return
	}
	q.Set("scope", strings.ReplaceAll(q.Get("scope"), ",", " "))
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
	if code := lq.Get("code"); code != "" {
		s.oauth.mu.Lock()
		s.oauth.codes[code] = codeInfo{issued: s.now(), accessType: q.Get("access_type"), prompt: q.Get("prompt"),
			pkce: q.Get("code_challenge") != ""}
		s.oauth.mu.Unlock()
		lq.Set("location", s.opts.Location)
		lq.Set("accounts-server", cmp.Or(s.opts.AccountsServer, s.baseURL(r)))
	}
	loc.RawQuery = lq.Encode()
	http.Redirect(w, r, loc.String(), http.StatusFound)
}

// handleToken serves POST /oauth/v2/token. Parameters may come in the query string (as
// in Zoho's examples) or a form body. Errors: invalid_client, invalid_client_secret,
// invalid_code (bad, used or expired code, or bad refresh token), invalid_redirect_uri,
// unsupported_grant_type [unverified: the exact error names beyond invalid_code and
// invalid_client].
func (s *Sim) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request")
		return
	}
	if s.atOtherDataCentre(r) {
		tokenError(w, "invalid_code") // [unverified: another data centre's answer]
		return
	}
	form := r.Form
	if form.Get("client_id") != s.auth.ClientID() {
		tokenError(w, "invalid_client")
		return
	}
	grant := form.Get("grant_type")
	secret := form.Get("client_secret")
	// A PKCE exchange may leave the secret out (a public desktop client) [unverified: the
	// docs require client_secret; PKCE is accepted when sent].
	public := secret == "" && grant == "authorization_code" && form.Get("code_verifier") != ""
	if !public && subtle.ConstantTimeCompare([]byte(secret), []byte(s.auth.ClientSecret())) != 1 {
		tokenError(w, "invalid_client_secret")
		return
	}
	inner := url.Values{"client_id": {s.auth.ClientID()}, "client_secret": {s.auth.ClientSecret()}, "grant_type": {grant}}
	var info codeInfo
	switch grant {
	case "authorization_code":
		code := form.Get("code")
		s.oauth.mu.Lock()
		ci, ok := s.oauth.codes[code]
		delete(s.oauth.codes, code) // single use, even when the exchange fails
		s.oauth.mu.Unlock()
		if !ok || s.now().Sub(ci.issued) > codeTTL {
			tokenError(w, "invalid_code")
			return
		}
		if public && !ci.pkce {
			tokenError(w, "invalid_client_secret")
			return
		}
		info = ci
		inner.Set("code", code)
		inner.Set("redirect_uri", form.Get("redirect_uri"))
		inner.Set("code_verifier", form.Get("code_verifier"))
	case "refresh_token":
		rt := form.Get("refresh_token")
		if !s.oauth.allowRefresh(rt) {
			// Zoho's answer to too many refreshes [unverified: body and status].
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Access Denied",
				"error_description": "You have made too many requests continuously. Please try again after some time."})
			return
		}
		inner.Set("refresh_token", rt)
	case "":
		tokenError(w, "invalid_request")
		return
	default:
		tokenError(w, "unsupported_grant_type")
		return
	}
	g, oerr := s.auth.Exchange(inner, true)
	if oerr != nil {
		if strings.Contains(oerr.Description, "redirect_uri") {
			tokenError(w, "invalid_redirect_uri")
		} else {
			tokenError(w, "invalid_code")
		}
		return
	}
	out := map[string]any{"access_token": g.AccessToken, "api_domain": s.baseURL(r), "token_type": "Bearer",
		"expires_in": g.ExpiresIn}
	if grant == "refresh_token" {
		s.oauth.track(s.auth, form.Get("refresh_token"), g)
	} else if s.oauth.keepRefresh(info) {
		s.oauth.addRefresh(s.auth, g.RefreshToken)
		s.oauth.track(s.auth, g.RefreshToken, g)
		out["refresh_token"] = g.RefreshToken
	} else {
		// access_type=online, or a repeat consent without prompt=consent: no refresh token.
		s.auth.Revoke(g.RefreshToken)
		s.oauth.track(s.auth, "", g)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// keepRefresh decides whether a code exchange returns a refresh token: only for
// access_type=offline, and only on the first consent unless prompt=consent asks again.
func (o *oauthState) keepRefresh(ci codeInfo) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if ci.accessType != "offline" || o.consented && ci.prompt != "consent" {
		return false
	}
	o.consented = true
	return true
}

// addRefresh registers a new refresh token, deleting the oldest beyond 20 per user.
func (o *oauthState) addRefresh(a *simkit.AuthServer, rt string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refreshes = append(o.refreshes, rt)
	for len(o.refreshes) > maxRefreshTokens {
		old := o.refreshes[0]
		o.refreshes = o.refreshes[1:]
		o.dropRefreshLocked(a, old)
	}
}

// dropRefreshLocked revokes a refresh token and the access tokens issued from it
// [unverified: whether revoking a refresh token also ends its access tokens].
func (o *oauthState) dropRefreshLocked(a *simkit.AuthServer, rt string) {
	a.Revoke(rt)
	for _, at := range o.accessOf[rt] {
		a.Revoke(at)
		delete(o.scopes, at)
	}
	delete(o.accessOf, rt)
	delete(o.windows, rt)
}

// track records a new access token's scopes and keeps at most 30 per refresh token.
func (o *oauthState) track(a *simkit.AuthServer, rt string, g *simkit.TokenGrant) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.scopes[g.AccessToken] = g.Scopes
	if rt == "" {
		return
	}
	list := append(o.accessOf[rt], g.AccessToken)
	for len(list) > maxAccessTokens {
		a.Revoke(list[0])
		delete(o.scopes, list[0])
		list = list[1:]
	}
	o.accessOf[rt] = list
}

// allowRefresh counts one refresh against the token's 10-per-10-minutes window.
func (o *oauthState) allowRefresh(rt string) bool {
	o.mu.Lock()
	if _, known := o.accessOf[rt]; !known {
		o.mu.Unlock()
		return true // simkit refuses it as invalid_code
	}
	w, ok := o.windows[rt]
	if !ok {
		w = simkit.NewSlidingWindow(refreshPerWindow, refreshWindow, o.now)
		o.windows[rt] = w
	}
	o.mu.Unlock()
	allowed, _, _ := w.Allow()
	return allowed
}

// handleRevoke serves POST {accounts-server}/oauth/v2/token/revoke?token=... (Zoho
// Accounts' "Revoke OAuth tokens"; CRM v8 revoke-tokens). The token may be a refresh
// token, whose access tokens are revoked with it, or an access token; the docs name it
// a query parameter, and like the token endpoint it is read from a form body too. The
// answer is {"status":"success"}; "400 Bad Request: The token passed in the request is
// invalid" [unverified: the body; {"error":"invalid_token"} here].
func (s *Sim) handleRevoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
		return
	}
	tok := r.Form.Get("token")
	if s.atOtherDataCentre(r) {
		tok = "" // unknown there
	}
	s.oauth.mu.Lock()
	_, isRefresh := s.oauth.accessOf[tok]
	if isRefresh {
		s.oauth.refreshes = slices.DeleteFunc(s.oauth.refreshes, func(x string) bool { return x == tok })
		s.oauth.dropRefreshLocked(s.auth, tok)
	}
	s.oauth.mu.Unlock()
	if tok == "" || !s.auth.Revoke(tok) && !isRefresh {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_token"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
}

// atOtherDataCentre says whether r reached another host than the
// organization's accounts server (Options.AccountsServer).
func (s *Sim) atOtherDataCentre(r *http.Request) bool {
	if s.opts.AccountsServer == "" {
		return false
	}
	u, err := url.Parse(s.opts.AccountsServer)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
}

// Operations of the module scopes (ZohoCRM.modules[.{module}].{operation}).
const (
	opRead   = "READ"
	opCreate = "CREATE"
	opUpdate = "UPDATE"
	opDelete = "DELETE"
)

// need is the scope an endpoint requires: a module operation, or a settings area.
type need struct {
	area string // "modules", "settings", "users", "org" or "coql"
	sub  string // settings: "fields", "modules"
	op   string // modules: opRead...
}

// allows reports whether the access token's scopes cover n. Scopes compare
// case-insensitively; WRITE covers CREATE and UPDATE (insert and update docs' operation
// types). Tokens minted with MintAccessToken carry every scope.
func (o *oauthState) allows(token string, n need, m *moduleDef) bool {
	o.mu.Lock()
	scopes, ok := o.scopes[token]
	o.mu.Unlock()
	if !ok {
		return true
	}
	var accept []string
	switch n.area {
	case "users":
		// getUsers' scope is ZohoCRM.users.READ; ZohoCRM.users.ALL is full access to
		// users (get-users doc's operation types).
		accept = []string{"zohocrm.users.all", "zohocrm.users.read"}
	case "org":
		// getOrganization's scope is ZohoCRM.org.READ (crm-oas v8.0 org.yaml);
		// ZohoCRM.org.ALL [unverified] is taken as covering it.
		accept = []string{"zohocrm.org.all", "zohocrm.org.read"}
	case "coql":
		// executeCOQLQuery's scope is ZohoCRM.coql.READ (crm-oas v8.0/coql);
		// ZohoCRM.coql.ALL [unverified] is taken as covering it.
		accept = []string{"zohocrm.coql.all", "zohocrm.coql.read"}
	case "settings":
		accept = []string{"zohocrm.settings.all", "zohocrm.settings.read", "zohocrm.settings." + n.sub + ".all",
			"zohocrm.settings." + n.sub + ".read"}
	default:
		ops := []string{"all", strings.ToLower(n.op)}
		if n.op == opCreate || n.op == opUpdate {
			ops = append(ops, "write")
		}
		for _, op := range ops {
			accept = append(accept, "zohocrm.modules."+op)
			switch {
			case m != nil && m.generated != "":
				// Custom (and linking) modules share one scope: the upsert doc's
				// "Possible module names" end with "custom", as do the scopes doc's
				// modules methods (ZohoCRM.modules.custom.ALL) [unverified: for linking].
				accept = append(accept, "zohocrm.modules.custom."+op)
			case m != nil:
				accept = append(accept, "zohocrm.modules."+strings.ToLower(m.name)+"."+op)
			}
		}
	}
	for _, sc := range scopes {
		if slices.Contains(accept, strings.ToLower(sc)) {
			return true
		}
	}
	return false
}
