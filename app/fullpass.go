package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
)

// fullPassReasons says what changed between a saved sync's definition and
// its new one that the pairs already synced must see: a run reads only the
// records changed since its cursors, so a mapping row added today would
// otherwise reach a pair only when one of its records next changes (the
// mapping, the direction), and a record filtered out, left unmatched or
// matched by other rules would never be looked at again. HubSpot's data
// sync passes every record through its engine again when its settings are
// saved; rclone bisync refuses to run after its filters change until
// --resync. Here the next run does the full pass by itself, and its preview
// says why. Schedule, conflict policy, safety limits and name do not need
// one: they apply to what the next run finds.
func fullPassReasons(old, def engine.Definition) []string {
	var why []string
	if !sameJSON(effectiveFields(old), effectiveFields(def)) {
		why = append(why, "the field mapping changed")
	}
	if !sameJSON(old.Match, def.Match) {
		why = append(why, "the match rules changed")
	}
	if !sameJSON(old.Filters, def.Filters) {
		why = append(why, "the filters changed")
	}
	if old.Unmatched != def.Unmatched {
		why = append(why, fmt.Sprintf("unmatched records are now handled by %q", def.Unmatched))
	}
	return why
}

// effectiveFields is a definition's mapping with each row's defaults
// spelled out (its direction the sync's, rule "" as always), so a sync
// saved by the editor, which spells them, and the same sync from a file,
// which may not, compare equal.
func effectiveFields(def engine.Definition) []mapping.Field {
	out := slices.Clone(def.Fields)
	for i := range out {
		if out[i].Direction == "" {
			out[i].Direction = def.Direction
		}
		if out[i].Rule == "" {
			out[i].Rule = mapping.Always
		}
	}
	return out
}

// sameJSON compares two parts of definitions as they are stored, so an
// empty value map and none, which the editor and a sync file may each
// give, are the same.
func sameJSON(x, y any) bool {
	jx, errX := json.Marshal(x)
	jy, errY := json.Marshal(y)
	return errX == nil && errY == nil && bytes.Equal(jx, jy)
}

// resyncAsked is the reason a person's request for a full resync gives.
const resyncAsked = "you asked for a full resync"

// joinReasons adds reasons to those already due, each once.
func joinReasons(due string, more []string) string {
	var parts []string
	if due != "" {
		parts = strings.Split(due, "; ")
	}
	for _, r := range more {
		if !slices.Contains(parts, r) {
			parts = append(parts, r)
		}
	}
	return strings.Join(parts, "; ")
}

// AskFullResync makes the next run of sync name, previewed or applied, by
// hand or on its schedule, read every record of both sides and merge every
// pair again (HubSpot's "Resync", rclone bisync's --resync). It changes
// nothing in either CRM by itself.
func (a *App) AskFullResync(ctx context.Context, name string) error {
	row, err := a.db.Sync(ctx, name)
	if err != nil {
		return fmt.Errorf("resync %s: %w", name, err)
	}
	return a.db.SetFullPass(ctx, row.ID, joinReasons(row.FullPass, []string{resyncAsked}))
}
