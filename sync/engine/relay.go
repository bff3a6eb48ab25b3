package engine

import (
	"context"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/mapping"
)

// relayed is v as the newer policy dates row r's value on side. When
// another sync of this app wrote every field of the row there, and the
// record still holds what it wrote, the value is as old as the record it
// was copied from, not as the write's fresh modified time. Three syncs in
// a cycle (HubSpot ↔ Salesforce ↔ Pipedrive ↔ HubSpot) otherwise let the
// relay of an older edit beat a person's newer one in the third CRM, and
// the older value won everywhere. One hop only: a relay of a relay dates
// from the first relay's write.
func (m merger) relayed(r mapping.Row, side string, v recView) recView {
	fields := r.AFields
	if side == "b" {
		fields = r.BFields
	}
	if m.relays == nil || len(fields) == 0 {
		return v
	}
	rel := m.relays(side, v.id)
	origin := int64(0)
	for _, f := range fields {
		w, ok := rel[f]
		if !ok || w.SyncID == m.syncID || w.New != v.fields[f] || w.Origin <= 0 {
			return v
		}
		origin = max(origin, w.Origin)
	}
	v.modified = min(v.modified, origin)
	return v
}

// relaysOf is merger.relays for a plan of sync syncID: the writes to a
// side's record by every sync writing the same object. A failed lookup is
// logged and dates the value by its record's modified time, as before.
func (e *Engine) relaysOf(ctx context.Context, def Definition) func(side, id string) map[string]store.Relay {
	return func(side, id string) map[string]store.Relay {
		sd := def.A
		if side == "b" {
			sd = def.B
		}
		rel, err := e.st.Relays(ctx, sd.Connection, sd.Object, id)
		if err != nil {
			e.log.WarnContext(ctx, "engine: writes of other syncs", "sync", def.Name, "side", side, "record", id, "err", err)
			return nil
		}
		return rel
	}
}
