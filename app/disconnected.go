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
	// CallsDay and Calls are the calls it had spent on UsageDay when it
	// was removed: connecting the name again that day goes on from them.
	CallsDay string `json:"calls_day,omitempty"`
	Calls    int    `json:"calls,omitempty"`
}

func formerAccountKey(name string) string { return "disconnected/" + name + "/account" }

// rememberAccount keeps connection c's account after it is removed.
func (a *App) rememberAccount(ctx context.Context, c store.Connection) error {
	f := formerAccount{Vendor: c.Vendor, AccountID: c.AccountID, AccountName: c.AccountName, CallsDay: a.db.UsageDay()}
	f.Calls, _ = a.db.APICallsToday(ctx, c.ID)
	raw, _ := json.Marshal(f)
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

// carryTodaysCalls adds to connection id, just created under name for
// vendor, the calls a connection of that name and vendor removed today
// had spent: the daily budget is the account's day, not the row's.
func (a *App) carryTodaysCalls(ctx context.Context, id int64, name, vendor string) {
	raw, err := a.db.Setting(ctx, formerAccountKey(name), "")
	if err != nil || raw == "" {
		return
	}
	var f formerAccount
	if json.Unmarshal([]byte(raw), &f) != nil || f.Vendor != vendor || f.Calls <= 0 || f.CallsDay != a.db.UsageDay() {
		return
	}
	if _, err := a.db.AddAPICalls(ctx, id, f.Calls); err != nil {
		a.log.Warn("could not carry today's API calls over to the connection; its budget counts from zero today", "connection", name, "err", err)
	}
}
