// Package simkit holds the vendor-neutral parts of the CRM sandboxes: an OAuth 2.0
// authorization server, request statistics, fault injection and a sliding-window
// rate limiter. Vendor-specific wire shapes (error bodies, header names) live in the
// vendor packages.
package simkit

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// OAuthConfig configures an AuthServer.
type OAuthConfig struct {
	ClientID     string
	ClientSecret string
	// AccessTTL is the access-token lifetime; 0 means tokens never expire.
	AccessTTL time.Duration
	// RotateRefresh issues a new refresh token on every refresh and invalidates the old one.
	RotateRefresh bool
	// Scopes granted when the authorize request names none.
	Scopes []string
	// TokenPrefix makes tokens look vendor-ish (e.g. "CiQ" for HubSpot, "00D" for Salesforce).
	TokenPrefix string
	// AccessTokenLen and RefreshTokenLen pad issued tokens to at least that
	// many characters, as vendors whose tokens are large (Entra's access
	// tokens are JWTs of 1.5–3 KB) issue them; 0 leaves them short.
	AccessTokenLen, RefreshTokenLen int
	Now                             func() time.Time
}

// OAuthError is an RFC 6749 error; vendor packages render it in their own body shape.
type OAuthError struct {
	Status      int
	Code        string
	Description string
}

func (e *OAuthError) Error() string { return e.Code + ": " + e.Description }

// TokenGrant is the vendor-neutral result of a successful token request.
type TokenGrant struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    int // seconds; 0 when the access token does not expire
	Scopes       []string
	IssuedAt     time.Time
}

// TokenState is the verdict on a bearer token.
type TokenState int

const (
	TokenInvalid TokenState = iota
	TokenValid
	TokenExpired
)

type authCode struct {
	clientID, redirectURI, challenge, method string
	scopes                                   []string
	expires                                  time.Time
}

type accessToken struct {
	expires time.Time // zero = never
	scopes  []string
}

// AuthServer simulates an OAuth 2.0 authorization server with auto-approving consent.
type AuthServer struct {
	mu      sync.Mutex
	cfg     OAuthConfig
	deny    bool
	codes   map[string]authCode
	access  map[string]accessToken
	refresh map[string][]string // refresh token -> scopes
	grantOf map[string]string   // access token -> the refresh token of its grant
}

// NewAuthServer returns an AuthServer; cfg.Now defaults to time.Now.
func NewAuthServer(cfg OAuthConfig) *AuthServer {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &AuthServer{cfg: cfg, codes: map[string]authCode{}, access: map[string]accessToken{}, refresh: map[string][]string{},
		grantOf: map[string]string{}}
}

// SetDeny makes every following authorize request end as if the user clicked "Deny".
func (a *AuthServer) SetDeny(deny bool) { a.mu.Lock(); a.deny = deny; a.mu.Unlock() }

// SetRotation switches refresh-token rotation on or off.
func (a *AuthServer) SetRotation(on bool) { a.mu.Lock(); a.cfg.RotateRefresh = on; a.mu.Unlock() }

// ClientID returns the registered client id.
func (a *AuthServer) ClientID() string { return a.cfg.ClientID }

// ClientSecret returns the registered client secret.
func (a *AuthServer) ClientSecret() string { return a.cfg.ClientSecret }

