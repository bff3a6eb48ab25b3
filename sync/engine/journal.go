package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/connector/jsonscan"
)

// reconcileJournals settles create batches a crash left pending: each
// record found by its key is linked (with the base and audit rows the
// crashed run would have written), so the plan does not create it again.
func (p *planner) reconcileJournals(ctx context.Context) error {
	// A run killed since this process opened the file (the CLI killed
	// beside the window) is still marked running, and its journal would
	// wait for the next start while this plan creates its records again.
	// Its lock died with it, so it is recovered here; a live run keeps its
	// lock and is left alone.
	if _, err := p.e.RecoverStaleRuns(ctx); err != nil {
		return err
	}
	js, err := p.e.st.PendingJournals(ctx, p.syncID)
	if err != nil {
		return err
	}
	for _, j := range js {
		p.noteUnsettled(j.RunID)
		if err := p.reconcileJournal(ctx, j); err != nil {
			return err
		}
	}
	return nil
}

func (p *planner) reconcileJournal(ctx context.Context, j store.JournalRow) error {
	c := store.Commit{SyncID: p.syncID, RunID: j.RunID, JournalDone: []int64{j.ID}}
	var es []journalEntry
	if err := json.Unmarshal([]byte(j.Batch), &es); err != nil {
		p.warn("journal %d is damaged (%v); it was dropped", j.ID, err)
		return p.e.st.Commit(ctx, c)
	}
	if len(es) > 0 && es[0].ID != "" {
		return nil // an update batch: settled after the read, see reconcileUpdates
	}
	s := p.side[j.Side]
	srch, ok := s.Conn.(connector.Searcher)
	var keys []string
	for _, e := range es {
		if e.Key != "" {
			keys = append(keys, e.Key)
		}
	}
	if !ok || j.KeyField == "" || len(keys) == 0 {
		// An upsert settles itself when resent; a batch with no keys was
		// plain creates (the sync writes no match key on that side).
		if _, up := s.Conn.(connector.Upserter); !up || j.KeyField == "" || len(keys) == 0 && len(es) > 0 {
			// Created again, it may be there twice: held for a person
			// once the read shows what it made (keyless.go).
			p.noteKeyless(j, es)
			return nil
		}
		return p.e.st.Commit(ctx, c)
	}
	ix := p.ix[j.Side]
	recs, err := p.lookupJournalAfterLag(ctx, j.Side, srch, j.KeyField, ix.lookupValues(j.KeyField, keys), j.CreatedAt)
	if errors.Is(err, connector.ErrNoLookup) {
		// Pending forever would stop the sync for good; the records the
		// batch did create are read back and matched by key instead.
		p.warn("a create batch of run %d %s was interrupted and %s cannot be looked up by %s; what it created is matched by key, check for duplicates",
			j.RunID, p.def.inSide(j.Side), s.Object, j.KeyField)
		return p.e.st.Commit(ctx, c)
	}
	if err != nil {
		return err // leave it pending; planning without it could duplicate
	}
	byKey := map[string][]connector.Record{}
	for _, r := range recs {
		if !r.Deleted {
			k := ix.lookupKey(j.KeyField, r.Fields[j.KeyField])
			byKey[k] = append(byKey[k], r)
		}
	}
	src := otherSide(j.Side)
	var keyless []journalEntry // sent with no key: held, not created again
	var unsure keylessBatch    // found more than once: held, not created again
	defer func() {
		if len(keyless) > 0 {
			p.noteKeyless(j, keyless)
		}
		if len(unsure.es) > 0 {
			p.keyless = append(p.keyless, unsure)
		}
	}()
	partner := func(id string) (string, error) {
		pr, _, err := p.e.st.Pair(ctx, p.syncID, j.Side, id)
		if err != nil {
			return "", fmt.Errorf("engine: record %s, found by %s after an interrupted create: %w", id, j.KeyField, err)
		}
		if !pr.Linked {
			return "", nil
		}
		return pr.OtherID, nil
	}
	for _, e := range es {
		if e.Key == "" {
			keyless = append(keyless, e)
			continue
		}
		hits, ambiguous, err := createdAmong(byKey[ix.lookupKey(j.KeyField, e.Key)], e.Source, e.Fields, partner)
		if err != nil {
			return err
		}
		if ambiguous {
			unsure = unsure.with(j, e, hits)
			continue
		}
		if len(hits) == 1 && !p.ix[j.Side].holdsMatch(hits[0].Fields, e.Fields, j.KeyField) {
			hits = nil // held the key before: the vendor refused the create
		}
		if len(hits) != 1 {
			continue // not created; the plan creates it again
		}
		rec := hits[0]
		sp, _, err := p.e.st.Pair(ctx, p.syncID, src, e.Source)
		if err != nil {
			return err
		}
		tp, _, err := p.e.st.Pair(ctx, p.syncID, j.Side, rec.ID)
		if err != nil {
			return err
		}
		if sp.Linked || tp.Linked {
			continue
		}
		aID, bID := e.Source, rec.ID
		if j.Side == "a" {
			aID, bID = rec.ID, e.Source
		}
		c.Links = append(c.Links, store.LinkWrite{AID: aID, BID: bID, Base: store.EncodeFields(e.Base), CreatedBy: j.Side})
		c.AddCreated++
		ir := ix.record(rec)
		c.Index = append(c.Index, store.IndexWrite{Side: j.Side, ID: rec.ID, Modified: ir.Modified, Fields: store.EncodeFields(ir.Fields), Keys: ir.Keys})
		var audit store.AuditBuilder
		for _, f := range sortedKeys(e.Fields) {
			audit.Add(f, "", e.Fields[f], RuleCreate+" (reconciled)")
		}
		if a, ok := audit.Record(j.Side, rec.ID); ok {
			c.Audit = append(c.Audit, a)
		}
	}
	if len(keyless) > 0 || len(unsure.es) > 0 {
		c.JournalDone = nil // settled with the items holding them (holdKeylessCreates)
	}
	return p.e.st.Commit(ctx, c)
}

