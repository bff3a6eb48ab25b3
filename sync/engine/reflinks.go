package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/mapping"
)

// refLinks translates references (a contact's company, a task's contact)
// through the links of the syncs named by link:SYNC rows: mapping.Links,
// loaded once per plan. A reference is never translated to a record the
// index holds as deleted, which the vendor would refuse: it waits, like
// one to a record not linked yet. A B id stays comparable as long as its
// link exists (linkedB). A reference to a record merged away reads as one
// to the record it went into: CRMs move a merged record's associations
// to the survivor without modifying the records that hold them, so the
// index keeps the old id until those are read again.
type refLinks struct {
	ab, ba  map[string]map[string]string // sync -> id -> id, to live records only
	linkedB map[string]map[string]bool   // sync -> B ids it links
	// held: sync -> "a:"+id or "b:"+id (our sides) of the records its open
	// review holds to be matched by a person, for linked:SYNC filters.
	held map[string]map[string]bool
}

func (l refLinks) B(sync, a string) (string, bool) { b, ok := l.ab[sync][a]; return b, ok }
func (l refLinks) A(sync, b string) (string, bool) { a, ok := l.ba[sync][b]; return a, ok }
func (l refLinks) LinkedB(sync, b string) bool     { return l.linkedB[sync][b] }

// refSync finds the sync a link:NAME row of def goes through. It must join
// the same two connections; turned is true when its A is def's B. A sync
// may go through its own links (a contact's manager is a contact). problem
// is set, and row is empty, when NAME cannot serve.
func refSync(ctx context.Context, st Store, def Definition, name string) (row store.SyncRow, turned bool, problem string, err error) {
	row, err = st.Sync(ctx, name)
	switch {
	case name == def.Name && errors.Is(err, store.ErrNotFound):
		return store.SyncRow{}, false, "", nil // itself, being saved: no links yet
	case name == def.Name:
		return row, false, "", err
	case errors.Is(err, store.ErrNotFound):
		return store.SyncRow{}, false, fmt.Sprintf("transform link:%s names no sync; create the sync %q that links the referenced records first", name, name), nil
	case err != nil:
		return store.SyncRow{}, false, "", err
	}
	var ref Definition
	if err := json.Unmarshal([]byte(row.Definition), &ref); err != nil {
		return store.SyncRow{}, false, "", fmt.Errorf("engine: sync %q: stored definition: %w", name, err)
	}
	switch {
	case ref.A.Connection == def.A.Connection && ref.B.Connection == def.B.Connection:
		return row, false, "", nil
	case ref.A.Connection == def.B.Connection && ref.B.Connection == def.A.Connection:
		return row, true, "", nil
	}
	return store.SyncRow{}, false, fmt.Sprintf("transform link:%s: sync %q joins %s and %s, not %s and %s",
		name, name, ref.A.Connection, ref.B.Connection, def.A.Connection, def.B.Connection), nil
}

// LinkProblems names the link:SYNC rows of def whose sync does not exist or
// joins other connections; the app checks them before saving.
func LinkProblems(ctx context.Context, st Store, def Definition) ([]mapping.Problem, error) {
	var out []mapping.Problem
	for _, name := range mapping.LinkedSyncs(def.Fields) {
		_, _, problem, err := refSync(ctx, st, def, name)
		if err != nil {
			return nil, err
		}
		if problem != "" {
			out = append(out, mapping.Problem{Row: -1, Field: "link:" + name, Message: problem})
		}
	}
	for _, name := range FilterSyncs(def) {
		problem, err := filterSyncProblem(ctx, st, def, name)
		if err != nil {
			return nil, err
		}
		if problem != "" {
			out = append(out, mapping.Problem{Row: -1, Field: linkedPrefix + name, Message: problem})
		}
	}
	return out, nil
}

// filterSyncProblem says why sync name cannot serve def's "linked:name"
// filters, or "": it must exist and hold, on the filtered side, the same
// connection and object as def.
func filterSyncProblem(ctx context.Context, st Store, def Definition, name string) (string, error) {
	row, turned, problem, err := refSync(ctx, st, def, name)
	switch {
	case err != nil:
		return "", err
	case name == def.Name:
		return "a filter cannot ask whether this sync itself links a record", nil
	case problem != "" || row.ID == 0:
		return fmt.Sprintf("filter %s%s: sync %q must exist and join %s and %s", linkedPrefix, name, name, def.A.Connection, def.B.Connection), nil
	}
	var ref Definition
	if err := json.Unmarshal([]byte(row.Definition), &ref); err != nil {
		return "", fmt.Errorf("engine: sync %q: stored definition: %w", name, err)
	}
	refA, refB := ref.A, ref.B
	if turned {
		refA, refB = refB, refA
	}
	for _, f := range def.Filters.A {
		if n, ok := f.LinkedBy(); ok && n == name && refA.Object != def.A.Object {
			return fmt.Sprintf("filter %s%s on side A: sync %q syncs %s there, not %s", linkedPrefix, name, name, refA.Object, def.A.Object), nil
		}
	}
	for _, f := range def.Filters.B {
		if n, ok := f.LinkedBy(); ok && n == name && refB.Object != def.B.Object {
			return fmt.Sprintf("filter %s%s on side B: sync %q syncs %s there, not %s", linkedPrefix, name, name, refB.Object, def.B.Object), nil
		}
	}
	return "", nil
}

