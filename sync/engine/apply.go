package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// ApplyOptions tune one Apply.
type ApplyOptions struct {
	Confirm  bool   // apply a plan that needs confirmation
	Trigger  string // manual | schedule | cli | retry; an undo plan says "undo" itself
	Progress func(Progress)
}

// Progress reports how far a phase is.
type Progress struct {
	Phase       string // store, create a, create b, update a, update b, delete
	Done, Total int
	// Where names the side a create or update phase writes, by its
	// connection and object ("salesforce-sandbox Contact"), for a person.
	Where string
}

// RunSummary is the outcome of one Apply.
type RunSummary struct {
	RunID     int64  `json:"run_id"`
	Status    string `json:"status"` // success | partial | failed | cancelled | needs_confirmation
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Linked    int    `json:"linked"`
	Deleted   int    `json:"deleted"`
	Unchanged int    `json:"unchanged"`
	Conflicts int    `json:"conflicts"`
	Review    int    `json:"review"`
	Failed    int    `json:"failed"`
	// Unknown counts records sent in a call a stop cut short (their
	// journal left pending): the CRM may hold their writes, and the next
	// plan settles them (unknown.go).
	Unknown   int    `json:"unknown,omitempty"`
	APICallsA int64  `json:"api_calls_a"`
	APICallsB int64  `json:"api_calls_b"`
	Message   string `json:"message,omitempty"`
	// Stopped is why the run ended early (r.stop), for the caller to act
	// on its category (an account the vendor refused); nil when it did not.
	Stopped error `json:"-"`
}

// run is the state of one Apply.
type run struct {
	e    *Engine
	plan *Plan
	id   int64
	opts ApplyOptions
	sum  RunSummary
	ix   map[string]indexer
	side map[string]Side
	// stop is why the run ended early (auth, budget, rate limit, cancel).
	stop error
	// unsent is how many writes of the phase that stopped were not sent
	// (targetstop.go).
	unsent int
	// current holds the index fields (JSON) of the records in the batch
	// being updated.
	current map[string]string
	// group is what the writes committed so far but not yet stored; see
	// commit.
	group store.Commit
	// storeMu serializes the two side writers' store calls; see locked.
	storeMu *sync.Mutex
	// audit encodes each written record's audit, reusing its buffer.
	audit store.AuditBuilder
	// upserted maps the upsert key of each create a person decided in review
	// that this run sent, by side and normalized key, to its source record
	// (refuseUpsertClashes).
	upserted map[[2]string]string
	// dupDecided are the duplicate review items whose "create anyway" (or retry)
	// this run sent (duplicates.go).
	dupDecided map[int64]bool
	// dupOpened are the records ("side:id") of the duplicate items this
	// writer opened, and heldCreates the creates it leaves out, by their
	// source ("side:id"), with why (createorder.go).
	dupOpened   []string
	heldCreates map[string]string
	// failedAlone counts, by side, the records that failed alone on the
	// vendor's side since its last answered call (split.go).
	failedAlone map[string]int
}

// stopError ends a run early; the rest of the plan is left for the next run.
type stopError struct{ err error }

func (s stopError) Error() string { return s.err.Error() }
func (s stopError) Unwrap() error { return s.err }

