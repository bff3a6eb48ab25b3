package app

import (
	"context"

	"golang.org/x/oauth2"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/store"
)

// replacedGrant is the OAuth grant a connection signed in with before a
// new OAuth sign-in, read before the new one overwrites it in the keyring.
type replacedGrant struct {
	ep  auth.Endpoint
	tok *oauth2.Token // nil: none to revoke
}

// formerGrant is connection name's stored OAuth grant, with the endpoint
// of the vendor and app it was signed in with (a name may be reused for
// another vendor or another app registration).
func (a *App) formerGrant(ctx context.Context, name string) replacedGrant {
	return a.formerGrantOf(ctx, name, a.previousConnection(ctx, name))
}

// formerGrantOf is the stored OAuth grant of connection name, stored as
// c, with the endpoint it was signed in with.
func (a *App) formerGrantOf(ctx context.Context, name string, c store.Connection) replacedGrant {
	ep, ok := a.grantEndpoint(ctx, name, c)
	if !ok {
		return replacedGrant{}
	}
	return replacedGrant{ep: ep, tok: auth.LoadStored(ctx, a.opts.Secrets, tokenKey(name))}
}

// revokeReplaced revokes g once the new grant cur is saved: signing in
// again must not leave the former grant valid at the vendor. Best effort:
// the new sign-in stands, and a failure is logged (never with a token).
func (a *App) revokeReplaced(ctx context.Context, name string, g replacedGrant, cur *oauth2.Token) {
	if g.tok == nil {
		return
	}
	if err := auth.RevokeReplaced(ctx, g.ep, g.tok, cur, a.oauthHTTP()); err != nil {
		a.log.Warn("the connection's former sign-in could not be revoked; the new one works, but remove crmsync's older access in the CRM", "connection", name, "err", err)
	}
}
