package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// Which account of a vendor a connection signs in to, and the refusal to
// point a connection whose syncs hold links at another one.

// sameAccount refuses to point connection name, which syncs hold links
// through, at a different account of the vendor: those links name the old
// account's records, and the new account's records with the same ids would
// be synced as if they were the same people. formerID is this sign-in's
// identity in the form stored before info.Identify (a Pipedrive domain
// host), "" if none.
func (a *App) sameAccount(ctx context.Context, name string, info connector.Info, accountID, accountName, formerID string) error {
	old, err := a.db.Connection(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		old, err = a.formerConnection(ctx, name)
	}
	if err != nil || old.Vendor != info.Name || old.AccountID == "" || accountID == "" || old.AccountID == accountID || sameFormerAccount(old, formerID) {
		return nil
	}
	vs, err := a.Syncs(ctx)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.Definition.A.Connection != name && v.Definition.B.Connection != name {
			continue
		}
		links, err := a.db.Links(ctx, v.ID)
		if err != nil {
			return err
		}
		if len(links) > 0 {
			return fmt.Errorf("connect %s: connection %s is %s, but this sign-in is %s; sync %s has %d links to the records of %s, so connection %s was left as it was: sign in to %s again, or connect %s under a new name",
				info.Title, name, old.AccountName, accountName, v.Definition.Name, len(links), old.AccountName, name, old.AccountName, accountName)
		}
	}
	return nil
}

// sameFormerAccount says whether old, stored under its domain's host
// before its company id was learnt, is the account of a sign-in whose
// domain host is formerID: its host at connect, or the one its base has
// followed since (a renamed Pipedrive domain, adopted at a refresh).
func sameFormerAccount(old store.Connection, formerID string) bool {
	if formerID == "" || old.AccountID == "" || isDigits(old.AccountID) {
		return false // a company id was stored: only that id matches
	}
	if old.AccountID == formerID {
		return true
	}
	u, err := url.Parse(old.APIBase)
	return err == nil && u.Host == formerID
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
