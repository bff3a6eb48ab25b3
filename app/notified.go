package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// notifiedSetting keeps the failure a person was last notified of for sync
// name, as "<unix ms> <failure>", so a restart does not notify a standing
// failure again: one notification per new failure, as HubSpot Data Sync
// emails once per new sync error [unverified: HubSpot's docs found describe
// the Sync Health tab, not its emails].
func notifiedSetting(name string) string { return "notified_failure:" + name }

// NotifiedFailures returns, by sync, the failure whose notification still
// stands: told, and no run of the sync has succeeded since (in any
// process: a `crmsync sync run` while the window was closed makes the next
// failure news again).
func (a *App) NotifiedFailures(ctx context.Context) (map[string]string, error) {
	rows, err := a.db.Syncs(ctx)
	if err != nil {
		return nil, fmt.Errorf("notified failures: %w", err)
	}
	out := map[string]string{}
	for _, r := range rows {
		v, err := a.db.Setting(ctx, notifiedSetting(r.Name), "")
		if err != nil {
			return nil, fmt.Errorf("notified failure of %s: %w", r.Name, err)
		}
		at, failure, ok := strings.Cut(v, " ")
		ms, perr := strconv.ParseInt(at, 10, 64)
		if !ok || perr != nil || failure == "" {
			continue
		}
		succeeded, err := a.succeededSince(ctx, r.Name, time.UnixMilli(ms))
		if err != nil {
			return nil, err
		}
		if !succeeded {
			out[r.Name] = failure
		}
	}
	return out, nil
}

// SetNotifiedFailure records that a person was notified of failure for
// sync name now; "" forgets it (a run of the sync succeeded).
func (a *App) SetNotifiedFailure(ctx context.Context, name, failure string) error {
	v := ""
	if failure != "" {
		v = strconv.FormatInt(a.opts.Now().UnixMilli(), 10) + " " + failure
	}
	if err := a.db.SetSetting(ctx, notifiedSetting(name), v); err != nil {
		return fmt.Errorf("notified failure of %s: %w", name, err)
	}
	return nil
}
