// Package auth connects crmsync to a CRM vendor: the loopback OAuth flow
// (127.0.0.1 listener, state, PKCE), a TokenSource that persists rotated
// refresh tokens before using them, and HTTP clients that carry the token so
// connectors never see one. Token values never appear in errors or logs.
package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/crmsync/crmsync/sync/connector"
)

// DefaultPort is the loopback port crmsync registers with vendors. Vendors
// match redirect URIs exactly, port included, so it must stay fixed.
const DefaultPort = 53682

// AnyPort (as a Flow's or an App's port) binds whichever free loopback port
// the kernel gives and names it in the redirect URI: for tests, where
// picking a port, closing it and binding it later races other tests, and
// for an authorization server that takes any loopback port, as RFC 8252
// §7.3 asks of loopback IP literals and the sandbox does (which real
// vendors do, with the localhost host, is [unverified]).
const AnyPort = -1

const (
	defaultRedirectHost = "localhost"
	defaultRedirectPath = "/callback"
)

var (
	// ErrPortInUse means the loopback port is taken by another program.
	ErrPortInUse = errors.New("port is in use by another program")
	// ErrTimeout means nobody finished the sign-in in the browser in time.
	ErrTimeout = errors.New("timed out waiting for the browser sign-in")
	// ErrReconnectNeeded means the stored grant no longer works (revoked,
	// expired, rotated elsewhere) and the user must connect again.
	ErrReconnectNeeded error = reconnectNeeded{}
)

// Endpoint describes one vendor app registration.
type Endpoint struct {
	Vendor                       string // "hubspot", "salesforce" (used in messages)
	AuthURL, TokenURL, RevokeURL string
	ClientID, ClientSecret       string // secret may be empty for public PKCE clients
	Scopes                       []string
	PKCE                         bool
	RedirectHost                 string // "localhost" (default); the listener always binds 127.0.0.1
	RedirectPath                 string // default "/callback"
	// AuthScheme is the Authorization scheme API calls send the access
	// token with; "" is Bearer. Zoho asks for "Zoho-oauthtoken".
	AuthScheme string
	// AuthParams are added to the consent page's URL: Zoho issues a
	// refresh token only for access_type=offline.
	AuthParams map[string]string
	// AccountsServers are the hosts the sign-in answer may move the token
	// exchange to (Zoho's data centres, named by its accounts-server
	// parameter). The token and revoke URLs then keep their paths on that
	// server. nil = the answer cannot move them.
	AccountsServers []string
	// APIHosts are the hosts, with their subdomains, an API base a token
	// answer names may be on over https (connector.OAuthSpec.APIHosts).
	APIHosts []string
	// ClientBasic sends the client id and secret to the token and revoke
	// endpoints as HTTP Basic credentials instead of form fields: Klaviyo
	// accepts only that.
	ClientBasic bool
	// ScopeRefusals are the error codes of a 401 that refuses a missing
	// scope, which no refresh cures: such a 401 is not retried with a
	// refreshed token (connector.OAuthSpec.ScopeRefusals).
	ScopeRefusals []string
}

func (ep Endpoint) vendor() string {
	if ep.Vendor == "" {
		return "oauth"
	}
	return ep.Vendor
}

func (ep Endpoint) redirectPath() string {
	p := ep.RedirectPath
	if p == "" {
		return defaultRedirectPath
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

// reconnectNeeded also matches connector.ErrAuth, so the engine files a
// failed refresh under "auth" (reconnect) rather than "server".
type reconnectNeeded struct{}

func (reconnectNeeded) Error() string        { return "reconnect needed" }
func (reconnectNeeded) Is(target error) bool { return target == connector.ErrAuth }

// RedirectURI is the exact URI to register with the vendor, e.g.
// http://localhost:53682/callback.
func RedirectURI(ep Endpoint, port int) string {
	host := ep.RedirectHost
	if host == "" {
		host = defaultRedirectHost
	}
	if port == 0 {
		port = DefaultPort
	}
	if port == AnyPort { // the port is known once bound; such vendors register none
		return (&url.URL{Scheme: "http", Host: host, Path: ep.redirectPath()}).String()
	}
	return (&url.URL{Scheme: "http", Host: host + ":" + strconv.Itoa(port), Path: ep.redirectPath()}).String()
}

// config builds the oauth2 config. Credentials go in the form body, which
// most vendors accept, or as HTTP Basic where the vendor wants only that
// (ClientBasic); never auto-detected, which would send a one-time code or
// rotating refresh token twice.
func (ep Endpoint) config(redirectURI string) *oauth2.Config {
	style := oauth2.AuthStyleInParams
	if ep.ClientBasic {
		style = oauth2.AuthStyleInHeader
	}
	return &oauth2.Config{
		ClientID:     ep.ClientID,
		ClientSecret: ep.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:   ep.AuthURL,
			TokenURL:  ep.TokenURL,
			AuthStyle: style,
		},
		RedirectURL: redirectURI,
		Scopes:      ep.Scopes,
	}
}

// VendorError is an OAuth error reported by the vendor, either in the
// redirect back to crmsync or by its token endpoint.
type VendorError struct {
	Vendor      string
	Code        string // RFC 6749 error, e.g. access_denied, invalid_grant
	Description string // the vendor's error_description (scrubbed of secrets)
	Status      int    // HTTP status from the token endpoint; 0 for redirect errors
}

func (e *VendorError) Error() string {
	msg := e.Vendor + " refused the request: " + e.Code
	if e.Code == "" {
		msg = e.Vendor + " refused the request"
		if e.Status != 0 {
			msg += ": HTTP " + strconv.Itoa(e.Status)
		}
	}
	if e.Description != "" {
		msg += " (" + e.Description + ")"
	}
	return msg
}

// maxDescription caps vendor text we repeat: bodies may echo requests.
const maxDescription = 300

// secretForms are the ways vendor text may quote sec: as sent, form- or
// path-encoded (a gateway echoing the request body), JSON-escaped (with
// "/" as "\/", as PHP writes it). Too short a value yields none.
func secretForms(sec string) []string {
	if len(sec) < 4 {
		return nil
	}
	forms := []string{sec, url.QueryEscape(sec), url.PathEscape(sec), strings.ReplaceAll(sec, "/", `\/`)}
	if b, err := json.Marshal(sec); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	return forms
}

// basicCredential is the HTTP Basic credential the token and revoke
// endpoints get when ep.ClientBasic: it carries the client secret, base64
// encoded, so vendor text echoing the request's headers must lose it too.
func (ep Endpoint) basicCredential() string {
	if !ep.ClientBasic || ep.ClientSecret == "" {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(ep.ClientID) + ":" + url.QueryEscape(ep.ClientSecret)))
}

