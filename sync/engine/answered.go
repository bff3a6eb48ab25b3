package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/crmsync/crmsync/store"
)

// dropAnswered leaves out of the plan's review list the items whose
// subject a person answered already (a decision waits, or a skip sticks):
// the store adds no item about them (store.addReviews), so counting them
// would tell the preview and the run's summary of items Review never
// shows. Each is listed as skipped instead, naming the answered item. One
// query per chunk of listed items: nothing is asked per record read.
func (p *planner) dropAnswered(ctx context.Context) error {
	answered := map[store.ReviewSubject]int64{}
	for chunk := range slices.Chunk(p.plan.Review, chunkSize) {
		subs := make([]store.ReviewSubject, len(chunk))
		for i, it := range chunk {
			subs[i] = subjectOf(it)
		}
		got, err := p.e.st.AnsweredReviews(ctx, p.syncID, subs)
		if err != nil {
			return fmt.Errorf("engine: review items answered already: %w", err)
		}
		for sub, id := range got {
			if !slices.Contains(p.plan.reviewOpen, id) { // back in review with this plan (changedSince)
				answered[sub] = id
			}
		}
	}
	if len(answered) == 0 {
		return nil
	}
	p.plan.Review = slices.DeleteFunc(p.plan.Review, func(it ReviewItem) bool {
		id, ok := answered[subjectOf(it)]
		if ok {
			p.plan.addSkip(it.Side, it.RecordID, fmt.Sprintf("answered in review already (item %d): not asked again", id))
		}
		return ok
	})
	return nil
}

func subjectOf(it ReviewItem) store.ReviewSubject {
	return store.ReviewSubject{Kind: it.Kind, Side: it.Side, RecordID: it.RecordID, Field: it.Field}
}
