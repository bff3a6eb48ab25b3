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
	// made: no mapping row carries field, so it is a key crmsync owns
	// (Salesforce Crmsync_Key__c) and a create without one gets a value
	// made up from the source id. A field a row carries (HubSpot's email)
	// is business data: a record without a value is created plainly.
	made bool
}

func (r *run) keyPlan(ctx context.Context, side string) (keyPlan, error) {
	s := r.side[side]
	if up, ok := s.Conn.(connector.Upserter); ok {
		f, err := up.UpsertKey(ctx, s.Object)
		if err != nil {
			return keyPlan{}, fmt.Errorf("engine: upsert key of %s: %w", r.plan.def.SideName(side), err)
		}
		if f != "" && !r.unmatchedBusinessKey(side, f) && !r.unmappedMatchKey(side, f) {
			return keyPlan{field: f, upsert: true, made: !r.mapsField(side, f)}, nil
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
	if !r.mapsField(side, field) {
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
	if r.mapsField(side, field) {
		return false
	}
	for _, m := range r.plan.def.Match {
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
	if !mapped && kp.upsert && kp.made {
		// A dedicated key field (e.g. Salesforce Crmsync_Key__c): a
		// deterministic value makes a replay hit the same record. A mapped
		// key left blank (a contact with no email) goes as a plain create,
		// made idempotent by the lookup or the hold after a lost answer
		// (keyless.go), never with an invented value in a business field.
		key = r.plan.def.Name + ":" + w.Source
		fields[kp.field] = key
	}
	p.key = key
	if kp.upsert && key != "" {
		p.op.Kind = connector.OpUpsert
	}
	return p
}

// mapsField reports whether a mapping row of the sync carries field on
// side, in either direction: the field holds business data, not a key
// crmsync owns.
func (r *run) mapsField(side, field string) bool {
	return slices.ContainsFunc(r.plan.def.Fields, func(f mapping.Field) bool {
		name := f.B
		if side == "a" {
			name = f.A
		}
		return strings.EqualFold(name, field)
	})
}