// HandleAuthorize serves the consent page: it approves at once (or denies when told
// to by ?deny=1 or SetDeny) and redirects to redirect_uri with code/error and the same state.
func (a *AuthServer) HandleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	ru, err := url.Parse(redirect)
	if redirect == "" || err != nil || ru.Scheme == "" || ru.Host == "" {
		http.Error(w, "error=redirect_uri_mismatch: redirect_uri is missing or invalid", http.StatusBadRequest)
		return
	}
	if q.Get("client_id") != a.cfg.ClientID {
		http.Error(w, "error=invalid_client_id: unknown client_id", http.StatusBadRequest)
		return
	}
	out := ru.Query()
	if st := q.Get("state"); st != "" {
		out.Set("state", st)
	}
	a.mu.Lock()
	deny := a.deny
	a.mu.Unlock()
	switch {
	case deny || q.Get("deny") == "1":
		out.Set("error", "access_denied")
		out.Set("error_description", "end-user denied authorization")
	case q.Get("response_type") != "" && q.Get("response_type") != "code":
		out.Set("error", "unsupported_response_type")
		out.Set("error_description", "response_type must be code")
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "" && q.Get("code_challenge_method") != "S256":
		out.Set("error", "invalid_request")
		out.Set("error_description", "code_challenge_method must be S256")
	default:
		code := a.newToken("code")
		scopes := strings.Fields(q.Get("scope"))
		if len(scopes) == 0 {
			scopes = a.cfg.Scopes
		}
		a.mu.Lock()
		a.codes[code] = authCode{clientID: q.Get("client_id"), redirectURI: redirect, challenge: q.Get("code_challenge"),
			method: q.Get("code_challenge_method"), scopes: scopes, expires: a.cfg.Now().Add(10 * time.Minute)}
		a.mu.Unlock()
		out.Set("code", code)
	}
	ru.RawQuery = out.Encode()
	http.Redirect(w, r, ru.String(), http.StatusFound)
}

// RedirectError sends the browser back to the request's redirect_uri with
// an OAuth error and the request's state (RFC 6749 §4.1.2.1), as a consent
// page does for a request it refuses (an unknown scope); a redirect_uri it
// cannot read gets a 400 instead.
func RedirectError(w http.ResponseWriter, r *http.Request, code, desc string) {
	q := r.URL.Query()
	ru, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || ru.Scheme == "" || ru.Host == "" {
		http.Error(w, "error=invalid_request: redirect_uri is missing or invalid", http.StatusBadRequest)
		return
	}
	out := ru.Query()
	out.Set("error", code)
	out.Set("error_description", desc)
	if st := q.Get("state"); st != "" {
		out.Set("state", st)
	}
	ru.RawQuery = out.Encode()
	http.Redirect(w, r, ru.String(), http.StatusFound)
}

// Exchange handles a token request form (authorization_code or refresh_token grant).
// requireSecret controls whether client_secret must be present (public PKCE clients may omit it).
func (a *AuthServer) Exchange(form url.Values, requireSecret bool) (*TokenGrant, *OAuthError) {
	if form.Get("client_id") != a.cfg.ClientID {
		return nil, &OAuthError{http.StatusBadRequest, "invalid_client", "invalid client credentials"}
	}
	secret := form.Get("client_secret")
	if (requireSecret || secret != "") && subtle.ConstantTimeCompare([]byte(secret), []byte(a.cfg.ClientSecret)) != 1 {
		return nil, &OAuthError{http.StatusBadRequest, "invalid_client", "invalid client credentials"}
	}
	switch form.Get("grant_type") {
	case "authorization_code":
		return a.exchangeCode(form)
	case "refresh_token":
		return a.exchangeRefresh(form)
	case "":
		return nil, &OAuthError{http.StatusBadRequest, "invalid_request", "missing grant_type"}
	default:
		return nil, &OAuthError{http.StatusBadRequest, "unsupported_grant_type", "grant type not supported"}
	}
}