// reconcileUpdates settles update batches whose outcome is unknown (a kill,
// a cancel, a timeout, or a stop after the first of a write's calls): every
// value the batch sent gets an audit row, "reconciled" where the record
// holds it now and "outcome unknown" where it holds neither it nor the
// value it replaced (someone may have changed it since), so no write the
// CRM carried out is missing from the audit log. A record still holding
// the value replaced was not written (notWritten) and gets no row, and a
// value the run audited already (a part of a split batch, written again
// with its own journal row) gets none again (settledFields). A write found
// in place also gets the link base the run would have stored. It runs after
// the read (Plan and Undo).
func (p *planner) reconcileUpdates(ctx context.Context) error {
	js, err := p.e.st.PendingJournals(ctx, p.syncID)
	if err != nil {
		return err
	}
	for _, j := range js {
		var es []journalEntry
		if err := json.Unmarshal([]byte(j.Batch), &es); err != nil || len(es) == 0 || es[0].ID == "" {
			continue
		}
		audited, err := p.auditedOf(ctx, j.RunID, j.Side, es)
		if err != nil {
			return err
		}
		c := store.Commit{SyncID: p.syncID, RunID: j.RunID, JournalDone: []int64{j.ID}}
		for _, e := range es {
			pr, ok, err := p.e.st.Pair(ctx, p.syncID, j.Side, e.ID)
			if err != nil {
				return err
			}
			cur := map[string]string{}
			if ok {
				cur = store.DecodeFields(pr.Rec.Fields)
			}
			audit, inPlace, written := settledFields(j.Side, e, cur, ok, audited)
			if !p.reconciledSideWrites(&audit, j.Side, e, cur) {
				// The kill came before the unsubscribe: without the base,
				// the merge sees the address moved and carries the opt-out.
				inPlace = false
			}
			if a, ok := audit.Record(j.Side, e.ID); ok {
				c.Audit = append(c.Audit, a)
				if written {
					c.AddUpdated++
				}
			}
			if inPlace && ok && pr.Linked && pr.OtherID == e.Source && len(e.Base) > 0 {
				// The write is in place: its base goes in as the run would
				// have stored it, or the merge takes the value written for
				// an edit on this side (an undo's old value, copied back
				// over the other side's).
				aID, bID := e.ID, e.Source
				if j.Side == "b" {
					aID, bID = e.Source, e.ID
				}
				c.Links = append(c.Links, store.LinkWrite{AID: aID, BID: bID, Base: store.EncodeFields(e.Base)})
			}
		}
		if err := p.e.st.Commit(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// holds reports whether a record carries every value sent (vendors may
// change case, e.g. of emails).
func holds(have, sent map[string]string) bool {
	for f, v := range sent {
		if !strings.EqualFold(strings.TrimSpace(have[f]), strings.TrimSpace(v)) {
			return false
		}
	}
	return true
}

// journalEntry is one create as the journal remembers it.
type journalEntry struct {
	ID     string            `json:"id,omitempty"` // updates: the record written
	Source string            `json:"source"`
	Key    string            `json:"key"`
	Base   map[string]string `json:"base"`
	Fields map[string]string `json:"fields"`
	Old    map[string]string `json:"old,omitempty"`    // updates: the values replaced, side writes' too
	OptOut bool              `json:"optout,omitempty"` // updates: also unsubscribes an address
}

func (r *run) journal(ctx context.Context, side string, ps []pending, kp keyPlan, create bool) (int64, error) {
	if !create {
		kp = keyPlan{}
	}
	if _, ok := r.side[side].Conn.(connector.SideWriter); ok && !create {
		// Decided before the call, so a kill before its unsubscribe is not
		// taken for its outcome; succeed reuses what is decoded here.
		for i := range ps {
			cur, ok := r.current[ps[i].w.ID]
			if !ok {
				continue // succeed reads it from the pair
			}
			ps[i].was = store.DecodeFields(cur)
			ps[i].sides = r.sideWritesOf(side, ps[i].w, ps[i].was)
			for _, s := range ps[i].sides {
				ps[i].optOut = ps[i].optOut || s.OptOut
			}
		}
	}
	b, err := encodeJournal(ps, create)
	if err != nil {
		return 0, err
	}
	var id int64
	err = r.locked(func() (err error) {
		id, err = r.e.st.AddJournal(ctx, store.JournalRow{SyncID: r.plan.SyncID, RunID: r.id, Side: side, Object: r.side[side].Object, KeyField: kp.field, Batch: string(b)})
		return err
	})
	return id, err
}

// encodeJournal renders a batch as the journal keeps it: a JSON list of
// journalEntry, written by hand because json.Marshal's reflection over the
// maps made about 28 allocations per record (TestJournalEncodingReadsBack
// reads it back with encoding/json).
func encodeJournal(ps []pending, create bool) ([]byte, error) {
	b := make([]byte, 0, 256*len(ps))
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		if !create && p.w.ID != "" {
			b = append(b, `"id":`...)
			b = jsonscan.AppendJSONString(b, p.w.ID)
			b = append(b, ',')
		}
		b = append(b, `"source":`...)
		b = jsonscan.AppendJSONString(b, p.w.Source)
		b = append(b, `,"key":`...)
		b = jsonscan.AppendJSONString(b, p.key)
		b = append(b, `,"base":`...)
		b = jsonscan.AppendFields(b, baseMap(p.w.Base))
		b = append(b, `,"fields":`...)
		if p.op.Fields == nil {
			b = append(b, "null"...)
		} else {
			b = jsonscan.AppendFields(b, p.op.Fields)
		}
		if p.optOut {
			b = append(b, `,"optout":true`...)
		}
		if !create && len(p.w.Changes) > 0 {
			old := make(map[string]string, len(p.w.Changes))
			for _, ch := range p.w.Changes {
				old[ch.Field] = ch.Old
			}
			for _, s := range p.sides {
				if _, set := old[s.Field]; !set && !s.OptOut {
					old[s.Field] = s.Old // a reconcile reads the record after the write
				}
			}
			b = append(b, `,"old":`...)
			b = jsonscan.AppendFields(b, old)
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}
