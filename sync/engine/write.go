package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// pending is one write of a batch with the op sent for it.
type pending struct {
	w   *Write
	op  connector.Op
	key string // create: the value of the journal / upsert key field
	// optOut: the update also unsubscribes an address (a side write),
	// journaled so a kill before that call is not taken for its outcome.
	optOut bool
	// was and sides: the record as it was and the update's side writes,
	// when the journal decided them (a connector.SideWriter's update).
	was   map[string]string
	sides []connector.SideWrite
	// resent: sent again after its batch's call failed, which may have
	// created it; an upsert that finds it then is still crmsync's create.
	resent bool
}

// writes sends a side's creates or updates in batches, reading them from
// the stored plan a page at a time.
func (r *run) writes(ctx context.Context, side string, create bool) error {
	kind, phase := "update", "update "+side
	c := r.plan.Counts
	total := map[string]int{"a": c.UpdateA, "b": c.UpdateB}[side]
	if create {
		kind, phase = "create", "create "+side
		total = map[string]int{"a": c.CreateA, "b": c.CreateB}[side]
	}
	if total == 0 {
		return nil
	}
	var kp keyPlan
	if create {
		var err error
		if kp, err = r.keyPlan(ctx, side); err != nil {
			return err
		}
	}
	bs := r.side[side].batch()
	page := max(bs, chunkSize/bs*bs)
	done, afterID := 0, int64(0)
	for {
		var list []posWrite
		err := r.locked(func() (err error) {
			list, err = pageWrites(ctx, r.e.st, r.plan.id, kind, side, afterID, page)
			return err
		})
		if err != nil {
			return err
		}
		for i := 0; i < len(list); i += bs {
			if err := ctx.Err(); err != nil {
				return stopError{err}
			}
			batch := list[i:min(i+bs, len(list))]
			ps := make([]pending, 0, len(batch))
			for j := range batch {
				if create && r.heldCreate(ctx, side, &batch[j].Write) {
					continue
				}
				ps = append(ps, r.op(&batch[j].Write, create, kp))
			}
			var err error
			switch {
			case len(ps) == 0: // each create of the batch held (createorder.go)
			case create:
				err = r.createBatch(ctx, side, ps, kp)
			default:
				err = r.sendBatch(ctx, side, ps, kp, false)
			}
			if err != nil {
				r.noteUnsent(total, done)
				return err
			}
			done += len(batch)
			r.progress(phase, done, total)
		}
		if len(list) < page {
			return r.flushCommits(ctx)
		}
		afterID = list[len(list)-1].id
	}
}

// createBatch writes a journal row, then the batch: upserts and plain
// creates go in separate calls.
func (r *run) createBatch(ctx context.Context, side string, ps []pending, kp keyPlan) error {
	var ups, plain []pending
	for _, p := range ps {
		if p.op.Kind == connector.OpUpsert {
			ups = append(ups, p)
		} else {
			plain = append(plain, p)
		}
	}
	ups, err := r.refuseUpsertClashes(ctx, side, ups, kp)
	if err != nil {
		return err
	}
	ups, upsAnyway, err := r.splitDuplicatesDecided(ctx, ups)
	if err != nil {
		return err
	}
	plain, plainAnyway, err := r.splitDuplicatesDecided(ctx, plain)
	if err != nil {
		return err
	}
	anyway := connector.WithDuplicatesAllowed(ctx)
	for _, g := range []struct {
		ctx context.Context
		ps  []pending
	}{{ctx, ups}, {ctx, plain}, {anyway, upsAnyway}, {anyway, plainAnyway}} {
		if len(g.ps) == 0 {
			continue
		}
		if err := r.sendBatch(g.ctx, side, g.ps, kp, true); err != nil {
			return err
		}
	}
	return nil
}

// sendBatch sends one call. A call-level failure that is not auth, budget
// or rate limit splits the batch in halves until each record passes or
// fails on its own.
func (r *run) sendBatch(ctx context.Context, side string, ps []pending, kp keyPlan, create bool) error {
	journalID, callErr, err := r.sendCall(ctx, side, ps, kp, create)
	if err != nil || callErr == nil {
		return err
	}
	return r.splitAfterFailure(ctx, side, ps, kp, create, journalID, callErr, false)
}

