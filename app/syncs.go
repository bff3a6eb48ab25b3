package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
	"github.com/crmsync/crmsync/sync/engine"
	"github.com/crmsync/crmsync/sync/mapping"
	"github.com/crmsync/crmsync/sync/schedule"
)

// InvalidError lists every problem of a sync definition; nothing was saved.
type InvalidError struct {
	Sync     string
	Problems []mapping.Problem
}

func (e *InvalidError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return fmt.Sprintf("sync %q is invalid:\n  %s", e.Sync, strings.Join(lines, "\n  "))
}

// Unwrap lets callers test errors.Is(err, engine.ErrInvalidDefinition).
func (e *InvalidError) Unwrap() error { return engine.ErrInvalidDefinition }

// Schema fetches an object's live schema from a connection, bypassing the
// metadata cache (the editor and saving a sync must see new fields; the
// fetch refreshes the cache that runs use).
func (a *App) Schema(ctx context.Context, conn, object string) (connector.Schema, error) {
	s, err := a.OpenConnection(ctx, conn)
	if err != nil {
		return connector.Schema{}, err
	}
	defer a.closeSession(ctx, s)
	sch, err := s.Client.Schema(connector.WithFreshSchema(ctx), object)
	if err != nil {
		return connector.Schema{}, fmt.Errorf("schema of %s %s: %w", conn, object, err)
	}
	return sch, nil
}

// ObjectChoices lists the objects a connection offers a sync: its vendor's
// fixed objects and, for a vendor whose objects depend on the account
// (connector.ObjectLister: Mailchimp's audiences), those the account has,
// each with the label the editor shows. An account listing that fails
// still leaves the fixed objects, with the error.
func (a *App) ObjectChoices(ctx context.Context, conn string) ([]connector.ObjectChoice, error) {
	s, err := a.OpenConnection(ctx, conn)
	if err != nil {
		return nil, err
	}
	defer a.closeSession(ctx, s)
	choices := s.Info.ObjectChoices()
	lister, ok := s.Client.(connector.ObjectLister)
	if !ok {
		return choices, nil
	}
	listed, err := lister.ListObjects(ctx)
	if err != nil {
		return choices, fmt.Errorf("objects of %s: %w", conn, err)
	}
	for _, c := range listed {
		if i := slices.IndexFunc(choices, func(f connector.ObjectChoice) bool { return f.Name == c.Name }); i >= 0 {
			choices[i].Label, choices[i].Note = c.Label, c.Note // the account's name for a fixed object, and what it says of it
			continue
		}
		choices = append(choices, c)
	}
	return choices, nil
}

// ValidateSync checks a definition statically and against both live schemas.
// A schema that cannot be fetched is an error, not a problem list.
func (a *App) ValidateSync(ctx context.Context, def engine.Definition) ([]mapping.Problem, error) {
	probs := def.ValidateStatic()
	if def.Schedule != "" {
		if _, err := schedule.Parse(def.Schedule); err != nil {
			probs = append(probs, mapping.Problem{Row: -1, Field: "schedule", Message: err.Error()})
		}
	}
	if len(probs) > 0 {
		return probs, nil
	}
	sa, err := a.Schema(ctx, def.A.Connection, def.A.Object)
	if err != nil {
		return nil, err
	}
	sb, err := a.Schema(ctx, def.B.Connection, def.B.Object)
	if err != nil {
		return nil, err
	}
	probs = def.Validate(sa, sb)
	lp, err := engine.LinkProblems(ctx, a.db, def)
	if err != nil {
		return nil, err
	}
	probs = append(probs, lp...)
	others, err := a.db.Syncs(ctx)
	if err != nil {
		return nil, err
	}
	defs := make([]engine.Definition, 0, len(others))
	for _, row := range others {
		var d engine.Definition
		if json.Unmarshal([]byte(row.Definition), &d) == nil {
			defs = append(defs, d)
		}
	}
	return append(probs, engine.FightProblems(def, defs)...), nil
}