// checkFilterSyncsRan refuses to plan def while a sync its linked:SYNC
// filters name has not applied a run: that sync links nothing yet, so
// every record would pass "linked:SYNC = false" (a leads sync run before
// the contacts sync would make everyone a lead). Sync all and scheduled
// runs run those syncs first.
func (e *Engine) checkFilterSyncsRan(ctx context.Context, def Definition) error {
	for _, name := range FilterSyncs(def) {
		row, err := e.st.Sync(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			continue // LinkProblems names it
		}
		if err != nil {
			return err
		}
		applied := false
		for _, side := range []string{"a", "b"} {
			st, err := e.st.SideState(ctx, row.ID, side)
			if err != nil {
				return err
			}
			// Records planned and applied, or a read that found none.
			applied = applied || st.DoneSeq > 0 || st.Cursor != "" && st.MaxSeq == 0
		}
		if !applied {
			return fmt.Errorf("sync %q: its filter %s%s asks which records sync %q links, and %q has not run yet, so every record would look unlinked: %w",
				def.Name, linkedPrefix, name, name, name, ErrFilterSyncNotRun)
		}
	}
	return nil
}

// loadRefLinks reads the links def's link:SYNC rows translate through and
// its linked:SYNC filters ask about, or returns nil when it has none.
func (e *Engine) loadRefLinks(ctx context.Context, def Definition) (mapping.Links, error) {
	names := mapping.LinkedSyncs(def.Fields)
	for _, n := range FilterSyncs(def) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	l := refLinks{ab: map[string]map[string]string{}, ba: map[string]map[string]string{}, linkedB: map[string]map[string]bool{},
		held: map[string]map[string]bool{}}
	for _, name := range names {
		row, turned, problem, err := refSync(ctx, e.st, def, name)
		if err == nil && slices.Contains(FilterSyncs(def), name) { // its own words for a filter
			problem, err = filterSyncProblem(ctx, e.st, def, name)
		}
		if err != nil {
			return nil, err
		}
		if problem != "" {
			return nil, fmt.Errorf("engine: sync %q: %w: %s", def.Name, ErrInvalidDefinition, problem)
		}
		ab, ba, linked := map[string]string{}, map[string]string{}, map[string]bool{}
		if row.ID != 0 {
			refs, err := e.st.LinkIDs(ctx, row.ID)
			if err != nil {
				return nil, err
			}
			for _, r := range refs {
				a, b, deadA, deadB := r.A, r.B, r.DeadA, r.DeadB
				if turned {
					a, b, deadA, deadB = b, a, deadB, deadA
				}
				linked[b] = true
				if !deadB {
					ab[a] = b
				}
				if !deadA {
					ba[b] = a
				}
			}
			if err := e.followMerges(ctx, row.ID, turned, ab, ba, linked); err != nil {
				return nil, err
			}
		}
		l.ab[name], l.ba[name], l.linkedB[name] = ab, ba, linked
		if row.ID != 0 && slices.Contains(FilterSyncs(def), name) {
			if l.held[name], err = e.heldForMatching(ctx, row.ID, turned); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

// heldForMatching lists the records sync refID's open review holds for a
// person to match (kinds unmatched, ambiguous and duplicate; a duplicate
// skipped too, as its CRM took it for a record it holds), as "a:"+id or
// "b:"+id of our sides: a contacts sync that has a HubSpot contact in
// review still has it, and a leads sync must not make it a Lead meanwhile.
func (e *Engine) heldForMatching(ctx context.Context, refID int64, turned bool) (map[string]bool, error) {
	rows, err := e.st.Reviews(ctx, refID, "", "open")
	if err != nil {
		return nil, err
	}
	dups, err := e.heldDuplicates(ctx, refID)
	if err != nil {
		return nil, err
	}
	for _, r := range dups {
		if r.Status != "open" { // the open ones are in rows already
			rows = append(rows, r)
		}
	}
	held := map[string]bool{}
	for _, r := range rows {
		if r.Kind != "unmatched" && r.Kind != "ambiguous" && r.Kind != kindDuplicate {
			continue
		}
		side := r.Side
		if turned {
			side = otherSide(side)
		}
		held[side+":"+r.RecordID] = true
	}
	return held, nil
}

// linkedOrHeld says whether sync links our side's record id to a live
// record, or holds it in review to be matched.
func (l refLinks) linkedOrHeld(sync, side, id string) bool {
	if l.held[sync][side+":"+id] {
		return true
	}
	if side == "a" {
		_, ok := l.ab[sync][id]
		return ok
	}
	_, ok := l.ba[sync][id]
	return ok
}

// followMerges adds to the translations of sync refID (ab: our A id -> B
// id, ba: B id -> A id) the records merged away on either side, each
// translated as the record it went into, following merges of merges. A
// merged-away record that still has a live link of its own keeps it.
func (e *Engine) followMerges(ctx context.Context, refID int64, turned bool, ab, ba map[string]string, linked map[string]bool) error {
	ourA, ourB := "a", "b"
	if turned {
		ourA, ourB = "b", "a"
	}
	for _, m := range []struct {
		side  string
		trans map[string]string
	}{{ourA, ab}, {ourB, ba}} {
		into, err := e.st.MergedInto(ctx, refID, m.side)
		if err != nil {
			return err
		}
		for old := range into {
			if _, ok := m.trans[old]; ok {
				continue
			}
			heir := old
			for range len(into) { // a chain is no longer than the merges
				next, ok := into[heir]
				if !ok {
					break
				}
				heir = next
			}
			if v, ok := m.trans[heir]; ok {
				m.trans[old] = v
				if m.side == ourB {
					linked[old] = true
				}
			}
		}
	}
	return nil
}
