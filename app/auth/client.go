package auth

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/app/secret"
	"golang.org/x/oauth2"
)

// Client returns an *http.Client that adds the bearer token and, on a 401,
// refreshes once and retries when the body can be replayed (req.GetBody).
// Connectors receive this client and never see a token. base (nil = a zero
// http.Client) keeps its timeout, redirect policy and transport.
func Client(base *http.Client, ts *TokenSource) *http.Client {
	c := cloneClient(base)
	c.Transport = &bearerTransport{base: transportOf(base), ts: ts}
	return c
}

// ClientFollowing is Client for a vendor whose token answers name the API
// base and whose refreshes may move it (Pipedrive's api_domain after the
// company renames its domain): a request under from goes to the base the
// token in hand names in the first of keys it carries.
func ClientFollowing(base *http.Client, ts *TokenSource, from string, keys ...string) *http.Client {
	c := Client(base, ts)
	if u, err := url.Parse(strings.TrimRight(from, "/")); err == nil && u.Host != "" {
		bt := c.Transport.(*bearerTransport)
		bt.from, bt.keys = u, keys
	}
	return c
}

// StoredBase is the API base the stored sign-in under key names in the
// first of keys it carries; "" when none (or nothing is stored).
func StoredBase(ctx context.Context, store TokenStore, key string, keys ...string) string {
	tok, err := load(ctx, store, key)
	if err != nil {
		return ""
	}
	return baseOf(tok, keys)
}

func baseOf(tok *oauth2.Token, keys []string) string {
	ex := Extras(tok, keys...)
	for _, k := range keys {
		if v := ex[k]; v != "" {
			return strings.TrimRight(v, "/")
		}
	}
	return ""
}

// StaticClient sends a fixed API token in header with prefix, e.g.
// ("Authorization", "Bearer ", key) for a HubSpot service key or
// ("x-api-token", "", token) for Pipedrive. also are further forms of the
// secret scrubbed from error bodies (a key sent encoded, as in Basic auth).
func StaticClient(base *http.Client, header, prefix, token string, also ...string) *http.Client {
	c := cloneClient(base)
	t := &staticTransport{base: transportOf(base), header: header, value: prefix + token}
	// The forms scrubbed from an error body: the header's value, the
	// secret without its scheme, and the caller's further forms.
	t.secrets = append([]string{t.value, strings.TrimSpace(strings.TrimPrefix(t.value, t.prefix()))}, also...)
	c.Transport = t
	return c
}

func cloneClient(base *http.Client) *http.Client {
	if base == nil {
		return &http.Client{}
	}
	c := *base
	return &c
}

func transportOf(base *http.Client) http.RoundTripper {
	if base != nil && base.Transport != nil {
		return base.Transport
	}
	return http.DefaultTransport
}

type staticTransport struct {
	base          http.RoundTripper
	header, value string
	secrets       []string
}

func (t *staticTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set(t.header, t.value)
	resp, err := t.base.RoundTrip(r)
	return scrubResponse(resp, t.secrets...), err
}

func (t *staticTransport) prefix() string {
	if i := strings.LastIndexByte(t.value, ' '); i >= 0 {
		return t.value[:i+1]
	}
	return ""
}

// maxScrubbedBody bounds the error bodies scrubResponse reads whole.
const maxScrubbedBody = 4 << 20