// sendCall sends one call and commits its records' outcomes. A call-level
// failure that does not stop the run is returned as callErr, with the
// call's journal row left pending, for the caller to split the batch.
func (r *run) sendCall(ctx context.Context, side string, ps []pending, kp keyPlan, create bool) (journalID int64, callErr, err error) {
	s := r.side[side]
	if !create {
		// One query for the index rows the successes will update (and the
		// journal reads for the side writes).
		ids := make([]string, len(ps))
		for i, p := range ps {
			ids[i] = p.w.ID
		}
		var rows []store.IndexRow
		if err := r.locked(func() (err error) {
			rows, err = r.e.st.Records(ctx, r.plan.SyncID, side, ids)
			return err
		}); err != nil {
			return 0, nil, err
		}
		r.current = make(map[string]string, len(rows))
		for _, row := range rows {
			r.current[row.ID] = row.Fields
		}
	}
	// Updates are journaled too: if the outcome of a call is unknown (kill,
	// timeout), the next plan finds the values in place and audits them.
	journalID, err = r.journal(ctx, side, ps, kp, create)
	if err != nil {
		return 0, nil, err
	}
	ops := make([]connector.Op, len(ps))
	for i, p := range ps {
		ops[i] = p.op
		if !create {
			// Not journaled: a kept value is no change to settle.
			ops[i].Keep = r.kept(side, p.op, p.w.ID)
		}
	}
	var res []connector.Result
	callCtx, attempts := connector.TrackAttempts(ctx)
	if create && ps[0].op.Kind == connector.OpUpsert {
		res, err = s.Conn.(connector.Upserter).Upsert(callCtx, s.Object, kp.field, ops)
	} else {
		res, err = s.Conn.Write(callCtx, s.Object, ops)
	}
	if err == nil && len(res) != len(ops) {
		err = &connector.Error{Vendor: "engine", Endpoint: "write " + s.Object, Category: connector.CatServer,
			Message: fmt.Sprintf("%d results for %d records", len(res), len(ops))}
	}
	if err != nil {
		if stop := stopCategory(ctx, err); stop != nil {
			// The journal stays pending, for the next plan to reconcile,
			// unless the vendor refused every attempt of an update.
			return 0, nil, r.settleRefused(ctx, journalID, create, attempts, err, stop)
		}
		r.vendorAnswered(side, err)
		return journalID, err, nil
	}
	r.vendorAnswered(side, nil)
	c := store.Commit{SyncID: r.plan.SyncID, RunID: r.id, JournalDone: []int64{journalID}}
	var stop error // the first record refusal that stops the run
	for i, p := range ps {
		werr := res[i].Err
		if werr == nil && create && !res[i].Created {
			if werr, err = r.linkedElsewhere(ctx, side, p, kp.field, res[i].ID); err != nil {
				return 0, nil, err
			}
		}
		if werr != nil && !create && recordGone(werr) {
			if err := r.gone(ctx, &c, side, p); err != nil {
				return 0, nil, err
			}
			continue
		}
		if werr != nil && create {
			held, err := r.holdDuplicate(ctx, &c, side, p, werr)
			if err != nil {
				return 0, nil, err
			}
			if held {
				continue
			}
		}
		if werr != nil {
			r.fail(&c, side, p, werr)
			if stop == nil && recordStops(werr) {
				stop = werr
			}
			continue
		}
		if create && !res[i].Created && !p.resent {
			// The upsert found a record someone else made: linked and
			// audited as an update, never as ours to delete on undo.
			if err := r.succeedFound(&c, side, p, res[i]); err != nil {
				return 0, nil, err
			}
			continue
		}
		if err := r.succeed(ctx, &c, side, p, res[i].ID, create); err != nil {
			return 0, nil, err
		}
	}
	if err := r.commit(ctx, c); err != nil {
		return 0, nil, err
	}
	if stop != nil {
		return 0, nil, stopError{stop} // what this call did is kept; no later call can do better
	}
	return journalID, nil, nil
}

// recordStops reports a record's refusal that every later write would
// meet too, as a call's would: the account's (Salesforce's
// STORAGE_LIMIT_EXCEEDED, the org full), the day's budget, or the
// object's endpoint refused as a whole (CatTarget).
func recordStops(err error) bool {
	c := connector.CategoryOf(err)
	return c != connector.CatAuth && connector.StopsRun(c)
}

// serverError reports a call's failure on the vendor's side (a 5xx or a
// broken connection, after the transport's retries).
func serverError(err error) bool {
	return err != nil && connector.CategoryOf(err) == connector.CatServer
}

