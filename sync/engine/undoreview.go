package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/crmsync/crmsync/store"
)

// addUndoReview sends an undo's item to review. The plan lists its first
// maxListed items; the rest go to the store with the page's writes (flush)
// and Apply reads them back from there: the undo of a first sync of 100k
// records holds an "approve to delete" item for each record it created.
func (p *planner) addUndoReview(it ReviewItem) {
	if len(p.plan.Review) < maxListed {
		p.plan.Review = append(p.plan.Review, it)
		return
	}
	p.plan.nStoredReview++
	p.spill = append(p.spill, store.PlanItem{Kind: "review", Item: encodeReview(it)})
}

func encodeReview(it ReviewItem) string {
	b, _ := json.Marshal(it) // plain strings and numbers: it cannot fail
	return string(b)
}

// countStoredReview adds the review items a plan left in the store to its
// counts and says so, once the plan is finished (Plan.finish counts those
// it lists).
func (pl *Plan) countStoredReview() {
	if pl.nStoredReview == 0 {
		return
	}
	pl.Counts.Review += pl.nStoredReview
	if pl.Omitted == nil {
		pl.Omitted = &Omitted{}
	}
	pl.Omitted.Review = pl.nStoredReview
	pl.Omitted.Note = fmt.Sprintf("creates, updates, links and review items list only their first %d items each; counts are exact", maxListed)
}

// storeHeldReviews commits the review items a plan left in the store,
// a chunk per transaction.
func (r *run) storeHeldReviews(ctx context.Context) error {
	p := r.plan
	if p.nStoredReview == 0 {
		return nil
	}
	var afterID int64
	for {
		items, err := r.e.st.PlanItems(ctx, p.id, "review", "", afterID, chunkSize)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		c := store.Commit{SyncID: p.SyncID, RunID: r.id}
		for _, pi := range items {
			var it ReviewItem
			if err := json.Unmarshal([]byte(pi.Item), &it); err != nil {
				return fmt.Errorf("engine: plan %d, review item %d: %w", p.id, pi.ID, err)
			}
			c.Reviews = append(c.Reviews, store.ReviewRow{Kind: it.Kind, Side: it.Side, RecordID: it.RecordID, OtherID: it.OtherID,
				Field: it.Field, Detail: reviewDetail(it)})
		}
		if err := r.e.st.Commit(ctx, c); err != nil {
			return err
		}
		r.sum.Review += len(c.Reviews)
		afterID = items[len(items)-1].ID
	}
}