// Apply executes a plan: store-only changes first (links, base, review),
// then creates and updates in batches, then approved deletes. It refuses a
// plan that needs confirmation unless opts.Confirm.
func (e *Engine) Apply(ctx context.Context, plan *Plan, opts ApplyOptions) (RunSummary, error) {
	trigger := opts.Trigger
	if plan.Trigger != "" {
		trigger = plan.Trigger
	}
	if trigger == "" {
		trigger = "manual"
	}
	if err := e.checkFresh(ctx, plan); err != nil {
		return RunSummary{}, err
	}
	if plan.NeedsConfirmation && !opts.Confirm {
		sum := RunSummary{Status: "needs_confirmation", Message: plan.Reason}
		id, err := e.st.RecordRun(ctx, store.RunRow{SyncID: plan.SyncID, Trigger: trigger, Status: sum.Status, UndoOf: plan.UndoOf, Message: plan.Reason,
			Warnings: plan.Warnings, WarningsOmitted: plan.WarningsOmitted})
		if err != nil {
			return sum, err
		}
		sum.RunID = id
		// Held, it still left in Review what its plan stored there.
		sum.Review = e.countHeldReviews(ctx, plan, id)
		return sum, fmt.Errorf("engine: sync %q: %w: %s", plan.Sync, ErrNeedsConfirmation, plan.Reason)
	}
	plan.Confirmed = plan.NeedsConfirmation
	id, err := e.st.OpenRun(ctx, plan.SyncID, trigger, plan.UndoOf)
	if err != nil {
		return RunSummary{}, fmt.Errorf("engine: sync %q: %w", plan.Sync, err)
	}
	plan.applied = true
	if len(plan.Warnings) > 0 {
		// FinishRun stores them again; this copy is for a kill before it.
		if err := e.st.SetRunWarnings(ctx, id, plan.Warnings, plan.WarningsOmitted); err != nil {
			e.log.Warn("store the run's warnings", "sync", plan.Sync, "run", id, "err", err)
		}
	}
	ix := plan.ix
	if ix == nil {
		ix = map[string]indexer{"a": newIndexer("a", plan.def, plan.rows, "").withSideReads(plan.a), "b": newIndexer("b", plan.def, plan.rows, "").withSideReads(plan.b)}
	}
	r := &run{e: e, plan: plan, id: id, opts: opts, side: map[string]Side{"a": plan.a, "b": plan.b}, storeMu: &sync.Mutex{}, ix: ix}
	// Counted at once, so a run stopped before it stores anything still
	// counts what its plan (or a preview before it) left in Review; the
	// rest counts once stored (storeOnly).
	r.sum = RunSummary{RunID: id, Unchanged: plan.Counts.Unchanged, Conflicts: plan.Counts.Conflicts, Review: e.countHeldReviews(ctx, plan, id)}
	callsA, callsB := plan.a.calls(), plan.b.calls()
	execErr := r.execute(ctx)
	// Applied (or partly): the plan can never run again, so its items go.
	if err := e.st.DropPlan(context.WithoutCancel(ctx), plan.id); err != nil && execErr == nil {
		execErr = err
	}
	// The run's calls are its plan's reads and its writes: a run that read
	// and wrote nothing must not read "0 calls".
	r.sum.APICallsA = plan.readCalls[0] + plan.a.calls() - callsA
	r.sum.APICallsB = plan.readCalls[1] + plan.b.calls() - callsB
	if r.stop != nil {
		n, err := r.countUnknown(context.WithoutCancel(ctx))
		if err != nil {
			e.log.Warn("count the writes a stop left unknown", "sync", plan.Sync, "run", id, "err", err)
		}
		r.sum.Unknown = n
	}
	r.sum.Status, r.sum.Message = r.status(ctx, execErr)
	r.sum.Stopped = r.stop
	fin := store.RunRow{ID: id, SyncID: plan.SyncID, Status: r.sum.Status, Created: r.sum.Created, Updated: r.sum.Updated,
		Unchanged: r.sum.Unchanged, Conflicts: r.sum.Conflicts, Review: r.sum.Review, Failed: r.sum.Failed, Deleted: r.sum.Deleted,
		APICallsA: r.sum.APICallsA, APICallsB: r.sum.APICallsB, Message: r.sum.Message,
		Warnings: plan.Warnings, WarningsOmitted: plan.WarningsOmitted}
	if err := e.st.FinishRun(context.WithoutCancel(ctx), fin); err != nil {
		return r.sum, err
	}
	level := slog.LevelInfo
	if r.sum.Status != "success" {
		level = slog.LevelWarn
	}
	e.log.Log(ctx, level, "run finished", "sync", plan.Sync, "run", id, "status", r.sum.Status, "created", r.sum.Created,
		"updated", r.sum.Updated, "deleted", r.sum.Deleted, "failed", r.sum.Failed, "unknown", r.sum.Unknown, "message", r.sum.Message)
	if execErr != nil && r.stop == nil {
		return r.sum, execErr
	}
	return r.sum, nil
}

// countHeldReviews credits run id with the review items plans stored and
// no run counted yet (store.CountHeldReviews). Not counted, the items are
// still in Review and a later run counts them: a store error is logged,
// and does not fail the run.
func (e *Engine) countHeldReviews(ctx context.Context, plan *Plan, id int64) int {
	n, err := e.st.CountHeldReviews(context.WithoutCancel(ctx), plan.SyncID, id)
	if err != nil {
		e.log.Warn("count the review items plans held", "sync", plan.Sync, "run", id, "err", err)
	}
	return n
}