// lookupCreated finds records of a failed create call that exist anyway.
// many are the creates whose key it found on several records it cannot
// tell apart (createdAmong): not to be sent again. ok is false when it
// cannot look them up; lookErr then says why when the lookup itself
// failed (nil: the connector has no lookup, or no key).
func (r *run) lookupCreated(ctx context.Context, side string, ps []pending, kp keyPlan, callErr error) (found map[int]string, left []pending, many []foundMany, ok bool, lookErr, err error) {
	s := r.side[side]
	srch, ok := s.Conn.(connector.Searcher)
	if !ok || kp.field == "" {
		return nil, nil, nil, false, nil, nil
	}
	var keys []string
	for _, p := range ps {
		if p.key != "" {
			keys = append(keys, p.key)
		}
	}
	byKey := map[string][]connector.Record{}
	if len(keys) > 0 {
		recs, err := r.lookupAfterLag(ctx, side, srch, kp.field, r.ix[side].lookupValues(kp.field, keys), callErr)
		if err != nil {
			if stop := stopCategory(ctx, err); stop != nil {
				return nil, nil, nil, false, nil, stop
			}
			if serverError(err) && serverError(callErr) {
				// The lookup failed as the create did: the vendor is failing
				// every call, and the next plan looks the batch up.
				return nil, nil, nil, false, nil, stormStop(err, "the create and the lookup after it")
			}
			return nil, nil, nil, false, err, nil
		}
		for _, rec := range recs {
			if !rec.Deleted {
				k := r.ix[side].lookupKey(kp.field, rec.Fields[kp.field])
				byKey[k] = append(byKey[k], rec)
			}
		}
	}
	found = map[int]string{}
	for i, p := range ps {
		if p.key == "" {
			left = append(left, p)
			continue
		}
		hs, ambiguous, err := createdAmong(byKey[r.ix[side].lookupKey(kp.field, p.key)], p.w.Source, p.op.Fields, func(id string) (string, error) {
			return r.partnerOf(ctx, side, id)
		})
		if err != nil {
			return nil, nil, nil, false, nil, err
		}
		if ambiguous {
			many = append(many, foundMany{p: p, ids: recordIDs(hs)})
			continue
		}
		if len(hs) == 1 && r.ix[side].holdsMatch(hs[0].Fields, p.op.Fields, kp.field) {
			// A record the sync links to another is not this create's: it
			// held the key before (a plain create the vendor refused as
			// taken), and linking it again would fail the run's commit.
			elsewhere, err := r.linkedElsewhere(ctx, side, p, kp.field, hs[0].ID)
			if err != nil {
				return nil, nil, nil, false, nil, fmt.Errorf("engine: record %s, found by %s after a failed create: %w", hs[0].ID, kp.field, err)
			}
			if elsewhere == nil {
				found[i] = hs[0].ID
				continue
			}
		}
		left = append(left, p)
	}
	return found, left, many, true, nil, nil
}

// succeed adds one successful write to the batch's commit: link, base,
// index, audit, and the retry and review entries it settles.
func (r *run) succeed(ctx context.Context, c *store.Commit, side string, p pending, newID string, create bool) error {
	w := p.w
	aID, bID := w.Source, w.ID
	if create {
		bID = newID
	}
	if side == "a" {
		aID, bID = bID, aID
	}
	fields := p.op.Fields
	var sides []connector.SideWrite // what an update also writes (connector.SideWriter)
	if create {
		r.sum.Created++
		c.AddCreated++ // kept with the batch: a run killed later still counts it
		c.Links = append(c.Links, store.LinkWrite{AID: aID, BID: bID, Base: encodeBase(w.Base), CreatedBy: side, New: true})
	} else {
		r.sum.Updated++
		c.AddUpdated++
		if w.Source != "" && len(w.Base) > 0 {
			c.Links = append(c.Links, store.LinkWrite{AID: aID, BID: bID, Base: encodeBase(w.Base)})
		}
		cur, ok := r.current[w.ID]
		if !ok {
			var pr store.PairRow
			var found bool
			if err := r.locked(func() (err error) {
				pr, found, err = r.e.st.Pair(ctx, r.plan.SyncID, side, w.ID)
				return err
			}); err != nil {
				return err
			}
			if found {
				cur = pr.Rec.Fields
			}
		}
		merged := p.was
		sides = p.sides
		if merged == nil || !ok {
			merged = store.DecodeFields(cur)
			sides = r.sideWritesOf(side, w, merged) // from the record as it was
		}
		for k, v := range fields {
			merged[k] = v
		}
		fields = merged
	}
	id := bID
	if side == "a" {
		id = aID
	}
	idx := map[string]string{}
	for f := range r.ix[side].used {
		if v, ok := fields[f]; ok {
			idx[f] = v
		} else if create {
			// A create leaves out what the source has blank, and the
			// vendor reads it back as blank, or as the field's default (a
			// checkbox's false): stored so, the read-back matches the row
			// and is not merged again (fix 25).
			idx[f] = r.ix[side].defaults[f]
		}
	}
	for _, s := range sides {
		if r.ix[side].used[s.Field] && !s.OptOut {
			idx[s.Field] = s.New // the CRM holds it now, so the read-back is no change
		}
	}
	c.Index = append(c.Index, store.IndexWrite{Side: side, ID: id, Modified: r.e.now().UnixMilli(), Fields: store.EncodeFields(idx), Keys: r.ix[side].keys(idx), New: create})
	for _, ch := range w.Changes {
		r.audit.Add(ch.Field, ch.Old, ch.New, ch.Rule)
	}
	for _, s := range sides {
		r.audit.Add("("+s.Field+")", s.Old, s.New, sideWriteRule(s))
	}
	if create && p.key != "" && !hasChange(w, p.op.Fields, p.key) {
		r.audit.Add("(upsert key)", "", p.key, RuleCreate)
	}
	if rec, ok := r.audit.Record(side, id); ok {
		c.Audit = append(c.Audit, rec)
	}
	c.RetryDone = append(c.RetryDone, store.RetryKey{Side: side, RecordID: w.Source})
	if w.ReviewID != 0 {
		c.ReviewDone = append(c.ReviewDone, w.ReviewID)
	}
	return nil
}

