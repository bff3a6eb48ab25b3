package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/app/secret"
	"golang.org/x/oauth2"
)

// TokenStore is where token JSON lives; secret.Store (OS keyring) and
// secret.Memory implement it.
type TokenStore interface {
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, value string) error
	Delete(ctx context.Context, key string) error
}

// storedToken is the persisted form. Extra keeps the vendor's scalar,
// non-secret fields (instance_url, hub_id...) so connectors still find them
// after a restart; it stays small for Windows' 2.5 KB credential limit.
type storedToken struct {
	AccessToken  string            `json:"access_token"`
	TokenType    string            `json:"token_type,omitempty"`
	RefreshToken string            `json:"refresh_token,omitempty"`
	Expiry       time.Time         `json:"expiry,omitzero"`
	Extra        map[string]string `json:"extra,omitempty"`
}

// secretExtras are response fields never copied into Extra.
var secretExtras = map[string]bool{
	"access_token": true, "refresh_token": true, "id_token": true, "token_type": true,
	"expires_in": true, "signature": true, "error": true, "error_description": true,
}

const maxExtraLen = 512

// knownExtras are the fields connectors read; Token.Extra offers no way to
// list keys, so these are the ones we persist.
var knownExtras = []string{
	"instance_url", "id", "issued_at", "scope", "api_domain", "hub_id", "user_id",
	"token_use", "hub_domain", "user", "location", "accounts-server",
	"resource", "ext_expires_in",
}

func toStored(tok *oauth2.Token) storedToken {
	st := storedToken{
		AccessToken:  tok.AccessToken,
		TokenType:    tok.TokenType,
		RefreshToken: tok.RefreshToken,
		Expiry:       tok.Expiry,
	}
	for k, v := range Extras(tok, knownExtras...) {
		if secretExtras[k] || len(v) > maxExtraLen {
			continue
		}
		if st.Extra == nil {
			st.Extra = map[string]string{}
		}
		st.Extra[k] = v
	}
	return st
}

func (st storedToken) token() *oauth2.Token {
	tok := &oauth2.Token{
		AccessToken:  st.AccessToken,
		TokenType:    st.TokenType,
		RefreshToken: st.RefreshToken,
		Expiry:       st.Expiry,
	}
	raw := make(map[string]any, len(st.Extra))
	for k, v := range st.Extra {
		raw[k] = v
	}
	return tok.WithExtra(raw)
}

// Save persists tok (access, refresh, expiry, token type and the vendor's
// non-secret extras) under key as one JSON value, so it is replaced
// atomically. A sign-in the OS keyring refuses as too big (Windows
// Credential Manager keeps 2,560 bytes, go-keyring's macOS path about
// 3,000; Entra's JWT access token beside its refresh token is more) is kept
// without its access token: the refresh token gets a new one.
func Save(ctx context.Context, store TokenStore, key string, tok *oauth2.Token) error {
	if tok == nil {
		return fmt.Errorf("save token %q: no token", key)
	}
	st := toStored(tok)
	err := saveStored(ctx, store, key, st)
	if errors.Is(err, secret.ErrTooBig) && st.RefreshToken != "" {
		st.AccessToken, st.Expiry = "", time.Time{}
		err = saveStored(ctx, store, key, st)
	}
	return err
}

func saveStored(ctx context.Context, store TokenStore, key string, st storedToken) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save token %q: encode: %w", key, err)
	}
	if err := store.Set(ctx, key, string(b)); err != nil {
		return fmt.Errorf("save token %q: %w", key, err)
	}
	return nil
}

// load reads the token under key. A missing entry means "not connected".
func load(ctx context.Context, store TokenStore, key string) (*oauth2.Token, error) {
	v, err := store.Get(ctx, key)
	if err != nil {
		if errors.Is(err, secret.ErrNotFound) {
			return nil, fmt.Errorf("connection %q has no stored sign-in: %w", connectionOf(key), ErrReconnectNeeded)
		}
		return nil, fmt.Errorf("load token %q: %w", key, err)
	}
	var st storedToken
	if err := json.Unmarshal([]byte(v), &st); err != nil {
		// Never wrap the JSON error: it can quote the stored value.
		return nil, fmt.Errorf("connection %q has an unreadable stored sign-in: %w", connectionOf(key), ErrReconnectNeeded)
	}
	return st.token(), nil
}

