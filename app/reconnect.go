package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/app/secret"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// What a (re)connect keeps of the connection it replaces, and what it
// clears: the user's settings of the connection stay; the keyring entries
// of the sign-in kind it no longer uses (a refresh token and client
// secret after a switch to a pasted key, the key after a switch back to
// OAuth) go, since nothing would ever use or remove them.

// saveConnection saves c, a (re)connect, keeping what the user and the
// day gave the name before: the settings the user chose for the
// connection it replaces (its daily API call budget), or today's API
// calls of a connection of the name removed today. It returns c's id.
func (a *App) saveConnection(ctx context.Context, c store.Connection) (int64, error) {
	old, err := a.db.Connection(ctx, c.Name)
	isNew := errors.Is(err, store.ErrNotFound)
	if err == nil {
		c.DailyBudget = old.DailyBudget
	}
	id, err := a.db.SaveConnection(ctx, c)
	if err != nil {
		return 0, err
	}
	if isNew {
		a.carryTodaysCalls(ctx, id, c.Name, c.Vendor)
	}
	return id, nil
}

// previousConnection is the connection stored under name before a
// reconnect, zero when there is none.
func (a *App) previousConnection(ctx context.Context, name string) store.Connection {
	old, err := a.db.Connection(ctx, name)
	if err != nil {
		return store.Connection{}
	}
	return old
}

// grantEndpoint is the OAuth endpoint connection name signed in with as
// old, its row before a reconnect: the old row's vendor and app, since a
// name may be reused for another vendor or app registration. false when
// old did not sign in with OAuth.
func (a *App) grantEndpoint(ctx context.Context, name string, old store.Connection) (auth.Endpoint, bool) {
	info, err := a.vendor(old.Vendor)
	if err != nil || old.AuthKind != "oauth" {
		return auth.Endpoint{}, false
	}
	var f oauthFacts
	_ = json.Unmarshal([]byte(old.OAuth), &f)
	cs, _ := a.opts.Secrets.Get(ctx, secretKey(name))
	return endpoint(info, f, cs), true
}

// dropOAuthSignIn revokes old's OAuth grant where the vendor can and
// deletes any token and client secret of connection name from the
// keyring: it now signs in with a pasted key (old is its row before, zero
// for a new connection). The key is saved by then, so a
// failure here is logged, not returned.
func (a *App) dropOAuthSignIn(ctx context.Context, name string, old store.Connection) {
	if ep, ok := a.grantEndpoint(ctx, name, old); ok {
		if err := auth.Disconnect(ctx, ep, a.opts.Secrets, tokenKey(name), a.oauthHTTP()); err != nil {
			a.log.Warn("the connection's former OAuth sign-in could not be revoked; revoke crmsync's access in the CRM", "connection", name, "err", err)
		}
	}
	a.deleteSecrets(ctx, name, tokenKey(name), secretKey(name))
}

// deleteSecrets deletes keyring entries of connection name that may be
// there, logging (by key, never value) those that could not be deleted.
func (a *App) deleteSecrets(ctx context.Context, name string, keys ...string) {
	for _, k := range keys {
		if err := a.opts.Secrets.Delete(ctx, k); err != nil && !errors.Is(err, secret.ErrNotFound) {
			a.log.Warn("a keyring entry the connection no longer uses could not be deleted", "connection", name, "key", k, "err", err)
		}
	}
}

// deleteAllSecrets deletes every keyring entry of connection name, of
// either sign-in kind, for a disconnect.
func (a *App) deleteAllSecrets(ctx context.Context, name string) error {
	for _, k := range []string{tokenKey(name), secretKey(name), apiKeyKey(name)} {
		if err := a.opts.Secrets.Delete(ctx, k); err != nil && !errors.Is(err, secret.ErrNotFound) {
			return fmt.Errorf("disconnect %s: %w", name, err)
		}
	}
	return nil
}

// revokeURLFor is where a connection signing in at tokenURL has its grant
// revoked: the revoke URL given with it; the vendor's, when tokenURL is
// the vendor's own; else the vendor's revoke path beside the given token
// URL (a Salesforce sandbox org's test.salesforce.com, the sandbox), so a
// grant another server issued never goes to the vendor's production host.
// "" when the vendor has no revoke endpoint.
func revokeURLFor(info connector.Info, given, tokenURL string) string {
	switch {
	case given != "":
		return given
	case info.OAuth.RevokeURL == "":
		return ""
	case tokenURL == info.OAuth.TokenURL:
		return info.OAuth.RevokeURL
	}
	vt, errT := url.Parse(info.OAuth.TokenURL)
	vr, errR := url.Parse(info.OAuth.RevokeURL)
	if errT != nil || errR != nil || vt.Host != vr.Host {
		return ""
	}
	base, ok := strings.CutSuffix(tokenURL, vt.Path)
	if !ok {
		return ""
	}
	return base + vr.Path
}

// revokeURL is where f's grant is revoked: the one stored with it, or,
// when f signed in at the vendor's own token endpoint, the vendor's own:
// for a sign-in stored before the vendor's connector named one
// (Pipedrive), or none for a vendor that has none (Brevo, whose stored
// URL was an earlier guess that answers 404).
func revokeURL(info connector.Info, f oauthFacts) string {
	if f.TokenURL != "" && f.TokenURL == info.OAuth.TokenURL && (f.RevokeURL == "" || info.OAuth.RevokeURL == "") {
		return info.OAuth.RevokeURL
	}
	return f.RevokeURL
}
