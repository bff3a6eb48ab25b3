package engine

import (
	"github.com/crmsync/crmsync/store"
	"github.com/crmsync/crmsync/sync/connector"
)

// kept is what an update must keep (connector.Op.Keep): the fields its
// connector says writing one of the update's fields resets
// (connector.Resetter: Dataverse dates an opportunity it closes today),
// where the sync reads them (the index holds them) and the update leaves
// them as they are, with the values the index holds for the record. A
// blank one is left to the vendor. nil for none; r.current must hold the
// batch's records (sendCall).
func (r *run) kept(side string, op connector.Op, id string) map[string]string {
	rs, ok := r.side[side].Conn.(connector.Resetter)
	if !ok {
		return nil
	}
	cur, ok := r.current[id]
	if !ok {
		return nil
	}
	var fields, out map[string]string
	for f := range op.Fields {
		for _, k := range rs.Resets(r.side[side].Object, f) {
			if _, written := op.Fields[k]; written {
				continue
			}
			if fields == nil {
				fields = store.DecodeFields(cur)
			}
			if v := fields[k]; v != "" {
				if out == nil {
					out = map[string]string{}
				}
				out[k] = v
			}
		}
	}
	return out
}