// checkFresh refuses a plan applied before, or made before another run of
// the sync that could have written (its creates might duplicate).
func (e *Engine) checkFresh(ctx context.Context, plan *Plan) error {
	if plan.applied {
		return fmt.Errorf("engine: sync %q: %w (this plan was applied already)", plan.Sync, ErrStalePlan)
	}
	runs, err := e.st.Runs(ctx, plan.SyncID, 20)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.ID > plan.lastRun && r.Status != "needs_confirmation" && r.Status != "dry_run" {
			return fmt.Errorf("engine: sync %q: %w (run %d started after it)", plan.Sync, ErrStalePlan, r.ID)
		}
	}
	ok, err := e.st.PlanExists(ctx, plan.id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("engine: sync %q: %w (its items were dropped; plan %d is not stored)", plan.Sync, ErrStalePlan, plan.id)
	}
	return nil
}

func (r *run) status(ctx context.Context, execErr error) (string, string) {
	wrote := r.sum.Created + r.sum.Updated + r.sum.Deleted + r.sum.Linked
	switch {
	case r.stop != nil && (errors.Is(r.stop, context.Canceled) || errors.Is(r.stop, context.DeadlineExceeded) || ctx.Err() != nil):
		return "cancelled", "cancelled; what was committed is kept" + r.unknownNote() + r.undoRestNote()
	case r.stop != nil && wrote > 0:
		return "partial", "stopped: " + r.stop.Error() + r.unknownNote() + r.undoRestNote()
	case r.stop != nil:
		return "failed", "stopped: " + r.stop.Error() + r.unknownNote() + r.undoRestNote()
	case execErr != nil:
		return "failed", execErr.Error()
	case r.sum.Failed > 0 && wrote == 0:
		return "failed", fmt.Sprintf("%s failed%s", nRecords(r.sum.Failed, "record"), r.undoAgainNote())
	case r.sum.Failed > 0 && r.plan.UndoOf != 0:
		return "partial", fmt.Sprintf("%s failed%s", nRecords(r.sum.Failed, "record"), r.undoAgainNote())
	case r.sum.Failed > 0 && r.plan.RetryWaiting > 0:
		return "partial", nRecords(r.sum.Failed, "record") + " failed; " + retried(r.sum.Failed) + "; " + r.plan.RetryLine()
	case r.sum.Failed > 0:
		return "partial", nRecords(r.sum.Failed, "record") + " failed; " + retried(r.sum.Failed)
	}
	return "success", r.plan.RetryLine()
}

// undoAgainNote tells how to finish an undo whose writes failed: the
// sync's runs retry what the sync itself would write, never an undo's old
// values, so only undoing the run again writes them back.
func (r *run) undoAgainNote() string {
	if r.plan.UndoOf == 0 {
		return ""
	}
	if r.sum.Failed == 1 {
		return fmt.Sprintf("; its old values are not back: undo run %d again to write them", r.plan.UndoOf)
	}
	return fmt.Sprintf("; their old values are not back: undo run %d again to write them", r.plan.UndoOf)
}

// undoRestNote tells how to finish an undo that stopped early (cancelled,
// a rate limit, a lost grant): no sync run writes an undo's old values,
// only undoing again does.
func (r *run) undoRestNote() string {
	if r.plan.UndoOf == 0 {
		return ""
	}
	return fmt.Sprintf("; undo run %d again to write the rest back", r.plan.UndoOf)
}

func (r *run) progress(phase string, done, total int) {
	if r.opts.Progress != nil {
		p := Progress{Phase: phase, Done: done, Total: total}
		if _, side, ok := strings.Cut(phase, " "); ok {
			p.Where = r.plan.def.SideName(side)
		}
		r.opts.Progress(p)
	}
}

// execute runs the plan's phases; a stopError ends it early and cleanly.
func (r *run) execute(ctx context.Context) error {
	for _, step := range []func(context.Context) error{r.storeOnly, r.sideWrites, r.deletes} {
		if err := r.step(ctx, step); err != nil || r.stop != nil {
			return err
		}
	}
	// Everything read up to the plan was handled (failures sit in the retry
	// queue), so the next plan starts after it.
	for side, seq := range r.plan.doneSeq {
		if err := r.e.st.SetDoneSeq(ctx, r.plan.SyncID, side, seq); err != nil {
			return err
		}
	}
	return nil
}