// scrubResponse replaces every secret in a response's body with
// [redacted]: vendors and gateways sometimes echo the request's headers in
// their error text, which connectors repeat verbatim into errors, the run's
// record and the log; a secret whose characters the vendor's JSON escapes
// in part is found too (unescapeJSONASCII). That text also comes in
// successful answers (a 207's or a composite 200's per-record errors),
// which are scrubbed as they stream (scrubReader); a failed answer is read
// whole.
func scrubResponse(resp *http.Response, secrets ...string) *http.Response {
	if resp == nil || resp.Body == nil {
		return resp
	}
	if resp.StatusCode < 400 {
		if body := newScrubReader(resp.Body, secrets); body != resp.Body {
			body.(*scrubReader).notJSON = isCSVContent(resp.Header.Get("Content-Type"))
			resp.Body = body
			resp.ContentLength = -1 // a redaction changes the length
			resp.Header.Del("Content-Length")
		}
		return resp
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxScrubbedBody))
	resp.Body.Close()
	body = revealEscaped(body, formsOf(secrets))
	for _, sec := range secrets {
		for _, form := range secretForms(sec) {
			body = bytes.ReplaceAll(body, []byte(form), []byte("[redacted]"))
		}
	}
	var rest io.Reader = bytes.NewReader(body)
	if err != nil {
		rest = io.MultiReader(rest, errReader{err})
	}
	resp.Body = io.NopCloser(rest)
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type bearerTransport struct {
	base http.RoundTripper
	ts   *TokenSource
	// from and keys: ClientFollowing.
	from *url.URL
	keys []string
}

// rebase points r, meant for t.from, at the base tok names instead; an
// error when that base is not the vendor's (Endpoint.CheckAPIBase).
func (t *bearerTransport) rebase(r *http.Request, tok *oauth2.Token) error {
	if t.from == nil {
		return nil
	}
	named := baseOf(tok, t.keys)
	if named == "" {
		return nil
	}
	to, err := url.Parse(named)
	if err != nil || to.Host == "" || (to.Scheme != "https" && to.Scheme != "http") {
		return t.ts.ep.CheckAPIBase(named)
	}
	if to.Scheme == t.from.Scheme && to.Host == t.from.Host && to.Path == t.from.Path {
		return nil
	}
	if r.URL.Scheme != t.from.Scheme || r.URL.Host != t.from.Host {
		return nil
	}
	rest, ok := strings.CutPrefix(r.URL.Path, t.from.Path)
	if !ok || (rest != "" && !strings.HasPrefix(rest, "/")) {
		return nil
	}
	if err := t.ts.ep.CheckAPIBase(named); err != nil {
		return err
	}
	u := *r.URL
	u.Scheme, u.Host, u.Path = to.Scheme, to.Host, to.Path+rest
	if raw, ok := strings.CutPrefix(r.URL.RawPath, t.from.EscapedPath()); ok && r.URL.RawPath != "" {
		u.RawPath = to.EscapedPath() + raw
	} else {
		u.RawPath = ""
	}
	r.URL, r.Host = &u, ""
	return nil
}

func (t *bearerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.ts.Token()
	if err != nil {
		closeBody(req)
		return nil, err
	}
	r := req.Clone(req.Context())
	if err := t.rebase(r, tok); err != nil {
		closeBody(req)
		return nil, err
	}
	t.authorize(r, tok)
	resp, err := t.base.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return scrubResponse(resp, tok.AccessToken, tok.RefreshToken), err
	}
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	if !replayable || t.scopeRefusal(resp) {
		return scrubResponse(resp, tok.AccessToken, tok.RefreshToken), nil
	}
	t.ts.invalidateIfCurrent(tok.AccessToken)
	tok2, err := t.ts.Token()
	if err != nil {
		// ErrReconnectNeeded says more than the vendor's bare 401.
		drain(resp)
		return nil, err
	}
	r2 := req.Clone(req.Context())
	if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return scrubResponse(resp, tok.AccessToken, tok.RefreshToken), nil
		}
		r2.Body = body
	}
	drain(resp)
	if err := t.rebase(r2, tok2); err != nil {
		closeBody(r2)
		return nil, err
	}
	t.authorize(r2, tok2)
	resp2, err := t.base.RoundTrip(r2)
	return scrubResponse(resp2, tok2.AccessToken, tok2.RefreshToken, tok.AccessToken), err
}

