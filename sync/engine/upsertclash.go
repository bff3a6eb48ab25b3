package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// refuseUpsertClashes keeps back the creates whose upsert would land on a
// record that is not new: one that another create of this run upserts with
// the same key (two records that share an email, both decided "create new"
// in review), or one the index holds live (linked to another record, or
// unlinked: the plan holds such creates, see createHeld). The vendor
// keeps one record per key, so either would overwrite that record with
// this one's values and link it twice. Those fail alone, never sent,
// saying why; the rest are returned to be sent.
func (r *run) refuseUpsertClashes(ctx context.Context, side string, ps []pending, kp keyPlan) ([]pending, error) {
	// Only a person's "create new" can clash: records of one side sharing
	// a key go to review as ambiguous, and a plain unmatched create had no
	// record on the other side with its key, or it would have matched. So
	// a first sync spends nothing here, and holds no key of its creates.
	if !slices.ContainsFunc(ps, func(p pending) bool { return p.w.ReviewID != 0 }) {
		return ps, nil
	}
	rule := r.ix[side].ruleOf(kp.field)
	norm := make([]string, len(ps))
	var keys []string
	for i, p := range ps {
		if p.w.ReviewID == 0 {
			continue
		}
		norm[i] = strings.ToLower(strings.TrimSpace(p.key))
		if rule >= 0 {
			if k, err := mapping.Normalize(r.ix[side].kinds[rule], p.key); err == nil && k != "" {
				norm[i] = k
			}
			keys = append(keys, norm[i])
		}
	}
	held := map[string]store.KeyHit{}
	if len(keys) > 0 {
		var hits []store.KeyHit
		if err := r.locked(func() (err error) {
			hits, err = r.e.st.KeyHits(ctx, r.plan.SyncID, rule, keys)
			return err
		}); err != nil {
			return nil, fmt.Errorf("engine: look up the upsert keys of side %s: %w", side, err)
		}
		for _, h := range hits {
			if h.Side != side {
				continue
			}
			// An unlinked record holding the key is written over just the
			// same (two-way, by a person's "create"): held unless deleted.
			live, err := r.liveRecord(ctx, side, h)
			if err != nil {
				return nil, err
			}
			if live {
				held[h.Key] = h
			}
		}
	}
	if r.upserted == nil {
		r.upserted = map[[2]string]string{}
	}
	c := store.Commit{SyncID: r.plan.SyncID, RunID: r.id}
	keep := ps[:0:0]
	for i, p := range ps {
		if p.w.ReviewID == 0 {
			keep = append(keep, p)
			continue
		}
		if why := r.upsertClash(side, p, kp.field, norm[i], held); why != "" {
			r.fail(&c, side, p, &connector.RecordError{Vendor: "crmsync", Object: r.side[side].Object, RecordID: p.w.Source,
				Category: connector.CatConflict, Field: kp.field, Code: "KEY_TAKEN", Message: why})
			continue
		}
		r.upserted[[2]string{side, norm[i]}] = p.w.Source
		keep = append(keep, p)
	}
	if len(c.Errors) == 0 {
		return keep, nil
	}
	return keep, r.commit(ctx, c)
}

// upsertClash says why p's upsert by key must not be sent, or "".
func (r *run) upsertClash(side string, p pending, field, key string, held map[string]store.KeyHit) string {
	other := strings.ToUpper(otherSide(side))
	if src, ok := r.upserted[[2]string{side, key}]; ok && src != p.w.Source {
		return fmt.Sprintf("not created on side %s: %s, also created in this run, has the same %s %q, and side %s keeps one record per %s, "+
			"so this one would overwrite it; link this record to that one in review, or give one of them another %s",
			strings.ToUpper(side), src, field, p.key, strings.ToUpper(side), field, field)
	}
	if h, ok := held[key]; ok && h.LinkedTo == "" {
		return fmt.Sprintf("not created on side %s: its record %s already has %s %q, and side %s keeps one record per %s, "+
			"so an upsert would overwrite it; link them in review if they are the same person, otherwise give one of them another %s",
			strings.ToUpper(side), h.ID, field, p.key, strings.ToUpper(side), field, field)
	}
	if h, ok := held[key]; ok && h.LinkedTo != p.w.Source {
		return fmt.Sprintf("not created on side %s: its record %s already has %s %q and is linked to %s on side %s, "+
			"so an upsert would overwrite it; if they are the same person merge them in that CRM, otherwise give one of them another %s",
			strings.ToUpper(side), h.ID, field, p.key, h.LinkedTo, other, field)
	}
	return ""
}

