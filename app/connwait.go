package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

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
			return connectionWaitError{sync: name, conn: c, until: time.UnixMilli(ms)}
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
	until      time.Time
}

func (e connectionWaitError) Error() string {
	return fmt.Sprintf("sync %s waits until %s, when the limit connection %q reached at its vendor resets",
		e.sync, e.until.Local().Format(time.DateTime), e.conn)
}

func (e connectionWaitError) Is(target error) bool { return target == schedule.ErrSkipped }

// IsConnectionWait says whether err is a turn skipped while its
// connection waits out its vendor's limit (the card says so).
func IsConnectionWait(err error) bool {
	return errors.As(err, new(connectionWaitError))
}