// scrub removes every secret value from s and caps its length, so vendor
// text that echoes a token or code can go into an error safely. A raw body
// quoted as it came may hold JSON with a secret escaped in part
// ("\u003d"), which anyone can read back: such a body is unescaped first.
func scrub(s string, secrets ...string) string {
	s = string(revealEscaped([]byte(s), formsOf(secrets)))
	for _, sec := range secrets {
		for _, form := range secretForms(sec) {
			s = strings.ReplaceAll(s, form, "[redacted]")
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxDescription {
		s = s[:maxDescription] + "…"
	}
	return s
}

// vendorErrorFrom turns an oauth2.RetrieveError into a VendorError without
// keeping the RetrieveError (its Error() prints the raw body). Non-OAuth
// bodies are summarized, scrubbed and truncated.
func vendorErrorFrom(vendor string, re *oauth2.RetrieveError, secrets ...string) *VendorError {
	ve := &VendorError{Vendor: vendor, Code: scrub(re.ErrorCode, secrets...)}
	if re.Response != nil {
		ve.Status = re.Response.StatusCode
	}
	desc := re.ErrorDescription
	if ve.Code == "" {
		// Salesforce and HubSpot sometimes answer with {"message": ...}.
		var legacy struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		if json.Unmarshal(re.Body, &legacy) == nil && legacy.Message != "" {
			desc = legacy.Message
		} else if len(re.Body) > 0 && !looksLikeHTML(re.Body) {
			desc = string(re.Body)
		}
	}
	ve.Description = scrub(desc, secrets...)
	return ve
}

func looksLikeHTML(b []byte) bool {
	s := strings.ToLower(strings.TrimSpace(string(b[:min(len(b), 64)])))
	return strings.HasPrefix(s, "<!doctype") || strings.HasPrefix(s, "<html")
}

// isGrantRejected reports whether the token endpoint refused the grant
// itself (so retrying cannot help), as opposed to an outage.
func isGrantRejected(ve *VendorError) bool {
	if throttled(ve) {
		return false
	}
	switch ve.Code {
	case "invalid_grant", "invalid_client", "unauthorized_client", "invalid_scope", "access_denied",
		"invalid_code": // Zoho's refusal of a revoked refresh token, with HTTP 200
		return true
	}
	return ve.Status == http.StatusBadRequest || ve.Status == http.StatusUnauthorized || ve.Status == http.StatusForbidden
}

// throttled reports a token endpoint's refusal for pace, not for the
// grant: a wait cures it, so no reconnect is asked for. Zoho refuses an
// eleventh refresh in ten minutes with 400 "Access Denied" and "You have
// made too many requests continuously. Please try again after some time."
func throttled(ve *VendorError) bool {
	if ve.Status == http.StatusTooManyRequests {
		return true
	}
	d := strings.ToLower(ve.Description)
	return strings.Contains(d, "too many requests") || strings.Contains(d, "rate limit")
}

// Extras returns the vendor's extra token fields (instance_url, api_domain,
// hub_id, id...) as strings; keys the token does not carry are omitted.
func Extras(tok *oauth2.Token, keys ...string) map[string]string {
	out := make(map[string]string, len(keys))
	if tok == nil {
		return out
	}
	for _, k := range keys {
		if s, ok := extraString(tok.Extra(k)); ok {
			out[k] = s
		}
	}
	return out
}

func extraString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, v != ""
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case nil:
		return "", false
	default:
		return fmt.Sprint(v), true
	}
}

// redactedError shows a scrubbed message but keeps the chain for
// errors.Is (context.Canceled, net errors).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redact(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: scrub(err.Error(), secrets...), err: err}
}
