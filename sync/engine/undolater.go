package engine

import (
	"context"
	"fmt"

	"github.com/crmsync/crmsync/store"
)

// laterWrites are, for an undo's page of records, the newest write of each
// field by a run after those the undo reverses, of this sync or of another
// whose side writes the same connection's object (store.LaterWrites).
type laterWrites map[store.AuditKey]map[string]store.LaterWrite

// pageLaterWrites reads what runs after the undone runs wrote to the
// records of page, one query per side: another sync's run writes those
// records too when one of its sides names the same connection and object.
func (p *planner) pageLaterWrites(ctx context.Context, page []store.AuditRow, runs []int64) (laterWrites, error) {
	ids := map[string][]string{}
	for rec := range storedRecords(page) {
		ids[rec[0].Side] = append(ids[rec[0].Side], rec[0].RecordID)
	}
	out := laterWrites{}
	for _, side := range []string{"a", "b"} {
		sd := p.def.A
		if side == "b" {
			sd = p.def.B
		}
		target := store.WriteTarget{SyncID: p.syncID, Side: side, Connection: sd.Connection, Object: sd.Object}
		got, err := p.e.st.LaterWrites(ctx, runs, target, ids[side])
		if err != nil {
			return nil, err
		}
		for k, v := range got {
			out[k] = v
		}
	}
	return out, nil
}

// rewrittenBy is the run after audit row a's that wrote its field of
// record id on side last, when what it wrote is the value there now: the
// value the undone run wrote is back only because that newer run wrote it
// again (the other side changed back and forth, or a write the stop left
// unknown was made by the next run), and an undo must not revert a newer
// run's write unasked. An undo of another run that wrote it last is no
// such write (it restored a value), nor is a value typed since. The newer
// run may be another sync's writing the same record. RunID 0 if none.
func (p *planner) rewrittenBy(side, id string, a store.AuditRow, now string) store.LaterWrite {
	lw, ok := p.later[store.AuditKey{Side: side, RecordID: id}][a.Field]
	// Later by audit row, the order of writes: another sync's run opened
	// before the undone one may have written after it.
	if !ok || lw.AuditID <= a.ID || lw.UndoOf != 0 || !p.sameValue(side, a.Field, now, lw.New) {
		return store.LaterWrite{}
	}
	return lw
}

// rewrittenReason says why the undo of run runID asks before writing audit
// row a's old value back over the same value run later wrote since (of
// another sync, syncID's other than later's, named).
func rewrittenReason(runID, syncID int64, later store.LaterWrite, a store.AuditRow, now string) string {
	what := fmt.Sprintf("run %d wrote %q", runID, a.New)
	if a.Rule == RuleUpdateUnknown {
		what = fmt.Sprintf("run %d sent %q in a call its stop cut short (outcome unknown)", runID, a.New)
	}
	by := fmt.Sprintf("run %d", later.RunID)
	if later.SyncID != syncID {
		by = fmt.Sprintf("run %d of sync %s", later.RunID, later.SyncName)
	}
	return fmt.Sprintf("%s, and %s wrote %q to %s since, a newer write; undo would overwrite run %d's write with %q",
		what, by, now, a.Field, later.RunID, a.Old)
}