// hasChange reports whether the key value was written as a mapped field
// (e.g. email) rather than as a dedicated key field.
func hasChange(w *Write, fields map[string]string, key string) bool {
	for _, ch := range w.Changes {
		if fields[ch.Field] == key {
			return true
		}
	}
	return false
}

// fail records one failed write: a run error with the vendor's words and a
// retry-queue entry with back-off.
func (r *run) fail(c *store.Commit, side string, p pending, err error) {
	r.sum.Failed++
	id := p.w.ID
	if id == "" {
		id = p.w.Source
	}
	re := runError(side, id, err)
	c.Errors = append(c.Errors, re)
	if r.plan.UndoOf != 0 {
		return // a sync run cannot retry an undo's write (see undoAgainNote)
	}
	c.Retry = append(c.Retry, store.RetryRow{Side: side, RecordID: p.w.Source, Category: re.Category, Field: re.Field, Code: re.Code, Message: re.Message})
}

func reviewDetail(it ReviewItem) string {
	b, err := json.Marshal(struct {
		Reason     string      `json:"reason"`
		Candidates []Candidate `json:"candidates,omitempty"`
		Values     *Values     `json:"values,omitempty"`
		Blocked    bool        `json:"blocked,omitempty"`
		FoundMany  bool        `json:"found_many,omitempty"`
	}{it.Reason, it.Candidates, it.Values, it.Blocked, it.FoundMany})
	if err != nil {
		return "{}"
	}
	return string(b)
}

// commitGroup is how many written records' links, index rows and audit
// rows are committed per transaction. One transaction per write batch
// (100 or 200 records) cost 14 ms each at 100k records, mostly rewriting
// the same index pages to the WAL. A crash before the group is committed
// leaves its journal rows pending, and the next plan settles them like any
// interrupted batch (creates looked up by key, updates audited). Each side
// holds its own group while both write.
const commitGroup = 2500

// commit adds c to the pending group and commits the group once it is
// large enough.
func (r *run) commit(ctx context.Context, c store.Commit) error {
	g := &r.group
	g.SyncID, g.RunID = c.SyncID, c.RunID
	g.Links = append(g.Links, c.Links...)
	g.Unlinks = append(g.Unlinks, c.Unlinks...)
	g.Index = append(g.Index, c.Index...)
	g.Audit = append(g.Audit, c.Audit...)
	g.Errors = append(g.Errors, c.Errors...)
	g.Retry = append(g.Retry, c.Retry...)
	g.RetryDone = append(g.RetryDone, c.RetryDone...)
	g.JournalDone = append(g.JournalDone, c.JournalDone...)
	g.Reviews = append(g.Reviews, c.Reviews...)
	g.ReviewDone = append(g.ReviewDone, c.ReviewDone...)
	g.ReviewOpen = append(g.ReviewOpen, c.ReviewOpen...)
	if len(g.Index)+len(g.Errors) < commitGroup {
		return nil
	}
	return r.flushCommits(ctx)
}

// flushCommits commits the pending group. It ignores cancellation: the
// CRM holds those writes already, so recording them is never wasted.
func (r *run) flushCommits(ctx context.Context) error {
	g := r.group
	err := r.locked(func() error { return r.e.st.Commit(context.WithoutCancel(ctx), g) })
	// The next group reuses this one's arrays (the store keeps nothing of
	// a commit): regrown from nothing, every group's slices allocated about
	// twice their final size, 0.66 GB over the four 100k bench runs.
	r.group = store.Commit{Links: reuse(g.Links), Unlinks: reuse(g.Unlinks), Index: reuse(g.Index), Audit: reuse(g.Audit),
		Errors: reuse(g.Errors), Retry: reuse(g.Retry), RetryDone: reuse(g.RetryDone), JournalDone: reuse(g.JournalDone),
		Reviews: reuse(g.Reviews), ReviewDone: reuse(g.ReviewDone), ReviewOpen: reuse(g.ReviewOpen)}
	return err
}

// reuse empties s, keeping its array; the elements are zeroed so that the
// strings of the group just committed can be collected.
func reuse[T any](s []T) []T {
	clear(s)
	return s[:0]
}
