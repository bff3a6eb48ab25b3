package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/mapping"
)

// PlanOptions tune one plan.
type PlanOptions struct {
	// FullResync reads both sides from the start instead of their cursors,
	// and merges every pair read, unchanged or not.
	FullResync bool
	// FullPassWhy says why the plan is a full resync, for its preview
	// (Plan.FullPass): the definition changed, or a person asked for it.
	FullPassWhy string
	// RetryNow makes every retry-queue entry due, whatever its back-off:
	// a person asked to retry the failed records (History's Retry failed).
	RetryNow bool
}

// chunkSize is how many index rows the planner holds at once.
const chunkSize = 1000

// indexGroup is how many records read are indexed per transaction: fewer,
// larger transactions write the index's pages to the WAL less often; both
// sides' groups are held at once, and under the 64 MB heap limit the
// collector's cost follows that live heap. 2,000 cost more in SQLite than
// it saved in collection, 10,000 the reverse (BENCHMARKS.md).
const indexGroup = 5000

// planner is the state of one Plan call.
type planner struct {
	e      *Engine
	syncID int64
	def    Definition
	rows   []mapping.Row
	side   map[string]Side
	schema map[string]connector.Schema
	// readAfter is, per side, the index sequence after which records were
	// read for this plan (pass).
	readAfter  map[string]int64
	ix         map[string]indexer
	m          merger
	plan       *Plan
	claimed    map[string]bool // "a:id" / "b:id" linked or created in this plan
	handled    map[string]bool // A ids of pairs a decision already merged
	pages      map[string]int
	planned    map[string]int // source records planned per side (test limit)
	spill      []store.PlanItem
	tally      tally
	due        map[retryKey]bool      // due retries ...
	written    map[retryKey]bool      // ... that this plan writes again
	retryWait  map[retryKey]time.Time // retries not yet due, by next try
	fullResync bool                   // every record read is planned again, unchanged or not
	retryNow   bool                   // PlanOptions.RetryNow
	// checkIDs are the sides whose ids are compared this run whatever the
	// day's check (an approved delete of their record is carried out), and
	// liveIDs what those listings held, a map per such side made before the
	// sides are read (approvedgone.go).
	checkIDs   map[string]bool
	liveIDs    map[string]map[string]bool
	links      mapping.Links     // the link:SYNC rows' links; nil without such rows
	relinkedTo map[string]string // "a:id" records a merge's link moved to -> their new partner (relink.go)
	waiting    map[string]bool   // "a:id" records with references waiting for a link ...
	waitClear  []store.RecordRef // ... whose waits this plan replaces ...
	waitAdd    []store.RefWait   // ... with these (refwaits.go)
	emptySide  map[string]bool   // sides with nothing indexed when the read began (store.PageOptions.Fresh)
	warnMu     sync.Mutex        // both sides' readers warn
	indexMu    sync.Mutex        // ... and index
	asLeft     int               // records read as the index held them (indexMu)
	// indexedBefore: per side, the index's highest seq before the read (readearlier.go).
	indexedBefore map[string]int64

	openConfl map[string][]store.ReviewRow // A id -> its open conflict items (settleConflicts)
	openDel   map[string][]int64           // "side:id" -> open held deletes of it (settleDeletes)
	openRej   map[string][]int64           // "side:id" -> its open rejected items ...
	seenRej   map[string]bool              // ... of records planned again (settleRejected)
	cascades  map[string]string            // sync, side, id -> its approved delete (parentDeleted)
	heldDup   map[string]string            // "side:id" held or skipped as a likely duplicate -> why (duplicates.go)
	askDup    map[string]ReviewItem        // "side:id" candidates of skipped duplicates -> the item asking about it
	heldFound map[string]string            // "side:id" of heldDup whose item a lookup's several hits opened: asked there only (foundManyItem)
	creating  map[string]bool              // "side:id" planned to be created on the other side (heldBySecondary)
	keyless   []keylessBatch               // interrupted creates that cannot be looked up (keyless.go)
	unsettled []int64                      // runs whose journal this plan settles (settlednote.go)
	later     laterWrites                  // an undo's page: fields later runs wrote (undolater.go)
}

func sideOf(side, id string) string { return side + ":" + id }

