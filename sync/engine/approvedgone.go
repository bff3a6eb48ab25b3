package engine

import (
	"context"
	"encoding/json"
)

// A side whose vendor lists no deletes (connector.DeletesUnseen) has its
// deletes found by comparing ids once a day (compareIDs), and its restores
// (a recycle bin that keeps the record's modified time) by nothing until
// the record changes again. Before a run carries out an approved delete of
// such a side's record onto the other CRM, it lists that side's ids again,
// and a record listed live is not deleted on the other side: the person
// approved the delete of a record that has come back.

// approvedDeleteSides are the sides with an approved held delete that
// this run carries out (an undo's delete of what its run created is not
// one: that record is the one deleted).
func (p *planner) approvedDeleteSides(ctx context.Context) (map[string]bool, error) {
	items, err := p.e.st.Reviews(ctx, p.syncID, "delete", "decided")
	if err != nil {
		return nil, err
	}
	sides := map[string]bool{}
	for _, it := range items {
		var d Decision
		_ = json.Unmarshal([]byte(it.Decision), &d)
		if d.Action == "delete" && it.Field != createdField {
			sides[it.Side] = true
		}
	}
	return sides, nil
}

// listedLive says whether side's id listing of this run (forced by an
// approved delete) holds id: the record was restored since it was held.
func (p *planner) listedLive(side, id string) bool {
	return p.liveIDs[side][id]
}
