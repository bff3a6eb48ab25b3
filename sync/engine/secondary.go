package engine

import (
	"context"
	"fmt"
	"strings"
)

// heldBySecondary holds r, about to be created on the other side, for
// review when a further value of one of its match fields (a HubSpot
// contact's additional email, kept by a merge) is the key of an unlinked
// record there under the same rule: that is most likely the same person,
// and the create would be a second one. The records named are held from
// creation in this plan too, as the CRM would refuse their copy. It
// reports whether r was held.
func (p *planner) heldBySecondary(ctx context.Context, side string, r unlinkedRec) (bool, error) {
	ix, other := p.ix[side], otherSide(side)
	for i := range p.def.Match {
		keys := ix.secondaryKeys(i, r.fields)
		if len(keys) == 0 {
			continue
		}
		hs, err := p.e.st.KeyHits(ctx, p.syncID, i, keys)
		if err != nil {
			return false, fmt.Errorf("engine: look up the %s of record %s on side %s: %w", ix.also[i], r.id, strings.ToUpper(side), err)
		}
		it := ReviewItem{Kind: "ambiguous", Side: side, RecordID: r.id}
		var named []string
		for _, h := range hs {
			// One created in this plan still counts: its copy here
			// would be refused, or be this person once more.
			if k := sideOf(other, h.ID); h.Side != other || h.LinkedTo != "" || (p.claimed[k] && !p.creating[k]) {
				continue
			}
			it.Candidates = append(it.Candidates, Candidate{Side: other, ID: h.ID, Rule: i + 1, Key: h.Key})
			named = append(named, fmt.Sprintf("%q, the match key of record %s on side %s", h.Key, h.ID, strings.ToUpper(other)))
		}
		if len(named) == 0 {
			continue
		}
		it.Reason = fmt.Sprintf("record %s on side %s has %s among its %s (further values of %s; rule %s): likely the same person, so it is not created; link them if so, create it anyway, or skip it",
			r.id, strings.ToUpper(side), strings.Join(named, "; "), ix.also[i], ix.rules[i][0], p.ruleLabel(i))
		for _, c := range it.Candidates {
			if p.heldDup == nil {
				p.heldDup = map[string]string{}
			}
			if k := sideOf(other, c.ID); p.heldDup[k] == "" {
				p.heldDup[k] = fmt.Sprintf("record %s on side %s holds its %s among its %s (in review)", r.id, strings.ToUpper(side), ix.rules[i][0], ix.also[i])
			}
		}
		p.plan.Review = append(p.plan.Review, it)
		return true, nil
	}
	return false, nil
}
