package auth

import (
	"context"
	"net/http"

	"golang.org/x/oauth2"
)

// LoadStored is the token stored under key, nil when there is none or it
// is unreadable: read before a new sign-in overwrites it (RevokeReplaced).
func LoadStored(ctx context.Context, store TokenStore, key string) *oauth2.Token {
	tok, err := load(ctx, store, key)
	if err != nil {
		return nil
	}
	return tok
}

// RevokeReplaced revokes old, the grant a new sign-in (cur) replaced,
// where ep has a revoke endpoint, so no usable grant is left behind at the
// vendor. A vendor that handed the same refresh token again kept the same
// grant, which is not revoked. Errors never hold a token (revoke).
func RevokeReplaced(ctx context.Context, ep Endpoint, old, cur *oauth2.Token, client *http.Client) error {
	if old == nil || ep.RevokeURL == "" {
		return nil
	}
	if cur != nil && (old.RefreshToken != "" && old.RefreshToken == cur.RefreshToken ||
		old.RefreshToken == "" && old.AccessToken == cur.AccessToken) {
		return nil
	}
	return revoke(ctx, ep, old, client)
}

// Revoke revokes tok's grant where ep has a revoke endpoint: its refresh
// token, or its access token when it has none. Errors never hold a token.
func Revoke(ctx context.Context, ep Endpoint, tok *oauth2.Token, client *http.Client) error {
	if tok == nil || ep.RevokeURL == "" {
		return nil
	}
	return revoke(ctx, ep, tok, client)
}