func (a *AuthServer) exchangeCode(form url.Values) (*TokenGrant, *OAuthError) {
	code := form.Get("code")
	a.mu.Lock()
	c, ok := a.codes[code]
	delete(a.codes, code) // codes are single-use even when the exchange fails
	a.mu.Unlock()
	if !ok || a.cfg.Now().After(c.expires) {
		return nil, &OAuthError{http.StatusBadRequest, "invalid_grant", "authorization code is invalid, expired or already used"}
	}
	if form.Get("redirect_uri") != c.redirectURI {
		return nil, &OAuthError{http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request"}
	}
	if c.challenge != "" {
		v := form.Get("code_verifier")
		if v == "" {
			return nil, &OAuthError{http.StatusBadRequest, "invalid_request", "code_verifier is required"}
		}
		if !verifyPKCE(c.method, c.challenge, v) {
			return nil, &OAuthError{http.StatusBadRequest, "invalid_grant", "invalid code verifier"}
		}
	}
	return a.issue(c.scopes, true), nil
}

func (a *AuthServer) exchangeRefresh(form url.Values) (*TokenGrant, *OAuthError) {
	rt := form.Get("refresh_token")
	a.mu.Lock()
	scopes, ok := a.refresh[rt]
	rotate := a.cfg.RotateRefresh
	if ok && rotate {
		delete(a.refresh, rt)
	}
	a.mu.Unlock()
	if !ok {
		return nil, &OAuthError{http.StatusBadRequest, "invalid_grant", "refresh token is invalid, expired or revoked"}
	}
	g := a.issue(scopes, rotate)
	if !rotate {
		g.RefreshToken = rt
	}
	a.mu.Lock()
	a.grantOf[g.AccessToken] = g.RefreshToken
	a.mu.Unlock()
	return g, nil
}

func verifyPKCE(method, challenge, verifier string) bool {
	if method == "plain" {
		return subtle.ConstantTimeCompare([]byte(challenge), []byte(verifier)) == 1
	}
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

func (a *AuthServer) issue(scopes []string, withRefresh bool) *TokenGrant {
	now := a.cfg.Now()
	g := &TokenGrant{AccessToken: a.newToken("at"), Scopes: scopes, IssuedAt: now}
	at := accessToken{scopes: scopes}
	if a.cfg.AccessTTL > 0 {
		at.expires = now.Add(a.cfg.AccessTTL)
		g.ExpiresIn = int(a.cfg.AccessTTL / time.Second)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.access[g.AccessToken] = at
	if withRefresh {
		g.RefreshToken = a.newToken("rt")
		a.refresh[g.RefreshToken] = scopes
		a.grantOf[g.AccessToken] = g.RefreshToken
	}
	return g
}

// IssueLongLived returns a pre-issued access token that never expires on its own
// (ExpireAllAccess still expires it); meant for curl and demos.
func (a *AuthServer) IssueLongLived() string {
	tok := a.newToken("at")
	a.mu.Lock()
	a.access[tok] = accessToken{scopes: a.cfg.Scopes}
	a.mu.Unlock()
	return tok
}

// Check classifies a bearer token.
func (a *AuthServer) Check(token string) TokenState {
	if token == "" {
		return TokenInvalid
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	at, ok := a.access[token]
	if !ok {
		return TokenInvalid
	}
	if !at.expires.IsZero() && !a.cfg.Now().Before(at.expires) {
		return TokenExpired
	}
	return TokenValid
}

// RefreshValid reports whether a refresh token still works: issued and
// not revoked. For tests that check a grant was revoked.
func (a *AuthServer) RefreshValid(token string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.refresh[token]
	return ok
}

// ExpireAllAccess makes every access token issued so far count as expired (refresh still works).
func (a *AuthServer) ExpireAllAccess() {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.cfg.Now()
	for k, v := range a.access {
		v.expires = now
		a.access[k] = v
	}
}

// Revoke invalidates an access or refresh token; it reports whether the token was known.
func (a *AuthServer) Revoke(token string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, okA := a.access[token]
	_, okR := a.refresh[token]
	delete(a.access, token)
	delete(a.refresh, token)
	return okA || okR
}

func (a *AuthServer) newToken(kind string) string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := a.cfg.TokenPrefix + kind + "-" + hex.EncodeToString(b[:])
	want := 0
	switch kind {
	case "at":
		want = a.cfg.AccessTokenLen
	case "rt":
		want = a.cfg.RefreshTokenLen
	}
	if n := want - len(tok); n > 0 {
		pad := make([]byte, (n*3+3)/4+1)
		_, _ = rand.Read(pad)
		tok += base64.RawURLEncoding.EncodeToString(pad)[:n]
	}
	return tok
}

// BearerToken extracts the token from an "Authorization: Bearer x" header.
func BearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// RevokeGrant revokes token as an RFC 7009 server that ends the whole
// grant does (§2.1): a refresh token takes the access tokens issued with
// it along. It reports whether the token was known.
func (a *AuthServer) RevokeGrant(token string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, okA := a.access[token]
	_, okR := a.refresh[token]
	delete(a.access, token)
	delete(a.grantOf, token)
	if okR {
		delete(a.refresh, token)
		for at, rt := range a.grantOf {
			if rt == token {
				delete(a.access, at)
				delete(a.grantOf, at)
			}
		}
	}
	return okA || okR
}
