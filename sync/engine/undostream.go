package engine

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/crmsync/crmsync/store"
)

// undoPage is how many records' audit an undo reads at a time: a first
// sync of 100k contacts leaves about 175k audit records (850k fields),
// which the undo of it held all at once.
const undoPage = 500

// undoAudit plans the undo of each record the audit of runs wrote (the
// unfinished undos undo runID finished, oldest first, then runID), reading
// it a page at a time. Each record is undone once, with every field the
// runs wrote to it in that order, where its audit first appears, as if the
// whole audit were read at once.
func (p *planner) undoAudit(ctx context.Context, runID int64, runs []int64) error {
	split, err := p.e.st.AuditSplitRecords(ctx, runs)
	if err != nil {
		return fmt.Errorf("engine: undo of run %d: %w", runID, err)
	}
	order := map[int64]int{} // a run's place in runs
	for i, r := range runs {
		order[r] = i
	}
	done := map[store.AuditKey]bool{} // split records undone already
	for _, run := range runs {
		var after int64
		for {
			page, err := p.e.st.AuditPage(ctx, run, after, undoPage)
			if err != nil {
				return fmt.Errorf("engine: undo of run %d: %w", runID, err)
			}
			if len(page) == 0 {
				break
			}
			pairs, err := p.pagePairs(ctx, page)
			if err == nil {
				p.later, err = p.pageLaterWrites(ctx, page, runs)
			}
			if err != nil {
				return fmt.Errorf("engine: undo of run %d: %w", runID, err)
			}
			for rec := range storedRecords(page) {
				if err := p.undoStored(ctx, runID, rec, pairs, split, done, order); err != nil {
					return err
				}
			}
			// The page's writes go to the store, as the planner's passes do.
			if err := p.flush(ctx); err != nil {
				return err
			}
			after = page[len(page)-1].ID
		}
	}
	return nil
}

// undoStored undoes the record of rec, the fields of one stored audit row,
// or, when its audit is split over several rows (split), all of them
// together the first time one is met.
func (p *planner) undoStored(ctx context.Context, runID int64, rec []store.AuditRow, pairs map[store.AuditKey]store.PairRow, split map[store.AuditKey][]int64, done map[store.AuditKey]bool, order map[int64]int) error {
	k := store.AuditKey{Side: rec[0].Side, RecordID: rec[0].RecordID}
	if ids, ok := split[k]; ok {
		if done[k] {
			return nil
		}
		done[k] = true
		all, err := p.e.st.AuditRowsByID(ctx, ids)
		if err != nil {
			return fmt.Errorf("engine: undo of run %d: %w", runID, err)
		}
		// The runs' order, then each run's write order (IDs ascend).
		slices.SortStableFunc(all, func(x, y store.AuditRow) int { return order[x.RunID] - order[y.RunID] })
		rec = all
	}
	pr, ok := pairs[k]
	return p.undoRecord(ctx, runID, k.Side, k.RecordID, rec, pr, ok)
}

// pagePairs looks up the records a page of audit names, with their links
// and linked records, in one query per side: a query per record was about
// half of an undo's CPU. The planner writes no record while it plans, so
// each is as a lookup of its own would find it.
func (p *planner) pagePairs(ctx context.Context, page []store.AuditRow) (map[store.AuditKey]store.PairRow, error) {
	ids := map[string][]string{}
	for rec := range storedRecords(page) {
		ids[rec[0].Side] = append(ids[rec[0].Side], rec[0].RecordID)
	}
	out := make(map[store.AuditKey]store.PairRow, len(ids["a"])+len(ids["b"]))
	for _, side := range []string{"a", "b"} {
		if len(ids[side]) == 0 {
			continue
		}
		prs, err := p.e.st.PairsOf(ctx, p.syncID, side, ids[side])
		if err != nil {
			return nil, err
		}
		for _, pr := range prs {
			out[store.AuditKey{Side: side, RecordID: pr.Rec.ID}] = pr
		}
	}
	return out, nil
}

// storedRecords yields the fields of each stored audit row of page, in
// order (consecutive rows sharing an ID).
func storedRecords(page []store.AuditRow) iter.Seq[[]store.AuditRow] {
	return func(yield func([]store.AuditRow) bool) {
		for start := 0; start < len(page); {
			end := start + 1
			for end < len(page) && page[end].ID == page[start].ID {
				end++
			}
			if !yield(page[start:end]) {
				return
			}
			start = end
		}
	}
}
