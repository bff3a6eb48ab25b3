package engine

import (
	"context"

	"github.com/crmsync/crmsync/store"
)

// hitRecords loads, by side and id, the indexed records the key hits of
// recs (side's records being matched) name that a match needs: the other
// side's unlinked ones, which a match may link to, and, on a side with
// filters, every other one, whose filters decide whether it is a
// candidate at all (outsideFilters). A sync without filters loads what
// it always did.
func (p *planner) hitRecords(ctx context.Context, side string, recs []unlinkedRec, hits []map[string][]store.KeyHit) (map[string]map[string]store.IndexRow, error) {
	matching := make(map[string]bool, len(recs))
	for _, r := range recs {
		matching[r.id] = true
	}
	filtered := map[string]bool{"a": len(p.filters("a")) > 0, "b": len(p.filters("b")) > 0}
	ids := map[string][]string{}
	for _, hm := range hits {
		for _, hs := range hm {
			for _, h := range hs {
				switch {
				case h.Side == side && matching[h.ID]:
				case filtered[h.Side], h.Side != side && h.LinkedTo == "":
					ids[h.Side] = append(ids[h.Side], h.ID)
				}
			}
		}
	}
	rows := map[string]map[string]store.IndexRow{}
	for _, s := range []string{"a", "b"} {
		got, err := p.e.st.Records(ctx, p.syncID, s, ids[s])
		if err != nil {
			return nil, err
		}
		rows[s] = make(map[string]store.IndexRow, len(got))
		for _, o := range got {
			rows[s][o.ID] = o
		}
	}
	return rows, nil
}

// outsideFilters says whether hit h names a live record this sync's
// filters leave out: a converted Lead, or a HubSpot contact a "linked:"
// filter gives to another sync.
func (p *planner) outsideFilters(h store.KeyHit, rows map[string]map[string]store.IndexRow) bool {
	if len(p.filters(h.Side)) == 0 {
		return false
	}
	o, ok := rows[h.Side][h.ID]
	return ok && !o.Deleted && !p.passes(h.Side, h.ID, store.DecodeFields(o.Fields))
}

// outsideMatch is the first of the hits left out that is on side other,
// the match a record would have had; "" when none is.
func outsideMatch(outside []store.KeyHit, other string) string {
	for _, h := range outside {
		if h.Side == other {
			return h.ID
		}
	}
	return ""
}
