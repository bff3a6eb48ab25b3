package engine

import (
	"context"

	"github.com/crmsync/crmsync/store"
)

// auditedValue is one value a run's audit says it wrote.
type auditedValue struct{ side, id, field, value string }

// auditedOf returns what run runID audited of the records of batch es on
// side: a pending journal row of a batch the engine split after a failed
// call (split.go) names records that a part sent again and audited.
func (p *planner) auditedOf(ctx context.Context, runID int64, side string, es []journalEntry) (map[auditedValue]bool, error) {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	rows, err := p.e.st.AuditOfRecords(ctx, runID, side, ids)
	if err != nil {
		return nil, err
	}
	got := make(map[auditedValue]bool, len(rows))
	for _, r := range rows {
		got[auditedValue{r.Side, r.RecordID, r.Field, r.New}] = true
	}
	return got, nil
}

// settledFields builds the audit of the interrupted update e to record
// side, as the record reads now (cur; indexed: the index holds it). inPlace
// says every value sent is there; written says a value was found in place
// that the run's audit did not hold yet, a write to count for the run.
func settledFields(side string, e journalEntry, cur map[string]string, indexed bool, audited map[auditedValue]bool) (audit store.AuditBuilder, inPlace, written bool) {
	inPlace = true
	for _, f := range sortedKeys(e.Fields) {
		rule := "update (reconciled)"
		got, read := cur[f]
		switch {
		case read && got == e.Fields[f] && audited[auditedValue{side, e.ID, f, got}]:
			continue // audited when a part of the split batch wrote it
		case read && got == e.Fields[f]:
			written = true
		case indexed && notWritten(e, f, got, read):
			inPlace = false
			continue
		default:
			rule, inPlace = RuleUpdateUnknown, false
		}
		audit.Add(f, e.Old[f], e.Fields[f], rule)
	}
	return audit, inPlace, written
}

// notWritten reports whether field f of the interrupted update e still
// holds, as read now (got, read), the value the batch replaced: the write
// never reached it, as when the vendor refused the batch's later calls (a
// 429 storm, a lost sign-in after the first of several calls). Audited
// under the stopped run, such a value was taken for its write: undoing that
// run wrote back what the next run had written.
func notWritten(e journalEntry, f, got string, read bool) bool {
	old, known := e.Old[f]
	return read && known && got == old
}