// step runs one phase and commits what it wrote. A stop (auth, budget,
// rate limit, cancel) is recorded in r.stop and is not an error.
func (r *run) step(ctx context.Context, phase func(context.Context) error) error {
	if err := ctx.Err(); err != nil {
		r.stop = err
		return nil
	}
	err := phase(ctx)
	if ferr := r.flushCommits(ctx); ferr != nil && err == nil {
		err = ferr
	}
	if err == nil {
		return nil
	}
	var se stopError
	switch {
	case errors.As(err, &se):
		r.stop = se.err
		return nil
	case ctx.Err() != nil:
		r.stop = ctx.Err()
		return nil
	}
	return err
}

// sideWrites sends each side's creates, then its updates. The sides are two
// CRMs with their own rate limits, so they write at the same time: at 100k
// records per side, Salesforce's writes used to wait for HubSpot's. A stop
// on one side (its token expired, its budget spent) lets the other finish.
// In a run that creates on both sides where one CRM may refuse creates as
// duplicates, that side's creates go first (createOrder).
func (r *run) sideWrites(ctx context.Context) error {
	o := r.createOrder(ctx)
	if r.e.oneSide {
		order := []string{"a", "b"}
		if o.first == "b" {
			order = []string{"b", "a"}
		}
		for _, side := range order {
			if err := r.writeSide(ctx, side, o); err != nil || r.stop != nil {
				return err
			}
		}
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	subs := [2]*run{r.fork(), r.fork()}
	var errs [2]error
	atOnce(cancel, func() {
		if errs[0] = subs[0].writeSide(ctx, "a", o); errs[0] != nil {
			cancel()
		}
	}, func() {
		if errs[1] = subs[1].writeSide(ctx, "b", o); errs[1] != nil {
			cancel()
		}
	})
	for _, s := range subs {
		r.sum.Created += s.sum.Created
		r.sum.Updated += s.sum.Updated
		r.sum.Failed += s.sum.Failed
		r.sum.Review += s.sum.Review // creates held as likely duplicates, deletes an update found
	}
	if err := cmp.Or(errs[0], errs[1]); err != nil {
		return err // a side cancelled by the other's failure is not a stop
	}
	r.stop = cmp.Or(subs[0].stop, subs[1].stop)
	return nil
}

// writeSide sends one side's creates, then its updates. A side whose
// creates wait for the other's (createOrder) sends its updates first,
// which depend on no create: each names a record that exists and values
// planned already.
func (r *run) writeSide(ctx context.Context, side string, o *createOrder) error {
	waits := o.first != "" && o.first != side
	if o.first == side {
		defer o.finish(nil) // stopped or failed before its creates were done
	}
	phases := []bool{true, false}
	if waits {
		phases = []bool{false, true}
	}
	for k, create := range phases {
		if create && waits {
			if err := r.awaitFirst(ctx, side, o); err != nil {
				return err
			}
		}
		err := r.step(ctx, func(ctx context.Context) error { return r.writes(ctx, side, create) })
		if create && o.first == side {
			o.finish(r.dupOpened)
		}
		if err != nil || r.stop != nil {
			r.targetStopped(side, phases[k+1:])
			return err
		}
	}
	return nil
}

// fork returns a writer for one side that shares the plan and the store
// lock but counts, buffers and stops on its own.
func (r *run) fork() *run {
	return &run{e: r.e, plan: r.plan, id: r.id, opts: r.opts, ix: r.ix, side: r.side, storeMu: r.storeMu}
}

// locked runs a store call of a side writer while the other waits. Two
// writers at once would use two SQLite connections, and in WAL mode a
// connection drops its whole page cache whenever another one has written:
// one at a time, the pool keeps handing out the same warm connection (and
// no writer waits on SQLite's lock by polling).
func (r *run) locked(f func() error) error {
	r.storeMu.Lock()
	defer r.storeMu.Unlock()
	return f()
}

// atOnce runs f and g concurrently and returns when both have. A panic in
// either cancels the other's context (so it stops instead of finishing its
// side) and is raised again here once both are done, as if both had run on
// this goroutine.
func atOnce(cancel context.CancelFunc, f, g func()) {
	var wg sync.WaitGroup
	var gPanic any
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			if gPanic = recover(); gPanic != nil {
				cancel()
			}
		}()
		g()
	}()
	defer func() {
		if r := recover(); r != nil {
			cancel()
			wg.Wait()
			panic(r)
		}
		wg.Wait()
		if gPanic != nil {
			panic(gPanic)
		}
	}()
	f()
}

