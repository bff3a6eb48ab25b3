package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// approvedDeleteAudit is the audit of side's record id deleted by an
// approved held delete (applyDeletes); cascadeNote looks for it.
func approvedDeleteAudit(side, id string) store.AuditRecord {
	return store.NewAuditRecord([]store.AuditRow{{Side: side, RecordID: id, Field: deletedField, Old: "exists", New: "deleted", Rule: RuleReview}})
}

// cascadeNote says why side's record, deleted with fields as last read,
// most likely went: its vendor deletes it with a record it references
// through a link:SYNC row (a Contact with its Account), and a person
// approved that record's delete in SYNC. Nobody deleted it by itself, and
// the held delete must say so. "" when no such delete is audited. It reads
// the audit once per referenced record and plan, and only for held deletes.
func (p *planner) cascadeNote(ctx context.Context, side string, fields map[string]string) string {
	dc, ok := p.side[side].Conn.(connector.DeleteCascader)
	if !ok {
		return ""
	}
	for _, f := range p.def.Fields {
		field := f.A
		if side == "b" {
			field = f.B
		}
		ref := fields[field]
		if ref == "" {
			continue
		}
		for _, name := range mapping.LinkedSyncs([]mapping.Field{f}) {
			if note := p.parentDeleted(ctx, side, name, ref, dc); note != "" {
				return note
			}
		}
	}
	return ""
}

// parentDeleted describes the approved delete in sync name of side's
// record ref, when side's vendor deletes records with it, or "".
func (p *planner) parentDeleted(ctx context.Context, side, name, ref string, dc connector.DeleteCascader) string {
	key := name + "\x00" + side + "\x00" + ref
	if note, ok := p.cascades[key]; ok {
		return note
	}
	note := ""
	row, turned, problem, err := refSync(ctx, p.e.st, p.def, name)
	var def Definition
	if err == nil && problem == "" && row.ID != 0 {
		err = json.Unmarshal([]byte(row.Definition), &def)
	}
	refSide := side
	if turned {
		refSide = otherSide(side)
	}
	object := def.A.Object
	if refSide == "b" {
		object = def.B.Object
	}
	var run int64
	if also := dc.DeleteCascades(object); err == nil && row.ID != 0 && also != "" {
		run, err = p.e.st.AuditedRun(ctx, row.ID, refSide, ref, approvedDeleteAudit(refSide, ref).Changes)
		if err == nil && run != 0 {
			note = fmt.Sprintf("%s %s, whose delete a person approved in sync %s (run %d): %s", object, ref, name, run, also)
		}
	}
	if err != nil {
		p.warn("a held delete %s could not read whether %s, which it references, was deleted through sync %s: %v", p.def.inSide(side), ref, name, err)
	}
	if p.cascades == nil {
		p.cascades = map[string]string{}
	}
	p.cascades[key] = note
	return note
}