// Plan reads both sides since their cursors into the key index and computes
// what a run would do. It writes nothing to a CRM; it does update the local
// index, cursors, and reconcile journal rows a crash left pending.
func (e *Engine) Plan(ctx context.Context, syncID int64, def Definition, a, b Side, opts PlanOptions) (*Plan, error) {
	p, err := e.newPlanner(ctx, syncID, def, a, b)
	if err != nil {
		return nil, err
	}
	p.fullResync, p.retryNow = opts.FullResync, opts.RetryNow
	callsA, callsB := a.calls(), b.calls()
	if opts.FullResync {
		p.plan.FullPass = opts.FullPassWhy
	}
	if err := e.checkFilterSyncsRan(ctx, def); err != nil {
		return nil, err
	}
	if err := p.rekeyOldIndex(ctx); err != nil {
		return nil, err
	}
	if err := p.reconcileJournals(ctx); err != nil {
		return nil, err
	}
	due, err := p.touchDueRetries(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.touchLinkedWaits(ctx); err != nil {
		return nil, err
	}
	states, cursors := map[string]int{}, map[string]string{}
	for _, s := range []string{"a", "b"} {
		st, err := e.st.SideState(ctx, syncID, s)
		if err != nil {
			return nil, err
		}
		states[s] = st.Count
		p.noteIndexedBefore(s, st.MaxSeq)
		p.emptySide[s] = st.MaxSeq == 0 && st.Count == 0
		if !opts.FullResync {
			cursors[s] = st.Cursor
		}
	}
	if p.checkIDs, err = p.approvedDeleteSides(ctx); err != nil {
		return nil, err
	}
	p.liveIDs = map[string]map[string]bool{}
	for side := range p.checkIDs {
		p.liveIDs[side] = map[string]bool{}
	}
	n, err := p.readBoth(ctx, cursors)
	if err != nil {
		return nil, err
	}
	for i, s := range []string{"a", "b"} {
		if cursors[s] == "" && n[i] == 0 && states[s] > 0 {
			p.confirm(fmt.Sprintf("%s returned no records but had %d before (disconnected account or emptied object?)", p.def.SideName(s), states[s]))
		}
	}
	if err := p.reconcileUpdates(ctx); err != nil {
		return nil, err
	}
	if err := p.holdKeylessCreates(ctx); err != nil {
		return nil, err
	}
	p.noteSettledRuns(ctx)
	doneA, doneB, after, err := p.seqMarks(ctx)
	if err != nil {
		return nil, err
	}
	// A candidate merged away (or deleted) may leave one: match again.
	if err := e.st.TouchAmbiguousWithGone(ctx, syncID, map[string]int64{"a": doneA[0], "b": doneB[0]}); err != nil {
		return nil, err
	}
	if err := p.applyDecisions(ctx); err != nil {
		return nil, err
	}
	if err := p.loadOpenConflicts(ctx); err != nil {
		return nil, err
	}
	if err := p.loadOpenDeletes(ctx); err != nil {
		return nil, err
	}
	if err := p.loadOpenRejected(ctx); err != nil {
		return nil, err
	}
	if err := p.loadHeldDuplicates(ctx); err != nil {
		return nil, err
	}
	if err := p.relinkMerges(ctx, map[string]int64{"a": doneA[0], "b": doneB[0]}); err != nil {
		return nil, err
	}
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	p.readAfter = map[string]int64{"a": doneA[0], "b": doneB[0]}
	if err := p.pass(ctx, "a", doneA[0], -1); err != nil {
		return nil, err
	}
	if err := p.pass(ctx, "b", doneB[0], doneA[0]); err != nil {
		return nil, err
	}
	if def.TestLimit == 0 {
		p.plan.doneSeq = map[string]int64{"a": doneA[1], "b": doneB[1]}
	}
	p.finishRetries(due)
	p.settleRejected()
	if err := p.closeDuplicatePairItems(ctx); err != nil {
		return nil, err
	}
	if err := p.dropSettledPairHolds(ctx); err != nil {
		return nil, err
	}
	if err := p.finishPlan(ctx); err != nil {
		return nil, err
	}
	p.plan.readCalls = [2]int64{a.calls() - callsA, b.calls() - callsB}
	p.safety(states, after)
	p.estimate()
	return p.plan, nil
}

func (e *Engine) newPlanner(ctx context.Context, syncID int64, def Definition, a, b Side) (*planner, error) {
	if a.Conn == nil || b.Conn == nil {
		return nil, errors.New("engine: both sides need a connector")
	}
	sa, err := a.Conn.Schema(ctx, a.Object)
	if err != nil {
		return nil, fmt.Errorf("engine: schema of %s: %w", def.sideObject("a", a.Object), err)
	}
	sb, err := b.Conn.Schema(ctx, b.Object)
	if err != nil {
		return nil, fmt.Errorf("engine: schema of %s: %w", def.sideObject("b", b.Object), err)
	}
	if ps := def.Validate(sa, sb); len(ps) > 0 {
		msgs := make([]string, len(ps))
		for i, p := range ps {
			msgs[i] = p.Error()
		}
		return nil, fmt.Errorf("engine: sync %q: %w: %s", def.Name, ErrInvalidDefinition, strings.Join(msgs, "; "))
	}
	links, err := e.loadRefLinks(ctx, def)
	if err != nil {
		return nil, err
	}
	rows, _ := mapping.CompileLinked(def.Fields, def.Direction, sa, sb, links)
	p := &planner{
		e: e, syncID: syncID, def: def, rows: rows,
		side:    map[string]Side{"a": a, "b": b},
		schema:  map[string]connector.Schema{"a": sa, "b": sb},
		ix:      map[string]indexer{"a": newIndexer("a", def, rows, "").withSecondaries(sa).withSideReads(a), "b": newIndexer("b", def, rows, "").withSecondaries(sb).withSideReads(b)},
		m:       merger{rows: rows, policy: def.Conflict, tick: modifiedTick(a, b), deps: dependents(rows, map[string]connector.Schema{"a": sa, "b": sb}), in: [2]string{def.inSide("a"), def.inSide("b")}},
		claimed: map[string]bool{}, handled: map[string]bool{},
		pages: map[string]int{}, planned: map[string]int{},
		tally: tally{creates: map[string]int{}, updates: map[string]int{}},
		due:   map[retryKey]bool{}, written: map[retryKey]bool{}, retryWait: map[retryKey]time.Time{}, emptySide: map[string]bool{},
		links: links, waiting: map[string]bool{}, relinkedTo: map[string]string{},
	}
	// A value another sync relayed is dated by its source (relay.go).
	p.m.relays, p.m.syncID = e.relaysOf(ctx, def), syncID
	runs, err := e.st.Runs(ctx, syncID, 1)
	if err != nil {
		return nil, err
	}
	p.plan = &Plan{SyncID: syncID, Sync: def.Name, def: def, rows: rows, a: a, b: b, ix: p.ix,
		Creates: []Write{}, Updates: []Write{}, Links: []LinkOp{}, Conflicts: []Conflict{}, Review: []ReviewItem{}, Skips: []Skip{}}
	if len(runs) > 0 {
		p.plan.lastRun = runs[0].ID
	}
	for _, r := range rows {
		for _, n := range r.Notes() {
			p.warn("%s", n)
		}
	}
	if p.plan.id, err = e.st.NewPlan(ctx, syncID, p.plan.lastRun); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *planner) confirm(reason string) {
	p.plan.NeedsConfirmation = true
	if p.plan.Reason == "" {
		p.plan.Reason = reason
	} else {
		p.plan.Reason += "; " + reason
	}
}

func (p *planner) warn(format string, args ...any) {
	p.warnMu.Lock()
	defer p.warnMu.Unlock()
	if len(p.plan.Warnings) < 100 {
		p.plan.Warnings = append(p.plan.Warnings, fmt.Sprintf(format, args...))
	} else {
		p.plan.WarningsOmitted++
	}
}

// readBoth reads both sides into the index and returns how many records
// each gave. The sides are two CRMs with their own rate limits, so they are
// read at the same time: Salesforce's 2,000-record pages used to wait for
// HubSpot's search, which allows 5 pages of 200 a second.
func (p *planner) readBoth(ctx context.Context, cursors map[string]string) ([2]int, error) {
	var n, pages [2]int
	var errs [2]error
	save := p.def.TestLimit == 0
	if p.e.oneSide {
		for i, side := range []string{"a", "b"} {
			if n[i], pages[i], errs[i] = p.read(ctx, side, cursors[side], save); errs[i] != nil {
				break
			}
		}
	} else {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		atOnce(cancel, func() {
			if n[0], pages[0], errs[0] = p.read(ctx, "a", cursors["a"], save); errs[0] != nil {
				cancel()
			}
		}, func() {
			if n[1], pages[1], errs[1] = p.read(ctx, "b", cursors["b"], save); errs[1] != nil {
				cancel()
			}
		})
	}
	p.pages["a"], p.pages["b"] = pages[0], pages[1]
	p.plan.Counts.ReadA, p.plan.Counts.ReadB = n[0], n[1]
	p.plan.Counts.ReadUnchanged = p.asLeft
	if errs[0] != nil && (errs[1] == nil || !errors.Is(errs[0], context.Canceled) || errors.Is(errs[1], context.Canceled)) {
		return n, errs[0] // A's error first, unless it is only B's failure cancelling A
	}
	return n, errs[1]
}

// read streams one side's pages into the index, indexGroup records per
// transaction, storing the cursor only once its page is indexed. It
// returns the records and pages read.
func (p *planner) read(ctx context.Context, side, cursor string, saveCursor bool) (int, int, error) {
	s := p.side[side]
	n, pages := 0, 0
	// Pages are indexed indexGroup records at a time, with the cursor of
	// the last page in the group: one transaction per 200-record HubSpot
	// page wrote most index pages to the WAL again each time.
	var group []store.IndexRecord
	groupCursor := cursor
	// A page without records may still move the cursor (a read that found
	// nothing new but learned its window can narrow): keep that cursor too.
	cursorMoved := false
	flushGroup := func() error {
		if len(group) == 0 && !cursorMoved {
			return nil
		}
		cursorMoved = false
		p.indexMu.Lock() // one connection at a time keeps its page cache warm (see run.locked)
		_, err := p.e.st.IndexPage(ctx, p.syncID, side, group, store.PageOptions{Cursor: groupCursor, SaveCursor: saveCursor, SkipUnchanged: !p.fullResync, Fresh: p.emptySide[side], Unchanged: &p.asLeft})
		p.indexMu.Unlock()
		if err != nil {
			return err
		}
		group = group[:0]
		return nil
	}
	// The connector may read only the fields the index keeps.
	rctx := connector.WithReadFields(ctx, p.ix[side].fields())
	for page, err := range s.Conn.Read(rctx, s.Object, connector.Cursor(cursor)) {
		if err != nil {
			if serr := flushGroup(); serr != nil {
				return n, pages, serr
			}
			return n, pages, fmt.Errorf("engine: read %s: %w", p.def.sideObject(side, s.Object), err)
		}
		pages++
		recs := p.ix[side].pageRecords(page.Records, p.def.SideName(side), p.warn)
		if page.Cursor != "" && string(page.Cursor) != groupCursor {
			cursorMoved = true
		}
		group, groupCursor = append(group, recs...), string(page.Cursor)
		n += len(recs)
		if p.def.TestLimit > 0 && n >= p.def.TestLimit {
			break
		}
		if len(group) >= indexGroup {
			if err := flushGroup(); err != nil {
				return n, pages, err
			}
		}
	}
	if err := flushGroup(); err != nil {
		return n, pages, err
	}
	if du, ok := s.Conn.(connector.DeletesUnseen); ok && p.def.Safety.PropagateDeletes {
		il, canList := s.Conn.(connector.IDLister)
		switch why := du.DeletesUnseen(s.Object); {
		case why == "":
		case canList && saveCursor:
			m, calls, err := p.compareIDs(ctx, side, il)
			n, pages = n+m, pages+calls
			if err != nil {
				return n, pages, err
			}
		case !canList:
			p.warn("%s: %s; deletes made there cannot be propagated", p.def.SideName(side), why)
		}
	}
	if dl, ok := s.Conn.(connector.DeletionLister); ok && saveCursor && p.def.Safety.PropagateDeletes {
		m, err := p.readDeletes(ctx, side, dl)
		n += m
		if err != nil {
			return n, pages, err
		}
	}
	return n, pages, nil
}

// deleteOverlap is how far before the newest delete it saw the next
// listing of deletes starts: a vendor does not list deletes in time order,
// so one made during a listing may carry an earlier time than the newest
// listed. A delete listed twice finds its row unchanged in the index and
// is not planned again.
const deleteOverlap = time.Hour

// readDeletes indexes the records side's vendor lists as deleted since the
// last listing, for a vendor whose read cannot see deletes (HubSpot's
// search never returns archived records). Only syncs that propagate deletes
// list them, so the others spend no calls on it.
func (p *planner) readDeletes(ctx context.Context, side string, dl connector.DeletionLister) (int, error) {
	s := p.side[side]
	since, err := p.e.st.DeletesSince(ctx, p.syncID, side)
	if err != nil {
		return 0, err
	}
	n, newest := 0, since
	for recs, err := range dl.ListDeleted(ctx, s.Object, since) {
		if err != nil {
			return n, fmt.Errorf("engine: list deletes of side %s (%s): %w", strings.ToUpper(side), s.Object, err)
		}
		for _, r := range recs {
			if r.Modified.After(newest) {
				newest = r.Modified
			}
		}
		group := p.ix[side].pageRecords(recs, p.def.SideName(side), p.warn)
		p.indexMu.Lock()
		_, err := p.e.st.IndexPage(ctx, p.syncID, side, group, store.PageOptions{SkipUnchanged: true, Unchanged: &p.asLeft})
		p.indexMu.Unlock()
		if err != nil {
			return n, err
		}
		n += len(group)
	}
	if newest.After(since) {
		return n, p.e.st.SetDeletesSince(ctx, p.syncID, side, newest.Add(-deleteOverlap))
	}
	return n, nil
}

// idCheckEvery is how often the ids of a side whose vendor lists no
// deletes are compared with the index: listing every id costs a call per
// page of the whole object, so once a day, as a nightly reconciliation
// would, and on every full resync.
const idCheckEvery = 24 * time.Hour

// compareIDs indexes as deleted every record of side the index holds live
// that the vendor no longer lists (connector.IDLister), so its delete is
// held for review like any other. The side's deletes_since holds when the
// ids were last compared. It returns the records found gone and the pages
// (calls) the listing took.
func (p *planner) compareIDs(ctx context.Context, side string, il connector.IDLister) (int, int, error) {
	s := p.side[side]
	last, err := p.e.st.DeletesSince(ctx, p.syncID, side)
	if err != nil {
		return 0, 0, err
	}
	now := p.e.now()
	if !p.fullResync && !p.checkIDs[side] && !last.IsZero() && now.Sub(last) < idCheckEvery {
		return 0, 0, nil
	}
	live, calls := map[string]bool{}, 0
	for ids, err := range il.ListIDs(ctx, s.Object) {
		if err != nil {
			return 0, calls, fmt.Errorf("engine: compare ids of side %s (%s): %w", strings.ToUpper(side), s.Object, err)
		}
		for _, id := range ids {
			live[id] = true
		}
		calls++
	}
	if held := p.liveIDs[side]; held != nil {
		maps.Copy(held, live) // the sides are read at once: only this side's map is written
	}
	known, err := p.e.st.LiveIDs(ctx, p.syncID, side)
	if err != nil {
		return 0, calls, err
	}
	var gone []store.IndexRecord
	for _, id := range known {
		if !live[id] {
			gone = append(gone, store.IndexRecord{ID: id, Deleted: true, Modified: now.UnixMilli(), Fields: map[string]string{}})
		}
	}
	if len(gone) > 0 {
		p.indexMu.Lock()
		_, err := p.e.st.IndexPage(ctx, p.syncID, side, gone, store.PageOptions{SkipUnchanged: true, Unchanged: &p.asLeft})
		p.indexMu.Unlock()
		if err != nil {
			return 0, calls, err
		}
	}
	return len(gone), calls, p.e.st.SetDeletesSince(ctx, p.syncID, side, now)
}

// pageRecords indexes a page, dropping records without an id and keeping
// the last of duplicate ids, with a warning for each naming the side as
// name (Definition.SideName).
func (ix indexer) pageRecords(recs []connector.Record, name string, warn func(string, ...any)) []store.IndexRecord {
	out := make([]store.IndexRecord, 0, len(recs))
	pos := make(map[string]int, len(recs))
	for _, r := range recs {
		if strings.TrimSpace(r.ID) == "" {
			warn("%s returned a record without an id; it was ignored", name)
			continue
		}
		if i, dup := pos[r.ID]; dup {
			warn("%s returned record %s twice in one page; the last copy was used", name, r.ID)
			out[i] = ix.record(r)
			continue
		}
		pos[r.ID] = len(out)
		out = append(out, ix.record(r))
	}
	return out
}

// seqMarks returns [done, max] seq per side and the record counts after
// the read.
func (p *planner) seqMarks(ctx context.Context) ([2]int64, [2]int64, map[string]int, error) {
	var out [2][2]int64
	counts := map[string]int{}
	for i, s := range []string{"a", "b"} {
		st, err := p.e.st.SideState(ctx, p.syncID, s)
		if err != nil {
			return out[0], out[1], nil, err
		}
		out[i] = [2]int64{st.DoneSeq, st.MaxSeq}
		counts[s] = st.Count
	}
	return out[0], out[1], counts, nil
}
