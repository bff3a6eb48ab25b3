package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
)

// RunOptions tune one run.
type RunOptions struct {
	DryRun  bool // plan only: the preview
	Confirm bool // apply a plan that exceeds the safety limits
	// ConfirmReason, with Confirm, is the reason the person confirmed:
	// the plan made now is applied only if it needs confirmation for that
	// same reason, so records that changed since the preview never ride
	// on a confirmation given for fewer. "" confirms any plan (--yes).
	ConfirmReason string
	FullResync    bool // read everything, not just changes since the cursors
	Trigger       string
	Progress      func(engine.Progress)
	// Previewed is the preview the person applied: Apply plans again, so
	// RunResult.SincePreview says where the run differs from it.
	Previewed *engine.Plan
}

// TriggerRetry is a run a person started to retry the failed records
// (History's Retry failed): every queued retry is due, back-off or not.
const TriggerRetry = "retry"

// RunResult is a run's plan and, unless it was a dry run, its outcome.
type RunResult struct {
	Plan    *engine.Plan
	Summary *engine.RunSummary
	// Waiting lists the other syncs with references that wait for this
	// sync's links, after a run that linked or created records: their next
	// run may now write some of them.
	Waiting []SyncWait
	// Failures are the run's failed records grouped by how they failed,
	// the largest group first (GroupErrors).
	Failures []ErrorGroup
	// SincePreview lists, one line each, the field changes, links,
	// deletes and review items in which the run differs from
	// RunOptions.Previewed (records edited in a CRM between the preview
	// and Apply); empty when it did what was shown.
	SincePreview []string
	// Sides name the sync's sides as its connection and object
	// ("hubspot-sandbox contacts"), for a person reading the outcome.
	Sides SideNames
	// HeldReview counts the review items that runs of this sync held for
	// confirmation just before it left in Review and counted (History's
	// held rows), set by the window that confirmed them: Summary.Review
	// leaves them out, so the outcome says they are there.
	HeldReview int
}

// ErrorGroup is the records of one run that failed the same way: on the
// same side and field, with the same category and vendor code. A run in
// which 800 contacts fail for one missing scope says so once, with the
// count, rather than in 800 rows to read through.
type ErrorGroup struct {
	Side     string   `json:"side"`            // a | b
	Where    string   `json:"where,omitempty"` // the side's connection and object
	Category string   `json:"category"`
	Field    string   `json:"field,omitempty"`
	Code     string   `json:"code,omitempty"`
	Count    int      `json:"count"`
	Message  string   `json:"message"` // the first record's, in the vendor's words
	Records  []string `json:"records"` // the first few records' ids
}

// groupSampleRecords is how many record ids a group names.
const groupSampleRecords = 3

