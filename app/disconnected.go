package app

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/crmsync/crmsync/store"
)

// formerAccount is what a disconnected connection was signed in to. Its
// syncs keep their links to that account's records, so connecting the
// same name again is checked against it as if the connection were still
// there.
type formerAccount struct {
	Vendor      string `json:"vendor"`
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
}

func formerAccountKey(name string) string { return "disconnected/" + name + "/account" }

// rememberAccount keeps connection c's account after it is removed.
func (a *App) rememberAccount(ctx context.Context, c store.Connection) error {
	raw, _ := json.Marshal(formerAccount{Vendor: c.Vendor, AccountID: c.AccountID, AccountName: c.AccountName})
	if err := a.db.SetSetting(ctx, formerAccountKey(c.Name), string(raw)); err != nil {
		return fmt.Errorf("disconnect %s: %w", c.Name, err)
	}
	return nil
}

// formerConnection is the account a disconnected connection name was
// signed in to, as a connection row for sameAccount.
func (a *App) formerConnection(ctx context.Context, name string) (store.Connection, error) {
	raw, err := a.db.Setting(ctx, formerAccountKey(name), "")
	if err != nil || raw == "" {
		return store.Connection{}, fmt.Errorf("connection %q: %w", name, store.ErrNotFound)
	}
	var f formerAccount
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return store.Connection{}, fmt.Errorf("connection %q: %w", name, err)
	}
	return store.Connection{Name: name, Vendor: f.Vendor, AccountID: f.AccountID, AccountName: f.AccountName}, nil
}

// missingConnection is a sync's connection that was never connected or was
// disconnected: only a person can connect it again.
type missingConnection struct{ name string }

func (e missingConnection) Error() string {
	return fmt.Sprintf("connection %q does not exist; connect it first (crmsync connect) or fix the sync", e.name)
}