// TokenSource hands out a connection's access token, refreshing through the
// vendor when it is expired or was invalidated. Safe for concurrent use.
type TokenSource struct {
	ctx    context.Context
	ep     Endpoint
	store  TokenStore
	key    string
	client *http.Client

	// mu serializes loads and refreshes: a rotating refresh token must
	// never be spent twice.
	mu      sync.Mutex
	tok     *oauth2.Token
	force   bool // next Token() must refresh
	unsaved bool // tok holds a rotated refresh token the store does not have yet

	// shared serializes refreshes with the other sources of the same
	// connection in this process (a scheduled run beside a button press),
	// so one of them refreshes and the others adopt its stored token.
	shared sync.Locker
	// rotationGrace is how long a rejected refresh waits for another
	// process's rotated token to reach the store before it is taken as a
	// revoked grant.
	rotationGrace time.Duration
}

// defaultRotationGrace covers another process's refresh answer and keyring
// write racing ours.
const defaultRotationGrace = 2 * time.Second

// NewTokenSource returns a token source for the connection stored under
// key. ctx bounds store access and refresh requests; client (nil =
// http.DefaultClient) performs refreshes.
func NewTokenSource(ctx context.Context, ep Endpoint, store TokenStore, key string, client *http.Client) *TokenSource {
	return &TokenSource{ctx: ctx, ep: ep, store: store, key: key, client: client, rotationGrace: defaultRotationGrace}
}

// ShareRefreshes makes ts refresh only while holding lock, the lock every
// source of the same connection in this process shares. It returns ts.
func (ts *TokenSource) ShareRefreshes(lock sync.Locker) *TokenSource {
	ts.mu.Lock()
	ts.shared = lock
	ts.mu.Unlock()
	return ts
}

// Invalidate forces the next Token() to refresh (used after a 401).
func (ts *TokenSource) Invalidate() {
	ts.mu.Lock()
	ts.force = true
	ts.mu.Unlock()
}

// invalidateIfCurrent invalidates only when the rejected access token is
// still the current one, so concurrent 401s cause a single refresh.
func (ts *TokenSource) invalidateIfCurrent(access string) {
	ts.mu.Lock()
	if ts.tok != nil && ts.tok.AccessToken == access {
		ts.force = true
	}
	ts.mu.Unlock()
}

// Token returns a valid access token. It implements oauth2.TokenSource.
func (ts *TokenSource) Token() (*oauth2.Token, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	vendor := ts.ep.vendor()

	if ts.tok == nil {
		tok, err := load(ts.ctx, ts.store, ts.key)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", vendor, err)
		}
		ts.tok = tok
	}
	if ts.unsaved {
		if err := Save(ts.ctx, ts.store, ts.key, ts.tok); err != nil {
			return nil, fmt.Errorf("%s: keep the renewed sign-in: %w", vendor, err)
		}
		ts.unsaved = false
	}
	if !ts.force && ts.tok.Valid() {
		return ts.tok, nil
	}
	if ts.shared != nil {
		ts.shared.Lock()
		defer ts.shared.Unlock()
	}
	// Another session or process (CLI next to the GUI) may have refreshed
	// already; its rotation made our refresh token useless, so adopt its
	// token, or at least its refresh token.
	if ts.adoptStored() {
		return ts.tok, nil
	}
	return ts.refreshLocked()
}

// adoptStored takes the stored token when another session rotated the
// refresh token since ts loaded it. It reports whether that token's access
// token can be used as it is; otherwise ts refreshes with the stored
// refresh token.
func (ts *TokenSource) adoptStored() bool {
	stored, err := load(ts.ctx, ts.store, ts.key)
	if err != nil || stored.RefreshToken == ts.tok.RefreshToken || stored.AccessToken == ts.tok.AccessToken {
		return false
	}
	ts.tok = stored
	if stored.Valid() {
		ts.force = false
		return true
	}
	return false
}