// Line is the group in one line: "800 × hs contacts · hs_email_optout ·
// MISSING_SCOPES: <message> (records 101, 102, 103, …)".
func (g ErrorGroup) Line() string {
	parts := []string{cmp.Or(g.Where, SideNames{}.Of(g.Side))}
	for _, p := range []string{g.Field, cmp.Or(g.Code, g.Category)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	recs := ""
	if len(g.Records) > 0 {
		more := ""
		if g.Count > len(g.Records) {
			more = ", …"
		}
		label := "record"
		if g.Count > 1 {
			label = "records"
		}
		recs = fmt.Sprintf(" (%s %s%s)", label, strings.Join(g.Records, ", "), more)
	}
	return fmt.Sprintf("%d × %s: %s%s", g.Count, strings.Join(parts, " · "), g.Message, recs)
}

// GroupErrors groups a run's errors (in the order they happened) by side,
// category, field and code, the largest group first; where names a side
// ("" leaves it to Line).
func GroupErrors(errs []store.RunErrorRow, where func(side string) string) []ErrorGroup {
	var g errorGrouper
	for _, e := range errs {
		g.add(e, where)
	}
	return g.groups()
}

// SyncWait is a sync and how many of its references wait for another's
// links.
type SyncWait struct {
	Sync       string `json:"sync"`
	References int    `json:"references"`
}

// Line says it in one sentence, for the run's outcome.
func (w SyncWait) Line() string {
	return fmt.Sprintf("Sync %q has %d references waiting for this sync's links; its next run writes those linked now.", w.Sync, w.References)
}

func (a *App) engine() *engine.Engine {
	return engine.New(a.db, engine.Options{Now: a.opts.Now, Logger: a.log})
}

// afterOpen clears runs a crash or kill left "running", so the scheduler and
// the "one open run per sync" rule start clean.
func (a *App) afterOpen(ctx context.Context) error {
	n, err := a.engine().RecoverStaleRuns(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		a.log.Warn("marked interrupted runs as failed", "runs", n)
	}
	return nil
}

// sides opens both connections of a sync.
func (a *App) sides(ctx context.Context, def engine.Definition) (sa, sb *Session, A, B engine.Side, err error) {
	sa, err = a.OpenConnection(ctx, def.A.Connection)
	if err != nil {
		return nil, nil, A, B, fmt.Errorf("sync %s, side A: %w", def.Name, err)
	}
	sb, err = a.OpenConnection(ctx, def.B.Connection)
	if err != nil {
		a.closeSession(ctx, sa)
		return nil, nil, A, B, fmt.Errorf("sync %s, side B: %w", def.Name, err)
	}
	side := func(s *Session, object string) engine.Side {
		return engine.Side{Conn: s.Client, Object: object, BatchSize: s.Info.BatchSize, PageSize: s.Info.PageSize, Calls: s.Calls}
	}
	return sa, sb, side(sa, def.A.Object), side(sb, def.B.Object), nil
}

// Run plans a sync and, unless DryRun, applies the plan. A plan that needs
// confirmation is returned with an error wrapping engine.ErrNeedsConfirmation.
func (a *App) Run(ctx context.Context, name string, opts RunOptions) (RunResult, error) {
	v, err := a.Sync(ctx, name)
	if err != nil {
		return RunResult{}, err
	}
	po := engine.PlanOptions{FullResync: opts.FullResync || v.FullPass != "", FullPassWhy: v.FullPass, RetryNow: opts.Trigger == TriggerRetry}
	if po.FullPassWhy == "" && opts.FullResync {
		po.FullPassWhy = resyncAsked
	}
	res, err := a.runPlan(ctx, v, opts, func(e *engine.Engine, A, B engine.Side) (*engine.Plan, error) {
		return e.Plan(ctx, v.ID, v.Definition, A, B, po)
	})
	if err == nil && v.FullPass != "" && res.Summary != nil && (res.Summary.Status == "success" || res.Summary.Status == "partial") {
		// Done: the records that failed are in the retry queue, not
		// waiting for another full pass. A definition saved while it ran
		// (a row added again gives the same reason) was not planned with:
		// its full pass stays due.
		if err := a.db.FullPassDone(context.WithoutCancel(ctx), v.ID, v.FullPass, v.stored); err != nil {
			return res, err
		}
	}
	if err == nil && res.Summary != nil && res.Summary.Stopped == nil {
		// A run that got through (Sync now after the limit was lifted)
		// ends the vendor's wait ScheduledRun remembered, though records
		// failed for their data: only a stop says the vendor still refuses.
		a.endVendorWait(ctx, name)
		a.endConnectionWaits(ctx, name)
	}
	return res, err
}

// Undo previews (DryRun) or applies the undo of run runID: every old value is
// written back where the current value is still what that run wrote.
func (a *App) Undo(ctx context.Context, runID int64, opts RunOptions) (RunResult, error) {
	r, err := a.db.Run(ctx, runID)
	if err != nil {
		return RunResult{}, fmt.Errorf("no run %d: %w", runID, err)
	}
	row, err := a.db.SyncByID(ctx, r.SyncID)
	if err != nil {
		return RunResult{}, err
	}
	if runID <= row.SidesFromRun {
		err := fmt.Errorf("run %d of sync %s wrote to the connection or object the sync used before it was changed, so it cannot be undone: its records' ids would name other records now", runID, row.Name)
		a.logReturned("undo refused", "sync", row.Name, "run", runID, "err", err)
		return RunResult{}, err
	}
	if err := a.undoneRunFinished(ctx, r, row.Name); err != nil {
		a.logReturned("undo refused", "sync", row.Name, "run", runID, "err", err)
		return RunResult{}, err
	}
	// A second undo would write nothing and only add an empty run.
	if by, err := a.db.UndoneBy(ctx, runID); err != nil {
		return RunResult{}, err
	} else if by != 0 {
		err := fmt.Errorf("run %d of sync %s was already undone by run %d; undo run %d to put its values back", runID, row.Name, by, by)
		a.logReturned("undo refused", "sync", row.Name, "run", runID, "err", err)
		return RunResult{}, err
	}
	v, err := a.view(ctx, row)
	if err != nil {
		return RunResult{}, err
	}
	opts.Trigger = "undo"
	return a.runPlan(ctx, v, opts, func(e *engine.Engine, A, B engine.Side) (*engine.Plan, error) {
		return e.Undo(ctx, v.ID, runID, v.Definition, A, B, engine.PlanOptions{})
	})
}

func (a *App) runPlan(ctx context.Context, v SyncView, opts RunOptions, plan func(*engine.Engine, engine.Side, engine.Side) (*engine.Plan, error)) (RunResult, error) {
	if !opts.DryRun {
		if err := a.notRunning(ctx, v.ID, v.Definition.Name); err != nil {
			return RunResult{}, err
		}
	}
	sa, sb, A, B, err := a.sides(ctx, v.Definition)
	if err != nil {
		return RunResult{}, err
	}
	defer a.closeSession(ctx, sa)
	defer a.closeSession(ctx, sb)
	e := a.engine()
	p, err := plan(e, A, B)
	if err != nil {
		a.noteAuthFailure(ctx, err, sa, sb)
		a.noteAccountRefused(ctx, err, sa, sb)
		a.logReturned("sync could not plan", "sync", v.Definition.Name, "err", err)
		return RunResult{}, err
	}
	a.noteSignInWorks(ctx, sa, sb)
	res := RunResult{Plan: p, Sides: SideNamesOf(v.Definition)}
	if opts.DryRun {
		// Apply plans again, so the preview's stored items are not needed;
		// one left behind is dropped by the sync's next plan, so the
		// preview stands.
		if err := e.Discard(ctx, p); err != nil {
			a.log.Warn("drop a preview's stored plan", "sync", v.Definition.Name, "err", err)
		}
		return res, nil
	}
	trigger := opts.Trigger
	if trigger == "" {
		trigger = "manual"
	}
	confirm := opts.Confirm && (opts.ConfirmReason == "" || opts.ConfirmReason == p.Reason)
	sum, err := e.Apply(ctx, p, engine.ApplyOptions{Confirm: confirm, Trigger: trigger, Progress: opts.Progress})
	res.Summary = &sum
	if opts.Previewed != nil && sum.RunID != 0 && !errors.Is(err, engine.ErrNeedsConfirmation) {
		res.SincePreview = differencesFromPreview(opts.Previewed, p, res.Sides)
	}
	a.logWarnings(v.Definition.Name, sum.RunID, p)
	if err != nil {
		a.noteAuthFailure(ctx, err, sa, sb)
		a.noteAccountRefused(ctx, err, sa, sb)
		if errors.Is(err, engine.ErrNeedsConfirmation) {
			a.log.Info("run held for confirmation", "sync", v.Definition.Name, "run", sum.RunID, "why", p.Reason)
		} else {
			a.logReturned("run failed", "sync", v.Definition.Name, "run", sum.RunID, "err", err)
		}
		return res, err
	}
	if sum.Status == "failed" || sum.Status == "partial" {
		// A stop is no record's error: noteRunErrors cannot see it.
		a.noteAuthFailure(ctx, sum.Stopped, sa, sb)
		a.noteAccountRefused(ctx, sum.Stopped, sa, sb)
		res.Failures = a.noteRunErrors(ctx, sum.RunID, v.Definition, sa, sb)
		a.logFailures(v.Definition.Name, sum.RunID, res.Failures)
	}
	if sum.Created+sum.Linked > 0 {
		res.Waiting = a.waitingOn(ctx, v.Definition.Name)
	}
	return res, nil
}

// notRunning returns engine.ErrAlreadyRunning, naming the run under way,
// when sync id (name) has one here or in another process: checked before
// planning, so Sync now, Sync all or a scheduled turn that the run lock
// would refuse reads neither CRM (the user's daily API quota). The lock in
// Apply stays the guard against two runs starting at once.
func (a *App) notRunning(ctx context.Context, id int64, name string) error {
	if err := a.db.CheckNoOpenRun(ctx, id); err != nil {
		return fmt.Errorf("sync %s: %w", name, err)
	}
	return nil
}

// waitingOn lists the syncs whose references wait for the links of sync
// name. It only informs, so a store error is logged, not returned: the run
// itself is done.
func (a *App) waitingOn(ctx context.Context, name string) []SyncWait {
	rows, err := a.db.Syncs(ctx)
	if err != nil {
		a.log.Warn("list the syncs waiting for links", "sync", name, "err", err)
		return nil
	}
	var out []SyncWait
	for _, r := range rows {
		if r.Name == name {
			continue
		}
		counts, err := a.db.RefWaitCounts(ctx, r.ID)
		if err != nil {
			a.log.Warn("count the references waiting for links", "sync", r.Name, "err", err)
			continue
		}
		if n := counts[name]; n > 0 {
			out = append(out, SyncWait{Sync: r.Name, References: n})
		}
	}
	return out
}

// noteRunErrors marks a connection whose grant failed a record "reconnect"
// ("account" when the vendor refused the account), and returns the run's
// failures grouped. It reads the errors a page at a time: a run (an undo
// of a big run among them) can fail for each of 100k records. It only
// informs: a store error is logged, since the run itself is done.
func (a *App) noteRunErrors(ctx context.Context, runID int64, def engine.Definition, sa, sb *Session) []ErrorGroup {
	var g errorGrouper
	where := SideNamesOf(def).Of
	err := a.EachRunError(ctx, runID, func(e store.RunErrorRow) error {
		g.add(e, where)
		a.noteErrorStatus(ctx, e, sa, sb)
		return nil
	})
	if err != nil {
		a.log.Warn("read the run's errors", "run", runID, "err", err)
		return nil
	}
	return g.groups()
}

// noteErrorStatus marks the connection of e's side "reconnect" or
// "account" when e says its grant or account was refused.
func (a *App) noteErrorStatus(ctx context.Context, e store.RunErrorRow, sa, sb *Session) {
	status := map[string]string{string(connector.CatAuth): "reconnect", string(connector.CatAccount): StatusAccount}[e.Category]
	if status == "" {
		return
	}
	s := sa
	if e.Side == "b" {
		s = sb
	}
	if status == "reconnect" && a.signInReplaced(ctx, s) {
		return
	}
	_ = a.db.SetConnectionStatus(context.WithoutCancel(ctx), s.Conn.Name, status, e.Message)
}

// logFailures writes a run's failed records to the log a line per group,
// as the window shows them: which records, which field, the vendor's words.
func (a *App) logFailures(sync string, runID int64, groups []ErrorGroup) {
	for _, g := range groups {
		a.log.Warn("records failed", "sync", sync, "run", runID, "count", g.Count, "where", cmp.Or(g.Where, SideNames{}.Of(g.Side)),
			"field", g.Field, "code", cmp.Or(g.Code, g.Category), "records", strings.Join(g.Records, " "), "message", g.Message)
	}
}

// loggedWarnings is how many of a run's warnings its log line lists: the
// rest are counted, and all are in History.
const loggedWarnings = 5

// logWarnings writes a run's plan warnings to the log in one line, so a
// background run's are not only in a preview nobody saw.
func (a *App) logWarnings(sync string, runID int64, p *engine.Plan) {
	n := len(p.Warnings) + p.WarningsOmitted
	if runID == 0 || n == 0 {
		return
	}
	shown := p.Warnings[:min(len(p.Warnings), loggedWarnings)]
	a.log.Warn("run warnings", "sync", sync, "run", runID, "count", n, "more", n-len(shown), "warnings", strings.Join(shown, " | "))
}

// RunDetail is one run with its field-level audit and record errors.
type RunDetail struct {
	Run   store.RunRow
	Sync  string
	Audit []store.AuditRow
	// AuditTotal is how many fields the run wrote: len(Audit), or more
	// when Audit is a first page (RunDetailPage).
	AuditTotal int
	Errors     []store.RunErrorRow
	// ErrorTotal is how many records failed: len(Errors), or more when
	// Errors is a first page (RunDetailPage).
	ErrorTotal int
	// Groups are Errors grouped by how they failed (GroupErrors).
	Groups []ErrorGroup
	// UndoneBy is the run that undid this one and still stands (0: none).
	UndoneBy int64
	// Unsettled says a stop, cancel or crash left writes of this run whose
	// outcome the next plan settles: the CRM may hold them though Audit
	// does not list them yet, and an undo (which settles them first)
	// writes back those it finds.
	Unsettled bool
	// Before is the sync's run before this one that History compares
	// warnings with (zero when none); RunDetail fills it, Runs does not.
	Before store.RunRow
	// Sides name the run's sides for a person (empty: "side A").
	Sides SideNames
}

// Runs lists recent runs of one sync (or of all syncs when name is "").
func (a *App) Runs(ctx context.Context, name string, limit int) ([]RunDetail, error) {
	rows, err := a.syncRows(ctx, name)
	if err != nil {
		return nil, err
	}
	var out []RunDetail
	for _, s := range rows {
		runs, err := a.db.Runs(ctx, s.ID, limit)
		if err != nil {
			return nil, err
		}
		var def engine.Definition
		named := json.Unmarshal([]byte(s.Definition), &def) == nil
		for _, r := range runs {
			d := RunDetail{Run: r, Sync: s.Name}
			if named && r.ID > s.SidesFromRun { // as runDetail names them
				d.Sides = SideNamesOf(def)
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// Run returns one run with its audit and errors.
func (a *App) RunDetail(ctx context.Context, id int64) (RunDetail, error) {
	return a.runDetail(ctx, id, -1)
}

// RunDetailPage is RunDetail with the audit of the first auditRecords
// records written only, and AuditTotal the run's whole count: a first sync
// of 100k records writes ~850k fields, too many to hold or show at once.
// AuditPage reads the next pages. Errors likewise holds the first
// auditRecords errors of ErrorTotal; ErrorsPage reads the next.
func (a *App) RunDetailPage(ctx context.Context, id int64, auditRecords int) (RunDetail, error) {
	return a.runDetail(ctx, id, auditRecords)
}

// AuditPage returns the audit of up to records records run id wrote after
// the audit row afterID (the last AuditRow.ID of the page before).
func (a *App) AuditPage(ctx context.Context, id, afterID int64, records int) ([]store.AuditRow, error) {
	return a.db.AuditPage(ctx, id, afterID, records)
}

func (a *App) runDetail(ctx context.Context, id int64, auditRecords int) (RunDetail, error) {
	r, err := a.db.Run(ctx, id)
	if err != nil {
		return RunDetail{}, fmt.Errorf("no run %d", id)
	}
	d := RunDetail{Run: r}
	var where func(string) string
	if s, err := a.db.SyncByID(ctx, r.SyncID); err == nil {
		d.Sync = s.Name
		var def engine.Definition
		// A run from before the sync's sides changed wrote elsewhere: the
		// sides it has now do not name that run's.
		if id > s.SidesFromRun && json.Unmarshal([]byte(s.Definition), &def) == nil {
			d.Sides = SideNamesOf(def)
			where = d.Sides.Of
		}
	}
	if d.Audit, err = a.db.AuditPage(ctx, id, 0, auditRecords); err != nil {
		return d, err
	}
	d.AuditTotal = len(d.Audit)
	if auditRecords >= 0 {
		if d.AuditTotal, err = a.db.AuditCount(ctx, id); err != nil {
			return d, err
		}
	}
	if err = a.runErrors(ctx, &d, where, auditRecords); err != nil {
		return d, err
	}
	for i := range d.Groups { // an older run's messages say "side B"
		d.Groups[i].Message = d.Sides.InText(d.Groups[i].Message)
	}
	if d.UndoneBy, err = a.db.UndoneBy(ctx, id); err != nil {
		return d, err
	}
	js, err := a.db.RunPendingJournals(ctx, id)
	if err != nil {
		return d, err
	}
	d.Unsettled = len(js) > 0
	if d.Before, _, err = a.db.RunBefore(ctx, id); err != nil {
		return d, err
	}
	return d, nil
}

// Reviews lists review items of one sync (or all when name is ""), filtered
// by kind and status when those are not "".
func (a *App) Reviews(ctx context.Context, name, kind, status string) ([]ReviewView, error) {
	rows, err := a.syncRows(ctx, name)
	if err != nil {
		return nil, err
	}
	var out []ReviewView
	for _, s := range rows {
		items, err := a.engine().Reviews(ctx, s.ID, kind, status)
		if err != nil {
			return nil, err
		}
		var def engine.Definition
		names := SideNames{}
		if json.Unmarshal([]byte(s.Definition), &def) == nil {
			names = SideNamesOf(def)
		}
		for _, it := range items {
			out = append(out, ReviewView{ReviewRow: it, Sync: s.Name, Sides: names})
		}
	}
	return out, nil
}

// ReviewView is a review item with its sync's name.
type ReviewView struct {
	store.ReviewRow
	Sync string
	// Sides name the sync's sides, for the item's record and candidates.
	Sides SideNames
}

// Decide records a decision; it is applied on the sync's next run.
func (a *App) Decide(ctx context.Context, reviewID int64, d engine.Decision) error {
	var err error
	if d.Action == "create" {
		err = a.decideCreate(ctx, reviewID, d)
	} else {
		err = a.engine().Decide(ctx, reviewID, d)
	}
	if err != nil {
		a.logReturned("review decision refused", "review", reviewID, "err", err)
	}
	return err
}

// syncRows is the named sync, or every sync when name is "".
func (a *App) syncRows(ctx context.Context, name string) ([]store.SyncRow, error) {
	if name == "" {
		return a.db.Syncs(ctx)
	}
	r, err := a.db.Sync(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("no sync named %q", name)
	}
	return []store.SyncRow{r}, nil
}

// ReviewTarget is the field a review item's "set" decision writes: the
// mapping row's B field (decisions are in B's form), with its type and
// options from the live schema, so a multi-select can be edited as a set
// of choices. ok is false when the row writes several B fields or none.
func (a *App) ReviewTarget(ctx context.Context, it ReviewView) (f connector.Field, ok bool, err error) {
	v, err := a.Sync(ctx, it.Sync)
	if err != nil {
		return f, false, err
	}
	_, b, found := strings.Cut(it.Field, ">") // a row key: "a1+a2>b1"
	if !found || b == "" || strings.Contains(b, "+") {
		return f, false, nil
	}
	sch, err := a.Schema(ctx, v.Definition.B.Connection, v.Definition.B.Object)
	if err != nil {
		return f, false, err
	}
	f, ok = sch.Field(b)
	return f, ok, nil
}