// SaveSync validates a definition fully and stores it; an invalid
// definition is refused with every problem named.
func (a *App) SaveSync(ctx context.Context, def engine.Definition) error {
	probs, err := a.ValidateSync(ctx, def)
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		return &InvalidError{Sync: def.Name, Problems: probs}
	}
	raw, err := json.Marshal(def)
	if err != nil {
		return fmt.Errorf("save sync %s: %w", def.Name, err)
	}
	// A saved sync whose sides change keeps nothing of the old pair: its
	// links, index, cursors and review items name the old objects' records
	// (store.SaveSync leaves them to the caller). Runs and audit stay.
	var sidesChanged bool
	var fullPass string // why the pairs already synced must be merged again
	if row, err := a.db.Sync(ctx, def.Name); err == nil {
		var old engine.Definition
		sidesChanged = json.Unmarshal([]byte(row.Definition), &old) != nil || old.A != def.A || old.B != def.B
		if !sidesChanged {
			fullPass = joinReasons(row.FullPass, fullPassReasons(old, def))
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	id, err := a.db.SaveSync(ctx, def.Name, string(raw))
	if err != nil {
		return err
	}
	if fullPass != "" {
		// A sync that never read reads everything on its first run
		// anyway; one only previewed has read (its index and cursors
		// hold the old definition's fields), and needs the full pass too.
		read, err := a.hasRead(ctx, id)
		if err != nil {
			return fmt.Errorf("save sync %s: %w", def.Name, err)
		}
		if read {
			if err := a.db.SetFullPass(ctx, id, fullPass); err != nil {
				return fmt.Errorf("save sync %s: %w", def.Name, err)
			}
		}
	}
	if sidesChanged {
		if err := a.db.ResetSync(ctx, id); err != nil {
			return fmt.Errorf("save sync %s: forget the old sides' links: %w", def.Name, err)
		}
		// Their review items name the old sides' records too.
		if err := a.db.CloseReviews(ctx, id); err != nil {
			return fmt.Errorf("save sync %s: %w", def.Name, err)
		}
	}
	return nil
}

// hasRead says whether sync id has run or read either side (a preview
// indexes the records it reads and keeps its cursors).
func (a *App) hasRead(ctx context.Context, id int64) (bool, error) {
	runs, err := a.db.Runs(ctx, id, 1)
	if err != nil || len(runs) > 0 {
		return len(runs) > 0, err
	}
	for _, side := range []string{"a", "b"} {
		st, err := a.db.SideState(ctx, id, side)
		if err != nil {
			return false, err
		}
		if st.Cursor != "" || st.MaxSeq > 0 {
			return true, nil
		}
	}
	return false, nil
}

// SyncView is a sync with its latest run, for lists.
type SyncView struct {
	ID         int64
	Definition engine.Definition
	Paused     bool
	LastRun    *store.RunRow
	OpenReview int
	// RetryWaiting counts records in the retry queue; RetryNext is the
	// earliest next try among them.
	RetryWaiting int
	RetryNext    time.Time
	// Waiting counts references left alone until another sync links the
	// records they name, by that sync.
	Waiting map[string]int
	// Health: healthy | warning | error | paused | new
	Health string
	// FullPass says why the next run reads every record and merges every
	// pair again ("" when it reads only what changed).
	FullPass string
	// stored is the definition as stored, which a run planned with: a
	// full pass is done only while it is still the sync's.
	stored string
}

// Sync loads one sync's definition.
func (a *App) Sync(ctx context.Context, name string) (SyncView, error) {
	row, err := a.db.Sync(ctx, name)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return SyncView{}, fmt.Errorf("no sync named %q; list them with `crmsync sync list`", name)
		}
		return SyncView{}, err
	}
	return a.view(ctx, row)
}

