package engine

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/store"
)

// maxListed caps the creates, updates and links a Plan lists for the JSON
// and the preview; the counts stay exact. Every item lives in the store
// (plan_chunks) and Apply streams them from there: an initial sync of 100k
// records per side plans about 240k writes and links, about 150 MB if held
// in memory.
const maxListed = 1000

// Omitted says how many items each list of a large plan leaves out.
type Omitted struct {
	Creates int    `json:"creates"`
	Updates int    `json:"updates"`
	Links   int    `json:"links"`
	Review  int    `json:"review,omitempty"`
	Note    string `json:"note"`
}

// tally counts a plan's items as the planner adds them.
type tally struct {
	creates, updates map[string]int // per target side
	links, newLinks  int
}

func (p *planner) addWrite(kind string, w Write) {
	if kind == "create" {
		p.tally.creates[w.Side]++
	} else {
		p.tally.updates[w.Side]++
	}
	if rk := (retryKey{w.Side, w.Source}); p.due[rk] || !p.retryWait[rk].IsZero() {
		p.written[rk] = true
	}
	p.spill = append(p.spill, store.PlanItem{Kind: kind, Side: w.Side, Item: encodeWrite(w)})
}

func (p *planner) addLink(l LinkOp) {
	p.tally.links++
	if l.New {
		p.tally.newLinks++
	}
	p.spill = append(p.spill, store.PlanItem{Kind: "link", Item: encodeLink(l)})
}

// flush moves the items added since the last flush to the store.
func (p *planner) flush(ctx context.Context) error {
	if err := p.flushWaits(ctx); err != nil {
		return err
	}
	if len(p.spill) == 0 {
		return nil
	}
	if err := p.e.st.AddPlanItems(ctx, p.plan.id, p.spill); err != nil {
		return err
	}
	p.spill = p.spill[:0]
	return nil
}

// finishPlan stores what is left, lists the first items of each kind in
// order, fills the counts and sorts the rest of the plan.
func (p *planner) finishPlan(ctx context.Context) error {
	if err := p.dropAnswered(ctx); err != nil {
		return err
	}
	if err := p.flush(ctx); err != nil {
		return err
	}
	pl := p.plan
	var err error
	if p.tally.links == 0 && len(p.tally.creates)+len(p.tally.updates) == 0 {
		pl.finish() // nothing stored: most plans of a quiet sync
		pl.countStoredReview()
		return nil
	}
	if pl.Creates, err = listWrites(ctx, p.e.st, pl.id, "create"); err != nil {
		return err
	}
	if pl.Updates, err = listWrites(ctx, p.e.st, pl.id, "update"); err != nil {
		return err
	}
	if pl.Links, err = listLinks(ctx, p.e.st, pl.id, 0, maxListed); err != nil {
		return err
	}
	pl.finish()
	c := &pl.Counts
	c.CreateA, c.CreateB = p.tally.creates["a"], p.tally.creates["b"]
	c.UpdateA, c.UpdateB = p.tally.updates["a"], p.tally.updates["b"]
	c.Link = p.tally.newLinks
	pl.nLinks = p.tally.links
	om := Omitted{Creates: c.CreateA + c.CreateB - len(pl.Creates), Updates: c.UpdateA + c.UpdateB - len(pl.Updates), Links: p.tally.links - len(pl.Links)}
	if om.Creates+om.Updates+om.Links > 0 {
		om.Note = fmt.Sprintf("creates, updates and links list only their first %d items each; counts are exact", maxListed)
		pl.Omitted = &om
	}
	pl.countStoredReview()
	return nil
}

// listWrites returns the first maxListed writes of a kind, side A first.
func listWrites(ctx context.Context, st Store, planID int64, kind string) ([]Write, error) {
	out := []Write{}
	for _, side := range []string{"a", "b"} {
		ws, err := pageWrites(ctx, st, planID, kind, side, 0, maxListed-len(out))
		if err != nil {
			return nil, err
		}
		for _, w := range ws {
			out = append(out, w.Write)
		}
	}
	return out, nil
}

// posWrite is a write with its position in the store, for paging.
type posWrite struct {
	Write
	id int64
}

func pageWrites(ctx context.Context, st Store, planID int64, kind, side string, afterID int64, limit int) ([]posWrite, error) {
	if limit <= 0 {
		return nil, nil
	}
	items, err := st.PlanItems(ctx, planID, kind, side, afterID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]posWrite, len(items))
	for i, it := range items {
		w, err := decodeWrite(it.Item)
		if err != nil {
			return nil, fmt.Errorf("engine: plan %d, item %d: %w", planID, it.ID, err)
		}
		out[i] = posWrite{Write: w, id: it.ID}
	}
	return out, nil
}

func listLinks(ctx context.Context, st Store, planID int64, afterID int64, limit int) ([]LinkOp, error) {
	ls, err := pageLinks(ctx, st, planID, afterID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]LinkOp, len(ls))
	for i, l := range ls {
		out[i] = l.LinkOp
	}
	return out, nil
}

type posLink struct {
	LinkOp
	id int64
}

func pageLinks(ctx context.Context, st Store, planID int64, afterID int64, limit int) ([]posLink, error) {
	items, err := st.PlanItems(ctx, planID, "link", "", afterID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]posLink, len(items))
	for i, it := range items {
		l, err := decodeLink(it.Item)
		if err != nil {
			return nil, fmt.Errorf("engine: plan %d, item %d: %w", planID, it.ID, err)
		}
		out[i] = posLink{LinkOp: l, id: it.ID}
	}
	return out, nil
}

// Discard drops a plan that will not be applied (a preview: Apply plans
// again), so previews do not keep their items in the store.
func (e *Engine) Discard(ctx context.Context, plan *Plan) error {
	plan.applied = true // its items are gone: applying it is refused
	if err := e.st.DropPlan(ctx, plan.id); err != nil {
		return fmt.Errorf("engine: sync %q: %w", plan.Sync, err)
	}
	return nil
}
