package app

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"

	"github.com/crmsync/crmsync/app/auth"
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// connectToken connects by a pasted API key: checked with the vendor
// (Info.Verify) before the key reaches the keyring or a connection row.
func (a *App) connectToken(ctx context.Context, info connector.Info, req ConnectRequest, base string) (store.Connection, error) {
	if !info.OAuth.TokenRoute {
		return store.Connection{}, fmt.Errorf("%s has no API-token route; connect with OAuth (--client-id)", info.Title)
	}
	if base == "" && info.BaseFromToken != nil {
		b, err := info.BaseFromToken(req.Token)
		if err != nil {
			return store.Connection{}, fmt.Errorf("connect %s: %w", info.Title, err)
		}
		base = b
	}
	c := store.Connection{Name: req.Name, Vendor: info.Name, AuthKind: "token", APIBase: base, AccountName: info.Title + " (API token)"}
	old := a.previousConnection(ctx, req.Name)
	prior := a.priorAccount(ctx, req.Name)
	if info.Verify != nil {
		// Checked before anything is saved: a refused key leaves no
		// connection and nothing in the keyring.
		found, err := info.Verify(ctx, sameHostOnly(a.tokenClient(info, req.Token)), base)
		if errors.Is(err, connector.ErrAuth) {
			return store.Connection{}, &KeyRefusedError{Vendor: info.Title, Err: err}
		}
		if err != nil {
			return store.Connection{}, fmt.Errorf("connect %s: could not check the API key with %s: %w", info.Title, info.Title, err)
		}
		if found.AccountID != "" {
			c.AccountID, c.AccountName = found.AccountID, info.Title+" "+found.AccountName+" (API token)"
		}
		// A key of another account must not take over links to this one's records.
		if err := a.sameAccount(ctx, req.Name, info, c.AccountID, c.AccountName, ""); err != nil {
			return store.Connection{}, err
		}
	}
	if err := a.opts.Secrets.Set(ctx, apiKeyKey(req.Name), req.Token); err != nil {
		return store.Connection{}, fmt.Errorf("connect %s: save the API token in the keyring: %w", info.Title, err)
	}
	id, err := a.saveConnection(ctx, c)
	if err != nil {
		return store.Connection{}, err
	}
	a.dropOAuthSignIn(ctx, req.Name, old)
	a.forgetMetadata(ctx, id, req.Name, old, c)
	a.settleConnectionWaits(ctx, req.Name, prior, c, "")
	return a.db.Connection(ctx, req.Name)
}

// KeyRefusedError is a pasted API key the vendor refused at connect;
// nothing was saved, so the fix is another key, not a reconnect.
type KeyRefusedError struct {
	Vendor string // "HubSpot"
	Err    error  // the vendor's answer
}

func (e *KeyRefusedError) Error() string {
	return fmt.Sprintf("connect %s: %s refused the API key (check it was copied whole, is not revoked and has the access the syncs need): %v", e.Vendor, e.Vendor, e.Err)
}

func (e *KeyRefusedError) Unwrap() error { return e.Err }

// tokenClient carries a pasted API key the way the vendor documents it.
func (a *App) tokenClient(info connector.Info, tok string) *http.Client {
	header, prefix, key := "Authorization", "Bearer ", tok
	switch {
	case info.OAuth.TokenBasic:
		// Any user name will do; the key is the password. Vendor text
		// may quote the key itself, not the header's encoding.
		prefix, tok = "Basic ", base64.StdEncoding.EncodeToString([]byte("crmsync:"+tok))
	case info.OAuth.TokenHeader != "":
		header, prefix = info.OAuth.TokenHeader, ""
	case info.OAuth.TokenScheme != "":
		prefix = info.OAuth.TokenScheme + " "
	}
	return auth.StaticClient(a.opts.HTTP, header, prefix, tok, key)
}