func (a *App) view(ctx context.Context, row store.SyncRow) (SyncView, error) {
	var def engine.Definition
	if err := json.Unmarshal([]byte(row.Definition), &def); err != nil {
		return SyncView{}, fmt.Errorf("sync %s: stored definition is damaged: %w", row.Name, err)
	}
	v := SyncView{ID: row.ID, Definition: def, Paused: row.Paused, FullPass: row.FullPass, Health: "new", stored: row.Definition}
	runs, err := a.db.Runs(ctx, row.ID, 1)
	if err != nil {
		return v, err
	}
	if len(runs) > 0 {
		v.LastRun = &runs[0]
	}
	// Counted, not read: the Syncs screen reloads this on every scheduler
	// event, and a queue can hold thousands of items.
	if v.OpenReview, err = a.db.ReviewCount(ctx, row.ID, "open"); err != nil {
		return v, err
	}
	if v.RetryWaiting, v.RetryNext, err = a.db.RetrySummary(ctx, row.ID); err != nil {
		return v, err
	}
	if v.Waiting, err = a.db.RefWaitCounts(ctx, row.ID); err != nil {
		return v, err
	}
	switch {
	case row.Paused:
		v.Health = "paused"
	case v.LastRun == nil:
		v.Health = "new"
	case v.LastRun.Status == "failed":
		v.Health = "error"
	case v.LastRun.Status == "partial" || v.LastRun.Status == "needs_confirmation" || v.OpenReview > 0:
		v.Health = "warning"
	default:
		v.Health = "healthy"
	}
	return v, nil
}

// HasSyncs reports whether any sync is saved, without reading each one's health.
func (a *App) HasSyncs(ctx context.Context) (bool, error) {
	rows, err := a.db.Syncs(ctx)
	if err != nil {
		return false, fmt.Errorf("listing syncs: %w", err)
	}
	return len(rows) > 0, nil
}

// Syncs lists every sync with its health.
func (a *App) Syncs(ctx context.Context) ([]SyncView, error) {
	rows, err := a.db.Syncs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SyncView, 0, len(rows))
	for _, r := range rows {
		v, err := a.view(ctx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// DeleteSync deletes a sync with its links, history and queues. Records in
// the CRMs are never touched. A sync whose links another sync translates
// references through (transform link:NAME) or filters by (linked:NAME) is
// refused: deleting it would leave that sync unable to plan.
func (a *App) DeleteSync(ctx context.Context, name string) error {
	rows, err := a.db.Syncs(ctx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		var def engine.Definition
		if r.Name == name || json.Unmarshal([]byte(r.Definition), &def) != nil {
			continue
		}
		if slices.Contains(mapping.LinkedSyncs(def.Fields), name) {
			return fmt.Errorf("sync %q cannot be deleted: sync %q translates references through its links (transform link:%s); change or delete %q first", name, r.Name, name, r.Name)
		}
		if slices.Contains(engine.FilterSyncs(def), name) {
			return fmt.Errorf("sync %q cannot be deleted: sync %q filters its records by its links (filter linked:%s); change or delete %q first", name, r.Name, name, r.Name)
		}
	}
	if err := a.db.DeleteSync(ctx, name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no sync named %q", name)
		}
		return err
	}
	// A vendor's wait is stored by sync name: a new sync given this name
	// (perhaps between other CRMs) must not inherit it.
	a.endVendorWait(ctx, name)
	// Nor its notified failure: its first failure is news.
	if err := a.SetNotifiedFailure(context.WithoutCancel(ctx), name, ""); err != nil {
		a.log.Warn("forget the notified failure", "sync", name, "err", err)
	}
	return nil
}

// SetPaused pauses or resumes a sync's schedule. A sync paused or resumed
// on its own is no longer one Resume all resumes.
func (a *App) SetPaused(ctx context.Context, name string, paused bool) error {
	if err := a.db.SetSyncPaused(ctx, name, paused); err != nil {
		return err
	}
	return a.forgetPausedByAll(ctx, name)
}