func (ts *TokenSource) refreshLocked() (*oauth2.Token, error) {
	vendor := ts.ep.vendor()
	old := ts.tok
	if old.RefreshToken == "" {
		return nil, fmt.Errorf("%s: connection %q: sign-in expired and there is no refresh token: %w", vendor, connectionOf(ts.key), ErrReconnectNeeded)
	}
	ctx := ts.ctx
	if ts.client != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, ts.client)
	}
	// An empty access token makes the oauth2 source refresh immediately.
	src := ts.ep.config("").TokenSource(ctx, &oauth2.Token{RefreshToken: old.RefreshToken})
	fresh, err := src.Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			ve := vendorErrorFrom(vendor, re, old.RefreshToken, old.AccessToken, ts.ep.ClientSecret, ts.ep.basicCredential())
			if isGrantRejected(ve) {
				if ts.rotatedElsewhere(old.RefreshToken) {
					return ts.refreshOrAdopt()
				}
				return nil, fmt.Errorf("%s: connection %q: %w: %w", vendor, connectionOf(ts.key), ErrReconnectNeeded, ve)
			}
			return nil, fmt.Errorf("%s: connection %q: refresh sign-in: %w", vendor, connectionOf(ts.key), ve)
		}
		return nil, fmt.Errorf("%s: connection %q: refresh sign-in: %w", vendor, connectionOf(ts.key),
			redact(err, old.RefreshToken, old.AccessToken, ts.ep.ClientSecret, ts.ep.basicCredential()))
	}
	fresh = mergeExtras(old, fresh)
	rotated := fresh.RefreshToken != old.RefreshToken
	if err := Save(ts.ctx, ts.store, ts.key, fresh); err != nil {
		if rotated {
			// The old refresh token is dead now; keep the new one in memory
			// and retry the save before handing out any token.
			ts.tok, ts.force, ts.unsaved = fresh, false, true
			return nil, fmt.Errorf("%s: keep the renewed sign-in: %w", vendor, err)
		}
		// Not rotated: the stored refresh token still works; an old
		// access token in the store only costs one refresh later.
	}
	ts.tok, ts.force = fresh, false
	return fresh, nil
}

// rotatedElsewhere waits up to rotationGrace for another process's rotated
// refresh token to replace spent in the store, as it does when two
// processes refreshed with the same token at once: the vendor honoured the
// other one. It leaves that token in ts.tok.
func (ts *TokenSource) rotatedElsewhere(spent string) bool {
	deadline := time.Now().Add(ts.rotationGrace)
	for {
		if stored, err := load(ts.ctx, ts.store, ts.key); err == nil && stored.RefreshToken != spent {
			ts.tok = stored
			return true
		}
		if !time.Now().Before(deadline) {
			return false
		}
		select {
		case <-ts.ctx.Done():
			return false
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// refreshOrAdopt uses the token another process stored, refreshing it once
// more only when its access token has expired too.
func (ts *TokenSource) refreshOrAdopt() (*oauth2.Token, error) {
	if ts.tok.Valid() {
		ts.force = false
		return ts.tok, nil
	}
	return ts.refreshLocked()
}

// mergeExtras keeps extras from the previous token that the refresh
// response omits (e.g. hub_id), preferring the refresh's values.
func mergeExtras(old, fresh *oauth2.Token) *oauth2.Token {
	raw := map[string]any{}
	for k, v := range Extras(old, knownExtras...) {
		raw[k] = v
	}
	for _, k := range knownExtras {
		if v := fresh.Extra(k); v != nil {
			raw[k] = v
		}
	}
	return fresh.WithExtra(raw)
}

// connectionOf is the connection a keyring key holds the sign-in of
// ("connection/hs/token" is hs), the name a person knows it by.
func connectionOf(key string) string {
	if name, ok := strings.CutPrefix(key, "connection/"); ok {
		if name, ok = strings.CutSuffix(name, "/token"); ok {
			return name
		}
	}
	return key
}
