package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/schedule"
)

// A vendor's limit is the account's, so every sync over the connection
// waits it out, not only the sync whose run met it: the setting
// connection_wait:CONN holds the end of the wait (Unix ms). Pipedrive's
// daily token budget is shared by every user and integration of the
// company (pipedrive.readme.io "Guide for optimizing API usage"); a
// HubSpot private app's daily limit is the account's (account-info
// api-usage/daily/private-apps). Zoho's credits and the other vendors'
// waits are taken as the account's likewise [unverified].

func connWaitKey(conn string) string { return "connection_wait:" + conn }

// syncConnections are the connections of stored sync name, A's first.
func (a *App) syncConnections(ctx context.Context, name string) ([]string, error) {
	row, err := a.db.Sync(ctx, name)
	if err != nil {
		return nil, err
	}
	var def engine.Definition
	if err := json.Unmarshal([]byte(row.Definition), &def); err != nil {
		return nil, fmt.Errorf("sync %s: read its definition: %w", name, err)
	}
	var out []string
	for _, c := range []string{def.A.Connection, def.B.Connection} {
		if c != "" && (len(out) == 0 || out[0] != c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// connectionWait returns a skip, naming the connection and until when,
// when one of sync name's connections waits out its vendor's limit.
func (a *App) connectionWait(ctx context.Context, name string) error {
	conns, err := a.syncConnections(ctx, name)
	if err != nil {
		return nil // a missing or damaged sync is Run's to report
	}
	for _, c := range conns {
		v, err := a.db.Setting(ctx, connWaitKey(c), "")
		if err != nil {
			return fmt.Errorf("sync %s: read connection %s's wait: %w", name, c, err)
		}
		if ms, _ := strconv.ParseInt(v, 10, 64); ms > 0 && a.opts.Now().Before(time.UnixMilli(ms)) {
			return connectionWaitError{sync: name, conn: c, until: time.UnixMilli(ms).In(a.opts.Zone())}
		}
	}
	return nil
}

// storeConnectionWait remembers a vendor's wait until then for the
// connections of sync name at vendor, the one that asked for it.
func (a *App) storeConnectionWait(ctx context.Context, name, vendor string, until time.Time) {
	if vendor == "" {
		return // the per-sync wait still holds this sync
	}
	conns, cerr := a.syncConnections(ctx, name)
	if cerr != nil {
		return
	}
	for _, c := range conns {
		row, rerr := a.db.Connection(ctx, c)
		if rerr != nil || row.Vendor != vendor {
			continue
		}
		if serr := a.db.SetSetting(ctx, connWaitKey(c), strconv.FormatInt(until.UnixMilli(), 10)); serr != nil {
			a.log.Warn("store the connection's vendor wait", "connection", c, "err", serr)
		}
	}
}

// endConnectionWaits forgets the waits of sync name's connections: a run
// over them got through, so their vendors take calls again.
func (a *App) endConnectionWaits(ctx context.Context, name string) {
	conns, err := a.syncConnections(ctx, name)
	if err != nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, c := range conns {
		if v, err := a.db.Setting(ctx, connWaitKey(c), ""); err != nil || v == "" {
			continue
		}
		if err := a.db.SetSetting(ctx, connWaitKey(c), ""); err != nil {
			a.log.Warn("end the connection's vendor wait", "connection", c, "err", err)
		}
	}
}

// connectionWaitError is a scheduled turn skipped (schedule.ErrSkipped)
// because its connection waits out its vendor's limit.
type connectionWaitError struct {
	sync, conn string
	until      time.Time // in the machine's zone (Options.Zone)
}

func (e connectionWaitError) Error() string {
	return fmt.Sprintf("sync %s waits until %s, when the limit connection %q reached at its vendor resets",
		e.sync, e.until.Format(time.DateTime), e.conn)
}

func (e connectionWaitError) Is(target error) bool { return target == schedule.ErrSkipped }

// IsConnectionWait says whether err is a turn skipped while its
// connection waits out its vendor's limit (the card says so).
func IsConnectionWait(err error) bool {
	return errors.As(err, new(connectionWaitError))
}

// priorAccount is the account connection name is signed in to, or was
// when it was disconnected; zero when it never was.
func (a *App) priorAccount(ctx context.Context, name string) store.Connection {
	if c, err := a.db.Connection(ctx, name); err == nil {
		return c
	}
	c, _ := a.formerConnection(ctx, name)
	return c
}

// settleConnectionWaits ends the vendor waits of connection name, and of
// the syncs over it, when it is now signed in to another account than
// prior (priorAccount before the sign-in; formerID as for sameAccount):
// the spent budget was that account's, not the new one's (Pipedrive: one
// account's spent budget "will not impact other accounts", Guide for
// optimizing API usage; HubSpot's private-app daily usage is the
// account's, account-info api-usage/daily/private-apps). The same
// account, signed in again, keeps them: a reconnect gives the vendor's
// daily budget back no more than a disconnect did. An account that cannot
// be told (no id on either side) is taken as another: a wrong guess costs
// one refused call, which stores the wait again.
func (a *App) settleConnectionWaits(ctx context.Context, name string, prior, now store.Connection, formerID string) {
	if prior.Vendor == now.Vendor && prior.AccountID != "" &&
		(prior.AccountID == now.AccountID || sameFormerAccount(prior, formerID)) {
		return
	}
	ctx = context.WithoutCancel(ctx) // the sign-in is saved: finish with it
	if v, err := a.db.Setting(ctx, connWaitKey(name), ""); err == nil && v != "" {
		if err := a.db.SetSetting(ctx, connWaitKey(name), ""); err != nil {
			a.log.Warn("end the vendor wait of the connection's former account", "connection", name, "err", err)
		}
	}
	vs, err := a.Syncs(ctx)
	if err != nil {
		a.log.Warn("end the vendor waits of the connection's syncs", "connection", name, "err", err)
		return
	}
	for _, v := range vs {
		// A wait met at the sync's other connection is still held there
		// (connection_wait of that connection).
		if v.Definition.A.Connection == name || v.Definition.B.Connection == name {
			a.endVendorWait(ctx, v.Definition.Name)
		}
	}
}
