package engine

import (
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
)

// sideWrites warns of what update w of a record holding fields also
// writes on its CRM (connector.SideWriter), so the preview shows it.
func (p *planner) sideWrites(w Write, fields map[string]string) {
	sw, ok := p.side[w.Side].Conn.(connector.SideWriter)
	if !ok {
		return
	}
	for _, s := range sw.SideWrites(p.side[w.Side].Object, fields, changesOf(&w)) {
		p.warn("update of %s on side %s: %s", w.ID, strings.ToUpper(w.Side), s.Note)
	}
}

// sideWritesOf is what update w of a record that held cur also writes
// (connector.SideWriter), for the audit, in parentheses: the connector,
// not the undo, writes it (or cannot: an unsubscribe).
func (r *run) sideWritesOf(side string, w *Write, cur map[string]string) []connector.SideWrite {
	sw, ok := r.side[side].Conn.(connector.SideWriter)
	if !ok {
		return nil
	}
	return sw.SideWrites(r.side[side].Object, cur, changesOf(w))
}

// changesOf is w's new values by field.
func changesOf(w *Write) map[string]string {
	changes := make(map[string]string, len(w.Changes))
	for _, c := range w.Changes {
		changes[c.Field] = c.New
	}
	return changes
}
