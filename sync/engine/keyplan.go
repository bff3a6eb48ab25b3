package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// How creates on a side are made idempotent: by the connector's upsert
// key, or by a key looked up after a lost answer.

// keyPlan says how creates on a side are made idempotent.
type keyPlan struct {
	field  string // field carrying the key; "" = none
	upsert bool   // the connector upserts by field
}

func (r *run) keyPlan(ctx context.Context, side string) (keyPlan, error) {
	s := r.side[side]
	if up, ok := s.Conn.(connector.Upserter); ok {
		f, err := up.UpsertKey(ctx, s.Object)
		if err != nil {
			return keyPlan{}, fmt.Errorf("engine: upsert key of side %s: %w", side, err)
		}
		if f != "" && !r.unmatchedBusinessKey(side, f) && !r.unmappedMatchKey(side, f) {
			return keyPlan{field: f, upsert: true}, nil
		}
		if f != "" {
			// An upsert by a value the sync copies but does not match on
			// (HubSpot's email in a sync matching people by phone) would
			// land on whichever record holds it, linked to another or not,
			// and overwrite it: such creates go plain, and the vendor's
			// refusal of a taken value names that record for review.
			return keyPlan{field: f}, nil
		}
	}
	if len(r.plan.def.Match) > 0 {
		spec := r.plan.def.Match[0].B
		if side == "a" {
			spec = r.plan.def.Match[0].A
		}
		if fs := splitPlus(spec); len(fs) == 1 {
			return keyPlan{field: fs[0]}, nil
		}
	}
	return keyPlan{}, nil
}

// unmatchedBusinessKey reports whether field, a side's upsert key, is a
// value the sync maps from the other CRM (not a key crmsync fills, such
// as Salesforce's Crmsync_Key__c) that no match rule compares: records
// already holding a value were then not matched by it.
func (r *run) unmatchedBusinessKey(side, field string) bool {
	def := r.plan.def
	name := func(f mapping.Field) string {
		if side == "a" {
			return f.A
		}
		return f.B
	}
	if !slices.ContainsFunc(def.Fields, func(f mapping.Field) bool { return strings.EqualFold(name(f), field) }) {
		return false
	}
	for _, m := range def.Match {
		spec := m.B
		if side == "a" {
			spec = m.A
		}
		if fs := splitPlus(spec); len(fs) == 1 && strings.EqualFold(fs[0], field) {
			return false
		}
	}
	return true
}

// unmappedMatchKey reports whether field, a side's upsert key, is a field
// a match rule compares but no row maps (HubSpot's email in a sync matching
// on email that copies names only): the create has no value to upsert by,
// and a made-up one would be written into a business field.
func (r *run) unmappedMatchKey(side, field string) bool {
	def := r.plan.def
	for _, f := range def.Fields {
		name := f.B
		if side == "a" {
			name = f.A
		}
		if strings.EqualFold(name, field) {
			return false
		}
	}
	for _, m := range def.Match {
		spec := m.B
		if side == "a" {
			spec = m.A
		}
		for _, f := range splitPlus(spec) {
			if strings.EqualFold(f, field) {
				return true
			}
		}
	}
	return false
}

func (r *run) op(w *Write, create bool, kp keyPlan) pending {
	fields := make(map[string]string, len(w.Changes)+1)
	for _, c := range w.Changes {
		fields[c.Field] = c.New
	}
	if !create {
		was := make(map[string]string, len(w.Changes))
		for _, c := range w.Changes {
			was[c.Field] = c.Old
		}
		return pending{w: w, op: connector.Op{Kind: connector.OpUpdate, ID: w.ID, Fields: fields, Was: was}}
	}
	p := pending{w: w, op: connector.Op{Kind: connector.OpCreate, Fields: fields}}
	if kp.field == "" {
		return p
	}
	key, mapped := fields[kp.field]
	if !mapped && kp.upsert {
		// A dedicated key field (e.g. Salesforce Crmsync_Key__c): a
		// deterministic value makes a replay hit the same record.
		key = r.plan.def.Name + ":" + w.Source
		fields[kp.field] = key
	}
	p.key = key
	if kp.upsert && key != "" {
		p.op.Kind = connector.OpUpsert
	}
	return p
}