// scopeRefusal reports whether a 401 names one of the vendor's scope
// refusal codes, leaving its body readable again.
func (t *bearerTransport) scopeRefusal(resp *http.Response) bool {
	if len(t.ts.ep.ScopeRefusals) == 0 {
		return false
	}
	orig := resp.Body
	body, err := io.ReadAll(io.LimitReader(orig, maxScrubbedBody))
	var rest io.Reader = io.MultiReader(bytes.NewReader(body), orig)
	if err != nil {
		rest = io.MultiReader(bytes.NewReader(body), errReader{err})
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{rest, orig}
	for _, code := range t.ts.ep.ScopeRefusals {
		if bytes.Contains(body, []byte(`"`+code+`"`)) {
			return true
		}
	}
	return false
}

// authorize sets the access token in the scheme the vendor asks for.
func (t *bearerTransport) authorize(r *http.Request, tok *oauth2.Token) {
	if scheme := t.ts.ep.AuthScheme; scheme != "" {
		r.Header.Set("Authorization", scheme+" "+tok.AccessToken)
		return
	}
	tok.SetAuthHeader(r)
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// Disconnect revokes the connection's grant where the vendor has a revoke
// endpoint, then deletes the stored token. A revoke failure is returned,
// but the stored token is deleted regardless.
func Disconnect(ctx context.Context, ep Endpoint, store TokenStore, key string, client *http.Client) error {
	vendor := ep.vendor()
	var tok *oauth2.Token
	var loadErr error
	if ep.RevokeURL != "" {
		tok, loadErr = load(ctx, store, key)
		if errors.Is(loadErr, ErrReconnectNeeded) {
			loadErr = nil // nothing usable to revoke
		} else if loadErr != nil {
			loadErr = fmt.Errorf("%s: disconnect: %w", vendor, loadErr)
		}
	}
	// Deleted before the revoke, which may wait on an unreachable vendor
	// for its whole timeout: a kill meanwhile must not leave it stored.
	if err := store.Delete(ctx, key); err != nil && !errors.Is(err, secret.ErrNotFound) {
		return errors.Join(loadErr, fmt.Errorf("%s: disconnect: delete stored sign-in %q: %w", vendor, key, err))
	}
	if tok == nil {
		return loadErr
	}
	return revoke(ctx, ep, tok, client)
}

// revoke posts an RFC 7009 style revocation; revoking the refresh token
// ends the whole grant at HubSpot and Salesforce.
func revoke(ctx context.Context, ep Endpoint, tok *oauth2.Token, client *http.Client) error {
	vendor := ep.vendor()
	value, hint := tok.RefreshToken, "refresh_token"
	if value == "" {
		value, hint = tok.AccessToken, "access_token"
	}
	if value == "" {
		return nil
	}
	ctx, cancel := withRevokeDeadline(ctx)
	defer cancel()
	form := url.Values{"token": {value}, "token_type_hint": {hint}}
	if ep.ClientID != "" && !ep.ClientBasic {
		form.Set("client_id", ep.ClientID)
	}
	if ep.ClientSecret != "" && !ep.ClientBasic {
		form.Set("client_secret", ep.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.RevokeURL, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("%s: revoke: %w", vendor, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if ep.ClientBasic {
		// RFC 6749 §2.3.1: both form-encoded before they are joined.
		req.SetBasicAuth(url.QueryEscape(ep.ClientID), url.QueryEscape(ep.ClientSecret))
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if timedOut := revokeTimedOut(ctx, vendor); timedOut != nil {
			return timedOut
		}
		return fmt.Errorf("%s: revoke: %w", vendor, redact(err, tok.RefreshToken, tok.AccessToken, ep.ClientSecret, ep.basicCredential()))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	ans := parseRevokeAnswer(body)
	if resp.StatusCode/100 == 2 && !ans.refused() {
		return nil
	}
	ve := &VendorError{Vendor: vendor, Status: resp.StatusCode}
	if ans.parsed {
		ve.Code = scrub(ans.Error, tok.RefreshToken, tok.AccessToken, ep.ClientSecret, ep.basicCredential())
		ve.Description = cmp.Or(ans.Description, ans.Message)
	} else if !looksLikeHTML(body) {
		ve.Description = string(body)
	}
	ve.Description = scrub(ve.Description, tok.RefreshToken, tok.AccessToken, ep.ClientSecret, ep.basicCredential())
	return fmt.Errorf("%s: revoke: %w", vendor, ve)
}