// storeOnly commits links, base advances, review items and finished
// decisions, a chunk per transaction.
func (r *run) storeOnly(ctx context.Context) error {
	p := r.plan
	c := store.Commit{SyncID: p.SyncID, RunID: r.id, ReviewDone: p.reviewDone, ReviewOpen: p.reviewOpen}
	for _, k := range p.retryDone {
		c.RetryDone = append(c.RetryDone, store.RetryKey{Side: k.side, RecordID: k.source})
	}
	for _, it := range p.Review {
		if it.Opened {
			continue // the plan stored it; stored again, it could reopen one a link closed
		}
		c.Reviews = append(c.Reviews, store.ReviewRow{Kind: it.Kind, Side: it.Side, RecordID: it.RecordID, OtherID: it.OtherID,
			Field: it.Field, Detail: reviewDetail(it)})
	}
	total, done := p.nLinks, 0
	afterID := int64(0)
	for {
		ls, err := pageLinks(ctx, r.e.st, p.id, afterID, chunkSize)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.Replaces != "" {
				c.Unlinks = append(c.Unlinks, l.Replaces) // dropped before the links are written, in one transaction
			}
			c.Links = append(c.Links, store.LinkWrite{AID: l.A, BID: l.B, Base: encodeBase(l.Base), New: l.New})
			if l.ReviewID != 0 {
				c.ReviewDone = append(c.ReviewDone, l.ReviewID)
			}
			if l.New {
				r.sum.Linked++
			}
		}
		if err := r.e.st.Commit(ctx, c); err != nil {
			return err
		}
		r.sum.Review += len(c.Reviews) // the first chunk's: a run stopped before sent none
		done += len(ls)
		if len(ls) < chunkSize {
			break
		}
		r.progress("store", done, total)
		c = store.Commit{SyncID: p.SyncID, RunID: r.id}
		afterID = ls[len(ls)-1].id
	}
	r.progress("store", total, total)
	return r.storeHeldReviews(ctx)
}

// encodeBase is bs as a link's stored base.
func encodeBase(bs []BaseValue) string {
	if len(bs) == 0 {
		return ""
	}
	return store.EncodeFields(baseMap(bs))
}

func baseMap(bs []BaseValue) map[string]string {
	m := make(map[string]string, len(bs))
	for _, b := range bs {
		m[b.Row] = b.Value
	}
	return m
}

// deletedField is the audit's field name for a whole record deleted.
const deletedField = "(record)"

// stopCategory turns errors that must end the run into a stopError.
func stopCategory(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return stopError{ctx.Err()}
	}
	if c := connector.CategoryOf(err); connector.StopsRun(c) || c == connector.CatRateLimit {
		return stopError{err}
	}
	return nil
}

func runError(side, id string, err error) store.RunErrorRow {
	e := store.RunErrorRow{Side: side, RecordID: id, Category: string(connector.CategoryOf(err)), Message: err.Error()}
	var re *connector.RecordError
	if errors.As(err, &re) {
		e.Field, e.Code, e.Message = re.Field, re.Code, re.Message
	}
	var ce *connector.Error
	if errors.As(err, &ce) && ce.Message != "" {
		e.Code, e.Message = ce.Code, ce.Message
	}
	e.Message = clipMessage(e.Message)
	return e
}

// maxMessage is the longest error message a run keeps, in characters. A
// vendor's message can echo the value it refused (Salesforce's
// STRING_TOO_LONG: "Body: data value too large: <the whole note> (max
// length=32000)"); its start and end say what failed.
const maxMessage = 1000

// clipMessage keeps a message's start and end when it is longer than
// maxMessage, and says how much it left out.
func clipMessage(s string) string {
	r := []rune(s)
	if len(r) <= maxMessage {
		return s
	}
	head, tail := r[:maxMessage*3/4], r[len(r)-maxMessage/4:]
	return fmt.Sprintf("%s … [%d characters left out] … %s", string(head), len(r)-len(head)-len(tail), string(tail))
}