// linkedElsewhere checks a create the vendor resolved to a record it
// already held (an upsert whose key someone gave an existing record after
// the plan). If the sync links that record to another, linking it again
// would break the one-to-one rule and fail the commit of every record
// around it, so this one fails alone, naming both records; the next plan
// sees the shared key and sends it to review.
func (r *run) linkedElsewhere(ctx context.Context, side string, p pending, keyField, id string) (recErr, err error) {
	partner, err := r.partnerOf(ctx, side, id)
	if err != nil {
		return nil, err
	}
	if partner == "" || partner == p.w.Source {
		return nil, nil
	}
	other := strings.ToUpper(otherSide(side))
	return &connector.RecordError{Vendor: "crmsync", Object: r.side[side].Object, RecordID: p.w.Source,
		Category: connector.CatConflict, Field: keyField, Code: "LINKED_ELSEWHERE",
		Message: fmt.Sprintf("creating it on side %s found the existing record %s by %s %q, which this sync already links to %s on side %s; "+
			"%s took this record's values but is not linked to it: if they are the same person, merge them, otherwise give one of them another %s",
			strings.ToUpper(side), id, keyField, p.key, partner, other, id, keyField)}, nil
}

// partnerOf is the record this sync links with record id of side, or ""
// when it links none.
func (r *run) partnerOf(ctx context.Context, side, id string) (string, error) {
	var pr store.PairRow
	var found bool
	if err := r.locked(func() (err error) {
		pr, found, err = r.e.st.Pair(ctx, r.plan.SyncID, side, id)
		return err
	}); err != nil {
		return "", fmt.Errorf("engine: check record %s on side %s: %w", id, side, err)
	}
	if !found || !pr.Linked {
		return "", nil
	}
	return pr.OtherID, nil
}

// succeedFound is succeed for a create whose upsert updated a record that
// existed (res.Created false), not linked to another: someone made it
// between the read and the write. It is linked as matched, not created by
// crmsync, so an undo never offers to delete it, and audited as an update
// whose old values are res.Was, or said unknown.
func (r *run) succeedFound(c *store.Commit, side string, p pending, res connector.Result) error {
	w := p.w
	aID, bID := w.Source, res.ID
	if side == "a" {
		aID, bID = bID, aID
	}
	r.sum.Updated++
	c.AddUpdated++
	c.Links = append(c.Links, store.LinkWrite{AID: aID, BID: bID, Base: encodeBase(w.Base), New: true})
	// What it held besides is unknown unless Was tells: the next read
	// brings it, as a matched record's values.
	idx := map[string]string{}
	for f := range r.ix[side].used {
		if v, ok := p.op.Fields[f]; ok {
			idx[f] = v
		} else if v, ok := res.Was[f]; ok {
			idx[f] = v
		}
	}
	c.Index = append(c.Index, store.IndexWrite{Side: side, ID: res.ID, Modified: r.e.now().UnixMilli(), Fields: store.EncodeFields(idx), Keys: r.ix[side].keys(idx)})
	for _, ch := range w.Changes {
		if old, ok := res.Was[ch.Field]; ok {
			if old != ch.New {
				r.audit.Add(ch.Field, old, ch.New, RuleUpsertFound)
			}
		} else {
			r.audit.Add(ch.Field, "", ch.New, RuleUpsertFoundUnknown)
		}
	}
	if rec, ok := r.audit.Record(side, res.ID); ok {
		c.Audit = append(c.Audit, rec)
	}
	c.RetryDone = append(c.RetryDone, store.RetryKey{Side: side, RecordID: w.Source})
	if w.ReviewID != 0 {
		c.ReviewDone = append(c.ReviewDone, w.ReviewID)
	}
	return nil
}
