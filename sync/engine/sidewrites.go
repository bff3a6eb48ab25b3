package engine

import (
	"github.com/crmsync/crmsync/store"
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
		p.warn("update of %s %s: %s", w.ID, p.def.inSide(w.Side), s.Note)
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

// reconciledSideWrites adds to audit what the interrupted update e also
// wrote, as succeed would have: from the record as read now (cur) with the
// values e replaced put back. It reports false when e was to unsubscribe an
// address and the read shows no opt-out: the kill came before that call.
func (p *planner) reconciledSideWrites(audit *store.AuditBuilder, side string, e journalEntry, cur map[string]string) bool {
	sw, ok := p.side[side].Conn.(connector.SideWriter)
	if !ok || len(e.Old) == 0 {
		return !e.OptOut
	}
	was := make(map[string]string, len(cur)+len(e.Old))
	for k, v := range cur {
		was[k] = v
	}
	for k, v := range e.Old {
		was[k] = v
	}
	optedOut := false
	for _, s := range sw.SideWrites(p.side[side].Object, was, e.Fields) {
		audit.Add("("+s.Field+")", s.Old, s.New, sideWriteRule(s))
		optedOut = optedOut || s.OptOut
	}
	return optedOut || !e.OptOut
}

// sideWriteRule is a side write's audit rule: an unsubscribe is an
// opt-out, which an undo must not reverse.
func sideWriteRule(s connector.SideWrite) string {
	if s.OptOut {
		return RuleOptOut
	}
	return "side write"
}
